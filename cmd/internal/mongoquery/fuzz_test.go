package mongoquery

import (
	"testing"
)

var fuzzSeeds = []string{
	`db.orders.find({ status: "A", qty: { $lt: 30 } }, { item: 1, _id: 0 }).sort({ qty: -1 }).limit(5);`,
	"db.sales.aggregate([\n  { $match: { d: { $gte: ISODate(\"2024-01-01\") } } },\n  { $group: { _id: \"$a\", t: { $sum: 1 } } },\n]);\n",
	`db.getCollection('x').find({ n: /ab+c/i, t: new Date(new Date().getFullYear(), 0, 1) })`,
	`{"type":"aggregate","pipeline":[{"$match":{"d":{"$gte":{"$date":"2023-02-10T00:00:00Z"}}}},{"$facet":{"a":[{"$count":"n"}]}}]}`,
	`{"type":"find","filter":{"a":{"$oid":"507f1f77bcf86cd799439011"}},"projection":{"_id":0}}`,
	`{"error": "Field 'x' does not exist"}`,
	`var p = [{ $match: {} }]; if (p.length) { db.c.aggregate(p) } else { print("none") }`,
	"use shop\ndb.orders.find().forEach(printjson)",
	"```js\ndb.c.find({ a: `x${1}` , f: x => x * 2, g: function () { return 1 } })\n```",
	`db.c.find({ a: 0x1F, b: .5e3, c: 10n, d: NumberLong("5"), e: Timestamp(1, 2), f: UUID("abc"), ...rest, [k]: 1 })`,
	`db.c.updateMany({}, [{ $set: { a: { $add: ["$a", 1] } } }]); db.c.deleteMany({ $where: "1" })`,
	`db.c.find({ a: 1 /* c */ }) // done`,
	`[{"$match": {}}, 5, "x", {"$a": 1, "$b": 2}]`,
}

func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, answer string) {
		q, err := Parse(answer)
		probs := Check(q, err, false)
		if err != nil {
			if q != nil {
				t.Fatalf("both a query and an error")
			}
			if len(probs) != 1 {
				t.Fatalf("an error gives %d problems", len(probs))
			}
			return
		}
		for _, p := range probs {
			if p.Offset < 0 || p.Offset > len(answer) {
				t.Fatalf("problem offset %d outside the answer of %d bytes", p.Offset, len(answer))
			}
		}
		if j, err := q.JSON(); err == nil {
			if _, err := Parse(j); err != nil {
				t.Fatalf("canonical JSON %q does not parse: %v", j, err)
			}
		}
		if m, err := q.Mongosh(); err == nil {
			if _, err := Parse(m); err != nil {
				t.Fatalf("mongosh %q of %q does not parse: %v", m, answer, err)
			}
		}
		var s Stats
		s.Add("f", 1, answer)
		_ = s.Report()
	})
}

func BenchmarkParse(b *testing.B) {
	n := 0
	for _, s := range fuzzSeeds {
		n += len(s)
	}
	b.SetBytes(int64(n))
	for b.Loop() {
		for _, s := range fuzzSeeds {
			Parse(s)
		}
	}
}
