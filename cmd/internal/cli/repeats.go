package cli

import (
	"fmt"
	"io"
)

// RepeatLimit is how many diagnostics with the same code at the same path
// are printed before the rest are only counted: a wrong field name on a
// file of 4,043 records is one mistake, not 4,043 lines to scroll past.
const RepeatLimit = 10

// Repeats decides which per-line diagnostics reach stderr. Only stderr is
// thinned: --rejects and --report json still get every finding.
type Repeats struct {
	seen  map[repeatKey]int
	order []repeatKey
}

type repeatKey struct{ code, path string }

// Show counts one diagnostic and reports whether it is to be printed. The
// path is the one within a record (no line, no array index), so that the
// same mistake on every record counts as one kind.
func (r *Repeats) Show(code, path string) bool {
	if r.seen == nil {
		r.seen = map[repeatKey]int{}
	}
	k := repeatKey{code, path}
	n := r.seen[k] + 1
	r.seen[k] = n
	if n == RepeatLimit+1 {
		r.order = append(r.order, k)
	}
	return n <= RepeatLimit
}

// Flush prints one line per kind of diagnostic that was held back, in the
// order they first went over the limit, and starts counting afresh.
func (r *Repeats) Flush(w io.Writer, name string) {
	for _, k := range r.order {
		more := r.seen[k] - RepeatLimit
		at := k.code
		if k.path != "" {
			at += ": " + k.path
		}
		fmt.Fprintf(w, "%s: %s: … and %s more\n", name, at, Thousands(int64(more)))
	}
	r.seen, r.order = nil, nil
}
