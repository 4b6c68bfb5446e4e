package tokenize

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/ft-tools/ft/jsonl"
)

// benchExamples builds seeded chat examples shaped like the data ft is made
// for: a repeated system prompt, a question, a MongoDB query as the answer,
// with some non-ASCII text.
func benchExamples(n int) []jsonl.Example {
	r := rand.New(rand.NewPCG(42, 7))
	colls := []string{"orders", "customers", "products", "invoices", "shipments", "reviews", "employees", "flights"}
	fields := []string{"status", "total", "price", "created_at", "country", "city", "rating", "name", "quantity", "category"}
	values := []string{"shipped", "pending", "France", "Berlin", "gold", "2023", "electronics", "São Paulo", "Zürich", "東京", "naïve café", "🚀 launch"}
	verbs := []string{"List", "Show", "Find", "Count", "Give me", "Which are", "Return", "How many are"}
	out := make([]jsonl.Example, n)
	for i := range out {
		c, f, g := colls[r.IntN(len(colls))], fields[r.IntN(len(fields))], fields[r.IntN(len(fields))]
		v := values[r.IntN(len(values))]
		k := r.IntN(100000)
		sys := fmt.Sprintf("You are an assistant that writes MongoDB queries. Answer with a single valid MongoDB shell command for the question, using only the fields of the schema. Do not explain. Style %d.", r.IntN(12))
		user := fmt.Sprintf("%s the %s where %s is %q and %s is greater than %d, sorted by %s?", verbs[r.IntN(len(verbs))], c, f, v, g, k, f)
		asst := fmt.Sprintf(`db.%s.aggregate([{"$match": {"%s": "%s", "%s": {"$gt": %d}}}, {"$sort": {"%s": -1}}, {"$limit": %d}, {"$project": {"_id": 0, "%s": 1, "%s": 1}}])`, c, f, v, g, k, f, 1+r.IntN(50), f, g)
		out[i].Messages = []jsonl.Message{
			{Role: "system", Content: jsonl.TextContent(sys)},
			{Role: "user", Content: jsonl.TextContent(user)},
			{Role: "assistant", Content: jsonl.TextContent(asst)},
		}
	}
	return out
}

// benchTexts returns the contents of the examples' messages.
func benchTexts(exs []jsonl.Example) (texts []string, size int) {
	for _, ex := range exs {
		for _, m := range ex.Messages {
			texts = append(texts, m.Content.Text)
			size += len(m.Content.Text)
		}
	}
	return texts, size
}

// BenchmarkCount counts message texts one by one with Encoding.Count (no
// memo of whole strings; the piece cache is used) and with pkoukk's
// EncodeOrdinary, the reference.
func BenchmarkCount(b *testing.B) {
	texts, size := benchTexts(benchExamples(2000))
	for _, name := range []string{"o200k_base", "cl100k_base"} {
		enc, err := GetEncoding(name)
		if err != nil {
			b.Fatal(err)
		}
		tokens := 0
		for _, s := range texts {
			tokens += enc.Count(s)
		}
		b.Run(name+"/ft", func(b *testing.B) {
			b.SetBytes(int64(size))
			for b.Loop() {
				for _, s := range texts {
					enc.Count(s)
				}
			}
			b.ReportMetric(float64(tokens)*float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
		})
		b.Run(name+"/pkoukk", func(b *testing.B) {
			ref := reference(b, name)
			b.SetBytes(int64(size))
			for b.Loop() {
				for _, s := range texts {
					ref.EncodeOrdinary(s)
				}
			}
			b.ReportMetric(float64(tokens)*float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
		})
	}
}

func BenchmarkExample(b *testing.B) {
	exs := benchExamples(5000)
	_, size := benchTexts(exs)
	for _, model := range []string{"gpt-4o-mini", "gpt-3.5-turbo"} {
		c, err := New(model)
		if err != nil {
			b.Fatal(err)
		}
		tokens := 0
		for i := range exs {
			tokens += c.Example(&exs[i]).Total
		}
		b.Run(model, func(b *testing.B) {
			b.SetBytes(int64(size))
			for b.Loop() {
				c := c.Clone() // start cold: no memo carried over from the previous round
				for i := range exs {
					c.Example(&exs[i])
				}
			}
			b.ReportMetric(float64(tokens)*float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
		})
	}
}
