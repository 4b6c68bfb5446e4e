package tokenize

import (
	"fmt"
	"math/rand/v2"
	"strings"
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

// longPieces are texts that are one piece of the split: a letter repeated,
// emoji, CJK, random bytes of a small alphabet of letters, an upper-case
// letter (which the o200k split scans twice); and two that the split cuts
// up, digits (in threes) and spaces (all but the last).
func longPieces(size int) map[string]string {
	r := rand.New(rand.NewPCG(9, 10))
	alpha := []byte("abcde")
	rnd := make([]byte, size)
	for i := range rnd {
		rnd[i] = alpha[r.IntN(len(alpha))]
	}
	cjk := []rune("的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包组造落视济喜离虽坏兴切阿细")
	return map[string]string{
		"letter": strings.Repeat("a", size),
		"emoji":  strings.Repeat("😀", size/4),
		"cjk": string(func() []rune {
			b := make([]rune, size/3)
			for i := range b {
				b[i] = cjk[r.IntN(len(cjk))]
			}
			return b
		}()),
		"digits": strings.Repeat("7", size),
		"random": string(rnd),
		"upper":  strings.Repeat("A", size),
		"spaces": strings.Repeat(" ", size),
	}
}

// BenchmarkLongPiece counts texts of one long piece each; ns/op divided by
// the size shows whether the count is linear in the length.
func BenchmarkLongPiece(b *testing.B) {
	enc, err := GetEncoding("o200k_base")
	if err != nil {
		b.Fatal(err)
	}
	enc.longVocab()
	for _, size := range []int{1 << 16, 1 << 20, 1 << 24} {
		pieces := longPieces(size)
		for _, kind := range []string{"letter", "emoji", "cjk", "digits", "random", "upper", "spaces"} {
			s := pieces[kind]
			b.Run(fmt.Sprintf("%s/%dKiB", kind, size>>10), func(b *testing.B) {
				b.SetBytes(int64(len(s)))
				for b.Loop() {
					enc.Count(s)
				}
			})
		}
	}
}

// BenchmarkLongLine is the target case of a line without word breaks: 64
// MiB of one letter and 16M emoji, each one piece. Run it alone (-bench
// LongLine -benchtime 1x) and read ns/op and B/op: memory is the encoder's
// bit a byte and four bytes a token, not a multiple of the text.
func BenchmarkLongLine(b *testing.B) {
	for _, name := range []string{"o200k_base", "cl100k_base"} {
		enc, err := GetEncoding(name)
		if err != nil {
			b.Fatal(err)
		}
		enc.longVocab()
		for _, tc := range []struct{ kind, s string }{
			{"letter", strings.Repeat("a", 64<<20)},
			{"emoji", strings.Repeat("😀", 16<<20)},
		} {
			b.Run(name+"/"+tc.kind, func(b *testing.B) {
				b.SetBytes(int64(len(tc.s)))
				b.ReportAllocs()
				for b.Loop() {
					enc.Count(tc.s)
				}
			})
		}
	}
}

// BenchmarkNewVocab is the one-time cost of the backtracking encoder's
// tables, paid on the first piece of 4 KiB or more.
func BenchmarkNewVocab(b *testing.B) {
	for _, name := range []string{"o200k_base", "cl100k_base"} {
		enc, err := GetEncoding(name)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				newVocab(enc.ranks)
			}
		})
	}
}
