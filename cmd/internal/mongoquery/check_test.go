package mongoquery

import (
	"strconv"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		src         string
		allowUnsafe bool
		want        string // "severity code line:column", comma-separated; "" for none
	}{
		{`db.c.find({ a: { $gt: 1 } })`, false, ""},
		{`db.c.find({ a: 1 `, false, "error mongo_unparsable 1:18"},
		{`42`, false, "error mongo_not_query 1:1"},
		{`var x = 1; db.c.find({ a: x })`, false, "warning mongo_script 1:1"},
		{`{"error": "no such field"}`, false, "warning mongo_error_answer 1:1"},
		{`db.c.aggregate([{ $match: {} }, { $matchh: {} }])`, false, "error mongo_unknown_stage 1:35"},
		{`db.c.aggregate([{ $match: {}, $limit: 1 }])`, false, "error mongo_invalid_stage 1:17"},
		{`[{"$match": {}}, 5]`, false, "error mongo_invalid_stage 1:18"},
		{"db.c.aggregate([\n  { $match: {} },\n  { $out: \"x\" }\n])", false, "error mongo_unsafe_operator 3:5"},
		{`db.c.aggregate([{ $out: "x" }])`, true, ""},
		{`db.c.aggregate([{ $merge: { into: "x" } }])`, false, "error mongo_unsafe_operator 1:19"},
		{`db.c.find({ $where: "this.a > 1" })`, false, "error mongo_unsafe_operator 1:13"},
		{`db.c.aggregate([{ $project: { x: { $function: { body: "f", args: [], lang: "js" } } } }])`, false, "error mongo_unsafe_operator 1:36"},
		{`db.c.aggregate([{ $group: { _id: 1, x: { $accumulator: {} } } }])`, false, "error mongo_unsafe_operator 1:42"},
		{`db.c.deleteMany({})`, false, "error mongo_unsafe_operation 1:6"},
		{`db.c.deleteMany({})`, true, ""},
		{`db.a.find().forEach(d => db.b.insertOne(d))`, false, "error mongo_unsafe_operation 1:31"},
		{`db.dropDatabase()`, false, "error mongo_unsafe_operation 1:4"},
		{`db.runCommand({ drop: "c" })`, false, "error mongo_unsafe_operation 1:17"},
		{`db.adminCommand({ shutdown: 1 })`, false, "error mongo_unsafe_operation 1:19"},
		{`db.runCommand("dropDatabase")`, false, "error mongo_unsafe_operation 1:15"},
		{`db.runCommand({ delete: "c", deletes: [{ q: {}, limit: 0 }] })`, false, "error mongo_unsafe_operation 1:17"},
		{`db.runCommand({ ping: 1 })`, false, ""},
		{`db.runCommand({ find: "c" })`, false, ""},
		{`db.c.find({ a: { $gtt: 1 } })`, false, "warning mongo_unknown_operator 1:18"},
		{`db.c.fnd({})`, false, "warning mongo_unknown_method 1:6"},
		{`db.c.find({}).sortt({ a: 1 })`, false, "warning mongo_unknown_method 1:15"},
		{`db.c.find({}).toArray()[0].rating`, true, ""},
		{`db.c.findOne({ a: 1 }).rating`, true, ""},
		{`db.c.find({}).rating`, false, "warning mongo_unknown_method 1:15"}, // a cursor has no fields
		{`db.c.findOne({}).rating.sortt()`, false, "warning mongo_unknown_method 1:25"},
		{"```js\ndb.c.find({ a: { $bad: 1 } })\n```", false, "warning mongo_code_fence 1:1,warning mongo_unknown_operator 2:18"},
	}
	for _, tt := range tests {
		q, err := Parse(tt.src)
		var got []string
		for _, p := range Check(q, err, tt.allowUnsafe) {
			got = append(got, strings.Join([]string{p.Severity, p.Code, strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Column)}, " "))
			if !strings.HasPrefix(p.Message, "line "+strconv.Itoa(p.Line)+", column "+strconv.Itoa(p.Column)+": ") {
				t.Errorf("%q: message %q does not start with the position", tt.src, p.Message)
			}
			if l, c := position(tt.src, p.Offset); l != p.Line || c != p.Column {
				t.Errorf("%q: offset %d is %d:%d, problem says %d:%d", tt.src, p.Offset, l, c, p.Line, p.Column)
			}
		}
		if g := strings.Join(got, ","); g != tt.want {
			t.Errorf("%q: got %q, want %q", tt.src, g, tt.want)
		}
	}
}
