package main

import (
	"github.com/ft-tools/ft/cmd/internal/mongoquery"
	"github.com/ft-tools/ft/cmd/internal/stats"
)

// Parsing every answer costs more than counting its tokens: the queries
// section is spread over the workers (stats.Forker) rather than run on the
// one goroutine that gathers the results.

func (q *queries) Fork() stats.Section { return &queries{} }

func (q *queries) Join(forks []stats.Section) {
	parts := make([]*mongoquery.Stats, len(forks))
	for i, f := range forks {
		parts[i] = &f.(*queries).stats
	}
	q.stats.Merge(parts...)
}

var _ stats.Forker = (*queries)(nil)
