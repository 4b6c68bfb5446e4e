package mongoquery

import (
	"bytes"
	"strings"
	"testing"

	json "github.com/goccy/go-json"
)

func TestStats(t *testing.T) {
	var s Stats
	answers := []string{
		`db.orders.find({ a: { $gt: 1 } }).sort({ a: 1 })`,
		`db.orders.aggregate([{ $match: {} }, { $lookup: { from: "x", pipeline: [{ $match: { $expr: { $eq: [1, 1] } } }], as: "y" } }])`,
		`{"type": "aggregate", "pipeline": [{"$count": "n"}]}`,
		`var x = 1; db.users.find({ a: x })`,
		`not a query`,
		`{"error": "no such field"}`,
	}
	for i, a := range answers {
		s.Add("train.jsonl", i+1, a)
	}
	r := s.Report()
	if r.Answers != 6 || r.Parsed != 4 || r.Scripts != 1 || r.Unreadable != 1 {
		t.Errorf("counts: %+v", r)
	}
	if len(r.UnreadableLines) != 1 || r.UnreadableLines[0].Line != 5 || r.UnreadableLines[0].File != "train.jsonl" {
		t.Errorf("unreadable lines: %+v", r.UnreadableLines)
	}
	if r.Stages["$match"] != 2 || r.Stages["$lookup"] != 1 || r.Stages["$count"] != 1 {
		t.Errorf("stages: %v", r.Stages)
	}
	if r.Operations["find"] != 2 || r.Operations["aggregate"] != 2 || r.Operations["error"] != 1 {
		t.Errorf("operations: %v", r.Operations)
	}
	if r.Forms["mongosh"] != 2 || r.Forms["json"] != 2 || r.Forms["script"] != 1 {
		t.Errorf("forms: %v", r.Forms)
	}
	if r.Collections["orders"] != 2 || r.Collections["users"] != 1 {
		t.Errorf("collections: %v", r.Collections)
	}
	if r.PipelineLength["2"] != 1 || r.PipelineLength["1"] != 1 {
		t.Errorf("pipeline length: %v", r.PipelineLength)
	}
	if r.Operators["$gt"] != 1 || r.Operators["$expr"] != 1 || r.Operators["$eq"] != 1 {
		t.Errorf("operators: %v", r.Operators)
	}
	if !r.Queries() {
		t.Error("Queries() = false")
	}

	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"parsed", "scripts", "unreadable", "unreadable_lines", "forms", "operations", "stages", "operators", "collections", "pipeline_length", "depth"} {
		if _, ok := back[k]; !ok {
			t.Errorf("JSON has no %q: %s", k, b)
		}
	}

	var buf bytes.Buffer
	if err := r.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	text := buf.String()
	for _, want := range []string{
		"  answers            6\n",
		"  read               4 single queries (66.7%), 1 scripts, 1 unreadable\n",
		"  operations         aggregate 2, find 2, error 1\n",
		"  pipeline length    min 1  max 2  mean 1.5  p50 1  (1:1 2:1)\n",
		"    $match        2\n",
		"    train.jsonl:5: line 1, column 5",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text has no %q:\n%s", want, text)
		}
	}
}

func TestStatsEmpty(t *testing.T) {
	var s Stats
	r := s.Report()
	if r.Queries() {
		t.Error("an empty report looks like queries")
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"stages":{}`) || !strings.Contains(string(b), `"unreadable_lines":[]`) {
		t.Errorf("empty report: %s", b)
	}
	s.Add("f", 1, "hello there")
	s.Add("f", 2, "plain prose answer")
	if s.Report().Queries() {
		t.Error("prose looks like queries")
	}
	var buf bytes.Buffer
	if err := s.Report().WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	if want := "  answers            2\n  read               0 single queries (0.0%), 0 scripts, 2 unreadable\n  note               most answers are not MongoDB queries\n"; buf.String() != want {
		t.Errorf("prose report:\n%s\nwant\n%s", buf.String(), want)
	}
}

func TestNumberCountsInNumericOrder(t *testing.T) {
	for _, tc := range []struct {
		in   NumberCounts
		want string
	}{
		{NumberCounts{"10": 30, "2": 460, "1": 50, "9": 5}, `{"1":50,"2":460,"9":5,"10":30}`},
		{NumberCounts{}, `{}`},
		{NumberCounts{"18": 5, "3": 1}, `{"3":1,"18":5}`},
	} {
		b, err := json.Marshal(tc.in)
		if err != nil || string(b) != tc.want {
			t.Errorf("Marshal(%v) = %s, %v; want %s", tc.in, b, err, tc.want)
		}
	}
}
