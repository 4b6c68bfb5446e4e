package tokenize

import (
	"math/bits"
	"slices"
)

// Long pieces (a line of one letter, a run of emoji) are counted by the
// backtracking encoder of the bpe crate in github.com/github/rust-gems,
// written here from its description. It rests on two facts about
// byte-pair encoding with ranked merges:
//
//   - every token longer than a byte is the merge of one pair of
//     lower-ranked tokens (its split), and BPE of its own bytes gives it
//     (TestVocabTokensEncodeToThemselves checks both for the encodings);
//   - a sequence of tokens is the BPE encoding of its bytes if and only if
//     every adjacent pair of tokens is (each pair is "valid"): BPE of the
//     bytes of t1 t2 gives t1 t2 again.
//
// So the encoder walks the text left to right, takes the longest token at
// the current position and keeps it if it forms a valid pair with the token
// before; if not, it tries the next shorter token there, and when none
// fits it backtracks, dropping the previous token and remembering (one bit
// a byte) that no valid encoding continues from the position it dropped.
// A position, once given up, is never reached again, and at each one at
// most the prefixes of the longest token are tried, so the work is linear
// in the length of the piece (times a constant of the vocabulary: the
// longest token, the depth of the splits). Memory is one bit a byte plus
// four bytes a token.

// vocab is what the backtracking encoder needs beside the rank table. It
// is built from the rank table on first use (0.2 to 0.4 s of CPU and 19 MB
// for o200k_base), and only for texts that have a long piece.
type vocab struct {
	start      []uint32 // token r is text[start[r]:start[r+1]]; no token has that rank if empty
	text       []byte
	nextPrefix []uint32 // the longest token that is a proper prefix of r, or noRank
	split      []split
	pairs      pairTable // the token whose split is the pair
	trie       trie
	maxLen     int
}

type split struct{ left, right uint32 }

func pairKey(a, b uint32) uint64 { return uint64(a)<<32 | uint64(b) }

// pairTable maps a pair of tokens to their merge. The pair test looks it
// up several times a token, mostly for pairs that are not there, so it is
// an open-addressing table rather than a Go map, which was most of the
// time of a count. The key of a pair is never all ones (noRank, noRank).
type pairTable struct {
	keys  []uint64
	vals  []uint32
	shift uint
}

const emptyPair = ^uint64(0)

func newPairTable(n int) pairTable {
	size := 1 << bits.Len(uint(2*n))
	t := pairTable{keys: make([]uint64, size), vals: make([]uint32, size), shift: uint(64 - bits.TrailingZeros(uint(size)))}
	for i := range t.keys {
		t.keys[i] = emptyPair
	}
	return t
}

func (t *pairTable) put(k uint64, v uint32) {
	mask := uint64(len(t.keys) - 1)
	i := (k * hashMulti) >> t.shift
	for t.keys[i] != emptyPair && t.keys[i] != k {
		i = (i + 1) & mask
	}
	t.keys[i], t.vals[i] = k, v
}

// get returns the merge of the pair k, or noRank.
func (t *pairTable) get(k uint64) uint32 {
	mask := uint64(len(t.keys) - 1)
	for i := (k * hashMulti) >> t.shift; ; i = (i + 1) & mask {
		switch t.keys[i] {
		case k:
			return t.vals[i]
		case emptyPair:
			return noRank
		}
	}
}

func (v *vocab) tokLen(r uint32) int { return int(v.start[r+1] - v.start[r]) }

func (v *vocab) bytes(r uint32) []byte { return v.text[v.start[r]:v.start[r+1]] }

// trie holds every token for the longest-token lookup. Node 0 is the root;
// edges sit in an open-addressing table keyed by node<<8 | byte, which
// numbers up to 2^24 nodes (o200k_base has some 420,000).
type trie struct {
	root  [256]uint32
	edges []edge
	shift uint
	token []uint32 // the token that ends at a node, or noRank
}

type edge struct{ key, child uint32 } // child 0: empty slot

func (t *trie) slot(key uint32) uint32 { return (key * 0x9E3779B1) >> t.shift }

func (t *trie) child(node uint32, b byte) uint32 {
	if node == 0 {
		return t.root[b]
	}
	key := node<<8 | uint32(b)
	mask := uint32(len(t.edges) - 1)
	for i := t.slot(key); ; i = (i + 1) & mask {
		e := &t.edges[i]
		if e.child == 0 || e.key == key {
			return e.child
		}
	}
}

func (t *trie) add(node uint32, b byte) uint32 {
	if c := t.child(node, b); c != 0 {
		return c
	}
	c := uint32(len(t.token))
	t.token = append(t.token, noRank)
	if node == 0 {
		t.root[b] = c
		return c
	}
	if 2*len(t.token) > len(t.edges) {
		t.grow()
	}
	t.put(edge{key: node<<8 | uint32(b), child: c})
	return c
}

func (t *trie) put(e edge) {
	mask := uint32(len(t.edges) - 1)
	i := t.slot(e.key)
	for t.edges[i].child != 0 {
		i = (i + 1) & mask
	}
	t.edges[i] = e
}

// grow doubles the edge table, keeping it at most half full.
func (t *trie) grow() {
	old := t.edges
	t.edges = make([]edge, max(2*len(old), 1<<12))
	t.shift = uint(32 - bits.TrailingZeros(uint(len(t.edges))))
	for _, e := range old {
		if e.child != 0 {
			t.put(e)
		}
	}
}

// longest returns the longest token that is a prefix of s, which is not
// empty. Every single byte is a token in both encodings.
func (v *vocab) longest(s string) uint32 {
	best := uint32(noRank)
	node := uint32(0)
	for i := 0; i < len(s) && i < v.maxLen; i++ {
		node = v.trie.child(node, s[i])
		if node == 0 {
			break
		}
		if r := v.trie.token[node]; r != noRank {
			best = r
		}
	}
	return best
}

func newVocab(ranks *rankTable) *vocab {
	type tok struct {
		s string
		r uint32
	}
	var toks []tok
	size := 0
	for _, e := range ranks.slots {
		if e.meta == 0 {
			continue
		}
		n := int(e.meta>>24) & 0x7f
		b := make([]byte, n)
		for j := range b {
			b[j] = byte(e.key >> (8 * j))
		}
		toks = append(toks, tok{string(b), e.meta & rankMask})
		size += n
	}
	for s, r := range ranks.long {
		toks = append(toks, tok{s, r})
		size += len(s)
	}
	slices.SortFunc(toks, func(a, b tok) int { return int(a.r) - int(b.r) })
	top := toks[len(toks)-1].r
	v := &vocab{
		start:      make([]uint32, top+2),
		text:       make([]byte, 0, size),
		nextPrefix: make([]uint32, top+1),
		split:      make([]split, top+1),
		pairs:      newPairTable(len(toks)),
	}
	k := 0
	for r := uint32(0); r <= top; r++ {
		v.start[r] = uint32(len(v.text))
		if k < len(toks) && toks[k].r == r {
			v.text = append(v.text, toks[k].s...)
			v.maxLen = max(v.maxLen, len(toks[k].s))
			k++
		}
	}
	v.start[top+1] = uint32(len(v.text))

	t := &v.trie
	t.token = []uint32{noRank}
	t.grow()
	for r := uint32(0); r <= top; r++ {
		node := uint32(0)
		for _, b := range v.bytes(r) {
			node = t.add(node, b)
		}
		if v.tokLen(r) > 0 {
			t.token[node] = r
		}
	}
	for r := uint32(0); r <= top; r++ {
		v.nextPrefix[r] = noRank
		if n := v.tokLen(r); n > 1 {
			v.nextPrefix[r] = v.longest(string(v.bytes(r)[:n-1]))
		}
	}
	// A token's split is the longest prefix token whose rest is a token,
	// both of lower rank, that BPE would leave as a pair; tokens are visited
	// by rank so that the splits of both halves are known.
	for r := uint32(0); r <= top; r++ {
		v.split[r] = split{r, r}
		b := v.bytes(r)
		for left := v.nextPrefix[r]; left != noRank; left = v.nextPrefix[left] {
			right, ok := ranks.get(string(b[v.tokLen(left):]))
			if ok && left < r && right < r && v.validPair(left, right) {
				v.split[r] = split{left, right}
				v.pairs.put(pairKey(left, right), r)
				break
			}
		}
	}
	return v
}

// validPair reports whether BPE of the bytes of t1 followed by t2 gives
// t1, t2. It undoes the merges that built t1 and t2, the later one first,
// and fails if a merge across the boundary would have come before.
func (v *vocab) validPair(t1, t2 uint32) bool {
	limit := uint32(noRank)
	for {
		if m := v.pairs.get(pairKey(t1, t2)); m < limit {
			return false
		}
		if t1 > t2 {
			limit = t1
			t1 = v.split[t1].right
			if t1 == limit {
				limit = t2 + 1
				t2 = v.split[t2].left
				if t2+1 == limit {
					return true
				}
			}
		} else {
			limit = t2 + 1
			t2 = v.split[t2].left
			if t2+1 == limit {
				limit = t1
				t1 = v.split[t1].right
				if t1 == limit {
					return true
				}
			}
		}
	}
}

// backtrack is the encoder's scratch space, reused between pieces.
type backtrack struct {
	tokens tokenStack
	dead   []uint64 // bit p: no valid encoding of the rest starts at p
}

// tokenStack holds the tokens chosen so far in blocks: a slice grown by
// append would copy itself and, at its growth rate for large slices,
// allocate five times the final size over a long piece.
type tokenStack struct {
	blocks [][]uint32
	n      uint
}

const stackBlock = 1 << 16

func (s *tokenStack) push(t uint32) {
	if s.n == uint(len(s.blocks))*stackBlock {
		s.blocks = append(s.blocks, make([]uint32, stackBlock))
	}
	s.blocks[s.n/stackBlock][s.n%stackBlock] = t
	s.n++
}

func (s *tokenStack) top() uint32 { return s.blocks[(s.n-1)/stackBlock][(s.n-1)%stackBlock] }

// scratchKeep is how much scratch space a state keeps after a piece: the
// memory of a 64 MiB piece is given back, that of ordinary long ones is
// reused.
const scratchKeep = 1 << 20

// count returns the number of tokens of piece.
func (bt *backtrack) count(v *vocab, piece string) int {
	n := len(piece)
	words := n/64 + 1
	if cap(bt.dead) < words {
		bt.dead = make([]uint64, words)
	}
	dead := bt.dead[:words]
	clear(dead)
	tokens := &bt.tokens
	tokens.n = 0
	pos := 0
	next := v.longest(piece)
	for pos < n {
		tok := next
		last := uint32(noRank)
		if tokens.n > 0 {
			last = tokens.top()
		}
		for {
			end := pos + v.tokLen(tok)
			if dead[end/64]&(1<<(end%64)) == 0 && (last == noRank || v.validPair(last, tok)) {
				tokens.push(tok)
				pos = end
				if pos < n {
					next = v.longest(piece[pos:])
				}
				break
			}
			if p := v.nextPrefix[tok]; p != noRank {
				tok = p
				continue
			}
			if last == noRank {
				// The BPE encoding itself is a valid sequence that is
				// never given up, so this cannot happen.
				panic("tokenize: no valid token sequence for a piece")
			}
			dead[pos/64] |= 1 << (pos % 64)
			tokens.n--
			pos -= v.tokLen(last)
			next = last
			break
		}
	}
	count := int(tokens.n)
	if cap(bt.dead) > scratchKeep/8 {
		bt.dead = nil
	}
	if keep := scratchKeep / 4 / stackBlock; len(tokens.blocks) > keep {
		clear(tokens.blocks[keep:])
		tokens.blocks = tokens.blocks[:keep]
	}
	return count
}
