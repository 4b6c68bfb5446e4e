package main

import (
	"testing"

	"github.com/ft-tools/ft/cmd/internal/cli"
)

func TestGuess(t *testing.T) {
	for _, tc := range []struct {
		record, question, answer string
		fails                    bool
	}{
		{`{"question":"q","query":"db.a.find()"}`, "question", "query", false},
		{`{"Prompt":"How many?","Query":"db.a.count()","output":"x"}`, "Prompt", "Query", false},
		{`{"question":"q","query":"all of them","code":"db.a.find()"}`, "question", "code", false},
		{`{"question":"db.a.find()","prompt":"q","query":"db.b.find()"}`, "prompt", "query", false}, // a query is no question
		{`{"intent":"q","schema":{"c":1},"output":{"type":"find"}}`, "intent", "output", false},
		{`{"question":"q","query":"db.a.find()","mql":"db.b.find()"}`, "", "", true},
		{`{"question":"q","a":"db.a.find()","b":"db.b.find()"}`, "", "", true},
		{`{"question":"q","prompt":"p","query":"x"}`, "", "", true},
		{`{"question":"q","sql":"SELECT 1"}`, "", "", true},
		{`{"nl_queries":["q"],"MQL":"const p = [];\ndb.a.aggregate(p)"}`, "nl_queries", "MQL", false},
	} {
		b, err := newBuilder("", "", "", "", nil)
		if err != nil {
			t.Fatal(err)
		}
		err = b.guess([]byte(tc.record))
		if tc.fails {
			if err == nil || cli.CodeOf(err) != cli.ExitUsage {
				t.Errorf("%s: guessed %s and %s (err %v), want a usage error", tc.record, b.question, b.answer, err)
			}
			continue
		}
		if err != nil || b.question.String() != tc.question || b.answer.String() != tc.answer {
			t.Errorf("%s: guessed %q and %q (err %v), want %q and %q", tc.record, b.question, b.answer, err, tc.question, tc.answer)
		}
	}
}
