package mongoexec

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ft-tools/ft/cmd/internal/mongotest"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// server is one FerretDB for the package's tests, loaded with the sample
// orders as shop.orders. Only queries FerretDB v1 answers correctly are
// used: no $lookup, $facet or $bucket, no accumulator but $count and $sum.
var server *mongotest.Server

var sampleData string

func TestMain(m *testing.M) {
	var err error
	sampleData, err = filepath.Abs("../../../scripts/sample/orders-data.json")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	server, err = mongotest.Start(mongotest.Options{Load: []string{"shop.orders=" + sampleData}})
	if err != nil {
		fmt.Fprintln(os.Stderr, "starting the test server:", err)
		os.Exit(1)
	}
	code := m.Run()
	server.Close()
	os.Exit(code)
}

func newScorer(t *testing.T, uri string, cfg Config) *Scorer {
	t.Helper()
	c, err := Connect(uri, nil, 3*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Disconnect(context.Background()) })
	cfg.Client = c
	return NewScorer(cfg)
}

func TestScoreOnServer(t *testing.T) {
	pending := `db.orders.find({status: "pending"})`
	tests := []struct {
		name, expected, answer string
		m                      Match
		executed, match        bool
		nonEmpty, reasonable   bool
		reason, diff           string
	}{
		{"same query", pending, pending, MatchColumns, true, true, true, false, "", ""},
		{"find as a pipeline", pending, `db.orders.aggregate([{$match: {status: "pending"}}])`, MatchColumns, true, true, true, false, "", ""},
		{"$in as $or", `db.orders.find({status: {$in: ["cancelled", "returned"]}})`,
			`db.orders.find({$or: [{status: "returned"}, {status: "cancelled"}]})`, MatchColumns, true, true, true, false, "", ""},
		{"country as its cities", `db.orders.find({"shipping.country": "CA"}, {_id: 0, order_id: 1})`,
			`db.orders.find({"shipping.city": {$in: ["Toronto", "Montréal"]}}, {order_id: 1, _id: 0})`, MatchColumns, true, true, true, true, "", ""},
		{"top one by sort and limit", `db.orders.find({}, {_id: 0, order_id: 1, total: 1}).sort({total: -1}).limit(1)`,
			`db.orders.aggregate([{$sort: {total: -1}}, {$limit: 1}, {$project: {_id: 0, total: 1, order_id: 1}}])`, MatchColumns, true, true, true, true, "", ""},
		{"a count by pipeline, values", `db.orders.countDocuments({status: "delivered"})`,
			`db.orders.aggregate([{$match: {status: "delivered"}}, {$count: "n"}])`, MatchValues, true, true, true, true, "", ""},
		{"a count by pipeline, columns", `db.orders.countDocuments({status: "delivered"})`,
			`db.orders.aggregate([{$match: {status: "delivered"}}, {$count: "n"}])`, MatchColumns, true, false, true, true, "", `expected row {"value":12} is not among the answer's rows; first unpaired: {"n":12}`},
		{"a count of zero is empty", `db.orders.countDocuments({status: "lost"})`, `db.orders.countDocuments({status: "lost"})`,
			MatchColumns, true, true, false, false, "", ""},
		{"groups with $sum", `db.orders.aggregate([{$group: {_id: "$status", n: {$sum: 1}}}])`,
			`db.orders.aggregate([{$group: {_id: "$status", orders: {$count: {}}}}])`, MatchValues, true, true, true, true, "", ""},
		{"one row fewer", pending, `db.orders.find({status: "pending", order_id: {$ne: "A1000"}})`, MatchColumns, true, false, true, false, "", "11 rows, expected 12"},
		{"one row differs", `db.orders.find({order_id: {$in: ["A1000", "A1001"]}}, {_id: 0, order_id: 1})`,
			`db.orders.find({order_id: {$in: ["A1000", "A1002"]}}, {_id: 0, order_id: 1})`, MatchColumns, true, false, true, true, "", `{"order_id":"A1001"} is not among`},
		{"one value differs", `db.orders.find({order_id: "A1000"}, {_id: 0, order_id: 1, status: 1})`,
			`db.orders.find({order_id: "A1000"}, {_id: 0, order_id: 1, channel: 1})`, MatchValues, true, false, true, true, "", "not among"},
		{"unsorted expected, sorted answer", `db.orders.find({status: "pending"}, {_id: 0, order_id: 1})`,
			`db.orders.find({status: "pending"}, {_id: 0, order_id: 1}).sort({total: -1})`, MatchColumns, true, true, true, true, "", ""},
		{"sorted expected, reversed answer", `db.orders.find({status: "pending"}, {_id: 0, total: 1}).sort({total: 1})`,
			`db.orders.find({status: "pending"}, {_id: 0, total: 1}).sort({total: -1})`, MatchColumns, true, false, true, true, "", `row 1: expected {"total":300.0}`},
		{"sorted expected, same order by pipeline", `db.orders.find({status: "pending"}, {_id: 0, total: 1}).sort({total: 1})`,
			`db.orders.aggregate([{$match: {status: "pending"}}, {$sort: {total: 1}}, {$project: {_id: 0, total: 1}}])`, MatchColumns, true, true, true, true, "", ""},
		{"surplus columns", `db.orders.find({order_id: "A1000"}, {_id: 0, order_id: 1})`,
			`db.orders.find({order_id: "A1000"}, {_id: 0, order_id: 1, status: 1, channel: 1})`, MatchColumns, true, true, true, true, "", ""},
		{"too many rows", `db.orders.find({status: "pending"}).limit(2)`, `db.orders.find({})`, MatchColumns, true, false, true, true, "", "more than the 2 rows"},
		{"a write", pending, `db.orders.insertOne({status: "pending"})`, MatchColumns, false, false, false, false, "insertOne", ""},
		{"a delete", pending, `db.orders.deleteMany({})`, MatchColumns, false, false, false, false, "deleteMany", ""},
		{"a drop", pending, `db.orders.drop()`, MatchColumns, false, false, false, false, "drop", ""},
		{"$out", pending, `db.orders.aggregate([{$match: {status: "pending"}}, {$out: "orders"}])`, MatchColumns, false, false, false, false, "$out", ""},
		{"$merge", pending, `db.orders.aggregate([{$merge: {into: "orders"}}])`, MatchColumns, false, false, false, false, "$merge", ""},
		{"$where", pending, `db.orders.find({$where: "this.status == 'pending'"})`, MatchColumns, false, false, false, false, "$where", ""},
		{"a query the server fails", pending, `db.orders.find({status: {$frobnicate: 1}})`, MatchColumns, false, false, false, false, "the server failed it", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newScorer(t, server.URI(), Config{Match: tt.m, Surplus: 2})
			sc, err := s.Score(context.Background(), "shop", tt.expected, tt.answer)
			if err != nil {
				t.Fatal(err)
			}
			if sc.Unscored != "" {
				t.Fatalf("unscored: %s", sc.Unscored)
			}
			if sc.Executed != tt.executed || sc.ResultMatch != tt.match || sc.NonEmpty != tt.nonEmpty || sc.Reasonable != tt.reasonable {
				t.Errorf("executed %v match %v nonempty %v reasonable %v, want %v %v %v %v (reason %q, diff %q)",
					sc.Executed, sc.ResultMatch, sc.NonEmpty, sc.Reasonable, tt.executed, tt.match, tt.nonEmpty, tt.reasonable, sc.Reason, sc.Diff)
			}
			if !strings.Contains(sc.Reason, tt.reason) || (tt.reason == "") != (sc.Reason == "") {
				t.Errorf("reason %q, want %q", sc.Reason, tt.reason)
			}
			if !strings.Contains(sc.Diff, tt.diff) || (tt.diff == "") != (sc.Diff == "") {
				t.Errorf("diff %q, want %q", sc.Diff, tt.diff)
			}
			n := 0.0
			for _, b := range []bool{tt.executed, tt.match, tt.nonEmpty, tt.reasonable} {
				if b {
					n++
				}
			}
			if sc.XMaNeR != n/4 {
				t.Errorf("xmaner %v, want %v", sc.XMaNeR, n/4)
			}
		})
	}
	t.Run("nothing was written", func(t *testing.T) {
		s := newScorer(t, server.URI(), Config{})
		sc, err := s.Score(context.Background(), "shop", `db.orders.estimatedDocumentCount()`, `db.orders.countDocuments({})`)
		if err != nil {
			t.Fatal(err)
		}
		if !sc.ResultMatch || sc.Rows != 1 {
			t.Fatalf("%+v", sc)
		}
		for _, c := range server.Commands() {
			if c.Name == "count" && c.DB == "shop" {
				if n, _ := c.Doc.Lookup("count").StringValueOK(); n == "orders" {
					return
				}
			}
		}
		t.Error("no count command was recorded")
	})
	checkCommands(t, server.Commands())
}

func checkCommands(t *testing.T, cmds []mongotest.Command) {
	t.Helper()
	if err := mongotest.CheckReadOnly(cmds); err != nil {
		t.Error(err)
	}
}

func TestRowCap(t *testing.T) {
	s := newScorer(t, server.URI(), Config{MaxRows: 5})
	before := len(server.Commands())
	sc, err := s.Score(context.Background(), "shop", `db.orders.find({status: "pending"}).limit(3)`, `db.orders.aggregate([{$match: {}}])`)
	if err != nil {
		t.Fatal(err)
	}
	if !sc.RowCountExceeded || sc.Rows != 3 || sc.ResultMatch {
		t.Errorf("%+v: want row_count_exceeded after 3 rows", sc)
	}
	var agg bson.Raw
	for _, c := range server.Commands()[before:] {
		if c.Name == "aggregate" {
			agg = c.Doc
		}
		if c.Name == "getMore" {
			t.Errorf("a getMore was sent: the answer was read past one batch")
		}
	}
	if agg == nil {
		t.Fatal("no aggregate was recorded")
	}
	if n, _ := agg.Lookup("cursor", "batchSize").AsInt64OK(); n != 4 {
		t.Errorf("the answer's batch was %d rows, want 4 (3 expected and one past)", n)
	}

	sc, err = s.Score(context.Background(), "shop", `db.orders.find({})`, `db.orders.find({})`)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sc.Unscored, "more than 5 rows") {
		t.Errorf("expected query over the row cap: unscored %q", sc.Unscored)
	}
}

func TestExpectedOnceAndNotices(t *testing.T) {
	s := newScorer(t, server.URI(), Config{})
	before := len(server.Commands())
	exp := `db.orders.find({channel: "store"})`
	for _, a := range []string{exp, `db.orders.find({channel: "web"})`, `{"channel": "store"}`} {
		sc, err := s.Score(context.Background(), "shop", exp, a)
		if err != nil {
			t.Fatal(err)
		}
		if !sc.Executed || len(sc.Notices) > 0 {
			t.Errorf("%s: %+v", a, sc)
		}
	}
	finds := 0
	for _, c := range server.Commands()[before:] {
		if c.Name == "find" {
			finds++
		}
	}
	if finds != 4 {
		t.Errorf("%d finds for one expected query and three answers, want 4", finds)
	}

	for db, coll := range map[string]string{"shop": "returns", "nosuch": "orders"} {
		var notices []string
		for range 3 {
			sc, err := s.Score(context.Background(), db, "db."+coll+".find({})", "db."+coll+".find({a: 1})")
			if err != nil {
				t.Fatal(err)
			}
			if !sc.ResultMatch {
				t.Errorf("%s.%s: two empty results differ: %+v", db, coll, sc)
			}
			notices = append(notices, sc.Notices...)
		}
		if len(notices) != 1 || !strings.Contains(notices[0], db+"."+coll+" has no documents") {
			t.Errorf("%s.%s: notices %q, want one", db, coll, notices)
		}
	}

	sc, err := s.Score(context.Background(), "shop", `db.orders.drop()`, `db.orders.find()`)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sc.Unscored, "drop") || len(sc.Notices) != 1 {
		t.Errorf("an expected write: %+v", sc)
	}
	checkCommands(t, server.Commands()[before:])
}

func TestServerGoesAway(t *testing.T) {
	srv, err := mongotest.Start(mongotest.Options{Load: []string{"shop.orders=" + sampleData}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	s := newScorer(t, srv.URI(), Config{QueryTimeout: 3 * time.Second, Attempts: 2, Backoff: 10 * time.Millisecond})
	ctx := context.Background()
	if sc, err := s.Score(ctx, "shop", `db.orders.find({status: "shipped"})`, `db.orders.find({status: "shipped"})`); err != nil || !sc.ResultMatch {
		t.Fatalf("before: %+v, %v", sc, err)
	}
	srv.Stop()
	start := time.Now()
	_, err = s.Score(ctx, "shop", `db.orders.find({status: "pending"})`, `db.orders.find({status: "pending"})`)
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("after the server went away: %v, want ErrUnavailable", err)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("giving up took %s", d)
	}
}

// TestSlowQuery: a query over --query-timeout on a server that answers
// everything else is not executed, with the reason; it is not taken for a
// server that went away.
func TestSlowQuery(t *testing.T) {
	srv, err := mongotest.Start(mongotest.Options{Load: []string{"shop.orders=" + sampleData},
		Slow: "slowpoke", Delay: 6 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	s := newScorer(t, srv.URI(), Config{QueryTimeout: 2 * time.Second, Attempts: 2, Backoff: 10 * time.Millisecond})
	ctx := context.Background()
	sc, err := s.Score(ctx, "shop", `db.orders.find({status: "shipped"})`, `db.orders.find({status: "shipped", note: {$ne: "slowpoke"}})`)
	if err != nil {
		t.Fatalf("a slow query ended the run: %v", err)
	}
	if sc.Executed || !strings.Contains(sc.Reason, "timed out after 2s") {
		t.Errorf("%+v: want not executed, timed out", sc)
	}
	sc, err = s.Score(ctx, "shop", `db.orders.find({status: "shipped"})`, `db.orders.find({status: "shipped"})`)
	if err != nil || !sc.ResultMatch {
		t.Errorf("after the slow query: %+v, %v", sc, err)
	}
}

// TestDroppedConnection: a server that closes the connection of one query
// (FerretDB does on a filter with a repeated key) but answers the rest is
// up: that answer is not executed, and the run goes on.
func TestDroppedConnection(t *testing.T) {
	srv, err := mongotest.Start(mongotest.Options{Load: []string{"shop.orders=" + sampleData}, Drop: "dropme"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	s := newScorer(t, srv.URI(), Config{Attempts: 2, Backoff: 10 * time.Millisecond})
	ctx := context.Background()
	sc, err := s.Score(ctx, "shop", `db.orders.find({status: "shipped"})`, `db.orders.find({status: "shipped", note: {$ne: "dropme"}})`)
	if err != nil {
		t.Fatalf("a dropped connection ended the run: %v", err)
	}
	if sc.Executed || !strings.Contains(sc.Reason, "closed the connection on this query") {
		t.Errorf("%+v: want not executed, the connection closed", sc)
	}
	sc, err = s.Score(ctx, "shop", `db.orders.find({status: "shipped"})`, `db.orders.find({status: "shipped"})`)
	if err != nil || !sc.ResultMatch {
		t.Errorf("after the dropped query: %+v, %v", sc, err)
	}
}
