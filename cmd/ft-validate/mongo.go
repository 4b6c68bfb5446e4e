package main

import (
	"fmt"

	"github.com/ft-tools/ft/cmd/internal/mongoquery"
	"github.com/ft-tools/ft/jsonl"
)

// MongoFlags turn on the reading of every trained answer as a MongoDB query.
type MongoFlags struct {
	Mongo       bool `help:"Read every trained answer as a MongoDB query (JSON, mongosh or script) and report mongo_* findings."`
	AllowUnsafe bool `name:"allow-unsafe" help:"With --mongo, accept answers that write or run JavaScript ($out, $merge, $where, $function, $accumulator, deleteMany, …)."`
}

// mongoCheck returns the extra check of --mongo, or nil without it.
func (m MongoFlags) mongoCheck() func(*jsonl.Example) []jsonl.Finding {
	if !m.Mongo {
		return nil
	}
	return func(ex *jsonl.Example) []jsonl.Finding {
		var out []jsonl.Finding
		check := func(path string, text string) {
			q, err := mongoquery.Parse(text)
			for _, p := range mongoquery.Check(q, err, m.AllowUnsafe) {
				out = append(out, jsonl.Finding{Severity: p.Severity, Code: p.Code, Path: path, Message: p.Message})
			}
		}
		answers := func(field string, msgs []jsonl.Message) {
			for i, msg := range msgs {
				if !msg.Trained() || msg.Content.Text == "" && msg.Content.Parts == nil {
					continue // a tool call, or a turn not trained on
				}
				check(fmt.Sprintf("%s[%d].content", field, i), msg.Content.String())
			}
		}
		answers("messages", ex.Messages)
		answers("preferred_output", ex.PreferredOutput)
		if ex.Completion != nil {
			check("completion", *ex.Completion)
		}
		return out
	}
}
