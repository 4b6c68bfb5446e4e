package main

import (
	"io"

	"github.com/ft-tools/ft/cmd/internal/mongoquery"
	"github.com/ft-tools/ft/jsonl"
)

// queries is the report's "queries" section: what the trained answers ask
// of MongoDB, read as queries (JSON, mongosh or scripts).
type queries struct{ stats mongoquery.Stats }

func (q *queries) Name() string { return "queries" }

func (q *queries) Add(file string, line int, ex *jsonl.Example) {
	for _, m := range ex.Conversation() {
		if m.Trained() && (m.Content.Text != "" || m.Content.Parts != nil) {
			q.stats.Add(file, line, m.Content.String())
		}
	}
	if ex.Completion != nil {
		q.stats.Add(file, line, *ex.Completion)
	}
}

// Report is nil, no section, when no answer was read (empty input): a
// queries section of zeros says nothing.
func (q *queries) Report() any {
	if r := q.stats.Report(); r.Answers > 0 {
		return r
	}
	return nil
}

func (q *queries) WriteText(w io.Writer) error { return q.stats.Report().WriteText(w) }
