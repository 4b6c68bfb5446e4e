package mongoexec

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"
)

// Config configures a Scorer.
type Config struct {
	Client       *mongo.Client
	Collection   string             // the collection of queries that name none, as bare filters and pipelines do
	ReadPref     *readpref.ReadPref // nil: primary
	QueryTimeout time.Duration      // per query, sent as maxTimeMS; 0: 5s
	MaxRows      int                // rows read of an expected query; 0: 1000
	Match        Match
	Surplus      int           // fields a predicted row may have past the expected row's
	Attempts     int           // tries of a query whose server cannot be reached; 0: 3
	Backoff      time.Duration // first pause between tries, doubled each time; 0: 500ms
	Redactor     *Redactor     // nil: no credentials to hide
}

// Scorer scores answers by execution. The expected query's result is
// computed once per database and query, however many answers share it.
// A Scorer is not safe for concurrent use.
type Scorer struct {
	cfg      Config
	expected map[string]*outcome
	said     map[string]bool
}

type outcome struct {
	plan    *Plan
	res     *Result
	ordered bool
	problem string // why the expected query gives nothing to compare with
}

// Score is the execution score of one answer.
type Score struct {
	// Unscored says why the expected query gives nothing to compare with
	// (it cannot be read or executed, or returns too many rows); the fields
	// below are then not set.
	Unscored string

	Executed    bool
	NonEmpty    bool
	Reasonable  bool
	ResultMatch bool
	XMaNeR      float64 // the mean of the four above
	// RowCountExceeded is set when the answer returned more rows than
	// expected; it was read one row past the expected count, no further.
	RowCountExceeded bool
	Reason           string // why the answer was not executed
	Diff             string // the first row that differs
	Rows             int    // rows read of the answer

	// Notices are things to say once per run: a collection with no
	// documents, an expected query that cannot be executed. Each is
	// returned with the first answer it concerns only.
	Notices []string
}

// NewScorer returns a Scorer with cfg's zero values defaulted.
func NewScorer(cfg Config) *Scorer {
	if cfg.QueryTimeout <= 0 {
		cfg.QueryTimeout = 5 * time.Second
	}
	if cfg.MaxRows <= 0 {
		cfg.MaxRows = 1000
	}
	if cfg.Attempts <= 0 {
		cfg.Attempts = 3
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = 500 * time.Millisecond
	}
	if cfg.Redactor == nil {
		cfg.Redactor = &Redactor{}
	}
	return &Scorer{cfg: cfg, expected: map[string]*outcome{}, said: map[string]bool{}}
}

// Score runs expected (once per db) and answer on database db. The only
// errors are a server that stayed unreachable (wrapping ErrUnavailable)
// and ctx's.
func (s *Scorer) Score(ctx context.Context, db, expected, answer string) (*Score, error) {
	sc := &Score{}
	exp, err := s.expect(ctx, db, expected, sc)
	if err != nil {
		return nil, err
	}
	if exp.problem != "" {
		sc.Unscored = exp.problem
		return sc, nil
	}
	p, err := Prepare(answer)
	if err != nil {
		sc.Reason = err.Error()
		return sc, nil
	}
	if p.Collection == "" {
		p.Collection = exp.plan.Collection
	}
	res, err := s.exec(ctx, db, p, len(exp.res.Rows))
	if err != nil {
		if Unavailable(err) || ctx.Err() != nil {
			return nil, err
		}
		sc.Reason = s.failure(err)
		return sc, nil
	}
	counted := isCount(p.Op)
	sc.Executed = true
	sc.Rows = len(res.Rows)
	sc.NonEmpty = NonEmpty(res.Rows, counted)
	sc.Reasonable = Reasonable(res.Rows, counted)
	if res.More {
		sc.RowCountExceeded = true
		sc.Diff = fmt.Sprintf("more than the %d rows expected", len(exp.res.Rows))
	} else {
		c := Compare(exp.res.Rows, res.Rows, exp.ordered, s.cfg.Match, s.cfg.Surplus)
		sc.ResultMatch, sc.Diff = c.Match, c.Diff
	}
	n := 0.0
	for _, b := range []bool{sc.Executed, sc.ResultMatch, sc.NonEmpty, sc.Reasonable} {
		if b {
			n++
		}
	}
	sc.XMaNeR = n / 4
	return sc, nil
}

func isCount(op string) bool {
	return op == "count" || op == "countDocuments" || op == "estimatedDocumentCount"
}

// expect returns the expected query's outcome on db, running it the first
// time it is asked for.
func (s *Scorer) expect(ctx context.Context, db, expected string, sc *Score) (*outcome, error) {
	p, perr := Prepare(expected)
	key := db + "\x00" + expected
	if perr == nil {
		key = db + "\x00" + p.Key
	}
	if o, ok := s.expected[key]; ok {
		return o, nil
	}
	o := &outcome{plan: p}
	if p != nil && p.Collection == "" {
		p.Collection = s.cfg.Collection
	}
	switch {
	case perr != nil:
		o.problem = "the expected query is not executed: " + perr.Error()
	case p.Collection == "":
		o.problem = "the expected query names no collection (a bare filter or pipeline)"
	default:
		res, err := s.exec(ctx, db, p, s.cfg.MaxRows)
		switch {
		case err != nil && (Unavailable(err) || ctx.Err() != nil):
			return nil, err
		case err != nil:
			o.problem = "the expected query failed: " + s.failure(err)
		case res.More:
			o.problem = fmt.Sprintf("the expected query returns more than %d rows (the row cap)", s.cfg.MaxRows)
		default:
			o.res, o.ordered = res, p.Ordered()
			if len(res.Rows) == 0 || isCount(p.Op) && !NonEmpty(res.Rows, true) {
				if err := s.checkEmpty(ctx, db, p.Collection, sc); err != nil {
					return nil, err
				}
			}
		}
	}
	if o.problem != "" {
		sc.Notices = append(sc.Notices, fmt.Sprintf("database %s: %s", db, o.problem))
	}
	s.expected[key] = o
	return o, nil
}

// checkEmpty says, once per collection, that a collection has no
// documents: an expected query with no result is most often a wrong
// database name. It asks with the count command, one of the reads.
func (s *Scorer) checkEmpty(ctx context.Context, db, coll string, sc *Score) error {
	k := db + "." + coll
	if s.said[k] {
		return nil
	}
	s.said[k] = true
	res, err := s.exec(ctx, db, &Plan{Op: "estimatedDocumentCount", Collection: coll}, 1)
	if err != nil {
		if Unavailable(err) || ctx.Err() != nil {
			return err
		}
		return nil
	}
	if !NonEmpty(res.Rows, true) {
		sc.Notices = append(sc.Notices, fmt.Sprintf("%s has no documents: the database or the collection does not exist, or is empty", k))
	}
	return nil
}

// exec runs p, trying again while the server cannot be reached.
func (s *Scorer) exec(ctx context.Context, db string, p *Plan, limit int) (*Result, error) {
	pause := s.cfg.Backoff
	for attempt := 1; ; attempt++ {
		qctx, cancel := context.WithTimeout(ctx, s.cfg.QueryTimeout)
		res, err := Exec(qctx, s.cfg.Client.Database(db), p, limit, s.cfg.ReadPref)
		cancel()
		if err == nil || !Unavailable(err) || ctx.Err() != nil {
			return res, err
		}
		if attempt >= s.cfg.Attempts {
			// A server that answers each new connection but drops the one
			// carrying this query is up: the query is what it cannot take.
			if !unreachable(err) {
				return nil, &dropped{msg: s.cfg.Redactor.String(err.Error())}
			}
			return nil, fmt.Errorf("%w after %d tries: %s", ErrUnavailable, attempt, s.cfg.Redactor.String(err.Error()))
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(pause):
		}
		pause *= 2
	}
}

// dropped is a query on which the server closed the connection at every
// try, while it could still be reached. It does not wrap the driver's
// error, which would say the server is unavailable.
type dropped struct{ msg string }

func (d *dropped) Error() string {
	return "the server closed the connection on this query at every try: " + d.msg
}

// failure says why the server did not run a query.
func (s *Scorer) failure(err error) string {
	var r *Refusal
	if errors.As(err, &r) {
		return r.Reason
	}
	var d *dropped
	if errors.As(err, &d) {
		return d.Error()
	}
	if mongo.IsTimeout(err) {
		return fmt.Sprintf("timed out after %s", s.cfg.QueryTimeout)
	}
	return "the server failed it: " + s.cfg.Redactor.String(err.Error())
}
