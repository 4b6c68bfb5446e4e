package stats

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/ft-tools/ft/jsonl"
	"github.com/ft-tools/ft/tokenize"
)

// Token counts below are worked by hand with wordCounter: an example is
// 3 + Σ(3 + words(role) + words(content) [+ 1 + words(name)]).
const trainFile = `{"messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hello there"},{"role":"assistant","content":"hi"}]}

{"messages":[{"role":"user","content":"what is two plus two"},{"role":"assistant","content":"four"}]}
{"messages": [
{"messages": [{"content": "be brief", "role": "system"}, {"role": "user", "content": "hello there"}, {"role": "assistant", "content": "hi"}]}
{"messages":[{"role":"user","content":"a b c d e f g h i j","name":"bob"},{"role":"assistant","content":"x y z"}]}
`

// Line 1: 3 + (3+1+2) + (3+1+2) + (3+1+1) = 20, assistant 1
// Line 3: 3 + (3+1+5) + (3+1+1) = 17, assistant 1
// Line 4: invalid JSON
// Line 5: line 1 again, other spacing and key order: 20, a duplicate
// Line 6: 3 + (3+1+10+1+1) + (3+1+3) = 26, assistant 3

const valFile = `{"messages":[{"role":"user","content":"what is two plus two"},{"role":"assistant","content":"five"}]}
{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello there"}]}
{"messages":[{"role":"user","content":"new question"},{"role":"assistant","content":"x y z"}]}
[1, 2]
`

var (
	modelA = tokenize.Model{Name: "model-a", Encoding: "e1", ExampleLimit: 20, TrainingUSDPerMTok: 2, Methods: []string{"supervised"}}
	modelB = tokenize.Model{Name: "model-b", Encoding: "e2", ExampleLimit: 0, TrainingUSDPerMTok: 1, Methods: []string{"supervised"}}
)

func analyze(t *testing.T, cfg Config, files ...string) (*Report, []string) {
	t.Helper()
	var bad []string
	cfg.BadLine = func(e *jsonl.LineError) { bad = append(bad, e.File+fmt.Sprintf(":%d:", e.Line)+e.Code) }
	a, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(files); i += 2 {
		split := Training
		if strings.HasPrefix(files[i], "val") {
			split = Validation
		}
		if err := a.ReadFile(strings.NewReader(files[i+1]), files[i], split); err != nil {
			t.Fatal(err)
		}
	}
	return a.Report(), bad
}

func testConfig(workers int) Config {
	return Config{
		Model:  modelA,
		Models: []tokenize.Model{modelA, modelB},
		Counters: map[string]func() Counter{
			"e1": func() Counter { return wordCounter{} },
			"e2": func() Counter { return wordCounter{perWord: 2} },
		},
		Leakage: true,
		Workers: workers,
	}
}

func TestReport(t *testing.T) {
	for _, workers := range []int{1, 2, 3} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			rep, bad := analyze(t, testConfig(workers), "train.jsonl", trainFile, "val.jsonl", valFile)
			if want := []string{"train.jsonl:4:invalid_json", "val.jsonl:4:data_type"}; fmt.Sprint(bad) != fmt.Sprint(want) {
				t.Errorf("bad lines %v, want %v", bad, want)
			}
			s := rep.Summary
			check := func(what string, got, want any) {
				t.Helper()
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("%s = %v, want %v", what, got, want)
				}
			}
			check("training files", rep.TrainingFiles, 1)
			check("examples", s.Examples, 4)
			check("bad lines", s.BadLines, 1)
			check("blank lines", s.BlankLines, 1)
			check("tokens.total", s.Tokens.Total, 20+17+20+26)
			check("tokens.assistant", s.Tokens.Assistant, 1+1+1+3)
			// Sorted totals 17 20 20 26: p50 h=1.5 → 20; p90 h=2.7 → 20+0.7×6.
			check("per example", s.Tokens.PerExample, Dist{Min: 17, Max: 26, Mean: 20.75, P50: 20, P90: 24.2, P95: 25.1, P99: 25.82})
			check("messages", s.Messages, Dist{Min: 2, Max: 3, Mean: 2.5, P50: 2.5, P90: 3, P95: 3, P99: 3})
			check("over limit", s.OverLimit.Lines, []Loc{{"train.jsonl", 6}})
			check("duplicates", s.Duplicates.Examples, 1)
			check("duplicate group", s.Duplicates.Groups, [][]Loc{{{"train.jsonl", 1}, {"train.jsonl", 5}}})
			// 4 examples: 4×3 < 100, so 100//4 = 25 epochs.
			check("epochs", s.RecommendedEpochs, 25)
			// Capped at 20: 20+17+20+20 = 77 per epoch.
			check("billing per epoch", s.BillingPerEpoch, 77)
			check("billing tokens", s.BillingTokens, 77*25)
			check("cost", *s.EstimatedCostUSD, 1925*2/1e6)
			// model-b counts 2 per word and has no limit:
			// 28 + 25 + 28 + 42 = 123 per epoch.
			check("costs rows", len(s.Costs), 2)
			check("model-b tokens", s.Costs[1].Tokens, 123)
			check("model-b billed", s.Costs[1].BillingTokens, 123*25)
			check("model-b cost", *s.Costs[1].EstimatedCostUSD, 3075*1/1e6)
			check("model-b exact", s.Costs[1].Exact, true)
			check("model-a row", s.Costs[0].BillingTokens, s.BillingTokens)

			check("leaked turns", rep.Leakage.Turns, 2)
			check("leaks", rep.Leakage.Pairs, []Leak{
				{"user", Loc{"val.jsonl", 1}, Loc{"train.jsonl", 3}},
				{"assistant", Loc{"val.jsonl", 3}, Loc{"train.jsonl", 6}},
			})
			check("files", len(rep.Files), 2)
			check("val examples", rep.Files[1].Examples, 3)
			check("val split", rep.Files[1].Split, Validation)
			check("val bad", rep.Files[1].BadLines, 1)
		})
	}
}

func TestCombinedFiles(t *testing.T) {
	// Two training files: the combined section pools them, duplicates are
	// found across them and the epochs follow the pooled count.
	a := `{"messages":[{"role":"user","content":"one"},{"role":"assistant","content":"1"}]}
{"messages":[{"role":"user","content":"two"},{"role":"assistant","content":"2"}]}
`
	b := `{"messages":[{"role":"user","content":"three"},{"role":"assistant","content":"3"}]}
{"messages":[{"role":"user","content":"one"},{"role":"assistant","content":"1"}]}
{"messages":[{"role":"user","content":"one"},{"role":"assistant","content":"1"}]}
`
	cfg := testConfig(2)
	cfg.Leakage = false
	rep, _ := analyze(t, cfg, "a.jsonl", a, "b.jsonl", b)
	if rep.Leakage != nil {
		t.Errorf("leakage reported without validation files")
	}
	if rep.Examples != 5 || rep.Files[0].Examples != 2 || rep.Files[1].Examples != 3 {
		t.Errorf("examples %d (%d, %d), want 5 (2, 3)", rep.Examples, rep.Files[0].Examples, rep.Files[1].Examples)
	}
	// Each example: 3 + (3+1+1) + (3+1+1) = 13.
	if rep.Tokens.Total != 65 || rep.BillingPerEpoch != 65 {
		t.Errorf("total %d, billing per epoch %d, want 65", rep.Tokens.Total, rep.BillingPerEpoch)
	}
	if rep.RecommendedEpochs != 20 || rep.Files[0].RecommendedEpochs != 25 {
		t.Errorf("epochs %d and a.jsonl %d, want 20 and 25", rep.RecommendedEpochs, rep.Files[0].RecommendedEpochs)
	}
	want := [][]Loc{{{"a.jsonl", 1}, {"b.jsonl", 2}, {"b.jsonl", 3}}}
	if rep.Duplicates.Examples != 2 || fmt.Sprint(rep.Duplicates.Groups) != fmt.Sprint(want) {
		t.Errorf("duplicates %d %v, want 2 %v", rep.Duplicates.Examples, rep.Duplicates.Groups, want)
	}
	if rep.Files[1].Duplicates.Examples != 1 || rep.Files[0].Duplicates.Examples != 0 {
		t.Errorf("per-file duplicates %d, %d, want 0, 1", rep.Files[0].Duplicates.Examples, rep.Files[1].Duplicates.Examples)
	}
}

func TestSampledCosts(t *testing.T) {
	// Past SampleHead lines, the other encoding counts one line in
	// SampleEvery and scales the rest; with an encoding that counts exactly
	// twice the model's, the estimate is exact.
	var b bytes.Buffer
	n := 3000
	want := 0
	for i := range n {
		words := strings.Repeat("w ", 1+i%7)
		fmt.Fprintf(&b, `{"messages":[{"role":"user","content":%q},{"role":"assistant","content":"ok"}]}`+"\n", words)
		want += 3 + (3 + 1 + 1 + i%7) + (3 + 1 + 1)
	}
	cfg := testConfig(2)
	cfg.Leakage = false
	cfg.Models[1].ExampleLimit = 20
	cfg.Counters["e2"] = func() Counter { return twiceCounter{} }
	for _, exact := range []bool{false, true} {
		cfg.ExactCosts = exact
		rep, _ := analyze(t, cfg, "big.jsonl", b.String())
		if rep.Tokens.Total != int64(want) {
			t.Fatalf("total %d, want %d", rep.Tokens.Total, want)
		}
		row := rep.Costs[1]
		if row.Exact != exact || row.Tokens != int64(2*want) {
			t.Errorf("exact=%v: row tokens %d (exact %v), want %d", exact, row.Tokens, row.Exact, 2*want)
		}
		// Examples count 14..20 in the model, 28..40 in e2, all capped at 20.
		if epochs := int64(rep.RecommendedEpochs); row.BillingTokens != int64(20*n)*epochs {
			t.Errorf("exact=%v: row billed %d, want %d", exact, row.BillingTokens, int64(20*n)*epochs)
		}
	}
}

func TestWriteText(t *testing.T) {
	rep, _ := analyze(t, testConfig(2), "train.jsonl", trainFile, "val.jsonl", valFile)
	var b bytes.Buffer
	if err := rep.WriteText(&b, TextOptions{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"train.jsonl (training)\n",
		"val.jsonl (validation)\n",
		"  examples           4  (1 bad line not counted, 1 blank line)\n",
		"over limit         1 example over 20 tokens (truncated in training): train.jsonl:6\n",
		"duplicates         1 example repeats an earlier one: train.jsonl:1 = 5\n",
		"epochs             25 (cookbook rule for 4 examples)\n",
		"billed tokens      1,925 (77 per epoch",
		"  model-b  e2         none     123          3,075  1.00  $0.0031\n",
		"    user      val.jsonl:1 = train.jsonl:3\n",
		"│",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b[") {
		t.Errorf("colour without TextOptions.Color")
	}
	// One training file: its section is the combined one, with the cost
	// table once and no copy under another title.
	if strings.Contains(out, "training file (") || strings.Count(out, "cost on every fine-tunable model") != 1 {
		t.Errorf("the only training file is repeated, or its cost table is not there once:\n%s", out)
	}
	b.Reset()
	rep.WriteText(&b, TextOptions{Color: true})
	if !strings.Contains(b.String(), ansiCyan) {
		t.Errorf("no colour with TextOptions.Color")
	}
}

// A validation file's JSON says what its text says: not billed, so no
// epochs, billed tokens or cost.
func TestValidationJSONNotBilled(t *testing.T) {
	rep, _ := analyze(t, testConfig(2), "train.jsonl", trainFile, "val.jsonl", valFile)
	b, err := jsonl.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Billed            bool     `json:"billed"`
		RecommendedEpochs *int     `json:"recommended_epochs"`
		EstimatedCostUSD  *float64 `json:"estimated_cost_usd"`
		Files             []map[string]any
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if !got.Billed || got.RecommendedEpochs == nil || *got.RecommendedEpochs != 25 || got.EstimatedCostUSD == nil {
		t.Errorf("combined training figures: billed %v, epochs %v, cost %v", got.Billed, got.RecommendedEpochs, got.EstimatedCostUSD)
	}
	if len(got.Files) != 2 {
		t.Fatalf("%d files", len(got.Files))
	}
	train, val := got.Files[0], got.Files[1]
	if train["billed"] != true || train["recommended_epochs"] != float64(25) || train["costs"] == nil {
		t.Errorf("training file: %v", train)
	}
	for _, k := range []string{"recommended_epochs", "billing_tokens_per_epoch", "billing_tokens", "estimated_cost_usd", "training_usd_per_1m_tokens"} {
		if v, ok := val[k]; !ok || v != nil {
			t.Errorf("validation %s = %v (present %v), want null", k, v, ok)
		}
	}
	if val["billed"] != false || val["costs"] != nil || val["examples"] != float64(3) {
		t.Errorf("validation file: billed %v, costs %v, examples %v", val["billed"], val["costs"], val["examples"])
	}
}

func TestLongBadLine(t *testing.T) {
	// A long line of garbage is one bad line; the lines around it count.
	a, _ := New(testConfig(2))
	var bad []*jsonl.LineError
	a.cfg.BadLine = func(e *jsonl.LineError) { bad = append(bad, e) }
	in := `{"messages":[{"role":"user","content":"a"}]}` + "\n" + strings.Repeat("x", 300<<10) + "\n" +
		`{"messages":[{"role":"user","content":"b"}]}`
	if err := a.ReadFile(strings.NewReader(in), "long.jsonl", Training); err != nil {
		t.Fatal(err)
	}
	rep := a.Report()
	if rep.Examples != 2 || len(bad) != 1 || bad[0].Line != 2 || bad[0].Code != "invalid_json" {
		t.Errorf("examples %d, bad %v", rep.Examples, bad)
	}
}

// lastAnswers is a Section that keeps where each assistant answer was.
type lastAnswers struct {
	seen  []string
	quiet bool
}

func (l *lastAnswers) Name() string { return "answers" }
func (l *lastAnswers) Add(file string, line int, ex *jsonl.Example) {
	a, _ := ex.LastText("assistant")
	l.seen = append(l.seen, fmt.Sprintf("%s:%d:%s", file, line, a))
}
func (l *lastAnswers) Report() any {
	if l.quiet {
		return nil
	}
	return l.seen
}
func (l *lastAnswers) WriteText(w io.Writer) error {
	_, err := fmt.Fprintf(w, "  %d answers\n", len(l.seen))
	return err
}

func TestSections(t *testing.T) {
	// Sections see every measured example in input order, whatever the
	// number of workers, and a section with nothing to say is left out.
	var b bytes.Buffer
	var want []string
	for i := range 1000 {
		fmt.Fprintf(&b, `{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a%d"}]}`+"\n", i)
		want = append(want, fmt.Sprintf("f.jsonl:%d:a%d", i+1, i))
	}
	for _, quiet := range []bool{false, true} {
		sec := &lastAnswers{quiet: quiet}
		cfg := testConfig(3)
		cfg.Sections = []Section{sec}
		rep, _ := analyze(t, cfg, "f.jsonl", b.String())
		if fmt.Sprint(sec.seen) != fmt.Sprint(want) {
			t.Fatalf("section saw %d answers, not in order", len(sec.seen))
		}
		var out bytes.Buffer
		rep.WriteText(&out, TextOptions{})
		if has := strings.Contains(out.String(), "\nanswers\n  1000 answers\n"); has == quiet {
			t.Errorf("quiet=%v: text has the section: %v", quiet, has)
		}
		if _, has := rep.Sections["answers"]; has == quiet {
			t.Errorf("quiet=%v: JSON has the section: %v", quiet, has)
		}
	}
}

// forkedAnswers is lastAnswers spread over the workers: its forks' lists
// are joined and sorted by line.
type forkedAnswers struct {
	lastAnswers
	forks int
}

func (f *forkedAnswers) Fork() Section { f.forks++; return &forkedAnswers{} }
func (f *forkedAnswers) Join(forks []Section) {
	for _, s := range forks {
		f.seen = append(f.seen, s.(*forkedAnswers).seen...)
	}
	slices.SortFunc(f.seen, func(a, b string) int {
		var la, lb int
		fmt.Sscanf(a, "f.jsonl:%d:", &la)
		fmt.Sscanf(b, "f.jsonl:%d:", &lb)
		return la - lb
	})
}

func TestForkedSection(t *testing.T) {
	var b bytes.Buffer
	var want []string
	for i := range 3000 {
		fmt.Fprintf(&b, `{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a%d"}]}`+"\n", i)
		want = append(want, fmt.Sprintf("f.jsonl:%d:a%d", i+1, i))
	}
	sec := &forkedAnswers{}
	cfg := testConfig(3)
	cfg.Sections = []Section{sec}
	analyze(t, cfg, "f.jsonl", b.String())
	if sec.forks != 3 {
		t.Errorf("%d forks, want one per worker (3)", sec.forks)
	}
	if fmt.Sprint(sec.seen) != fmt.Sprint(want) {
		t.Errorf("joined section saw %d answers, want %d in line order", len(sec.seen), len(want))
	}
}

func TestDuplicateGroupOrder(t *testing.T) {
	// Groups come in the order of their first line, whatever their hashes.
	var b strings.Builder
	for i := range 40 {
		fmt.Fprintf(&b, `{"messages":[{"role":"user","content":"q%d"}]}`+"\n", i%10)
	}
	cfg := testConfig(2)
	cfg.Leakage = false
	rep, _ := analyze(t, cfg, "d.jsonl", b.String())
	if rep.Duplicates.Examples != 30 || len(rep.Duplicates.Groups) != 10 {
		t.Fatalf("duplicates %d in %d groups, want 30 in 10", rep.Duplicates.Examples, len(rep.Duplicates.Groups))
	}
	for i, g := range rep.Duplicates.Groups {
		want := []Loc{{"d.jsonl", i + 1}, {"d.jsonl", i + 11}, {"d.jsonl", i + 21}, {"d.jsonl", i + 31}}
		if fmt.Sprint(g) != fmt.Sprint(want) {
			t.Errorf("group %d = %v, want %v", i, g, want)
		}
	}
}

func TestReportSectionsAreTopLevelKeys(t *testing.T) {
	rep := Report{Summary: Summary{Model: "m", Examples: 2}, Sections: map[string]any{"queries": map[string]int{"parsed": 2}}}
	b, err := jsonl.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		t.Fatalf("%v in %s", err, b)
	}
	if string(top["queries"]) != `{"parsed":2}` || string(top["examples"]) != "2" {
		t.Fatalf("queries = %s, examples = %s in %s", top["queries"], top["examples"], b)
	}
	if _, ok := top["sections"]; ok {
		t.Fatalf("a sections key remains: %s", b)
	}
}
