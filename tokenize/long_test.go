package tokenize

import (
	"fmt"
	"strings"
	"testing"
)

// Pieces long enough for the backtracking encoder, against pkoukk's
// tiktoken-go: its merge is quadratic in the length of a piece (a second
// for 32 KiB on a loaded machine), so the sizes stop at 16 KiB.
func TestLongPiecesMatchReference(t *testing.T) {
	o, c := encodings(t)
	sizes := []int{backtrackFrom, 16 << 10}
	if testing.Short() {
		sizes = sizes[:1]
	}
	for _, enc := range []*Encoding{o, c} {
		ref := reference(t, enc.Name())
		for _, size := range sizes {
			for kind, s := range longPieces(size) {
				if knownDivergence(s) {
					t.Fatalf("%s: the test text has characters pkoukk classes differently", kind)
				}
				if got, want := enc.Count(s), len(ref.EncodeOrdinary(s)); got != want {
					t.Errorf("%s %s of %d bytes: %d tokens, pkoukk %d", enc.Name(), kind, len(s), got, want)
				}
			}
		}
	}
}

// Up to 1 MiB, against the heap merge (which is checked against tiktoken's
// linear scan): both are exact, and the heap's n log n is affordable here.
func TestLongPiecesMatchHeap(t *testing.T) {
	o, c := encodings(t)
	sizes := []int{64 << 10, 1 << 20}
	if testing.Short() {
		sizes = sizes[:1]
	}
	var m mergeState
	var bt backtrack
	for _, enc := range []*Encoding{o, c} {
		v := enc.longVocab()
		for _, size := range sizes {
			for kind, s := range longPieces(size) {
				if got, want := bt.count(v, s), m.mergeCountHeap(enc.ranks, s); got != want {
					t.Errorf("%s %s of %d bytes: backtracking %d tokens, heap %d", enc.Name(), kind, len(s), got, want)
				}
			}
		}
	}
}

// Whole texts with long pieces among short ones, through Count and the
// split, against pkoukk.
func TestLongTextsMatchReference(t *testing.T) {
	o, c := encodings(t)
	pieces := longPieces(backtrackFrom + 100)
	var texts []string
	for _, kind := range []string{"letter", "emoji", "cjk", "random"} {
		texts = append(texts,
			"Hello "+pieces[kind]+"! and then",
			pieces[kind]+"\n\n"+strings.ToUpper(pieces["letter"]),
			fmt.Sprintf("%s's %s 123%s", pieces[kind], pieces["digits"][:999], pieces[kind]))
	}
	for _, enc := range []*Encoding{o, c} {
		ref := reference(t, enc.Name())
		for _, s := range texts {
			if got, want := enc.Count(s), len(ref.EncodeOrdinary(s)); got != want {
				t.Errorf("%s, %d bytes starting %q: %d tokens, pkoukk %d", enc.Name(), len(s), s[:20], got, want)
			}
		}
	}
}

// FuzzLongPiece repeats the input into a piece of at least 4 KiB and counts
// it with the backtracking encoder and the heap merge, as bytes: BPE does
// not need them to be UTF-8. (pkoukk is left out: its regexp2 split and
// quadratic merge take seconds on some such inputs, which starves the
// fuzzer.)
func FuzzLongPiece(f *testing.F) {
	for _, s := range []string{"a", "😀", "ab", "日本語", "aaaaaaab", " \n", "\xe2\x80", "0123456789", "ſ's"} {
		f.Add(s)
	}
	o, c := encodings(f)
	f.Fuzz(func(t *testing.T, s string) {
		if s == "" || len(s) > 256 {
			t.Skip()
		}
		piece := strings.Repeat(s, backtrackFrom/len(s)+1)
		var m mergeState
		var bt backtrack
		for _, enc := range []*Encoding{o, c} {
			if got, want := bt.count(enc.longVocab(), piece), m.mergeCountHeap(enc.ranks, piece); got != want {
				t.Errorf("%s: %q repeated: backtracking %d, heap %d", enc.Name(), s, got, want)
			}
		}
	})
}
