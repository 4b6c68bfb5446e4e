package mongoquery

import (
	"errors"
	"strings"
	"testing"
)

// want describes the expected Query; an empty field is not compared, "-"
// means empty.
type want struct {
	form, coll, op string
	stages, all    string // space-separated
	ops            string // space-separated operators
	mods           string
	depth          int // compared when not 0; -1 means 0
	statements     int
}

func join(s []string) string {
	if len(s) == 0 {
		return "-"
	}
	return strings.Join(s, " ")
}

func checkQuery(t *testing.T, src string, q *Query, w want) {
	t.Helper()
	cmp := func(what, got, want string) {
		t.Helper()
		if want != "" && got != want {
			t.Errorf("%q: %s = %q, want %q", src, what, got, want)
		}
	}
	cmp("form", string(q.Form), w.form)
	coll := q.Collection
	if coll == "" {
		coll = "-"
	}
	cmp("collection", coll, w.coll)
	cmp("operation", q.Operation, w.op)
	cmp("stages", join(q.Stages), w.stages)
	cmp("all stages", join(q.AllStages), w.all)
	cmp("operators", join(q.Operators), w.ops)
	cmp("modifiers", join(q.Modifiers), w.mods)
	if w.depth != 0 && q.Depth != max(w.depth, 0) {
		t.Errorf("%q: depth = %d, want %d", src, q.Depth, max(w.depth, 0))
	}
	if w.statements != 0 && q.Statements != w.statements {
		t.Errorf("%q: statements = %d, want %d", src, q.Statements, w.statements)
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		src  string
		want want
	}{
		// JSON and Extended JSON.
		{`{"age": {"$gt": 30}}`, want{form: "json", coll: "-", op: "find", ops: "$gt", depth: 2}},
		{`{}`, want{form: "json", op: "find", ops: "-", depth: 1}},
		{`[{"$match": {"a": 1}}, {"$group": {"_id": "$b", "n": {"$sum": 1}}}]`,
			want{form: "json", op: "aggregate", stages: "$match $group", ops: "$sum", depth: 3}},
		{`{"type": "find", "filter": {"d": {"$gte": {"$date": "2023-02-10T00:00:00Z"}}}, "projection": {"_id": 0}}`,
			want{form: "json", op: "find", ops: "$gte", depth: 2}},
		{`{"type": "aggregate", "pipeline": [{"$match": {"x": {"$oid": "5f1d7a3e2c3b4a5d6e7f8091"}}}, {"$count": "n"}]}`,
			want{form: "json", op: "aggregate", stages: "$match $count", ops: "-", depth: 2}},
		{`{"type": "find", "collection": "users", "filter": {}, "sort": {"a": 1}, "limit": 3}`,
			want{form: "json", coll: "users", op: "find", mods: "sort limit"}},
		{`{"error": "Field 'x' does not exist"}`, want{form: "json", op: "error"}},
		{`{"find": "orders", "filter": {"qty": {"$lt": 5}}, "limit": 2}`, want{form: "json", coll: "orders", op: "find", ops: "$lt", mods: "limit"}},
		{`{"aggregate": "orders", "pipeline": [{"$match": {}}], "cursor": {}}`, want{form: "json", coll: "orders", op: "aggregate", stages: "$match"}},
		{`{"count": 5}`, want{form: "json", op: "find"}}, // a filter on a field named count
		{`{"$match": {"a": {"$gt": 1}}}`, want{form: "json", op: "aggregate", stages: "$match", ops: "$gt", depth: 3}},
		{`{"$or": [{"a": 1}, {"b": 2}]}`, want{form: "json", op: "find", stages: "-", ops: "$or"}},
		{`{"collection": "movies", "query": {"year": {"$gt": 2000}}, "projection": {"title": 1}}`, want{coll: "movies", op: "find", ops: "$gt"}},
		{`{"collection": "movies", "pipeline": [{"$match": {}}]}`, want{coll: "movies", op: "aggregate", stages: "$match"}},
		{`{"collection": "movies"}`, want{coll: "-", op: "find"}},
		{"\ufeff{\"a\": 1}", want{op: "find"}},

		// mongosh code.
		{`db.orders.find({ status: "A" })`, want{form: "mongosh", coll: "orders", op: "find", ops: "-", depth: 1, mods: "-"}},
		{`db.orders.find({ 'status': 'A', "qty": { $lt: 30 } }, { item: 1, _id: 0 }).sort({ qty: -1 }).limit(5);`,
			want{form: "mongosh", coll: "orders", op: "find", ops: "$lt", mods: "sort limit", depth: 2}},
		{`db.getCollection("order items").findOne({a: 1,},)`, want{coll: "order items", op: "findOne"}},
		{`db.getCollection('x').countDocuments({})`, want{coll: "x", op: "countDocuments"}},
		{`db["orders"].distinct("status", { qty: { $gt: 1 } })`, want{coll: "orders", op: "distinct", ops: "$gt"}},
		{`db.orders.estimatedDocumentCount()`, want{coll: "orders", op: "estimatedDocumentCount", depth: -1}},
		{`db.system.profile.find()`, want{coll: "system.profile", op: "find"}},
		{`db.getSiblingDB("shop").orders.find()`, want{coll: "orders", op: "find"}},
		{`db.collection("users").find({}).toArray()`, want{coll: "users", op: "find", mods: "toArray"}},
		{`await db.collection("users").findOne({ _id: 1 })`, want{form: "mongosh", coll: "users", op: "findOne"}},
		{`(db.users.find())`, want{coll: "users", op: "find"}},
		{`db.users.find(
  // people over thirty
  { age: { $gt: 30 } }, /* only names */ { name: 1 }
);
`, want{coll: "users", op: "find", ops: "$gt"}},
		{`db.users.find({ name: /^Jo(h)?n\/x[/]/i })`, want{op: "find", ops: "-", depth: 1}},
		{`db.users.find({ name: { $regex: /smith$/, $options: "i" } })`, want{ops: "$regex $options"}},
		{`db.events.find({ at: { $gte: ISODate("2024-01-01T00:00:00Z"), $lt: new Date("2024-02-01") } })`,
			want{ops: "$gte $lt", depth: 2}},
		{`db.events.find({ at: { $gte: new Date(new Date().getFullYear(), 0, 1) } })`, want{ops: "$gte", depth: 2}},
		{`db.events.find({ at: { $gte: new Date(Date.now() - 7 * 24 * 60 * 60 * 1000) } })`, want{ops: "$gte"}},
		{`db.c.find({ _id: ObjectId("507f1f77bcf86cd799439011"), n: NumberLong(5), d: NumberDecimal("1.5"), i: NumberInt("3"), t: Timestamp(1, 2), u: UUID("3b241101-e2bb-4255-8caf-4136c566a962") })`,
			want{op: "find", ops: "-", depth: 1}},
		{"db.c.find({ name: `plain` , tag: `x${1 + 2}y` })", want{op: "find"}},
		{`db.c.find({ total: { $gt: 10 * 2 + price } , f: x => x.a, g: (a, b) => { return a + b }, h: function () { return 1 } })`, want{ops: "$gt"}},
		{`db.c.find({ a: { b: { c: { d: 1 } } } })`, want{depth: 4}},
		{`db.c.find({ $or: [{ a: 1 }, { b: { $in: [1, 2, 3] } }] })`, want{ops: "$or $in", depth: 5}},
		{`db.c.find({ x: -1, y: +2, z: .5, w: 0x1F, v: 1_000, big: 10n, e: 1e3 })`, want{op: "find"}},
		{`db.c.find({ a: [1, , 3], ...rest, [key]: 1, "q": true, r: null, s: undefined })`, want{op: "find"}},
		{`db.orders.find({}).sort({ a: 1 }).skip(10).limit(5).project({ a: 1 }).count()`, want{mods: "sort skip limit project count"}},
		{`db.orders.find().forEach(printjson)`, want{mods: "forEach"}},
		{`db.orders.explain("executionStats").find({ a: 1 })`, want{op: "find", mods: "explain"}},
		{`db.orders.find({ a: 1 }).explain()`, want{op: "find", mods: "explain"}},
		{`db.orders.find().toArray().length`, want{mods: "toArray length"}},
		{`db.weather.find().sort({ min_dew_point_f: 1 }).limit(1).toArray()[0].min_dew_point_f`, want{op: "find", mods: "sort limit toArray [] .min_dew_point_f"}},
		{`db.movies.findOne({ title: "Up" }).rating`, want{op: "findOne", mods: ".rating"}},
		{`db.movies.findOne({}).imdb.rating.toString()`, want{op: "findOne", mods: ".imdb .rating toString"}},
		{`db.movies.find().next().title`, want{op: "find", mods: "next .title"}},
		{`db.a.find({ x: { $in: db.b.distinct("x", { y: { $gt: 1 } }) } })`, want{coll: "a", op: "find", ops: "$in $gt"}},
		{`db.a.find().forEach(d => db.b.insertOne(d))`, want{coll: "a", op: "find", mods: "forEach"}},

		// Pipelines.
		{`db.sales.aggregate([
  { $match: { status: "A" } },
  { $group: { _id: "$cust_id", total: { $sum: "$amount" } } },
  { $sort: { total: -1 } },
  { $limit: 10 },
], { allowDiskUse: true });`, want{coll: "sales", op: "aggregate", stages: "$match $group $sort $limit", ops: "$sum", depth: 3}},
		{`db.orders.aggregate([{ $lookup: { from: "items", let: { id: "$item" }, pipeline: [
    { $match: { $expr: { $eq: ["$_id", "$$id"] } } }, { $project: { _id: 0 } }], as: "x" } },
  { $unwind: "$x" }])`,
			want{stages: "$lookup $unwind", all: "$lookup $match $project $unwind", ops: "$expr $eq"}},
		{`db.c.aggregate([{ $facet: { a: [{ $count: "n" }], b: [{ $sortByCount: "$t" }, { $limit: 3 }] } }])`,
			want{stages: "$facet", all: "$facet $count $sortByCount $limit", ops: "-"}},
		{`db.c.aggregate([{ $unionWith: { coll: "d", pipeline: [{ $set: { src: "d" } }] } }, { $unset: "x" }])`,
			want{stages: "$unionWith $unset", all: "$unionWith $set $unset"}},
		{`db.c.aggregate([{ $project: { v: { $literal: { $notAnOperator: 1 } } } }])`, want{ops: "$literal"}},
		{`db.c.aggregate({ $match: { a: 1 } }, { $limit: 1 })`, want{stages: "$match $limit"}},
		{`db.aggregate([{ $currentOp: {} }])`, want{coll: "-", op: "aggregate", stages: "$currentOp"}},
		{`db.c.aggregate([{ $setWindowFields: { partitionBy: "$s", sortBy: { d: 1 }, output: { r: { $rank: {} }, m: { $avg: "$q", window: { documents: ["unbounded", "current"] } } } } }])`,
			want{stages: "$setWindowFields", ops: "$rank $avg"}},
		{`db.c.updateMany({}, [{ $set: { a: { $add: ["$a", 1] } } }])`, want{op: "updateMany", stages: "$set", ops: "$add"}},
		{`db.c.updateOne({ _id: 1 }, { $set: { a: 1 }, $inc: { n: 1 } })`, want{op: "updateOne", ops: "$set $inc"}},
		{`db.runCommand({ find: "orders", filter: { a: { $gt: 1 } } })`, want{coll: "orders", op: "find", ops: "$gt"}},

		// Scripts.
		{`var x = { a: { $gt: 1 } }; db.c.find(x)`, want{form: "script", coll: "c", op: "find", ops: "$gt", depth: 2, statements: 2}},
		{"const pipeline = [{ $match: {} }, { $count: \"n\" }]\ndb.c.aggregate(pipeline)", want{form: "script", op: "aggregate", stages: "$match $count", statements: 2}},
		{"use shop\ndb.orders.find()", want{form: "script", coll: "orders", op: "find", statements: 2}},
		{`db.a.find(); db.b.find({ x: 1 })`, want{form: "script", coll: "a", op: "find", statements: 2}},
		{"db.a.find()\ndb.b.countDocuments()", want{form: "script", coll: "a", statements: 2}},
		{`if (db.c.countDocuments() > 0) { db.c.find({ a: { $exists: true } }) } else { print("none") }`,
			want{form: "script", coll: "c", op: "countDocuments", ops: "$exists", statements: 1}},
		{`printjson(db.c.findOne())`, want{form: "script", coll: "c", op: "findOne"}},
		{`let n = 0; for (let i = 0; i < 3; i++) { n += i } db.c.find({ n: n })`, want{form: "script", coll: "c"}},
		{`function f(x) { return db.c.find({ x: x }) } f(1);`, want{form: "script", coll: "c", statements: 2}},
		{`try { db.c.find() } catch (e) { print(e) }`, want{form: "script", coll: "c"}},

		// Code fences.
		{"```javascript\ndb.c.find({})\n```", want{form: "mongosh", coll: "c", op: "find"}},
		{"```json\n{\"a\": 1}\n```\n", want{form: "json", op: "find"}},
	}
	for _, tt := range tests {
		q, err := Parse(tt.src)
		if err != nil {
			t.Errorf("%q: %v", tt.src, err)
			continue
		}
		checkQuery(t, tt.src, q, tt.want)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		src          string
		line, column int
		notQuery     bool
		msg          string
	}{
		{`db.c.find({ a: 1 `, 1, 18, false, "end of input"},
		{`db.c.find({ a: 1 b: 2 })`, 1, 18, false, `identifier "b"`},
		{"db.c.find({\n  a: 'x\n})", 2, 6, false, "unterminated string"},
		{`db.c.find({ a: 1 }) garbage`, 1, 21, false, "garbage"},
		{`{"a": 1,, }`, 1, 9, false, `","`},
		{"db.c.find({ a: 1 }) /* x", 1, 21, false, "unterminated comment"},
		{`db.c.find({ a: /x })`, 1, 16, false, "unterminated regular expression"},
		{`SELECT * FROM users`, 1, 15, false, ""},
		{`The answer is db.users.find()`, 1, 5, false, ""},
		{`42`, 1, 1, true, "a number"},
		{`"db.users.find()"`, 1, 1, true, "a string that holds one"},
		{`"hello"`, 1, 1, true, "a string"},
		{`x = 1; y = 2`, 1, 1, true, "no db"},
		{`db.users.find`, 1, 1, true, "no method"},
		{"```js\ndb.c.find({)\n```", 2, 12, false, ""},
		{"db.c.find({ a: 1 })\n\n  )", 3, 3, false, `")"`},
		{"", 1, 1, true, "empty"},
		{" // nothing\n", 2, 1, true, "empty"},
		{"db.c.find({ é: 'ü' }) ü", 1, 23, false, ""},
		{"db.c.find(\"\xff\")", 1, 12, false, "UTF-8"},
	}
	for _, tt := range tests {
		q, err := Parse(tt.src)
		if err == nil {
			t.Errorf("%q: no error, got %+v", tt.src, q)
			continue
		}
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("%q: error %T, want *ParseError", tt.src, err)
			continue
		}
		if pe.Line != tt.line || pe.Column != tt.column || pe.NotQuery != tt.notQuery || !strings.Contains(pe.Msg, tt.msg) {
			t.Errorf("%q: got line %d column %d notQuery %v %q, want line %d column %d notQuery %v containing %q",
				tt.src, pe.Line, pe.Column, pe.NotQuery, pe.Msg, tt.line, tt.column, tt.notQuery, tt.msg)
		}
		if !strings.HasPrefix(err.Error(), "line ") {
			t.Errorf("%q: Error() = %q", tt.src, err.Error())
		}
	}
}
