package score

import (
	"strings"
	"testing"
)

// Each rule of equivalence has a case that holds, and each trap a case
// that must not, with a word the reason must contain.
func TestEquivalent(t *testing.T) {
	const base = `db.orders.find({status: "shipped", total: {$gt: 100}})`
	tests := []struct {
		name     string
		expected string
		answer   string
		want     bool
		reason   string // a part of the reason when want is false
	}{
		{"same text", base, base, true, ""},
		{"surrounding white space", base, "\n  " + base + "  \n", true, ""},
		{"code fence", base, "```javascript\n" + base + "\n```", true, ""},
		{"json code fence", `{"status": "A"}`, "```json\n{\"status\": \"A\"}\n```", true, ""},
		{"key order in filter", base, `db.orders.find({total: {$gt: 100}, status: "shipped"})`, true, ""},
		{"key order in $match", `db.orders.aggregate([{$match: {a: 1, b: 2}}, {$count: "n"}])`, `db.orders.aggregate([{$match: {b: 2, a: 1}}, {$count: "n"}])`, true, ""},
		{"key order of an operator document", `db.orders.find({total: {$gte: 1, $lt: 5}})`, `db.orders.find({total: {$lt: 5, $gte: 1}})`, true, ""},
		{"quoting style", base, `db.orders.find({'status': 'shipped', "total": {"$gt": 100}})`, true, ""},
		{"white space inside", base, "db.orders.find( {\n  status : \"shipped\",\n  total: { $gt : 100 } } )", true, ""},
		{"trailing semicolon", base, base + ";", true, ""},
		{"getCollection", base, `db.getCollection("orders").find({status: "shipped", total: {$gt: 100}})`, true, ""},
		{"implicit $eq", `db.orders.find({status: "shipped"})`, `db.orders.find({status: {$eq: "shipped"}})`, true, ""},
		{"implicit $eq in $match", `db.orders.aggregate([{$match: {status: {$eq: "A"}}}])`, `db.orders.aggregate([{$match: {status: "A"}}])`, true, ""},
		{"top-level $and of disjoint fields", base, `db.orders.find({$and: [{status: "shipped"}, {total: {$gt: 100}}]})`, true, ""},
		{"nested $and of disjoint fields", base, `db.orders.find({$and: [{status: "shipped"}, {$and: [{total: {$gt: 100}}]}]})`, true, ""},
		{"JSON for mongosh", `db.orders.find({a: 1})`, `db.orders.find({"a": 1})`, true, ""},
		{"5 and 5.0", `db.orders.find({qty: 5})`, `db.orders.find({qty: 5.0})`, true, ""},
		{"NumberLong(5) and 5", `db.orders.find({qty: 5})`, `db.orders.find({qty: NumberLong(5)})`, true, ""},
		{"Extended JSON numbers", `db.orders.aggregate([{$match: {qty: 5}}, {$limit: 2}])`, `db.orders.aggregate([{"$match": {"qty": {"$numberInt": "5"}}}, {"$limit": {"$numberDouble": "2.0"}}])`, true, ""},
		{"countDocuments() and countDocuments({})", `db.orders.countDocuments({})`, `db.orders.countDocuments()`, true, ""},
		{"one instant in two spellings", `db.orders.find({d: ISODate("2024-01-01T00:00:00Z")})`, `db.orders.find({d: ISODate("2024-01-01T00:00:00.000Z")})`, true, ""},
		{"a date alone is its midnight UTC", `db.orders.find({d: {$gte: ISODate("2024-01-01")}})`, `db.orders.find({d: {$gte: new Date("2024-01-01T00:00:00Z")}})`, true, ""},
		{"an empty projection", `db.orders.find({a: 1})`, `db.orders.find({a: 1}, {})`, true, ""},
		{"distinct without a filter", `db.orders.distinct("a")`, `db.orders.distinct("a", {})`, true, ""},
		{"sort and limit in either order", `db.orders.find({}).sort({a: 1}).limit(3)`, `db.orders.find().limit(3).sort({a: 1})`, true, ""},
		{"code with no JSON form, spaced otherwise", `db.c.find({d: {$gte: new Date(new Date().getFullYear(), 0, 1)}})`, `db.getCollection("c").find({ d: { $gte: new Date(new Date().getFullYear(),0,1) } });`, true, ""},
		{"bare filter for bare filter", `{"a": 1, "b": 2}`, `{"b": 2, "a": 1}`, true, ""},

		{"order of a $sort document", `db.orders.find().sort({a: 1, b: -1})`, `db.orders.find().sort({b: -1, a: 1})`, false, "order"},
		{"order of $sort stage document", `db.orders.aggregate([{$sort: {a: 1, b: 1}}])`, `db.orders.aggregate([{$sort: {b: 1, a: 1}}])`, false, "order"},
		{"sort direction", `db.orders.find().sort({a: 1})`, `db.orders.find().sort({a: -1})`, false, "sort.a"},
		{"stage order", `db.orders.aggregate([{$match: {a: 1}}, {$sort: {b: 1}}])`, `db.orders.aggregate([{$sort: {b: 1}}, {$match: {a: 1}}])`, false, "stages in the order"},
		{"a string for a number", `db.orders.find({qty: 5})`, `db.orders.find({qty: "5"})`, false, "string"},
		{"a wrapped number of another value", `db.orders.find({qty: 5})`, `db.orders.find({qty: NumberLong(6)})`, false, "qty"},
		{"a string holding a number for a number", `db.orders.find({qty: 5})`, `db.orders.find({qty: "NumberLong(5)"})`, false, "string"},
		{"another instant", `db.orders.find({d: ISODate("2024-01-01T00:00:00Z")})`, `db.orders.find({d: ISODate("2024-01-01T00:00:01Z")})`, false, "$date"},
		{"another zone", `db.orders.find({d: ISODate("2024-01-01T00:00:00Z")})`, `db.orders.find({d: ISODate("2024-01-01T00:00:00+01:00")})`, false, "$date"},
		{"a time without a zone", `db.orders.find({d: ISODate("2024-01-01T00:00:00Z")})`, `db.orders.find({d: new Date("2024-01-01T00:00:00")})`, false, "$date"},
		{"a projection for none", `db.orders.find({a: 1})`, `db.orders.find({a: 1}, {b: 1})`, false, "projection"},
		{"a plan for the documents", `db.orders.find({a: 1})`, `db.orders.explain().find({a: 1})`, false, "explain"},
		{"a filter for none", `db.orders.countDocuments()`, `db.orders.countDocuments({a: 1})`, false, "filter"},
		{"a number for a string", `db.orders.find({zip: "5"})`, `db.orders.find({zip: 5})`, false, "number"},
		{"another collection", base, `db.customers.find({status: "shipped", total: {$gt: 100}})`, false, "collection"},
		{"no collection", base, `{status: "shipped", total: {$gt: 100}}`, false, "collection"},
		{"another field", base, `db.orders.find({state: "shipped", total: {$gt: 100}})`, false, "state"},
		{"another value", base, `db.orders.find({status: "pending", total: {$gt: 100}})`, false, "pending"},
		{"another operator", base, `db.orders.find({status: "shipped", total: {$gte: 100}})`, false, "$gte"},
		{"another operation", `db.orders.find({a: 1})`, `db.orders.findOne({a: 1})`, false, "operation"},
		{"$and of the same field", `db.orders.find({$and: [{a: {$gt: 1}}, {a: {$lt: 5}}]})`, `db.orders.find({a: {$lt: 5}})`, false, "$and"},
		{"$eq of a regular expression", `db.orders.find({name: /ab/})`, `db.orders.find({name: {$eq: /ab/}})`, false, "name"},
		{"$eq of an operator document", `db.orders.find({a: {$gt: 1}})`, `db.orders.find({a: {$eq: {$gt: 1}}})`, false, "a"},
		{"order inside an embedded document", `db.orders.find({addr: {city: "X", zip: "1"}})`, `db.orders.find({addr: {zip: "1", city: "X"}})`, false, "order"},
		{"a missing stage", `db.orders.aggregate([{$match: {a: 1}}, {$limit: 5}])`, `db.orders.aggregate([{$match: {a: 1}}])`, false, "stages"},
		{"prose", base, "I think you should look at the orders collection.", false, "not a query"},
		{"broken syntax", base, `db.orders.find({status: "shipped"`, false, "not a query"},
		{"a script", base, "var s = 'shipped'; db.orders.find({status: s})", false, "not a query"},
		{"expected is prose", "no idea", "db.orders.find({})", false, "expected answer"},
		{"code with no JSON form, changed", `db.c.find({d: {$gte: new Date(new Date().getFullYear(), 0, 1)}})`, `db.c.find({d: {$gte: new Date(new Date().getFullYear(), 1, 1)}})`, false, "as mongosh code the two differ"},
		{"new Date is not newDate", `db.c.find({d: {$gte: new Date(new Date().getFullYear(), 0, 1)}})`, `db.c.find({d: {$gte: newDate(new Date().getFullYear(), 0, 1)}})`, false, "as mongosh code the two differ"},
		{"order of a projection", `db.c.find({}, {a: 1, b: 1})`, `db.c.find({}, {b: 1, a: 1})`, false, "order"},
		{"$in values in another order", `db.c.find({a: {$in: [1, 2]}})`, `db.c.find({a: {$in: [2, 1]}})`, false, "filter.a.$in[0]"},
		{"the same rows by another condition", `db.c.find({qty: {$gte: 5}})`, `db.c.find({qty: {$gt: 4}})`, false, "$gt"},
		{"a repeated key takes its last value", `db.c.find({a: "x", a: {$ne: "y"}})`, `db.getCollection("c").find({a: {$ne: "y"}})`, true, ""},
		{"a repeated key, the first value", `db.c.find({a: "x", a: {$ne: "y"}})`, `db.c.find({a: "x"})`, false, "filter.a"},
		{"$eq under $not stays", `db.c.find({a: {$not: {$eq: 5}}})`, `db.c.find({a: {$not: 5}})`, false, "filter.a.$not"},
		{"$eq under $elemMatch stays", `db.c.find({a: {$elemMatch: {$eq: 5}}})`, `db.c.find({a: {$elemMatch: 5}})`, false, "filter.a.$elemMatch"},
		{"key order under $not", `db.c.find({a: {$not: {$gt: 1, $lt: 5}}})`, `db.c.find({a: {$not: {$lt: 5, $gt: 1}}})`, true, ""},
		{"a limit changed", `db.orders.find().limit(5)`, `db.orders.find().limit(10)`, false, "limit"},
	}
	long := strings.Repeat("é", 300)
	tests = append(tests, struct {
		name, expected, answer string
		want                   bool
		reason                 string
	}{"a long value is cut in the reason", `db.c.find({a: "x"})`, `db.c.find({a: "` + long + `"})`, false, strings.Repeat("é", 99) + "…, expected"})
	for _, tt := range tests {
		got, reason := Equivalent(tt.expected, tt.answer)
		if got != tt.want {
			t.Errorf("%s: equivalent %v, want %v (reason %q)", tt.name, got, tt.want, reason)
			continue
		}
		if got && reason != "" {
			t.Errorf("%s: equivalent with reason %q", tt.name, reason)
		}
		if !got && !strings.Contains(reason, tt.reason) {
			t.Errorf("%s: reason %q does not mention %q", tt.name, reason, tt.reason)
		}
	}
}
