// Package mongoexec runs expected and generated MongoDB queries on a real
// server, read-only by construction, and compares their results: the
// execution half of ft-score.
//
// A query is read by mongoquery, rewritten as canonical JSON and decoded as
// Extended JSON into a Plan; only find, findOne, aggregate, countDocuments,
// estimatedDocumentCount, distinct and count become plans, and a plan that
// names $out, $merge, $where, $function or $accumulator anywhere is refused,
// so that nothing else can reach the server. MongoDB's semantics are the
// server's: this package only compares the rows it returns.
package mongoexec

import (
	"fmt"
	"strings"

	"github.com/ft-tools/ft/cmd/internal/mongoquery"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Plan is one read to send.
type Plan struct {
	Op         string // find, findOne, aggregate, countDocuments, estimatedDocumentCount, distinct, count
	Collection string // "" when the query names none
	Filter     bson.D
	Projection bson.D
	Sort       bson.D
	Skip       int64
	Limit      int64
	Pipeline   bson.A
	Field      string // distinct's field
	// Key is the canonical JSON of the query: equal queries share it.
	Key string
}

// Refusal says why a query is not executed. Unsafe is set when it would
// write, run code on the server or administer it.
type Refusal struct {
	Reason string
	Unsafe bool
}

func (r *Refusal) Error() string { return r.Reason }

var readOps = map[string]bool{
	"find": true, "findOne": true, "aggregate": true, "countDocuments": true,
	"estimatedDocumentCount": true, "distinct": true, "count": true,
}

// forbidden are the operators that write ($out, $merge), run JavaScript on
// the server ($where, $function, $accumulator) or read the server's own
// state rather than the user's data.
var forbidden = map[string]string{
	"$out":               "writes a collection",
	"$merge":             "writes a collection",
	"$where":             "runs JavaScript on the server",
	"$function":          "runs JavaScript on the server",
	"$accumulator":       "runs JavaScript on the server",
	"$currentOp":         "reads the server's operations",
	"$listSessions":      "reads the server's sessions",
	"$listLocalSessions": "reads the server's sessions",
	"$planCacheStats":    "reads the server's plan cache",
}

// Prepare turns an answer into a Plan, or says with a *Refusal why it is
// not executed.
func Prepare(answer string) (*Plan, error) {
	q, err := mongoquery.Parse(answer)
	if err != nil {
		return nil, &Refusal{Reason: "not a query: " + err.Error()}
	}
	switch {
	case q.Form == mongoquery.FormScript:
		return nil, &Refusal{Reason: "a script, not one query: not executed"}
	case q.Operation == "error":
		return nil, &Refusal{Reason: "an {\"error\": …} answer: no query to execute"}
	}
	var raw struct {
		Type       string `bson:"type"`
		Collection string `bson:"collection"`
		Filter     bson.D `bson:"filter"`
		Projection bson.D `bson:"projection"`
		Sort       bson.D `bson:"sort"`
		Skip       int64  `bson:"skip"`
		Limit      int64  `bson:"limit"`
		Pipeline   bson.A `bson:"pipeline"`
		Field      string `bson:"field"`
		Options    bson.D `bson:"options"`
	}
	// The operation is checked on what the reader found before any value is
	// decoded, so that a write is refused even when its arguments are odd.
	op := q.Operation
	if op == "find" {
		for _, m := range q.Modifiers {
			if m == "count" || m == "itcount" || m == "size" {
				op = "count"
			}
		}
	}
	if !readOps[op] {
		return nil, &Refusal{Reason: fmt.Sprintf("%s is not one of the read operations: refused, not sent", op), Unsafe: true}
	}
	// Another database than the one given, or none: the query is not the
	// one it would be where it was written.
	if strings.Contains(answer, "getSiblingDB") || strings.Contains(answer, "getMongo") {
		return nil, &Refusal{Reason: "names another database (getSiblingDB): not executed"}
	}
	if q.DBLevel() && q.Collection == "" {
		return nil, &Refusal{Reason: fmt.Sprintf("db.%s runs on no collection: not executed", op)}
	}
	j, err := q.JSON()
	if err != nil {
		return nil, &Refusal{Reason: "no executable form: " + err.Error()}
	}
	if err := bson.UnmarshalExtJSON([]byte(j), false, &raw); err != nil {
		return nil, &Refusal{Reason: "values the server cannot be sent: " + err.Error()}
	}
	if raw.Type != op {
		return nil, &Refusal{Reason: fmt.Sprintf("read as %s but written as %s: not executed", op, raw.Type)}
	}
	p := &Plan{Op: op, Collection: raw.Collection, Filter: raw.Filter, Projection: raw.Projection,
		Sort: raw.Sort, Skip: raw.Skip, Limit: raw.Limit, Pipeline: raw.Pipeline, Field: raw.Field, Key: j}
	if op == "find" || op == "findOne" || op == "count" {
		// find's third argument may carry what the cursor methods do.
		for _, e := range raw.Options {
			switch e.Key {
			case "sort":
				if d, ok := e.Value.(bson.D); ok && p.Sort == nil {
					p.Sort = d
				}
			case "projection":
				if d, ok := e.Value.(bson.D); ok && p.Projection == nil {
					p.Projection = d
				}
			case "skip", "limit":
				n, ok := integer(e.Value)
				if !ok {
					return nil, &Refusal{Reason: fmt.Sprintf("options.%s is not a whole number", e.Key)}
				}
				if e.Key == "skip" && p.Skip == 0 {
					p.Skip = n
				} else if e.Key == "limit" && p.Limit == 0 {
					p.Limit = n
				}
			}
		}
	}
	if op == "distinct" && p.Field == "" {
		return nil, &Refusal{Reason: "distinct without a field name"}
	}
	if op == "aggregate" && p.Pipeline == nil {
		p.Pipeline = bson.A{}
	}
	if p.Filter == nil {
		p.Filter = bson.D{}
	}
	for _, v := range []any{p.Filter, p.Projection, p.Sort, p.Pipeline} {
		if name, why := findForbidden(v); name != "" {
			return nil, &Refusal{Reason: fmt.Sprintf("%s %s: refused, not sent", name, why), Unsafe: true}
		}
	}
	return p, nil
}

// findForbidden looks for a forbidden operator as a key anywhere in v.
func findForbidden(v any) (string, string) {
	switch v := v.(type) {
	case bson.D:
		for _, e := range v {
			if why, ok := forbidden[e.Key]; ok {
				return e.Key, why
			}
			if name, why := findForbidden(e.Value); name != "" {
				return name, why
			}
		}
	case bson.A:
		for _, e := range v {
			if name, why := findForbidden(e); name != "" {
				return name, why
			}
		}
	}
	return "", ""
}

func integer(v any) (int64, bool) {
	switch v := v.(type) {
	case int32:
		return int64(v), true
	case int64:
		return v, true
	case float64:
		if v == float64(int64(v)) {
			return int64(v), true
		}
	}
	return 0, false
}

// Ordered reports whether the plan's rows come in an order that is part of
// the answer: a find with a sort, or a pipeline whose last stage that
// orders or regroups rows is a $sort or $sortByCount.
func (p *Plan) Ordered() bool {
	switch p.Op {
	case "find":
		return len(p.Sort) > 0
	case "aggregate":
		ordered := false
		for _, st := range p.Pipeline {
			d, ok := st.(bson.D)
			if !ok || len(d) == 0 {
				continue
			}
			switch d[0].Key {
			case "$sort", "$sortByCount":
				ordered = true
			case "$group", "$bucket", "$bucketAuto", "$facet", "$unionWith", "$sample", "$unwind":
				ordered = ordered && d[0].Key == "$unwind"
			}
		}
		return ordered
	}
	return false
}
