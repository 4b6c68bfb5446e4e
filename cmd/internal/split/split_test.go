package split

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/ft-tools/ft/cmd/internal/fieldpath"
	"github.com/ft-tools/ft/jsonl"
)

func chat(user, assistant string) string {
	b, err := jsonl.Marshal(map[string]any{"messages": []map[string]string{
		{"role": "system", "content": "shared system turn"},
		{"role": "user", "content": user},
		{"role": "assistant", "content": assistant},
	}})
	if err != nil {
		panic(err)
	}
	return string(b)
}

func grouper(t testing.TB, lines []string, groupBy []string, noGroup bool) *Grouper {
	var paths []fieldpath.Path
	for _, p := range groupBy {
		paths = append(paths, fieldpath.MustParse(p))
	}
	g := NewGrouper(paths, noGroup)
	for i, l := range lines {
		if err := g.Add([]byte(l)); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
	}
	return g
}

// partition turns group ids into sets of example indices, in input order.
func partition(ids []uint32) [][]int {
	byID := map[uint32][]int{}
	var order []uint32
	for i, id := range ids {
		if _, ok := byID[id]; !ok {
			order = append(order, id)
		}
		byID[id] = append(byID[id], i)
	}
	var out [][]int
	for _, id := range order {
		out = append(out, byID[id])
	}
	return out
}

func TestGroups(t *testing.T) {
	for _, tc := range []struct {
		name    string
		lines   []string
		groupBy []string
		noGroup bool
		want    [][]int
	}{
		{name: "all distinct",
			lines: []string{chat("a", "1"), chat("b", "2"), chat("c", "3")},
			want:  [][]int{{0}, {1}, {2}}},
		{name: "paraphrases share the answer",
			lines: []string{chat("how many?", "q1"), chat("count them", "q2"), chat("number of them?", "q1")},
			want:  [][]int{{0, 2}, {1}}},
		{name: "same question, case and spaces aside",
			lines: []string{chat("How many  orders?", "q1"), chat(" how many orders? ", "q2"), chat("other", "q3")},
			want:  [][]int{{0, 1}, {2}}},
		{name: "answer case matters",
			lines: []string{chat("a", "db.Orders.find()"), chat("b", "db.orders.find()")},
			want:  [][]int{{0}, {1}}},
		{name: "answer spacing does not",
			lines: []string{chat("a", "db.orders.find(\n  {}\n)"), chat("b", "db.orders.find( {} )")},
			want:  [][]int{{0, 1}}},
		{name: "chains join transitively",
			lines: []string{chat("a", "1"), chat("b", "2"), chat("b", "3"), chat("c", "3"), chat("d", "1")},
			want:  [][]int{{0, 4}, {1, 2, 3}}},
		{name: "a user turn never matches an assistant turn",
			lines: []string{chat("same", "x"), chat("y", "same")},
			want:  [][]int{{0}, {1}}},
		{name: "no grouping",
			lines:   []string{chat("a", "1"), chat("a", "1")},
			noGroup: true,
			want:    [][]int{{0}, {1}}},
		{name: "group-by a field",
			lines: []string{`{"messages":[{"role":"user","content":"a"}],"db":"x"}`, `{"messages":[{"role":"user","content":"b"}],"db":"y"}`,
				`{"messages":[{"role":"user","content":"c"}],"db":"x"}`, `{"messages":[{"role":"user","content":"d"}]}`},
			groupBy: []string{"db"},
			want:    [][]int{{0, 2}, {1}, {3}}},
		{name: "legacy prompt and completion",
			lines: []string{`{"prompt":"p","completion":"c1"}`, `{"prompt":"P","completion":"c2"}`, `{"prompt":"q","completion":"c3"}`},
			want:  [][]int{{0, 1}, {2}}},
		{name: "no turns: grouped by bytes",
			lines: []string{`{"x":1}`, `{"x":2}`, `{"x":1}`},
			want:  [][]int{{0, 2}, {1}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := partition(grouper(t, tc.lines, tc.groupBy, tc.noGroup).groups())
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("groups = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestAddProblems(t *testing.T) {
	for line, code := range map[string]string{
		"{\"messages\":\xff}": "invalid_utf8",
		`{"messages":[`:       "invalid_json",
		`[1,2]`:               "data_type",
		`"text"`:              "data_type",
		`not json`:            "invalid_json",
	} {
		g := NewGrouper(nil, false)
		err := g.Add([]byte(line))
		p, ok := err.(*Problem)
		if !ok || p.Code != code {
			t.Errorf("Add(%q) = %v, want code %s", line, err, code)
		}
		if g.Len() != 0 {
			t.Errorf("Add(%q) counted a bad line", line)
		}
	}
}

func singles(n int) []string {
	lines := make([]string, n)
	for i := range lines {
		lines[i] = chat(fmt.Sprint("question ", i), fmt.Sprint("answer ", i))
	}
	return lines
}

func trainSet(p *Plan) []int {
	var s []int
	for i := range p.N {
		if p.Train(i) {
			s = append(s, i)
		}
	}
	return s
}

func TestAssignExactWithoutGroups(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 10, 101, 1000} {
		for _, ratio := range []float64{0.1, 0.5, 0.8, 0.9, 0.99} {
			for _, noGroup := range []bool{false, true} {
				p := grouper(t, singles(n), nil, noGroup).Assign(ratio, 7)
				if want := Target(n, ratio); p.TrainN != want || len(trainSet(p)) != want || p.ValN != n-want {
					t.Errorf("n=%d ratio=%g: %d train (%d marked), %d val; want %d train", n, ratio, p.TrainN, len(trainSet(p)), p.ValN, want)
				}
			}
		}
	}
}

// paraphrased returns n examples in groups of up to k sharing an answer.
func paraphrased(n, k int) []string {
	lines := make([]string, n)
	for i := range lines {
		lines[i] = chat(fmt.Sprint("question ", i), fmt.Sprint("answer ", i/k))
	}
	return lines
}

func TestAssignKeepsGroupsTogether(t *testing.T) {
	for _, seed := range []uint64{0, 1, 2, 99} {
		lines := paraphrased(1003, 5)
		p := grouper(t, lines, nil, false).Assign(0.8, seed)
		for i := range lines {
			if p.Train(i) != p.Train(i/5*5) {
				t.Fatalf("seed %d: example %d is on another side than %d, which shares its answer", seed, i, i/5*5)
			}
		}
		if p.Groups != 201 || p.Largest != 5 {
			t.Errorf("seed %d: %d groups, largest %d; want 201, 5", seed, p.Groups, p.Largest)
		}
		if d := p.TrainN - Target(len(lines), 0.8); d < -4 || d > 0 {
			t.Errorf("seed %d: %d training examples, %d from the target", seed, p.TrainN, d)
		}
	}
}

func TestAssignSeed(t *testing.T) {
	lines := singles(500)
	a := trainSet(grouper(t, lines, nil, false).Assign(0.8, 1))
	b := trainSet(grouper(t, lines, nil, false).Assign(0.8, 1))
	c := trainSet(grouper(t, lines, nil, false).Assign(0.8, 2))
	if !slices.Equal(a, b) {
		t.Error("the same seed gave different splits")
	}
	if slices.Equal(a, c) {
		t.Error("seeds 1 and 2 gave the same split")
	}
}

func TestLargeGroup(t *testing.T) {
	lines := paraphrased(10, 8) // groups of 8 and 2
	p := grouper(t, lines, nil, false).Assign(0.5, 3)
	if p.Largest != 8 || (p.TrainN != 8 && p.TrainN != 2) {
		t.Errorf("largest %d, %d training; want 8 and 8 or 2", p.Largest, p.TrainN)
	}
}

func TestNormalHash(t *testing.T) {
	same := [][2]string{{"How many?", "how many?"}, {"a  b", "a b"}, {" a\tb\n", "a b"}, {"ÉTÉ", "été"}, {"a\u00a0b", "a b"}}
	for _, s := range same {
		if normalHash(kindUser, s[0], true) != normalHash(kindUser, s[1], true) {
			t.Errorf("%q and %q hash differently", s[0], s[1])
		}
	}
	differ := [][2]string{{"ab", "a b"}, {"a", "b"}, {"x", "x?"}}
	for _, s := range differ {
		if normalHash(kindUser, s[0], true) == normalHash(kindUser, s[1], true) {
			t.Errorf("%q and %q hash the same", s[0], s[1])
		}
	}
	if normalHash(kindAssistant, "A", false) == normalHash(kindAssistant, "a", false) {
		t.Error("assistant text was case-folded")
	}
	if normalHash(kindUser, " \n ", true) != 0 {
		t.Error("blank text has a key")
	}
}

// BenchmarkGroupAssign groups and assigns a million generated examples in
// groups of five, and reports the memory kept per example after pass 1.
func BenchmarkGroupAssign(b *testing.B) {
	const n = 1_000_000
	lines := make([][]byte, n)
	for i := range lines {
		lines[i] = []byte(chat(fmt.Sprintf("Question %d about orders %s", i, strings.Repeat("x", i%200)), fmt.Sprintf(`db.orders.find({"n": %d})`, i/5)))
	}
	b.ResetTimer()
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		g := NewGrouper(nil, false)
		g.Grow(n)
		for _, l := range lines {
			if err := g.Add(l); err != nil {
				b.Fatal(err)
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		p := g.Assign(0.8, 1)
		if p.N != n {
			b.Fatal(p.N)
		}
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "kept-B/example")
		b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/n, "alloc-B/example")
	}
}

// TestAddObjectOfOtherTypes: an object whose fields have other types than an
// example's is still an object, and is split as one (by its bytes), as an
// object with no turns is; checking types is ft-validate's job.
func TestAddObjectOfOtherTypes(t *testing.T) {
	for _, line := range []string{
		`{"messages":[{"role":"user","content":5},{"role":"assistant","content":"b"}]}`,
		`{"messages":{"role":"user"}}`,
		`{"messages":[{"role":"assistant","content":"b","weight":"x"}]}`,
		`{"messages":[{"role":"assistant","content":"b","weight":1e999999}]}`,
	} {
		g := NewGrouper(nil, false)
		if err := g.Add([]byte(line)); err != nil {
			t.Errorf("Add(%s) = %v, want it split", line, err)
			continue
		}
		if g.Len() != 1 || g.raw != 1 {
			t.Errorf("Add(%s): %d examples, %d by their bytes; want 1 and 1", line, g.Len(), g.raw)
		}
	}
	for line, want := range map[string]string{
		`{"messages":[`: "not valid JSON",
		`not json`:      "not valid JSON",
	} {
		err := NewGrouper(nil, false).Add([]byte(line))
		if err == nil || !strings.HasPrefix(err.Error(), want) || strings.Contains(err.Error(), "Go ") {
			t.Errorf("Add(%q) = %v, want %q and no Go names", line, err, want)
		}
	}
}
