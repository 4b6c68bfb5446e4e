package mongoexec

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/topology"
)

// Result is what a plan returned. A count or an estimated count is one row
// {value: N}, a distinct one row {value: V} per value.
type Result struct {
	Rows []bson.D
	// More is set when there was at least one row past the limit the plan
	// was read with.
	More bool
}

// ErrUnavailable wraps the error of a server that could not be reached.
var ErrUnavailable = errors.New("server unavailable")

// Connect builds a client. The URI's credentials stay in the client; every
// error this package returns has them redacted.
func Connect(uri string, rp *readpref.ReadPref, connectTimeout time.Duration) (*mongo.Client, error) {
	red := NewRedactor(uri)
	opts := options.Client().ApplyURI(uri).SetAppName("ft-score")
	if err := opts.Validate(); err != nil {
		return nil, errors.New(red.String(err.Error()))
	}
	if rp != nil {
		opts.SetReadPreference(rp)
	}
	if connectTimeout > 0 {
		opts.SetServerSelectionTimeout(connectTimeout).SetConnectTimeout(connectTimeout)
	}
	c, err := mongo.Connect(opts)
	if err != nil {
		return nil, errors.New(red.String(err.Error()))
	}
	return c, nil
}

// ReadPref reads a read preference mode: primary, primaryPreferred,
// secondary, secondaryPreferred or nearest.
func ReadPref(name string) (*readpref.ReadPref, error) {
	mode, err := readpref.ModeFromString(name)
	if err != nil {
		return nil, fmt.Errorf("read preference %q: want primary, primaryPreferred, secondary, secondaryPreferred or nearest", name)
	}
	return readpref.New(mode)
}

// Exec runs p on db, reading at most limit rows and noting whether there
// was one more, with read preference rp (nil: primary). The caller's
// context bounds the query; its deadline is sent to the server as maxTimeMS.
func Exec(ctx context.Context, db *mongo.Database, p *Plan, limit int, rp *readpref.ReadPref) (*Result, error) {
	coll := db.Collection(p.Collection)
	res := &Result{}
	batch := int32(min(limit+1, 1<<20))
	switch p.Op {
	case "find", "findOne":
		n := p.Limit
		if p.Op == "findOne" {
			n = 1
		}
		// A negative limit is mongosh's single-batch form of the same limit.
		if n < 0 {
			n = -n
		}
		if n == 0 || n > int64(limit)+1 {
			n = int64(limit) + 1
		}
		cmd := bson.D{{Key: "find", Value: p.Collection}, {Key: "filter", Value: p.Filter}}
		if p.Projection != nil {
			cmd = append(cmd, bson.E{Key: "projection", Value: p.Projection})
		}
		if p.Sort != nil {
			cmd = append(cmd, bson.E{Key: "sort", Value: p.Sort})
		}
		if p.Skip > 0 {
			cmd = append(cmd, bson.E{Key: "skip", Value: p.Skip})
		}
		cmd = append(cmd, bson.E{Key: "limit", Value: n}, bson.E{Key: "batchSize", Value: batch})
		return res, readCursor(ctx, db, cmd, limit, rp, res)
	case "aggregate":
		cmd := bson.D{{Key: "aggregate", Value: p.Collection}, {Key: "pipeline", Value: p.Pipeline},
			{Key: "cursor", Value: bson.D{{Key: "batchSize", Value: batch}}}}
		return res, readCursor(ctx, db, cmd, limit, rp, res)
	case "countDocuments", "count":
		o := options.Count()
		if p.Skip > 0 {
			o.SetSkip(p.Skip)
		}
		if p.Limit > 0 {
			o.SetLimit(p.Limit)
		}
		n, err := coll.CountDocuments(ctx, p.Filter, o)
		if err != nil {
			return nil, err
		}
		res.Rows = []bson.D{{{Key: "value", Value: n}}}
		return res, nil
	case "estimatedDocumentCount":
		n, err := coll.EstimatedDocumentCount(ctx)
		if err != nil {
			return nil, err
		}
		res.Rows = []bson.D{{{Key: "value", Value: n}}}
		return res, nil
	case "distinct":
		arr, err := coll.Distinct(ctx, p.Field, p.Filter).Raw()
		if err != nil {
			return nil, err
		}
		vals, err := arr.Values()
		if err != nil {
			return nil, err
		}
		for i, v := range vals {
			if i == limit {
				res.More = true
				break
			}
			var d bson.D
			doc := bson.D{{Key: "value", Value: v}}
			raw, err := bson.Marshal(doc)
			if err == nil {
				err = bson.Unmarshal(raw, &d)
			}
			if err != nil {
				return nil, err
			}
			res.Rows = append(res.Rows, d)
		}
		return res, nil
	}
	return nil, &Refusal{Reason: p.Op + " is not one of the read operations: refused, not sent", Unsafe: true}
}

// readCursor sends a find or aggregate command built here, never one taken
// from a query, through RunCommandCursor: Collection.Find and Aggregate leave
// out maxTimeMS, which RunCommandCursor sends from the context's deadline.
func readCursor(ctx context.Context, db *mongo.Database, cmd bson.D, limit int, rp *readpref.ReadPref, res *Result) error {
	if rp == nil {
		rp = readpref.Primary()
	}
	cur, err := db.RunCommandCursor(ctx, cmd, options.RunCmd().SetReadPreference(rp))
	if err != nil {
		return err
	}
	return drain(ctx, cur, limit, res)
}

func drain(ctx context.Context, cur *mongo.Cursor, limit int, res *Result) error {
	// Closing a cursor left open sends killCursors: the server's cursor is
	// not left to time out.
	defer cur.Close(context.WithoutCancel(ctx))
	for cur.Next(ctx) {
		if len(res.Rows) == limit {
			res.More = true
			return nil
		}
		var d bson.D
		if err := cur.Decode(&d); err != nil {
			return err
		}
		res.Rows = append(res.Rows, d)
	}
	return cur.Err()
}

// unreachable reports whether err means no connection could be made at
// all, rather than one that was made and then lost.
func unreachable(err error) bool {
	var sel topology.ServerSelectionError
	return errors.As(err, &sel) || errors.Is(err, mongo.ErrClientDisconnected) ||
		strings.Contains(err.Error(), "connection refused")
}

// Unavailable reports whether err means the server could not be reached,
// as opposed to the server refusing or failing the query, or the query
// running out of time.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	var sel topology.ServerSelectionError
	switch {
	case errors.Is(err, ErrUnavailable), errors.As(err, &sel), errors.Is(err, mongo.ErrClientDisconnected):
		return true
	case mongo.IsTimeout(err):
		return false
	case mongo.IsNetworkError(err):
		return true
	}
	var ce mongo.CommandError
	if errors.As(err, &ce) {
		return false
	}
	msg := err.Error()
	return strings.Contains(msg, "connection refused") || strings.Contains(msg, "connection reset")
}
