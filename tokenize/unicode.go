package tokenize

import (
	"sync"
	"unicode/utf8"
)

//go:generate sh -c "node gen/unicode.mjs > unicode16.go"

// Character classes of the split patterns, as bits of a byte.
const (
	clsLu    = 1 << iota // \p{Lu}
	clsLl                // \p{Ll}
	clsLt                // \p{Lt}
	clsLm                // \p{Lm}
	clsLo                // \p{Lo}
	clsM                 // \p{M}
	clsN                 // \p{N}
	clsSpace             // \s: the White_Space property, as in Rust's regex

	clsL     = clsLu | clsLl | clsLt | clsLm | clsLo
	clsUpper = clsLu | clsLt | clsLm | clsLo | clsM // o200k: [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]
	clsLower = clsLl | clsLm | clsLo | clsM         // o200k: [\p{Ll}\p{Lm}\p{Lo}\p{M}]
)

type classRange struct {
	lo, hi rune
	cls    uint8
}

// classTable maps every code point to its class byte: a two-level table of
// 256-code-point blocks, identical blocks shared.
type classTable struct {
	index  [(utf8.MaxRune + 1) >> 8]uint16
	blocks []uint8
}

var (
	classesOnce sync.Once
	classes     *classTable
	asciiClass  [utf8.RuneSelf]uint8
)

func loadClasses() {
	classesOnce.Do(func() {
		t := &classTable{}
		seen := map[string]uint16{}
		var block [256]uint8
		k := 0 // next range of unicode16 to apply
		for b := range t.index {
			clear(block[:])
			lo, hi := rune(b<<8), rune(b<<8|0xff)
			for k < len(unicode16) && unicode16[k].hi < lo {
				k++
			}
			for j := k; j < len(unicode16) && unicode16[j].lo <= hi; j++ {
				r := unicode16[j]
				for c := max(r.lo, lo); c <= min(r.hi, hi); c++ {
					block[c-lo] |= r.cls
				}
			}
			id, ok := seen[string(block[:])]
			if !ok {
				id = uint16(len(t.blocks) >> 8)
				seen[string(block[:])] = id
				t.blocks = append(t.blocks, block[:]...)
			}
			t.index[b] = id
		}
		classes = t
		for c := range asciiClass {
			asciiClass[c] = t.class(rune(c))
		}
	})
}

func (t *classTable) class(r rune) uint8 {
	return t.blocks[int(t.index[r>>8])<<8|int(r&0xff)]
}

// classAt decodes the character at s[i]: its class, whether it is \r or \n,
// and its size in bytes. A byte that is not valid UTF-8 is taken as
// U+FFFD (a symbol), as a decoder would replace it.
func classAt(s string, i int) (cls uint8, size int) {
	if c := s[i]; c < utf8.RuneSelf {
		return asciiClass[c&0x7f], 1
	}
	return classAtSlow(s[i:])
}

func classAtSlow(s string) (cls uint8, size int) {
	r, n := utf8.DecodeRuneInString(s)
	return classes.class(r), n
}
