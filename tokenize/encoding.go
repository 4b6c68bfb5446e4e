package tokenize

import (
	"fmt"
	"strings"
	"sync"
)

// Encoding is a tiktoken byte-pair encoding: its split pattern and its
// merge ranks. It is safe for concurrent use.
type Encoding struct {
	name  string
	ranks *rankTable
	split func(s string, i int) int
	pool  sync.Pool // of *state, for Count

	vocabOnce sync.Once
	vocab     *vocab // for long pieces, built on the first one
}

var (
	encMu    sync.Mutex
	encCache = map[string]*Encoding{}
)

// GetEncoding returns the encoding with the given name, "o200k_base" or
// "cl100k_base". The rank tables are embedded in the program (from
// github.com/pkoukk/tiktoken-go-loader): nothing is downloaded. The first
// call for a name builds the tables; later calls return the same *Encoding.
func GetEncoding(name string) (*Encoding, error) {
	encMu.Lock()
	defer encMu.Unlock()
	if e, ok := encCache[name]; ok {
		return e, nil
	}
	var split func(string, int) int
	switch name {
	case o200k:
		split = splitO200k
	case cl100k:
		split = splitCl100k
	default:
		return nil, fmt.Errorf("unknown encoding %q (known: %s, %s)", name, o200k, cl100k)
	}
	loadClasses()
	ranks, err := loadRanks(name)
	if err != nil {
		return nil, fmt.Errorf("load encoding %s: %w", name, err)
	}
	e := &Encoding{name: name, ranks: ranks, split: split}
	e.pool.New = func() any { return newState() }
	encCache[name] = e
	return e, nil
}

// Name returns the encoding's name.
func (e *Encoding) Name() string { return e.name }

// Count returns the number of tokens tiktoken's encode_ordinary gives for s.
// Special-token text such as "<|endoftext|>" is counted as plain text.
func (e *Encoding) Count(s string) int {
	st := e.pool.Get().(*state)
	n := e.count(st, s)
	e.pool.Put(st)
	return n
}

// state is what one goroutine needs to count: merge scratch space and a
// bounded cache of the counts of pieces that are not single tokens.
type state struct {
	merge  mergeState
	long   backtrack
	pieces map[string]int32
}

// A piece cache of this many entries holds the words of a large corpus;
// when it is full it is dropped and refilled, so memory stays bounded.
const (
	pieceCacheEntries = 1 << 16
	pieceCacheMaxLen  = 64
)

func newState() *state { return &state{pieces: make(map[string]int32, 1024)} }

// CountUpTo returns Count(s) when that is at most limit. Otherwise it
// returns a number above limit and at most Count(s): it stops once the
// count is past limit, and a piece so long that it must pass it is not
// counted at all.
func (e *Encoding) CountUpTo(s string, limit int) int {
	st := e.pool.Get().(*state)
	n := e.countUpTo(st, s, limit)
	e.pool.Put(st)
	return n
}

func (e *Encoding) count(st *state, s string) int {
	n := 0
	for i := 0; i < len(s); {
		j := e.split(s, i)
		n += e.pieceCount(st, s[i:j])
		i = j
	}
	return n
}

func (e *Encoding) countUpTo(st *state, s string, limit int) int {
	n := 0
	for i := 0; i < len(s) && n <= limit; {
		j := e.split(s, i)
		if least := (j - i + e.ranks.maxLen - 1) / e.ranks.maxLen; least > limit-n {
			return n + least
		}
		n += e.pieceCount(st, s[i:j])
		i = j
	}
	return n
}

// backtrackFrom is the piece length from which the backtracking encoder
// counts. Below it the heap merge's n log n and 32 bytes a byte cost
// little, and its tables need not be built: pieces that long are rare in
// text with word breaks.
const backtrackFrom = 4096

func (e *Encoding) longVocab() *vocab {
	e.vocabOnce.Do(func() { e.vocab = newVocab(e.ranks) })
	return e.vocab
}

func (e *Encoding) pieceCount(st *state, piece string) int {
	if len(piece) == 1 {
		return 1
	}
	if _, ok := e.ranks.get(piece); ok {
		return 1
	}
	if len(piece) >= backtrackFrom {
		return st.long.count(e.longVocab(), piece)
	}
	if len(piece) > pieceCacheMaxLen {
		return st.merge.mergeCount(e.ranks, piece)
	}
	if n, ok := st.pieces[piece]; ok {
		return int(n)
	}
	n := st.merge.mergeCount(e.ranks, piece)
	if len(st.pieces) >= pieceCacheEntries {
		clear(st.pieces)
	}
	st.pieces[strings.Clone(piece)] = int32(n)
	return n
}

// SpecialTokens returns the texts of the encoding's special tokens, such as
// "<|endoftext|>", which OpenAI rejects inside training data. It returns nil
// for an unknown encoding.
func SpecialTokens(encoding string) []string {
	switch encoding {
	case o200k:
		return []string{"<|endoftext|>", "<|endofprompt|>"}
	case cl100k:
		return []string{"<|endoftext|>", "<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>", "<|endofprompt|>"}
	}
	return nil
}
