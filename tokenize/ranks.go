package tokenize

import (
	"encoding/binary"
	"math/bits"
	"unsafe"
)

// rankTable maps token bytes to ranks. Looking ranks up is most of the
// work of counting, so tokens of up to 8 bytes (most of them) sit in an
// open-addressing table keyed by their bytes packed into a uint64; longer
// ones are in a Go map.
type rankTable struct {
	shift uint // 64 - log2(len(slots))
	slots []rankSlot
	long  map[string]uint32
	// maxLen is the length of the longest token: a piece has at least
	// len/maxLen tokens, which decides a bounded count without counting.
	maxLen int
}

type rankSlot struct {
	key  uint64 // the bytes, packed
	meta uint32 // 0: empty slot; else 1<<31 | length<<24 | rank
}

const (
	metaUsed  = 1 << 31
	rankMask  = 1<<24 - 1
	shortMax  = 8
	hashMulti = 0x9E3779B97F4A7C15
)

// newRankTable returns an empty table for up to n tokens.
func newRankTable(n int) *rankTable {
	size := 1 << bits.Len(uint(n*2)) // load factor at most 1/2
	return &rankTable{
		shift: uint(64 - bits.TrailingZeros(uint(size))),
		slots: make([]rankSlot, size),
		long:  make(map[string]uint32, n/2),
	}
}

// putShort adds a token of 1 to 8 bytes; s is not retained.
func (t *rankTable) putShort(s string, r uint32) {
	p := pack(s)
	mask := uint64(len(t.slots) - 1)
	for i := t.slot(p, len(s)); ; i = (i + 1) & mask {
		if e := &t.slots[i]; e.meta == 0 {
			e.key, e.meta = p, metaUsed|uint32(len(s))<<24|r
			return
		}
	}
}

// pack returns the bytes of s (1 to 8 of them) as a little-endian uint64.
func pack(s string) uint64 {
	if len(s) == 8 {
		return binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(s), 8))
	}
	var k uint64
	for i := len(s) - 1; i >= 0; i-- {
		k = k<<8 | uint64(s[i])
	}
	return k
}

func (t *rankTable) slot(p uint64, n int) uint64 {
	return ((p ^ uint64(n)<<60) * hashMulti) >> t.shift
}

// get returns the rank of the token with the bytes of s.
func (t *rankTable) get(s string) (uint32, bool) {
	if len(s) > shortMax || len(s) == 0 {
		if r, ok := t.long[s]; ok {
			return r, true
		}
		return noRank, false
	}
	p := pack(s)
	want := metaUsed | uint32(len(s))<<24
	mask := uint64(len(t.slots) - 1)
	for i := t.slot(p, len(s)); ; i = (i + 1) & mask {
		e := &t.slots[i]
		if e.meta == 0 {
			return noRank, false
		}
		if e.meta&^rankMask == want && e.key == p {
			return e.meta & rankMask, true
		}
	}
}
