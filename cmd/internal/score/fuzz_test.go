package score

import "testing"

// FuzzScore checks that any answer is equivalent to itself, also when
// rewritten with white space and a code fence around it, and that scoring
// any pair of texts never panics.
func FuzzScore(f *testing.F) {
	for _, s := range []string{
		`db.orders.find({status: "A", qty: {$gt: 5}}).sort({a: 1, b: -1}).limit(3)`,
		`db.getCollection("orders").aggregate([{$match: {$and: [{a: 1}, {b: {$eq: 2}}]}}, {$group: {_id: "$c"}}])`,
		`{"a": {"$in": [1, "2", null]}, "$or": [{"b": true}, {"c": {"$date": "2020-01-01"}}]}`,
		`[{"$lookup": {"from": "x", "pipeline": [{"$match": {"y": 1}}], "as": "z"}}, {"$facet": {"f": [{"$count": "n"}]}}]`,
		"```json\n{\"a\": 1}\n```",
		`var x = 1; db.c.find({a: x})`,
		`db.c.deleteMany({})`,
		`not a query`,
		`db.c.find({a: /x/i, d: ISODate("2020-01-01"), n: NumberLong(5)})`,
	} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		if ok, reason := Equivalent(a, a); !ok {
			t.Fatalf("%q is not equivalent to itself: %s", a, reason)
		}
		if ok, reason := Equivalent(a, "\n "+a+" \n"); !ok {
			t.Fatalf("%q is not equivalent to itself with white space: %s", a, reason)
		}
		r := Score(a, b)
		if r.Exact && !r.Equivalent {
			t.Fatalf("%q and %q: exact but not equivalent", a, b)
		}
		if !r.Equivalent && r.Reason == "" {
			t.Fatalf("%q and %q: not equivalent, and no reason", a, b)
		}
		if !r.Parsed && r.ParseError == nil {
			t.Fatalf("%q: not parsed, and no finding", b)
		}
	})
}
