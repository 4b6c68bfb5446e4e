// Package split divides fine-tuning examples into a training and a
// validation part without leakage: examples that share a user turn, an
// assistant turn or a chosen field value are kept on the same side.
//
// It works in two passes and never holds the examples themselves. A Grouper
// is fed the lines one by one and keeps a few words per example (key hashes,
// then a group id); Assign decides each example's side; the caller reads the
// input again and asks Plan.Train for each line, in order.
package split

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/goccy/go-json"

	"github.com/ft-tools/ft/cmd/internal/fieldpath"
	"github.com/ft-tools/ft/jsonl"
)

// BytesPerExample is about how much memory a split needs per example: 24
// bytes of hashes, order and group ids at the peak, plus the garbage
// collector's headroom. Measured as peak RSS of ft-split on 1.5 million
// generated examples (870 MB): 76 MB.
const BytesPerExample = 50

// key kinds, mixed into the hash so that a user turn never matches an
// assistant turn with the same text.
const (
	kindUser byte = iota + 1
	kindAssistant
	kindField
	kindRaw
)

type keyed struct {
	hash    uint64
	example uint32
}

// Grouper collects the grouping keys of each example in input order. The
// hashes of the user and assistant turns, which nearly every example has,
// are kept in one slot each per example; other keys are kept as pairs.
type Grouper struct {
	groupBy    []fieldpath.Path
	noGroup    bool
	user, asst []uint64 // by example; 0 is no key
	keys       []keyed
	n          int
	raw        int // examples grouped by their bytes alone
}

// Grow makes room for about n more examples, so that memory is allocated
// once when the caller knows roughly how many lines are coming.
func (g *Grouper) Grow(n int) {
	if !g.noGroup && n > 0 {
		g.user = slices.Grow(g.user, n)
		g.asst = slices.Grow(g.asst, n)
	}
}

// NewGrouper returns a Grouper that keys examples on their user and
// assistant turns and on the values at groupBy; with noGroup it keys
// nothing and every example is its own group.
func NewGrouper(groupBy []fieldpath.Path, noGroup bool) *Grouper {
	return &Grouper{groupBy: groupBy, noGroup: noGroup}
}

// Problem is why a line cannot be split: its code and message, for a
// diagnostic at the line.
type Problem struct {
	Code, Message string
}

func (p *Problem) Error() string { return p.Message }

// Add records the next example. It returns a *Problem, and records
// nothing, when the line is not valid UTF-8 or not a JSON object.
func (g *Grouper) Add(line []byte) error {
	if g.n == math.MaxUint32 {
		return errors.New("more than 4294967295 examples")
	}
	if !utf8.Valid(line) {
		return &Problem{Code: "invalid_utf8", Message: "the line is not valid UTF-8"}
	}
	var ex jsonl.Example
	if err := json.Unmarshal(line, &ex); err != nil {
		t := bytes.TrimSpace(line)
		switch {
		case !json.Valid(t):
			code, _, msg := jsonl.DecodeProblem(err)
			return &Problem{Code: code, Message: msg}
		case len(t) == 0 || t[0] != '{':
			return &Problem{Code: "data_type", Message: fmt.Sprintf("the line is %s, not an object", fieldpath.Kind(t))}
		}
		// An object whose fields are not of an example's types is still
		// a line to split, by its bytes as one with no turns: judging
		// types is ft-validate's work, and dropping it would lose it.
		ex = jsonl.Example{}
	}
	i := uint32(g.n)
	g.n++
	if g.noGroup {
		return nil
	}
	before := len(g.keys)
	user, assistant := turns(&ex)
	uh, ah := normalHash(kindUser, user, true), normalHash(kindAssistant, assistant, false)
	g.user, g.asst = append(g.user, uh), append(g.asst, ah)
	for _, p := range g.groupBy {
		if v, _, err := fieldpath.Lookup(line, p); err == nil {
			g.keys = append(g.keys, keyed{hashOf(kindField, p.String()+"\x00"+string(compact(v))), i})
		}
	}
	if uh == 0 && ah == 0 && len(g.keys) == before {
		g.raw++
		g.keys = append(g.keys, keyed{hashOf(kindRaw, string(bytes.TrimSpace(line))), i})
	}
	return nil
}

// Len returns how many examples have been added.
func (g *Grouper) Len() int { return g.n }

// turns returns the text of the example's user turns and of its assistant
// turns (tool calls included), each joined with NUL; for the legacy format,
// the prompt and the completion.
func turns(ex *jsonl.Example) (user, assistant string) {
	if ex.Prompt != nil || ex.Completion != nil {
		if ex.Prompt != nil {
			user = *ex.Prompt
		}
		if ex.Completion != nil {
			assistant = *ex.Completion
		}
		return user, assistant
	}
	var u, a []string
	for _, m := range ex.Conversation() {
		switch m.Role {
		case "user":
			u = append(u, m.Content.String())
		case "assistant":
			s := m.Content.String()
			for _, c := range m.ToolCalls {
				s += "\x00" + c.Function.Name + "(" + c.Function.Arguments + ")"
			}
			if m.FunctionCall != nil {
				s += "\x00" + m.FunctionCall.Name + "(" + m.FunctionCall.Arguments + ")"
			}
			a = append(a, s)
		}
	}
	return strings.Join(u, "\x00"), strings.Join(a, "\x00")
}

// FNV-1a, 64 bits.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// normalHash hashes the text the way two turns that count as the same are
// equal: runs of white space are one space, leading and trailing space goes,
// and user text is lower-cased; assistant text keeps its case, which matters
// in queries. It hashes as it goes, allocating nothing, and returns 0 for an
// empty text (no key).
func normalHash(kind byte, s string, fold bool) uint64 {
	h := uint64(fnvOffset)
	h = (h ^ uint64(kind)) * fnvPrime
	empty, space := true, false
	var buf [utf8.UTFMax]byte
	for _, r := range s {
		if r < utf8.RuneSelf {
			switch r {
			case ' ', '\t', '\n', '\r', '\v', '\f':
				space = !empty
				continue
			}
			if fold && 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
		} else {
			if unicode.IsSpace(r) {
				space = !empty
				continue
			}
			if fold {
				r = unicode.ToLower(r)
			}
		}
		if space {
			h = (h ^ ' ') * fnvPrime
			space = false
		}
		empty = false
		for _, c := range buf[:utf8.EncodeRune(buf[:], r)] {
			h = (h ^ uint64(c)) * fnvPrime
		}
	}
	if empty {
		return 0
	}
	return max(h, 1)
}

func hashOf(kind byte, s string) uint64 {
	h := uint64(fnvOffset)
	h = (h ^ uint64(kind)) * fnvPrime
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * fnvPrime
	}
	return h
}

func compact(v []byte) []byte {
	var b bytes.Buffer
	if json.Compact(&b, v) != nil {
		return v
	}
	return b.Bytes()
}

// Plan is the side of every example.
type Plan struct {
	train []uint64 // bit set over examples

	N, TrainN, ValN int
	Groups          int // number of groups
	Largest         int // examples in the largest group
	RawGrouped      int // examples without a user or assistant turn, grouped by their bytes
}

// Train reports whether example i (0-based, in input order) goes to training.
func (p *Plan) Train(i int) bool { return p.train[i/64]&(1<<(i%64)) != 0 }

// Target returns the number of training examples asked for: round(N×ratio).
func Target(n int, ratio float64) int { return int(math.Round(float64(n) * ratio)) }

// groups returns the group of every example as the index of the group's
// first example.
func (g *Grouper) groups() []uint32 {
	n := g.n
	parent := make([]uint32, n)
	for i := range parent {
		parent[i] = uint32(i)
	}
	find := func(i uint32) uint32 {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	union := func(a, b uint32) {
		if a, b = find(a), find(b); a != b {
			parent[max(a, b)] = min(a, b) // the earliest example is the root
		}
	}
	if len(g.user) > 0 {
		// Examples sorted by each per-example hash: equal hashes are adjacent.
		order := make([]uint32, n)
		for _, hs := range [][]uint64{g.user, g.asst} {
			for i := range order {
				order[i] = uint32(i)
			}
			slices.SortFunc(order, func(a, b uint32) int { return cmp.Compare(hs[a], hs[b]) })
			for k := 1; k < n; k++ {
				if h := hs[order[k]]; h != 0 && h == hs[order[k-1]] {
					union(order[k-1], order[k])
				}
			}
		}
	}
	g.user, g.asst = nil, nil
	slices.SortFunc(g.keys, func(a, b keyed) int { return cmp.Compare(a.hash, b.hash) })
	for k := 1; k < len(g.keys); k++ {
		if g.keys[k].hash == g.keys[k-1].hash {
			union(g.keys[k-1].example, g.keys[k].example)
		}
	}
	g.keys = nil
	for i := range parent {
		parent[i] = find(uint32(i))
	}
	return parent
}

// Assign groups the examples and gives each group a side. Groups are taken
// in an order shuffled by seed and each goes to training while it fits in
// the target round(N×ratio), so the training part is exactly the target
// without grouping and as close as the groups allow with it. The Grouper
// must not be used afterwards.
func (g *Grouper) Assign(ratio float64, seed uint64) *Plan {
	n := g.n
	parent := g.groups()
	// size counts each group's examples at its root; roots are listed in input order.
	size := make([]uint32, n)
	var roots []uint32
	for i, r := range parent {
		if r == uint32(i) {
			roots = append(roots, r)
		}
		size[r]++
	}
	shuffle(roots, seed)
	p := &Plan{train: make([]uint64, (n+63)/64), N: n, Groups: len(roots), RawGrouped: g.raw}
	target := Target(n, ratio)
	side := make([]uint64, (n+63)/64) // by root
	for _, r := range roots {
		s := int(size[r])
		p.Largest = max(p.Largest, s)
		if p.TrainN+s <= target {
			p.TrainN += s
			side[r/64] |= 1 << (r % 64)
		}
	}
	for i, r := range parent {
		if side[r/64]&(1<<(r%64)) != 0 {
			p.train[i/64] |= 1 << (i % 64)
		}
	}
	p.ValN = n - p.TrainN
	return p
}

// shuffle is Fisher-Yates written out over math/rand/v2's PCG, whose
// output is fixed, so that a seed gives the same split with every Go release
// (the derived helpers such as rand.Shuffle make no such promise).
func shuffle(s []uint32, seed uint64) {
	rng := rand.NewPCG(seed, 0x9e3779b97f4a7c15)
	for i := len(s) - 1; i > 0; i-- {
		j := int(below(rng, uint64(i+1)))
		s[i], s[j] = s[j], s[i]
	}
}

// below returns a uniform value in [0, n) by rejection.
func below(rng *rand.PCG, n uint64) uint64 {
	limit := math.MaxUint64 - math.MaxUint64%n
	for {
		if v := rng.Uint64(); v < limit {
			return v % n
		}
	}
}
