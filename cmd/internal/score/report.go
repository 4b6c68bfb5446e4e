package score

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"io"
	"slices"
	"strconv"
	"strings"

	json "github.com/goccy/go-json"

	"github.com/ft-tools/ft/cmd/internal/cli"
	"github.com/ft-tools/ft/tokenize"
)

// Metric is one yes-or-no judgement of an answer: parsed, exact,
// equivalent, or one a scorer with a database adds (executed, …). The
// report counts every metric it is given alike.
type Metric struct {
	Name  string
	Value bool
	// Flaw marks a metric that is bad to have, such as unsafe: it is
	// counted and rated, but comparisons, which count the examples a
	// model gets right, leave it out.
	Flaw bool
}

// Value is one graded judgement of an answer, between 0 and 1, such as the
// mean of several metrics; the report gives its mean.
type Value struct {
	Name  string
	Value float64
}

// Entry is one scored answer as the report sees it.
type Entry struct {
	Model string
	// Key names the example, the same for every model asked it, so that
	// models are compared on the examples both answered.
	Key       string
	Bucket    string // the expected query's complexity
	Metrics   []Metric
	Values    []Value
	Error     bool // the API gave no answer
	Prompt    int  // tokens
	Cached    int  // prompt tokens read from OpenAI's prompt cache
	Output    int  // completion tokens
	LatencyMS int64
	FromCache bool // the answer came from ft-ask's cache, with no request
}

// Report sums entries per model. The zero value is not ready; use
// NewReport.
type Report struct {
	price   func(model string) (tokenize.InferencePrice, bool)
	metrics []string // in the order first seen
	flaws   map[string]bool
	values  []string
	models  []string
	acc     map[string]*modelAcc
}

type modelAcc struct {
	answers, errors, fromCache int
	counts                     map[string]int
	sums                       map[string]float64
	buckets                    map[string]*bucketAcc
	prompt, cached, output     int
	cost                       float64
	priced                     bool
	latency                    []int64
	byKey                      map[exampleKey][]bool // metric values per example, in metric order
}

type bucketAcc struct {
	answers int
	counts  map[string]int
	sums    map[string]float64
}

// NewReport returns an empty report; price gives a model's price, nil
// means the built-in table.
func NewReport(price func(string) (tokenize.InferencePrice, bool)) *Report {
	if price == nil {
		price = tokenize.LookupInferencePrice
	}
	return &Report{price: price, acc: map[string]*modelAcc{}, flaws: map[string]bool{}}
}

// Add counts one scored answer.
func (r *Report) Add(e Entry) {
	m := r.acc[e.Model]
	if m == nil {
		m = &modelAcc{counts: map[string]int{}, sums: map[string]float64{}, buckets: map[string]*bucketAcc{}, byKey: map[exampleKey][]bool{}}
		_, m.priced = r.price(e.Model)
		r.acc[e.Model] = m
		r.models = append(r.models, e.Model)
	}
	m.answers++
	if e.Error {
		m.errors++
	}
	if e.FromCache {
		m.fromCache++
	}
	b := m.buckets[e.Bucket]
	if b == nil {
		b = &bucketAcc{counts: map[string]int{}, sums: map[string]float64{}}
		m.buckets[e.Bucket] = b
	}
	b.answers++
	for _, x := range e.Metrics {
		if !slices.Contains(r.metrics, x.Name) {
			r.metrics = append(r.metrics, x.Name)
		}
		if x.Flaw {
			r.flaws[x.Name] = true
		}
		if x.Value {
			m.counts[x.Name]++
			b.counts[x.Name]++
		}
	}
	for _, x := range e.Values {
		if !slices.Contains(r.values, x.Name) {
			r.values = append(r.values, x.Name)
		}
		m.sums[x.Name] += x.Value
		b.sums[x.Name] += x.Value
	}
	vals := make([]bool, 0, len(e.Metrics))
	for _, name := range r.metrics {
		vals = append(vals, metricValue(e.Metrics, name))
	}
	m.byKey[keyOf(e.Key)] = vals // a repeated example counts once in comparisons: its last answer
	m.prompt += e.Prompt
	m.cached += e.Cached
	m.output += e.Output
	if p, ok := r.price(e.Model); ok {
		m.cost += p.USD(e.Prompt, e.Cached, e.Output)
	}
	if !e.Error && !e.FromCache && e.LatencyMS > 0 {
		m.latency = append(m.latency, e.LatencyMS)
	}
}

// exampleKey is a 128-bit hash of an Entry's Key: a million examples then
// cost their verdicts and 16 bytes each, not their questions and queries,
// and two examples share one by chance about once in 10^26 runs.
type exampleKey [16]byte

func keyOf(k string) exampleKey {
	h := fnv.New128a()
	h.Write([]byte(k))
	var out exampleKey
	h.Sum(out[:0])
	return out
}

func metricValue(ms []Metric, name string) bool {
	for _, x := range ms {
		if x.Name == name {
			return x.Value
		}
	}
	return false
}

// Summary is the report as written to --report: counts per metric at the
// top of each model (models.NAME.equivalent is a count), rates with their
// 95% Wilson intervals under rates, and the paired comparisons.
type Summary struct {
	Metrics     []string                 `json:"metrics"`
	Values      []string                 `json:"values"` // graded scores, given as means
	Models      map[string]*ModelSummary `json:"models"`
	Order       []string                 `json:"model_order"`
	Comparisons []Comparison             `json:"comparisons"`
}

// ModelSummary is one model's part of the summary.
type ModelSummary struct {
	Answers   int
	Errors    int
	FromCache int
	Counts    map[string]int
	Rates     map[string]Rate
	Means     map[string]float64
	Buckets   map[string]*BucketSummary
	Tokens    Tokens
	CostUSD   *float64
	Latency   *Latency
	metrics   []string
	values    []string
}

// BucketSummary is a model's results on the examples of one complexity.
type BucketSummary struct {
	Answers int
	Counts  map[string]int
	Rates   map[string]Rate
	Means   map[string]float64
	metrics []string
	values  []string
}

// Rate is a proportion with its 95% Wilson interval.
type Rate struct {
	Rate float64 `json:"rate"`
	Low  float64 `json:"low"`
	High float64 `json:"high"`
}

// Tokens are the tokens a model's answers used.
type Tokens struct {
	Prompt     int `json:"prompt"`
	Cached     int `json:"cached"`
	Completion int `json:"completion"`
}

// Latency is the time to an answer, over the requests actually sent.
type Latency struct {
	P50 int64 `json:"p50"`
	P95 int64 `json:"p95"`
}

// Comparison is two models scored by one metric on the examples both
// answered: AOnly examples only A gets right, BOnly only B, and the exact
// two-sided McNemar p-value of that split.
type Comparison struct {
	Metric   string  `json:"metric"`
	A        string  `json:"a"`
	B        string  `json:"b"`
	Examples int     `json:"examples"`
	AOnly    int     `json:"a_only"`
	BOnly    int     `json:"b_only"`
	PValue   float64 `json:"p_value"`
}

func rate(k, n int) Rate {
	r := Rate{}
	if n > 0 {
		r.Rate = float64(k) / float64(n)
	}
	r.Low, r.High = Wilson(k, n)
	return r
}

// Summary returns the sums so far.
func (r *Report) Summary() Summary {
	s := Summary{Metrics: slices.Clone(r.metrics), Models: map[string]*ModelSummary{}, Order: slices.Clone(r.models), Comparisons: []Comparison{}}
	s.Values = slices.Clone(r.values)
	if s.Metrics == nil {
		s.Metrics = []string{}
	}
	if s.Values == nil {
		s.Values = []string{}
	}
	if s.Order == nil {
		s.Order = []string{}
	}
	for _, name := range r.models {
		m := r.acc[name]
		ms := &ModelSummary{
			Answers: m.answers, Errors: m.errors, FromCache: m.fromCache,
			Counts: map[string]int{}, Rates: map[string]Rate{}, Buckets: map[string]*BucketSummary{},
			Tokens:  Tokens{m.prompt, m.cached, m.output},
			Means:   map[string]float64{},
			metrics: s.Metrics, values: s.Values,
		}
		for _, x := range r.values {
			ms.Means[x] = m.sums[x] / float64(m.answers)
		}
		for _, x := range r.metrics {
			ms.Counts[x] = m.counts[x]
			ms.Rates[x] = rate(m.counts[x], m.answers)
		}
		for bn, b := range m.buckets {
			bs := &BucketSummary{Answers: b.answers, Counts: map[string]int{}, Rates: map[string]Rate{}, Means: map[string]float64{}, metrics: s.Metrics, values: s.Values}
			for _, x := range r.values {
				bs.Means[x] = b.sums[x] / float64(b.answers)
			}
			for _, x := range r.metrics {
				bs.Counts[x] = b.counts[x]
				bs.Rates[x] = rate(b.counts[x], b.answers)
			}
			ms.Buckets[bn] = bs
		}
		if m.priced {
			c := m.cost
			ms.CostUSD = &c
		}
		if len(m.latency) > 0 {
			l := slices.Clone(m.latency)
			slices.Sort(l)
			ms.Latency = &Latency{percentile(l, 50), percentile(l, 95)}
		}
		s.Models[name] = ms
	}
	for mi, metric := range r.metrics {
		if r.flaws[metric] {
			continue
		}
		for i, a := range r.models {
			for _, b := range r.models[i+1:] {
				c, ok := r.compare(metric, mi, a, b)
				if ok {
					s.Comparisons = append(s.Comparisons, c)
				}
			}
		}
	}
	return s
}

func (r *Report) compare(metric string, mi int, a, b string) (Comparison, bool) {
	ma, mb := r.acc[a], r.acc[b]
	c := Comparison{Metric: metric, A: a, B: b}
	for key, va := range ma.byKey {
		vb, ok := mb.byKey[key]
		if !ok {
			continue
		}
		c.Examples++
		x, y := mi < len(va) && va[mi], mi < len(vb) && vb[mi]
		switch {
		case x && !y:
			c.AOnly++
		case y && !x:
			c.BOnly++
		}
	}
	c.PValue = McNemar(c.AOnly, c.BOnly)
	return c, c.Examples > 0
}

// MarshalJSON writes the metric counts and the means of the values as keys
// of the model, beside its answers and errors, so that
// models.NAME.equivalent is a number.
func (m *ModelSummary) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"answers":%d,"errors":%d,"from_cache":%d`, m.Answers, m.Errors, m.FromCache)
	if err := writeCounts(&b, m.metrics, m.Counts, m.Rates, m.values, m.Means); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		key string
		v   any
	}{{"buckets", m.Buckets}, {"tokens", m.Tokens}, {"cost_usd", m.CostUSD}, {"latency_ms", m.Latency}} {
		j, err := json.Marshal(f.v)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&b, `,"%s":%s`, f.key, j)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// MarshalJSON writes a bucket as a model: counts as keys, then rates.
func (bs *BucketSummary) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"answers":%d`, bs.Answers)
	if err := writeCounts(&b, bs.metrics, bs.Counts, bs.Rates, bs.values, bs.Means); err != nil {
		return nil, err
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func writeCounts(b *bytes.Buffer, metrics []string, counts map[string]int, rates map[string]Rate, values []string, means map[string]float64) error {
	for _, x := range metrics {
		k, _ := json.Marshal(x)
		fmt.Fprintf(b, `,%s:%d`, k, counts[x])
	}
	for _, x := range values {
		k, _ := json.Marshal(x)
		v, err := json.Marshal(means[x])
		if err != nil {
			return err
		}
		fmt.Fprintf(b, `,%s:%s`, k, v)
	}
	b.WriteString(`,"rates":{`)
	for i, x := range metrics {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(x)
		v, err := json.Marshal(rates[x])
		if err != nil {
			return err
		}
		fmt.Fprintf(b, `%s:%s`, k, v)
	}
	b.WriteByte('}')
	return nil
}

// WriteText writes the summary for people.
func (s Summary) WriteText(w io.Writer) error {
	var b strings.Builder
	for _, name := range s.Order {
		m := s.Models[name]
		if name == "" {
			name = "(no model)" // lines without a model field
		}
		fmt.Fprintf(&b, "%s\n", name)
		fmt.Fprintf(&b, "  %-14s %s", "answers", cli.Thousands(int64(m.Answers)))
		if m.Errors > 0 {
			fmt.Fprintf(&b, " (%s without an answer: API errors)", cli.Thousands(int64(m.Errors)))
		}
		if m.FromCache > 0 {
			fmt.Fprintf(&b, ", %s from the cache", cli.Thousands(int64(m.FromCache)))
		}
		b.WriteByte('\n')
		for _, x := range s.Metrics {
			r := m.Rates[x]
			fmt.Fprintf(&b, "  %-14s %6s  %5.1f%%  [%.1f%%, %.1f%%]\n", x, cli.Thousands(int64(m.Counts[x])), 100*r.Rate, 100*r.Low, 100*r.High)
		}
		for _, x := range s.Values {
			fmt.Fprintf(&b, "  %-14s mean %.3f\n", x, m.Means[x])
		}
		if len(m.Buckets) > 0 && slices.Contains(s.Metrics, "equivalent") {
			names := make([]string, 0, len(m.Buckets))
			for bn := range m.Buckets {
				names = append(names, bn)
			}
			slices.SortFunc(names, bucketOrder)
			var parts []string
			for _, bn := range names {
				bs := m.Buckets[bn]
				parts = append(parts, fmt.Sprintf("%s %d/%d", bn, bs.Counts["equivalent"], bs.Answers))
			}
			fmt.Fprintf(&b, "  %-14s %s\n", "equivalent by", strings.Join(parts, ", "))
		}
		fmt.Fprintf(&b, "  %-14s %s prompt (%s cached), %s completion", "tokens", cli.Thousands(int64(m.Tokens.Prompt)), cli.Thousands(int64(m.Tokens.Cached)), cli.Thousands(int64(m.Tokens.Completion)))
		if m.CostUSD != nil {
			fmt.Fprintf(&b, ", $%s", dollars(*m.CostUSD))
		} else {
			b.WriteString(", no known price")
		}
		b.WriteByte('\n')
		if m.Latency != nil {
			fmt.Fprintf(&b, "  %-14s p50 %d ms, p95 %d ms\n", "latency", m.Latency.P50, m.Latency.P95)
		}
	}
	for _, c := range s.Comparisons {
		fmt.Fprintf(&b, "%s: %s vs %s on %s examples: %d W / %d L, p = %s\n", c.Metric, c.A, c.B, cli.Thousands(int64(c.Examples)), c.AOnly, c.BOnly, formatP(c.PValue))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// bucketOrder sorts buckets by name, with aggregate/10 after aggregate/9.
func bucketOrder(a, b string) int {
	pa, na, oka := strings.Cut(a, "/")
	pb, nb, okb := strings.Cut(b, "/")
	if oka && okb && pa == pb {
		x, _ := strconv.Atoi(strings.TrimSuffix(na, "+"))
		y, _ := strconv.Atoi(strings.TrimSuffix(nb, "+"))
		return x - y
	}
	return strings.Compare(a, b)
}

// formatP prints a p-value with two significant digits, as TEND's results
// page does: 0.38, 1.5e-15.
func formatP(p float64) string {
	if p >= 0.001 {
		return strconv.FormatFloat(p, 'g', 2, 64)
	}
	s := strconv.FormatFloat(p, 'e', 1, 64)
	return strings.Replace(strings.Replace(s, "e-0", "e-", 1), "e+0", "e+", 1)
}

// dollars prints a cost with cents, or with four significant digits when
// it is below a cent, as a few hundred answers often are.
func dollars(c float64) string {
	if c >= 0.01 || c == 0 {
		return strconv.FormatFloat(c, 'f', 2, 64)
	}
	return strconv.FormatFloat(c, 'g', 4, 64)
}
