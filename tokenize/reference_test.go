package tokenize

import (
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"

	tiktoken "github.com/pkoukk/tiktoken-go"
	tiktoken_loader "github.com/pkoukk/tiktoken-go-loader"
)

// pkoukk/tiktoken-go is the independent Go reference: it runs tiktoken's
// split patterns through regexp2 with Go's Unicode 15 tables.

var refOnce sync.Once

func reference(t testing.TB, name string) *tiktoken.Tiktoken {
	t.Helper()
	refOnce.Do(func() { tiktoken.SetBpeLoader(tiktoken_loader.NewOfflineLoader()) })
	tk, err := tiktoken.GetEncoding(name)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// The corpus tells where pkoukk departs from tiktoken; it is reported, not
// failed, since it is the reference that is wrong there.
func TestReferenceOnCorpus(t *testing.T) {
	cases := readCorpus(t)
	for _, name := range []string{"o200k_base", "cl100k_base"} {
		tk := reference(t, name)
		bad := 0
		for _, tc := range cases {
			want := tc.O200k
			if name == "cl100k_base" {
				want = tc.Cl100k
			}
			if got := len(tk.EncodeOrdinary(tc.Text)); got != want {
				bad++
				t.Logf("%s: pkoukk %d, tiktoken %d: %s %q", name, got, want, tc.Name, tc.Text)
			}
		}
		t.Logf("%s: pkoukk disagrees with tiktoken on %d of %d cases", name, bad, len(cases))
	}
}

// knownDivergence reports whether s holds a character that Go's Unicode 15
// tables (used by pkoukk through regexp2) class differently from Unicode
// 16 (used by tiktoken), or "'ſ", which tiktoken's (?i:'s) matches and
// regexp2's does not: there pkoukk is wrong, not the counter.
func knownDivergence(s string) bool {
	if strings.Contains(s, "'ſ") {
		return true
	}
	loadClasses()
	for _, r := range s {
		if r == utf8.RuneError {
			return true
		}
		var c uint8
		for _, k := range []struct {
			t   *unicode.RangeTable
			bit uint8
		}{{unicode.Lu, clsLu}, {unicode.Ll, clsLl}, {unicode.Lt, clsLt}, {unicode.Lm, clsLm}, {unicode.Lo, clsLo},
			{unicode.M, clsM}, {unicode.N, clsN}, {unicode.White_Space, clsSpace}} {
			if unicode.Is(k.t, r) {
				c |= k.bit
			}
		}
		if c != classes.class(r) {
			return true
		}
	}
	return false
}

func TestKnownDivergence(t *testing.T) {
	if !knownDivergence("\u1C89") || knownDivergence("abc é 日本 😀 \x7f\uFEFF") {
		t.Error("the Unicode 16 letter U+1C89 must be the only divergence here")
	}
}

// FuzzCount compares the counter with pkoukk/tiktoken-go wherever the two
// use the same Unicode data.
func FuzzCount(f *testing.F) {
	for _, tc := range readCorpus(f) {
		if len(tc.Text) < 200 {
			f.Add(tc.Text)
		}
	}
	o, c := encodings(f)
	refO, refC := reference(f, "o200k_base"), reference(f, "cl100k_base")
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) || knownDivergence(s) {
			t.Skip()
		}
		if got, want := o.Count(s), len(refO.EncodeOrdinary(s)); got != want {
			t.Errorf("o200k %q: %d, pkoukk %d", s, got, want)
		}
		if got, want := c.Count(s), len(refC.EncodeOrdinary(s)); got != want {
			t.Errorf("cl100k %q: %d, pkoukk %d", s, got, want)
		}
	})
}

// TestDifferential counts seeded random texts, messages of the benchmark
// shape and their concatenations, with both counters.
func TestDifferential(t *testing.T) {
	o, c := encodings(t)
	refO, refC := reference(t, "o200k_base"), reference(t, "cl100k_base")
	var texts []string
	for _, ex := range benchExamples(300) {
		for _, m := range ex.Messages {
			texts = append(texts, m.Content.Text)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []rune("aAzZ09 \t\n\r'sStTlLdDmMvVeE.,!?/\\-_()[]{}\"éÉçñßøÆ\u0301\u0308ǅʰª日本語한국어ひカ😀👍🏽\u200d\uFEFF\x7f\u00a0\u3000\u2028\u0085١２²Ⅻ")
	for range 3000 {
		n := 1 + r.IntN(60)
		b := make([]rune, n)
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		texts = append(texts, string(b))
	}
	for _, s := range texts {
		if got, want := o.Count(s), len(refO.EncodeOrdinary(s)); got != want {
			t.Errorf("o200k %q: %d, pkoukk %d", s, got, want)
		}
		if got, want := c.Count(s), len(refC.EncodeOrdinary(s)); got != want {
			t.Errorf("cl100k %q: %d, pkoukk %d", s, got, want)
		}
	}
}

// The heap merge used for long pieces must merge exactly as tiktoken's
// linear scan does.
func TestMergeHeapMatchesLinear(t *testing.T) {
	o, c := encodings(t)
	r := rand.New(rand.NewPCG(3, 4))
	words := []string{"the", " of", "ing", "tion", "aaaa", "ab", "日本", "😀", "xyz", "q", "\xe2", "\x80", "0", "==", "ſ"}
	var m mergeState
	for _, enc := range []*Encoding{o, c} {
		for range 2000 {
			var b strings.Builder
			for b.Len() < 2+r.IntN(400) {
				b.WriteString(words[r.IntN(len(words))])
			}
			s := b.String()
			if a, h := m.mergeCountLinear(enc.ranks, s), m.mergeCountHeap(enc.ranks, s); a != h {
				t.Fatalf("%s %q: linear %d, heap %d", enc.Name(), s, a, h)
			}
		}
	}
}
