package tokenize

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"math"
	"strconv"
	"unsafe"

	"github.com/pkoukk/tiktoken-go-loader/assets"
)

const noRank = math.MaxUint32

// loadRanks reads a .tiktoken file embedded by tiktoken-go-loader (one
// token a line: its bytes in base64 and its rank) into a rankTable.
func loadRanks(name string) (*rankTable, error) {
	data, err := assets.Assets.ReadFile(name + ".tiktoken")
	if err != nil {
		return nil, err
	}
	t := newRankTable(bytes.Count(data, []byte{'\n'}) + 1)
	buf := make([]byte, len(data)*3/4) // holds the long tokens, the map's keys
	used := 0
	var tok [256]byte
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		line = bytes.TrimRight(line, "\r")
		if len(line) == 0 {
			continue
		}
		sp := bytes.IndexByte(line, ' ')
		if sp < 0 || base64.StdEncoding.DecodedLen(sp) > len(tok) {
			return nil, fmt.Errorf("%s: bad line %q", name, line)
		}
		n, err := base64.StdEncoding.Decode(tok[:], line[:sp])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		r, err := strconv.ParseUint(unsafe.String(&line[sp+1], len(line)-sp-1), 10, 32)
		if err != nil || r > rankMask {
			return nil, fmt.Errorf("%s: bad rank in %q", name, line)
		}
		t.maxLen = max(t.maxLen, n)
		if n <= shortMax {
			t.putShort(unsafe.String(&tok[0], n), uint32(r))
			continue
		}
		copy(buf[used:], tok[:n])
		t.long[unsafe.String(&buf[used], n)] = uint32(r)
		used += n
	}
	return t, nil
}

// mergeState is scratch space for byte-pair merges, reused between pieces.
type mergeState struct {
	parts []part
	heap  pairHeap
}

type part struct {
	start int
	rank  uint32
	prev  int32 // linked list for the heap variant
	next  int32
}

// heapFrom is the piece length from which merges use a heap: the linear
// scan of tiktoken is quadratic in the length of the piece.
const heapFrom = 256

// mergeCount returns the number of tokens tiktoken's byte_pair_merge gives
// for piece: repeatedly merge the adjacent pair whose concatenation has the
// lowest rank, the leftmost of equal ones, until no pair is a token.
func (m *mergeState) mergeCount(ranks *rankTable, piece string) int {
	if len(piece) >= heapFrom {
		return m.mergeCountHeap(ranks, piece)
	}
	return m.mergeCountLinear(ranks, piece)
}

// mergeCountLinear is tiktoken's byte_pair_merge: a scan for the lowest
// rank after every merge.
func (m *mergeState) mergeCountLinear(ranks *rankTable, piece string) int {
	parts := m.parts[:0]
	minRank, minAt := uint32(noRank), -1
	for i := 0; i < len(piece)-1; i++ {
		r, _ := ranks.get(piece[i : i+2])
		if r < minRank {
			minRank, minAt = r, i
		}
		parts = append(parts, part{start: i, rank: r})
	}
	parts = append(parts, part{start: len(piece) - 1, rank: noRank}, part{start: len(piece), rank: noRank})
	rankOf := func(i int) uint32 {
		if i+3 < len(parts) {
			r, _ := ranks.get(piece[parts[i].start:parts[i+3].start])
			return r
		}
		return noRank
	}
	for minRank != noRank {
		i := minAt
		if i > 0 {
			parts[i-1].rank = rankOf(i - 1)
		}
		parts[i].rank = rankOf(i)
		parts = append(parts[:i+1], parts[i+2:]...)
		minRank, minAt = noRank, -1
		for j, p := range parts[:len(parts)-1] {
			if p.rank < minRank {
				minRank, minAt = p.rank, j
			}
		}
	}
	m.parts = parts
	return len(parts) - 1
}

// mergeCountHeap gives the same result as the linear scan in O(n log n):
// the pairs wait in a heap ordered by (rank, start), entries made stale by
// a merge are skipped when they come up.
func (m *mergeState) mergeCountHeap(ranks *rankTable, piece string) int {
	n := len(piece)
	parts := m.parts[:0]
	for i := 0; i <= n; i++ {
		parts = append(parts, part{start: i, prev: int32(i - 1), next: int32(i + 1)})
	}
	// parts[i] for i < n is the symbol starting at byte i; parts[n] is the end.
	end := func(i int32) int { return parts[parts[i].next].start }
	pairRank := func(i int32) uint32 {
		j := parts[i].next
		if int(j) >= n {
			return noRank
		}
		r, _ := ranks.get(piece[parts[i].start:end(j)])
		return r
	}
	h := m.heap[:0]
	for i := 0; i < n-1; i++ {
		r := pairRank(int32(i))
		parts[i].rank = r
		if r != noRank {
			h = append(h, pair{rank: r, start: int32(i)})
		}
	}
	h.init()
	count := n
	for len(h) > 0 {
		p := h.pop()
		i := p.start
		if parts[i].prev == -2 || parts[i].rank != p.rank {
			continue // merged away, or its pair changed since
		}
		// Merge i with its next symbol.
		j := parts[i].next
		parts[i].next = parts[j].next
		parts[parts[j].next].prev = i
		parts[j].prev = -2
		count--
		if r := pairRank(i); true {
			parts[i].rank = r
			if r != noRank {
				h.push(pair{rank: r, start: i})
			}
		}
		if k := parts[i].prev; k >= 0 {
			r := pairRank(k)
			parts[k].rank = r
			if r != noRank {
				h.push(pair{rank: r, start: k})
			}
		}
	}
	m.parts, m.heap = parts, h
	return count
}

type pair struct {
	rank  uint32
	start int32
}

// pairHeap is a binary min-heap of pairs by (rank, start), written out
// rather than through container/heap, whose interface boxes every pair
// that is pushed or popped.
type pairHeap []pair

func (p pair) less(q pair) bool {
	return p.rank < q.rank || p.rank == q.rank && p.start < q.start
}

func (h pairHeap) init() {
	for i := len(h)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
}

func (h *pairHeap) push(p pair) {
	*h = append(*h, p)
	s := *h
	i := len(s) - 1
	for i > 0 {
		up := (i - 1) / 2
		if !s[i].less(s[up]) {
			break
		}
		s[i], s[up] = s[up], s[i]
		i = up
	}
}

func (h *pairHeap) pop() pair {
	s := *h
	top := s[0]
	last := len(s) - 1
	s[0] = s[last]
	*h = s[:last]
	h.down(0)
	return top
}

func (h pairHeap) down(i int) {
	for {
		l := 2*i + 1
		if l >= len(h) {
			return
		}
		m := l
		if r := l + 1; r < len(h) && h[r].less(h[l]) {
			m = r
		}
		if !h[m].less(h[i]) {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}
