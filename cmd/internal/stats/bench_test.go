package stats

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/ft-tools/ft/jsonl"
	"github.com/ft-tools/ft/tokenize"
)

// benchData is a chat file shaped like the generated benchmark file: a
// system prompt that repeats, a question and a query.
func benchData(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, `{"messages":[{"role":"system","content":"You write MongoDB queries. Answer with one shell command. Style %d."},`+
			`{"role":"user","content":"Find the orders where total is greater than %d and status is \"shipped\", sorted by date?"},`+
			`{"role":"assistant","content":"db.orders.find({\"total\": {\"$gt\": %d}, \"status\": \"shipped\"}).sort({\"date\": -1}).limit(%d)"}]}`+"\n",
			i%12, i*7, i*7, i%50)
	}
	return b.Bytes()
}

func realCounters(b *testing.B, models []tokenize.Model) map[string]func() Counter {
	out := map[string]func() Counter{}
	for _, m := range models {
		if out[m.Encoding] != nil {
			continue
		}
		c, err := tokenize.New(m.Name)
		if err != nil {
			b.Fatal(err)
		}
		out[m.Encoding] = func() Counter { return c.Clone() }
	}
	return out
}

// BenchmarkReadFile is the per-example path of ft-stats: read, decode, count
// in the model's encoding (and a sample in the other), hash, gather.
func BenchmarkReadFile(b *testing.B) {
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			data := benchData(20000)
			model, _ := tokenize.LookupModel("gpt-4o-mini")
			cfg := Config{Model: model, Models: tokenize.Models(), Workers: workers}
			cfg.Counters = realCounters(b, cfg.Models)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				a, err := New(cfg)
				if err != nil {
					b.Fatal(err)
				}
				if err := a.ReadFile(bytes.NewReader(data), "bench", Training); err != nil {
					b.Fatal(err)
				}
				a.Report()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*20000), "ns/example")
		})
	}
}

// BenchmarkReadFileNoCount isolates what ft-stats adds around the token
// counter: a counter that only counts messages.
func BenchmarkReadFileNoCount(b *testing.B) {
	data := benchData(20000)
	model, _ := tokenize.LookupModel("gpt-4o-mini")
	cfg := Config{Model: model, Workers: 1,
		Counters: map[string]func() Counter{model.Encoding: func() Counter { return wordCounter{} }}}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		a, _ := New(cfg)
		if err := a.ReadFile(bytes.NewReader(data), "bench", Training); err != nil {
			b.Fatal(err)
		}
		a.Report()
	}
}

// spinCounter stands for a fast tokenizer: pure CPU work per byte, no
// allocation, no shared state, so the benchmark shows how the pipeline
// scales with workers.
type spinCounter struct{}

func (spinCounter) Example(ex *jsonl.Example) tokenize.Counts {
	var h uint32
	for _, m := range ex.Messages {
		s := m.Content.Text
		for range 8 {
			for i := 0; i < len(s); i++ {
				h = h*31 + uint32(s[i])
			}
		}
	}
	return tokenize.Counts{Total: int(h % 200), Messages: len(ex.Messages)}
}

func BenchmarkPipelineScaling(b *testing.B) {
	data := benchData(20000)
	model, _ := tokenize.LookupModel("gpt-4o-mini")
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			cfg := Config{Model: model, Workers: workers,
				Counters: map[string]func() Counter{model.Encoding: func() Counter { return spinCounter{} }}}
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				a, _ := New(cfg)
				if err := a.ReadFile(bytes.NewReader(data), "bench", Training); err != nil {
					b.Fatal(err)
				}
				a.Report()
			}
		})
	}
}
