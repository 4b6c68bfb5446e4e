package mongoquery

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	json "github.com/goccy/go-json"
)

// sharedFile returns the path of a file under $FT_SHARED, skipping the test
// when FT_SHARED is unset and failing it when the file is missing.
func sharedFile(t *testing.T, rel string) string {
	t.Helper()
	root := os.Getenv("FT_SHARED")
	if root == "" {
		t.Skip("FT_SHARED is not set")
	}
	path := filepath.Join(root, rel)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("FT_SHARED is set but %v", err)
	}
	return path
}

// The independent count turns the shell code into JSON with a few regular
// expressions (quote keys, double the quotes, drop trailing commas), decodes
// it with the JSON decoder, and counts the keys of pipeline elements.
var (
	callArgsRE      = regexp.MustCompile(`(?s)^\s*db\.\w+\.(aggregate|find)\((.*)\)[\s;]*(\.\w+\(.*\))?[\s;]*$`)
	singleQuotedRE  = regexp.MustCompile(`'([^'"\\]*)'`)
	bareKeyRE       = regexp.MustCompile(`([{,]\s*)([A-Za-z_$][\w$.]*)\s*:`)
	trailingCommaRE = regexp.MustCompile(`,(\s*[}\]])`)
)

// independentStages returns the stages of a TEND aggregate call, or ok=false
// when the text is beyond the simple conversion.
func independentStages(mql string) (top []string, all map[string]int, ok bool) {
	m := callArgsRE.FindStringSubmatch(mql)
	if m == nil || m[1] != "aggregate" {
		return nil, nil, false
	}
	text := singleQuotedRE.ReplaceAllString(m[2], `"$1"`)
	text = bareKeyRE.ReplaceAllString(text, `$1"$2":`)
	text = trailingCommaRE.ReplaceAllString(text, "$1")
	var pipeline []any
	if err := json.Unmarshal([]byte(text), &pipeline); err != nil {
		return nil, nil, false
	}
	top, all = decodedStages(toStages(pipeline))
	return top, all, true
}

// decodedStages counts the stages of a decoded pipeline, looking into
// $lookup, $unionWith and $facet.
func decodedStages(p []map[string]any) (top []string, all map[string]int) {
	all = map[string]int{}
	var walk func(p []map[string]any, isTop bool)
	walk = func(p []map[string]any, isTop bool) {
		for _, st := range p {
			for k, v := range st {
				if isTop {
					top = append(top, k)
				}
				all[k]++
				body, _ := v.(map[string]any)
				if sub, ok := body["pipeline"].([]any); ok && (k == "$lookup" || k == "$unionWith") {
					walk(toStages(sub), false)
				}
				if k == "$facet" {
					for _, sub := range body {
						if s, ok := sub.([]any); ok {
							walk(toStages(s), false)
						}
					}
				}
			}
		}
	}
	walk(p, true)
	return top, all
}

func countMap(names []string) map[string]int {
	m := map[string]int{}
	for _, n := range names {
		m[n]++
	}
	return m
}

func diffCounts(a, b map[string]int) []string {
	var out []string
	for k, v := range a {
		if b[k] != v {
			out = append(out, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func TestTENDQueries(t *testing.T) {
	path := sharedFile(t, "data/tend-text-to-nosql/train.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var records []struct {
		ID  int    `json:"record_id"`
		MQL string `json:"MQL"`
	}
	if err := json.Unmarshal(data, &records); err != nil {
		t.Fatal(err)
	}
	if len(records) == 0 {
		t.Fatal("no records")
	}
	var parsed, scripts, failed, counted, uncounted int
	ops := map[string]int{}
	for _, r := range records {
		q, err := Parse(r.MQL)
		if err != nil {
			failed++
			t.Logf("record %d: %v", r.ID, err)
			continue
		}
		if q.Form == FormScript {
			scripts++
			t.Logf("record %d: script", r.ID)
			continue
		}
		parsed++
		ops[q.Operation]++
		if q.Form != FormMongosh {
			t.Errorf("record %d: form %s, want mongosh", r.ID, q.Form)
		}
		if want := regexp.MustCompile(`^db\.(\w+)\.`).FindStringSubmatch(r.MQL); want == nil || q.Collection != want[1] {
			t.Errorf("record %d: collection %q, want %v", r.ID, q.Collection, want)
		}
		if q.Operation != "aggregate" {
			if len(q.AllStages) > 0 {
				t.Errorf("record %d: %s has stages %v", r.ID, q.Operation, q.AllStages)
			}
			continue
		}
		top, all, ok := independentStages(r.MQL)
		if !ok {
			t.Logf("record %d: beyond the independent count", r.ID)
			uncounted++
			continue
		}
		counted++
		if strings.Join(top, " ") != strings.Join(q.Stages, " ") {
			t.Errorf("record %d: stages %v, independent count %v", r.ID, q.Stages, top)
		}
		if d := diffCounts(countMap(q.AllStages), all); len(d) > 0 {
			t.Errorf("record %d: all stages %v, independent count %v", r.ID, q.AllStages, all)
		}
	}
	total := len(records)
	t.Logf("TEND: %d answers, %d parsed (%.2f%%), %d scripts, %d unreadable; operations %v",
		total, parsed, 100*float64(parsed)/float64(total), scripts, failed, ops)
	t.Logf("TEND: stages of %d aggregate answers checked against the independent count, %d beyond it", counted, uncounted)
	if uncounted > counted/20 {
		t.Errorf("the independent count read only %d of %d pipelines", counted, counted+uncounted)
	}
	if float64(parsed+scripts) < 0.99*float64(total) {
		t.Errorf("only %d of %d answers read", parsed+scripts, total)
	}
}

func TestJangel97Outputs(t *testing.T) {
	path := sharedFile(t, "data/jangel97-text-to-mongo/eval.jsonl")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	var total, parsed, errorsAnswers int
	line := 0
	for sc.Scan() {
		line++
		var rec struct {
			Output json.RawMessage `json:"output"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("line %d: %v", line, err)
		}
		total++
		answer := string(rec.Output)
		q, err := Parse(answer)
		if err != nil {
			t.Errorf("line %d: %v", line, err)
			continue
		}
		if q.Form != FormJSON {
			t.Errorf("line %d: form %s", line, q.Form)
		}
		// The independent count: decode the wrapper with encoding rules and
		// take the pipeline's keys, and those of nested pipelines.
		var w struct {
			Type     string           `json:"type"`
			Pipeline []map[string]any `json:"pipeline"`
			Error    *string          `json:"error"`
		}
		if err := json.Unmarshal(rec.Output, &w); err != nil {
			t.Fatalf("line %d: %v", line, err)
		}
		if w.Error != nil {
			errorsAnswers++
			if q.Operation != "error" {
				t.Errorf("line %d: operation %q for an error object", line, q.Operation)
			}
			continue
		}
		parsed++
		if q.Operation != w.Type {
			t.Errorf("line %d: operation %q, want %q", line, q.Operation, w.Type)
		}
		top, all := decodedStages(w.Pipeline)
		if strings.Join(top, " ") != strings.Join(q.Stages, " ") {
			t.Errorf("line %d: stages %v, decoded %v", line, q.Stages, top)
		}
		if d := diffCounts(countMap(q.AllStages), all); len(d) > 0 {
			t.Errorf("line %d: all stages %v, decoded %v", line, q.AllStages, all)
		}
		for _, p := range Check(q, nil, false) {
			if p.Severity == SeverityError {
				t.Errorf("line %d: %s: %s", line, p.Code, p.Message)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	t.Logf("jangel97: %d answers, %d queries parsed, %d error objects", total, parsed, errorsAnswers)
	if total == 0 {
		t.Fatal("no lines")
	}
}

func toStages(list []any) []map[string]any {
	var out []map[string]any
	for _, x := range list {
		if m, ok := x.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// BenchmarkParseTEND parses every TEND answer once per iteration.
func BenchmarkParseTEND(b *testing.B) {
	root := os.Getenv("FT_SHARED")
	if root == "" {
		b.Skip("FT_SHARED is not set")
	}
	data, err := os.ReadFile(filepath.Join(root, "data/tend-text-to-nosql/train.json"))
	if err != nil {
		b.Fatal(err)
	}
	var records []struct {
		MQL string `json:"MQL"`
	}
	if err := json.Unmarshal(data, &records); err != nil {
		b.Fatal(err)
	}
	size := 0
	for _, r := range records {
		size += len(r.MQL)
	}
	b.SetBytes(int64(size))
	for b.Loop() {
		for _, r := range records {
			if _, err := Parse(r.MQL); err != nil {
				b.Fatal(err)
			}
		}
	}
}
