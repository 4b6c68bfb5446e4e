package tokenize

import (
	"bytes"
	"container/heap"
	"encoding/base64"
	"fmt"
	"math"
	"strconv"
	"unsafe"

	"github.com/pkoukk/tiktoken-go-loader/assets"
)

const noRank = math.MaxUint32

// loadRanks reads a .tiktoken file embedded by tiktoken-go-loader: one
// token a line, base64 bytes and rank. All keys share one buffer.
func loadRanks(name string) (map[string]uint32, error) {
	data, err := assets.Assets.ReadFile(name + ".tiktoken")
	if err != nil {
		return nil, err
	}
	n := bytes.Count(data, []byte{'\n'}) + 1
	ranks := make(map[string]uint32, n)
	buf := make([]byte, 0, len(data)*3/4)
	for line := range bytes.Lines(data) {
		line = bytes.TrimRight(line, "\r\n")
		if len(line) == 0 {
			continue
		}
		b64, num, ok := bytes.Cut(line, []byte{' '})
		if !ok {
			return nil, fmt.Errorf("%s: bad line %q", name, line)
		}
		start := len(buf)
		buf, err = base64.StdEncoding.AppendDecode(buf, b64)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		r, err := strconv.ParseUint(string(num), 10, 32)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		ranks[unsafe.String(&buf[start], len(buf)-start)] = uint32(r)
	}
	return ranks, nil
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
func (m *mergeState) mergeCount(ranks map[string]uint32, piece string) int {
	if len(piece) >= heapFrom {
		return m.mergeCountHeap(ranks, piece)
	}
	parts := m.parts[:0]
	minRank, minAt := uint32(noRank), -1
	for i := 0; i < len(piece)-1; i++ {
		r, ok := ranks[piece[i:i+2]]
		if !ok {
			r = noRank
		}
		if r < minRank {
			minRank, minAt = r, i
		}
		parts = append(parts, part{start: i, rank: r})
	}
	parts = append(parts, part{start: len(piece) - 1, rank: noRank}, part{start: len(piece), rank: noRank})
	rankOf := func(i int) uint32 {
		if i+3 < len(parts) {
			if r, ok := ranks[piece[parts[i].start:parts[i+3].start]]; ok {
				return r
			}
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
func (m *mergeState) mergeCountHeap(ranks map[string]uint32, piece string) int {
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
		if r, ok := ranks[piece[parts[i].start:end(j)]]; ok {
			return r
		}
		return noRank
	}
	h := m.heap[:0]
	for i := 0; i < n-1; i++ {
		r := pairRank(int32(i))
		parts[i].rank = r
		if r != noRank {
			h = append(h, pair{rank: r, start: int32(i)})
		}
	}
	heap.Init(&h)
	count := n
	for h.Len() > 0 {
		p := heap.Pop(&h).(pair)
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
				heap.Push(&h, pair{rank: r, start: i})
			}
		}
		if k := parts[i].prev; k >= 0 {
			r := pairRank(k)
			parts[k].rank = r
			if r != noRank {
				heap.Push(&h, pair{rank: r, start: k})
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

type pairHeap []pair

func (h pairHeap) Len() int { return len(h) }
func (h pairHeap) Less(a, b int) bool {
	return h[a].rank < h[b].rank || h[a].rank == h[b].rank && h[a].start < h[b].start
}
func (h pairHeap) Swap(a, b int) { h[a], h[b] = h[b], h[a] }
func (h *pairHeap) Push(x any)   { *h = append(*h, x.(pair)) }
func (h *pairHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
