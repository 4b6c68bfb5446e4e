package score

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/ft-tools/ft/tokenize"
	json "github.com/goccy/go-json"
)

// A metric the report has not heard of (one a database scorer adds) is
// counted, rated and compared like the built-in ones.
func TestReport(t *testing.T) {
	r := NewReport(func(m string) (tokenize.InferencePrice, bool) {
		return tokenize.InferencePrice{InputUSDPerMTok: 1, CachedUSDPerMTok: 0.5, OutputUSDPerMTok: 2}, m == "b"
	})
	// a is right on examples 1-3, b on 2-6; both on 2 and 3.
	for i := 1; i <= 6; i++ {
		key := string(rune('0' + i))
		r.Add(Entry{Model: "a", Key: key, Bucket: "find", Metrics: []Metric{{"equivalent", i <= 3, false}, {"executed", true, false}, {"unsafe", i == 1, true}}, Values: []Value{{"xmaner", float64(i) / 8}}, LatencyMS: int64(100 * i)})
		r.Add(Entry{Model: "b", Key: key, Bucket: "aggregate/2", Metrics: []Metric{{"equivalent", i >= 2, false}, {"executed", i != 1, false}},
			Prompt: 1000, Cached: 200, Output: 100, LatencyMS: 50, FromCache: i == 6})
	}
	r.Add(Entry{Model: "c", Key: "other", Metrics: []Metric{{"equivalent", true, false}}, Error: true})
	s := r.Summary()

	a, b := s.Models["a"], s.Models["b"]
	if a.Answers != 6 || a.Counts["equivalent"] != 3 || b.Counts["equivalent"] != 5 || b.Counts["executed"] != 5 {
		t.Fatalf("counts: a %+v, b %+v", a.Counts, b.Counts)
	}
	if a.Means["xmaner"] != 21.0/48 || a.Buckets["find"].Means["xmaner"] != 21.0/48 || b.Means["xmaner"] != 0 {
		t.Errorf("means: a %v, b %v", a.Means, b.Means)
	}
	if got := a.Rates["equivalent"]; got.Rate != 0.5 || got.Low >= 0.5 || got.High <= 0.5 {
		t.Errorf("rate of a: %+v", got)
	}
	if a.Buckets["find"].Counts["equivalent"] != 3 || b.Buckets["aggregate/2"].Answers != 6 {
		t.Errorf("buckets: %+v %+v", a.Buckets["find"], b.Buckets["aggregate/2"])
	}
	if a.CostUSD != nil || b.CostUSD == nil || math.Abs(*b.CostUSD-6*(800+100+200)/1e6) > 1e-12 {
		t.Errorf("cost: a %v, b %v", a.CostUSD, b.CostUSD)
	}
	if a.Latency == nil || a.Latency.P50 != 300 || a.Latency.P95 != 600 || b.Latency.P50 != 50 {
		t.Errorf("latency: a %+v, b %+v", a.Latency, b.Latency)
	}
	if b.FromCache != 1 || s.Models["c"].Errors != 1 {
		t.Errorf("from cache %d, errors %d", b.FromCache, s.Models["c"].Errors)
	}
	if a.Counts["unsafe"] != 1 {
		t.Errorf("unsafe of a: %d", a.Counts["unsafe"])
	}
	// c shares no example with a or b: no comparison of it; unsafe is a
	// flaw, not compared.
	want := []Comparison{
		{Metric: "equivalent", A: "a", B: "b", Examples: 6, AOnly: 1, BOnly: 3, PValue: McNemar(1, 3)},
		{Metric: "executed", A: "a", B: "b", Examples: 6, AOnly: 1, BOnly: 0, PValue: 1},
	}
	if len(s.Comparisons) != len(want) {
		t.Fatalf("comparisons %+v", s.Comparisons)
	}
	for i := range want {
		if s.Comparisons[i] != want[i] {
			t.Errorf("comparison %d: %+v, want %+v", i, s.Comparisons[i], want[i])
		}
	}

	data, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		Models map[string]struct {
			Answers    int     `json:"answers"`
			Equivalent int     `json:"equivalent"`
			Executed   int     `json:"executed"`
			Xmaner     float64 `json:"xmaner"`
			Rates      map[string]Rate
		} `json:"models"`
		Comparisons []Comparison `json:"comparisons"`
	}
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatalf("%v in %s", err, data)
	}
	if m := back.Models["b"]; m.Answers != 6 || m.Equivalent != 5 || m.Executed != 5 || m.Rates["executed"].Rate != 5.0/6 {
		t.Errorf("JSON of b: %+v", m)
	}
	if back.Models["a"].Xmaner != 21.0/48 {
		t.Errorf("JSON xmaner of a: %v", back.Models["a"].Xmaner)
	}
	if len(back.Comparisons) != 2 || back.Comparisons[0].BOnly != 3 {
		t.Errorf("JSON comparisons: %+v", back.Comparisons)
	}

	var text strings.Builder
	if err := s.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		"  executed            5   83.3%  [43.6%, 97.0%]",
		"equivalent: a vs b on 6 examples: 1 W / 3 L, p = 0.62",
		"  equivalent by  find 3/6",
		"  xmaner         mean 0.438",
	} {
		if !strings.Contains(text.String(), line+"\n") {
			t.Errorf("no line %q in\n%s", line, text.String())
		}
	}
}

func TestDiff(t *testing.T) {
	r := Score(
		`db.orders.aggregate([{$match: {status: "A", qty: {$gt: 1}}}, {$group: {_id: "$cust", n: {$sum: 1}}}, {$sort: {n: -1}}])`,
		`db.order.aggregate([{$match: {status: "A", qty: {$gte: 1}}}, {$group: {_id: "$customer", n: {$sum: 1}}}])`,
	)
	if r.Equivalent || r.Diff == nil {
		t.Fatalf("%+v", r)
	}
	d := r.Diff
	got, _ := json.Marshal(d)
	want := `{"collection":{"expected":"orders","answer":"order"},` +
		`"stages":{"missing":[{"name":"$sort","path":"pipeline[2]"}]},` +
		`"operators":{"missing":[{"name":"$gt","path":"pipeline[0].$match.qty.$gt"}],"extra":[{"name":"$gte","path":"pipeline[0].$match.qty.$gte"}]},` +
		`"fields":{"missing":[{"name":"cust","path":"pipeline[1].$group._id"},{"name":"n","path":"pipeline[2].$sort.n"}],"extra":[{"name":"customer","path":"pipeline[1].$group._id"}]}}`
	if string(got) != want {
		t.Errorf("diff\n%s\nwant\n%s", got, want)
	}

	// A huge answer makes a bounded diff.
	var big strings.Builder
	big.WriteString("db.c.find({")
	for i := range 500 {
		fmt.Fprintf(&big, "f%d: %d, ", i, i)
	}
	big.WriteString("})")
	r = Score(`db.c.find({a: 1})`, big.String())
	if r.Diff == nil || len(r.Diff.Fields.Extra) != maxItems || len(r.Diff.Values) > maxValues {
		t.Errorf("diff of a huge answer: %+v", r.Diff)
	}

	// A change of value or direction is where both have the same path.
	r = Score(`db.c.find({qty: 5, s: "A"}).sort({d: 1})`, `db.c.find({s: "B", qty: "5"}).sort({d: -1})`)
	got, _ = json.Marshal(r.Diff)
	want = `{"values":[{"path":"filter.qty","expected":"5","answer":"\"5\""},{"path":"filter.s","expected":"\"A\"","answer":"\"B\""},{"path":"sort.d","expected":"1","answer":"-1"}]}`
	if string(got) != want {
		t.Errorf("diff\n%s\nwant\n%s", got, want)
	}
}
