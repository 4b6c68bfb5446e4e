package mongoexec

import (
	"errors"
	"strings"
	"testing"
)

func TestPrepareReads(t *testing.T) {
	tests := []struct {
		answer, op, coll string
		ordered          bool
	}{
		{`db.orders.find({status: "A"})`, "find", "orders", false},
		{`db.orders.find({}).sort({total: -1}).limit(3)`, "find", "orders", true},
		{`db.orders.find({}, {_id: 0}, {sort: {a: 1}})`, "find", "orders", true},
		{`db.orders.findOne({a: 1})`, "findOne", "orders", false},
		{`db.orders.find({a: 1}).count()`, "count", "orders", false},
		{`db.orders.countDocuments({a: {$gt: 1}})`, "countDocuments", "orders", false},
		{`db.orders.estimatedDocumentCount()`, "estimatedDocumentCount", "orders", false},
		{`db.orders.distinct("status", {a: 1})`, "distinct", "orders", false},
		{`db.orders.aggregate([{$match: {a: 1}}])`, "aggregate", "orders", false},
		{`db.orders.aggregate([{$sort: {a: 1}}, {$limit: 2}])`, "aggregate", "orders", true},
		{`db.orders.aggregate([{$sort: {a: 1}}, {$group: {_id: "$b"}}])`, "aggregate", "orders", false},
		{`db.orders.aggregate([{$sort: {a: 1}}, {$unwind: "$items"}])`, "aggregate", "orders", true},
		{`db.orders.aggregate([{$sortByCount: "$a"}])`, "aggregate", "orders", true},
		{`[{"$match": {"a": 1}}]`, "aggregate", "", false},
		{`{"status": "A"}`, "find", "", false},
		{`{"find": "orders", "filter": {"a": 1}}`, "find", "orders", false},
		{`db.getCollection("orders").find({a: 1}).forEach(printjson)`, "find", "orders", false},
	}
	for _, tt := range tests {
		p, err := Prepare(tt.answer)
		if err != nil {
			t.Errorf("Prepare(%s): %v", tt.answer, err)
			continue
		}
		if p.Op != tt.op || p.Collection != tt.coll || p.Ordered() != tt.ordered {
			t.Errorf("Prepare(%s) = %s on %q ordered %v, want %s on %q ordered %v",
				tt.answer, p.Op, p.Collection, p.Ordered(), tt.op, tt.coll, tt.ordered)
		}
	}
}

func TestPrepareRefuses(t *testing.T) {
	tests := []struct {
		answer string
		unsafe bool
		reason string
	}{
		{`db.orders.insertOne({a: 1})`, true, "insertOne"},
		{`db.orders.insertMany([{a: 1}])`, true, "insertMany"},
		{`db.orders.updateMany({}, {$set: {a: 1}})`, true, "updateMany"},
		{`db.orders.deleteMany({})`, true, "deleteMany"},
		{`db.orders.drop()`, true, "drop"},
		{`db.orders.findOneAndUpdate({}, {$set: {a: 1}})`, true, "findOneAndUpdate"},
		{`db.orders.createIndex({a: 1})`, true, "createIndex"},
		{`db.dropDatabase()`, true, "dropDatabase"},
		{`db.orders.aggregate([{$match: {}}, {$out: "copy"}])`, true, "$out"},
		{`db.orders.aggregate([{$merge: {into: "copy"}}])`, true, "$merge"},
		{`db.orders.aggregate([{$facet: {a: [{$out: "x"}]}}])`, true, "$out"},
		{`db.orders.find({$where: "this.a > 1"})`, true, "$where"},
		{`db.orders.find({$expr: {$function: {body: "f", args: [], lang: "js"}}})`, true, "$function"},
		{`db.orders.aggregate([{$group: {_id: 1, x: {$accumulator: {init: "f"}}}}])`, true, "$accumulator"},
		{`db.orders.aggregate([{$currentOp: {}}])`, true, "$currentOp"},
		{`{"$where": "1"}`, true, "$where"},
		{`db.orders.mapReduce(function() {}, function() {}, {out: "x"})`, true, "mapReduce"},
		{`db.orders.bulkWrite([])`, true, "bulkWrite"},
		{`db.orders.watch()`, true, "watch"},
		{`db.runCommand({insert: "orders", documents: [{a: 1}]})`, true, "insert"},
		{`{"insert": "orders", "documents": [{"a": 1}]}`, true, "insert"},
		{`{"aggregate": "orders", "pipeline": [{"$out": "x"}], "cursor": {}}`, true, "$out"},
		{`db.adminCommand({shutdown: 1})`, true, "adminCommand"},
		{`db.getSiblingDB("admin").orders.find()`, false, "another database"},
		{`db.aggregate([{$documents: [{a: 1}]}])`, false, "no collection"},
		{`db.orders.find().explain()`, false, "no executable form"},
		{`var x = 1; db.orders.find()`, false, "script"},
		{`{"error": "no query answers this"}`, false, "error"},
		{`not a query at all (`, false, "not a query"},
	}
	for _, tt := range tests {
		_, err := Prepare(tt.answer)
		var r *Refusal
		if !errors.As(err, &r) {
			t.Errorf("Prepare(%s) = %v, want a refusal", tt.answer, err)
			continue
		}
		if r.Unsafe != tt.unsafe || !strings.Contains(r.Reason, tt.reason) {
			t.Errorf("Prepare(%s) refused with %q (unsafe %v), want %q (unsafe %v)", tt.answer, r.Reason, r.Unsafe, tt.reason, tt.unsafe)
		}
	}
}

func TestRedactor(t *testing.T) {
	uri := "mongodb://alice:s3cr%40t@db.example:27017/?authSource=admin"
	r := NewRedactor(uri)
	for _, msg := range []string{
		"connecting to " + uri + " failed",
		"auth failed for alice:s3cr%40t",
		"password s3cr@t rejected",
	} {
		got := r.String(msg)
		if strings.Contains(got, "s3cr") {
			t.Errorf("Redact(%q) = %q: the password is left", msg, got)
		}
	}
	if got := r.String("no secret here"); got != "no secret here" {
		t.Errorf("a message without credentials changed: %q", got)
	}
	if got := (&Redactor{}).String("mongodb://bob:pw@h/"); strings.Contains(got, "bob:pw") {
		t.Errorf("a connection string's user part survived: %q", got)
	}
}
