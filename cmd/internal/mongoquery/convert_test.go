package mongoquery

import (
	"strings"
	"testing"

	json "github.com/goccy/go-json"
)

func TestToJSON(t *testing.T) {
	tests := []struct{ src, want string }{
		{`db.orders.find({ status: 'A', qty: { $lt: 30 } }, { item: 1 }).sort({ qty: -1 }).skip(2).limit(5);`,
			`{"type":"find","collection":"orders","filter":{"status":"A","qty":{"$lt":30}},"projection":{"item":1},"sort":{"qty":-1},"skip":2,"limit":5}`},
		{`db.orders.find()`, `{"type":"find","collection":"orders","filter":{}}`},
		{`db.c.find({ a: 1 }).count()`, `{"type":"count","collection":"c","filter":{"a":1}}`},
		{`db.c.find({}).forEach(printjson)`, `{"type":"find","collection":"c","filter":{}}`},
		{`db.sales.aggregate([{ $match: { d: { $gte: ISODate("2024-01-01T00:00:00Z") } } }, { $count: "n" }])`,
			`{"type":"aggregate","collection":"sales","pipeline":[{"$match":{"d":{"$gte":{"$date":"2024-01-01T00:00:00Z"}}}},{"$count":"n"}]}`},
		{`db.c.find({ n: /ab+c/mi, id: ObjectId("507f1f77bcf86cd799439011"), l: NumberLong(5), i: NumberInt(3), x: NumberDecimal("1.5"), t: Timestamp(1, 2), d: new Date(0) })`,
			`{"type":"find","collection":"c","filter":{"n":{"$regularExpression":{"pattern":"ab+c","options":"im"}},"id":{"$oid":"507f1f77bcf86cd799439011"},"l":{"$numberLong":"5"},"i":3,"x":{"$numberDecimal":"1.5"},"t":{"$timestamp":{"t":1,"i":2}},"d":{"$date":{"$numberLong":"0"}}}}`},
		{`db.c.find({ a: 0x10, b: .5, c: -2, d: 1_000, e: 10n, f: "é\n\"", u: undefined })`,
			`{"type":"find","collection":"c","filter":{"a":16,"b":0.5,"c":-2,"d":1000,"e":{"$numberLong":"10"},"f":"é\n\"","u":{"$undefined":true}}}`},
		{`db.c.distinct("status", { a: 1 })`, `{"type":"distinct","collection":"c","field":"status","filter":{"a":1}}`},
		{`db.c.countDocuments({ a: 1 })`, `{"type":"countDocuments","collection":"c","filter":{"a":1}}`},
		{`db.c.updateOne({ a: 1 }, { $set: { b: 2 } })`, `{"type":"updateOne","collection":"c","args":[{"a":1},{"$set":{"b":2}}]}`},
		{`db.getCollection("order items").findOne({})`, `{"type":"findOne","collection":"order items","filter":{}}`},
		{`{ "type": "find", "filter": { "a": 1 }, "projection": { "_id": 0 } }`, `{"type":"find","filter":{"a":1},"projection":{"_id":0}}`},
		{`{"age": {"$gt": 5}}`, `{"type":"find","filter":{"age":{"$gt":5}}}`},
		{`[{"$match": {}}]`, `{"type":"aggregate","pipeline":[{"$match":{}}]}`},
		{`{"$match": {"a": 1}}`, `{"type":"aggregate","pipeline":[{"$match":{"a":1}}]}`},
		{"```js\ndb.c.find({})\n```", `{"type":"find","collection":"c","filter":{}}`},
		{`{ "error": "Field 'x' does not exist" }`, `{"error":"Field 'x' does not exist"}`},
	}
	for _, tt := range tests {
		got, err := ToJSON(tt.src)
		if err != nil {
			t.Errorf("%q: %v", tt.src, err)
			continue
		}
		if got != tt.want {
			t.Errorf("%q:\n got %s\nwant %s", tt.src, got, tt.want)
		}
		if !json.Valid([]byte(got)) {
			t.Errorf("%q: invalid JSON %s", tt.src, got)
		}
	}
}

func TestToJSONRefuses(t *testing.T) {
	tests := []struct{ src, msg string }{
		{`var x = 1; db.c.find({ a: x })`, "script"},
		{`db.c.find({ a: new Date() })`, "new Date()"},
		{`db.c.find({ a: b + 1 })`, "b + 1"},
		{"db.c.find({ a: `x${y}` })", "template"},
		{`db.c.find().map(d => d.a)`, "map"},
		{`db.c.find({ a: 1 }).explain()`, "explain"},
		{`db.c.explain("executionStats").find({ a: 1 })`, "explain"},
		{`db.c.explain().aggregate([{ $match: { a: 1 } }])`, "explain"},
		{`db.c.find({ [k]: 1 })`, "computed"},
	}
	for _, tt := range tests {
		got, err := ToJSON(tt.src)
		if err == nil || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%q: got %q, %v; want an error about %q", tt.src, got, err, tt.msg)
		}
	}
}

func TestToMongosh(t *testing.T) {
	tests := []struct{ src, want string }{
		{`{"type": "find", "filter": {"d": {"$gte": {"$date": "2023-02-10T00:00:00Z"}}, "n": {"$regularExpression": {"pattern": "^a", "options": "i"}}}, "projection": {"_id": 0, "first name": 1}}`,
			`db.collection.find({ d: { $gte: ISODate("2023-02-10T00:00:00Z") }, n: /^a/i }, { _id: 0, "first name": 1 })`},
		{`{"type": "aggregate", "collection": "orders", "pipeline": [{"$match": {"_id": {"$oid": "507f1f77bcf86cd799439011"}}}, {"$limit": 1}]}`,
			`db.orders.aggregate([{ $match: { _id: ObjectId("507f1f77bcf86cd799439011") } }, { $limit: 1 }])`},
		{`{"type": "find", "collection": "x-y", "filter": {}, "sort": {"a": 1}, "limit": 2}`,
			`db.getCollection("x-y").find({}).sort({ a: 1 }).limit(2)`},
		{`{"a": {"$numberLong": "5"}, "b": {"$numberDecimal": "1.5"}, "c": {"$regularExpression": {"pattern": "a/b", "options": ""}}}`,
			`db.collection.find({ a: NumberLong("5"), b: NumberDecimal("1.5"), c: RegExp("a/b", "") })`},
		{`db.c.find({ 'a': 1, b: new Date(new Date().getFullYear(), 0, 1), c: [1, 2,], }).sort({ a: -1 })`,
			`db.c.find({ a: 1, b: new Date(new Date().getFullYear(), 0, 1), c: [1, 2] }).sort({ a: -1 })`},
		{`db.aggregate([{ $currentOp: {} }])`, `db.aggregate([{ $currentOp: {} }])`},
		{`[{"$count": "n"}]`, `db.collection.aggregate([{ $count: "n" }])`},
		{`{ "error": "no such field" }`, `{"error":"no such field"}`},
	}
	for _, tt := range tests {
		got, err := ToMongosh(tt.src)
		if err != nil {
			t.Errorf("%q: %v", tt.src, err)
			continue
		}
		if got != tt.want {
			t.Errorf("%q:\n got %s\nwant %s", tt.src, got, tt.want)
		}
		if _, err := Parse(got); err != nil {
			t.Errorf("%q: output does not parse: %v", tt.src, err)
		}
	}
}

// TestRoundTrip converts both ways and checks that the query read is the same.
func TestRoundTrip(t *testing.T) {
	srcs := []string{
		`db.orders.find({ status: "A", qty: { $lt: 30 } }, { item: 1 }).sort({ qty: -1 }).limit(5)`,
		`db.sales.aggregate([{ $match: { d: { $gte: ISODate("2024-01-01") }, n: /x/i } }, { $group: { _id: "$a", t: { $sum: 1 } } }])`,
		`db.c.distinct("a", { b: { $in: [1, 2] } })`,
	}
	for _, src := range srcs {
		j, err := ToJSON(src)
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		m, err := ToMongosh(j)
		if err != nil {
			t.Fatalf("%q: %v", j, err)
		}
		if m != mustMongosh(t, src) {
			t.Errorf("%q: through JSON %s, directly %s", src, m, mustMongosh(t, src))
		}
		j2, err := ToJSON(m)
		if err != nil || j2 != j {
			t.Errorf("%q: JSON %s, again %s (%v)", src, j, j2, err)
		}
	}
}

func mustMongosh(t *testing.T, src string) string {
	t.Helper()
	m, err := ToMongosh(src)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
