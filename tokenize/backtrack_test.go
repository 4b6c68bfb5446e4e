package tokenize

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// Every token must count as one token, and be the merge of its split:
// otherwise the pair test that the encoder relies on is wrong for it.
func TestVocabTokensEncodeToThemselves(t *testing.T) {
	o, c := encodings(t)
	for _, enc := range []*Encoding{o, c} {
		v := enc.longVocab()
		var bt backtrack
		var m mergeState
		tokens := 0
		for r := range uint32(len(v.split)) {
			if v.tokLen(r) == 0 {
				continue
			}
			tokens++
			s := string(v.bytes(r))
			if n := bt.count(v, s); n != 1 {
				t.Errorf("%s: token %d %q counts as %d", enc.Name(), r, s, n)
			}
			if n := m.mergeCountHeap(enc.ranks, s); n != 1 && len(s) > 1 {
				t.Errorf("%s: token %d %q merges to %d tokens", enc.Name(), r, s, n)
			}
			if sp := v.split[r]; v.tokLen(r) > 1 && (sp.left == r || string(v.bytes(sp.left))+string(v.bytes(sp.right)) != s) {
				t.Errorf("%s: token %d %q has no split", enc.Name(), r, s)
			}
		}
		if tokens < 100000 {
			t.Errorf("%s: %d tokens in the vocabulary", enc.Name(), tokens)
		}
	}
}

// The backtracking encoder must count exactly as the heap merge, which is
// tiktoken's merge order (TestMergeHeapMatchesLinear).
func TestBacktrackMatchesHeap(t *testing.T) {
	o, c := encodings(t)
	r := rand.New(rand.NewPCG(5, 6))
	words := []string{"the", " of", "ing", "tion", "aaaa", "ab", "日本", "😀", "xyz", "q", "\xe2", "\x80", "0", "==", "ſ", " ", "  ", "\n", "abcabc", "😀😀", "👍🏽"}
	var m mergeState
	var bt backtrack
	for _, enc := range []*Encoding{o, c} {
		v := enc.longVocab()
		for range 3000 {
			var b strings.Builder
			for b.Len() < 2+r.IntN(600) {
				b.WriteString(words[r.IntN(len(words))])
			}
			s := b.String()
			if h, k := m.mergeCountHeap(enc.ranks, s), bt.count(v, s); h != k {
				t.Fatalf("%s %q: heap %d, backtracking %d", enc.Name(), s, h, k)
			}
		}
	}
}
