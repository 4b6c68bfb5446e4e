package mongoquery

import (
	"reflect"
	"testing"
)

func TestMerge(t *testing.T) {
	// Answers shared out over three parts in batches, as ft-stats' workers
	// take them, must give the report of one Stats fed them all in order.
	answers := []string{
		`db.orders.find({"status": "shipped"})`,
		`db.orders.aggregate([{"$match": {"a": 1}}, {"$group": {"_id": "$b", "n": {"$sum": 1}}}])`,
		`not a query at all`,
		`db.users.find({"age": {"$gt": 30}}).sort({"age": -1})`,
		`db.c.find({ a: `,
	}
	var whole Stats
	whole.Add("earlier.jsonl", 7, "also not a query")
	var parts [3]Stats
	for i := range 300 {
		a := answers[i%len(answers)]
		whole.Add("f.jsonl", i+1, a)
		parts[(i/10)%3].Add("f.jsonl", i+1, a) // batches of 10 lines
	}
	var merged Stats
	merged.Add("earlier.jsonl", 7, "also not a query")
	merged.Merge(&parts[0], &parts[1], &parts[2])
	got, want := merged.Report(), whole.Report()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("merged report differs:\n got %+v\nwant %+v", got, want)
	}
	if n := len(got.UnreadableLines); n != MaxUnreadableLines {
		t.Errorf("%d unreadable lines listed, want the first %d", n, MaxUnreadableLines)
	}
	if l := got.UnreadableLines[1]; l.File != "f.jsonl" || l.Line != 3 {
		t.Errorf("second unreadable line %v, want f.jsonl:3", l)
	}
}
