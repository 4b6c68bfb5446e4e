package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	json "github.com/goccy/go-json"

	"github.com/ft-tools/ft/cmd/internal/cli"
	"github.com/ft-tools/ft/cmd/internal/fieldpath"
	"github.com/ft-tools/ft/cmd/internal/mongoexec"
	"github.com/ft-tools/ft/cmd/internal/openai"
	"github.com/ft-tools/ft/cmd/internal/score"

	"go.mongodb.org/mongo-driver/v2/mongo"
)

// execFlags are the flags of scoring by execution.
type execFlags struct {
	MongoURI       string        `name:"mongo-uri" help:"Run the expected query and the answer on this MongoDB (else MONGODB_URI from the environment or .env); read-only: only find, findOne, aggregate, countDocuments, estimatedDocumentCount, distinct and count are sent." placeholder:"URI"`
	DB             string        `name:"db" help:"The database the queries run on." placeholder:"NAME"`
	DBField        string        `name:"db-field" help:"Take each line's database from this dot path of the line, such as metadata.db_id (kept by ft-format --keep)." placeholder:"PATH"`
	Collection     string        `name:"collection" help:"The collection of queries that name none (a bare filter or pipeline)." placeholder:"NAME"`
	Match          string        `name:"match" help:"Compare rows by field name (columns) or by their values only (values)." enum:"columns,values" default:"columns"`
	SurplusColumns int           `name:"surplus-columns" help:"Fields an answer's row may have past the expected row's (default ${default})." default:"2" placeholder:"N"`
	QueryTimeout   time.Duration `name:"query-timeout" help:"Time limit of each query, sent to the server as maxTimeMS (default ${default})." default:"5s" placeholder:"D"`
	MaxRows        int           `name:"max-rows" help:"Rows read of an expected query (default ${default}); an answer is read one row past the expected count at most." default:"1000" placeholder:"N"`
	ReadPreference string        `name:"read-preference" help:"primary (default), primaryPreferred, secondary, secondaryPreferred or nearest." default:"primary" placeholder:"MODE"`
	ConnectTimeout time.Duration `name:"connect-timeout" help:"How long one try waits for the server (default ${default}); a query is tried 3 times before the run ends with exit 5." default:"10s" placeholder:"D"`
}

// execMetrics are the metrics a database adds, which --metric may name
// then.
var execMetrics = []string{"executed", "nonempty", "reasonable", "result_match"}

// execKeys are the keys scoring by execution writes.
var execKeys = []string{"executed", "nonempty", "reasonable", "result_match", "xmaner", "row_count_exceeded", "execution_error", "result_diff"}

// execResult is what a line gains from execution. The metrics are absent
// when the expected query gives nothing to compare with.
type execResult struct {
	Executed         *bool    `json:"executed,omitempty"`
	NonEmpty         *bool    `json:"nonempty,omitempty"`
	Reasonable       *bool    `json:"reasonable,omitempty"`
	ResultMatch      *bool    `json:"result_match,omitempty"`
	XMaNeR           *float64 `json:"xmaner,omitempty"`
	RowCountExceeded bool     `json:"row_count_exceeded,omitempty"`
	Error            string   `json:"execution_error,omitempty"`
	Diff             string   `json:"result_diff,omitempty"`
}

func (f *execFlags) check(uri string) error {
	if uri == "" {
		for _, set := range []struct {
			name string
			on   bool
		}{{"--db", f.DB != ""}, {"--db-field", f.DBField != ""}, {"--collection", f.Collection != ""}} {
			if set.on {
				return fmt.Errorf("%s needs --mongo-uri or MONGODB_URI", set.name)
			}
		}
		return nil
	}
	if (f.DB == "") == (f.DBField == "") {
		return errors.New("with a database, give one of --db NAME or --db-field PATH")
	}
	if f.DBField != "" {
		if _, err := fieldpath.Parse(f.DBField); err != nil {
			return fmt.Errorf("--db-field: %v", err)
		}
	}
	if f.SurplusColumns < 0 {
		return fmt.Errorf("--surplus-columns %d: not a count", f.SurplusColumns)
	}
	if f.MaxRows < 1 {
		return fmt.Errorf("--max-rows %d: at least 1", f.MaxRows)
	}
	if f.QueryTimeout <= 0 || f.ConnectTimeout <= 0 {
		return errors.New("--query-timeout and --connect-timeout must be positive")
	}
	if _, err := mongoexec.ReadPref(f.ReadPreference); err != nil {
		return fmt.Errorf("--read-preference: %v", err)
	}
	return nil
}

// mongoURI is --mongo-uri, or MONGODB_URI from the environment or .env
// (the environment wins, as for the OpenAI settings).
func mongoURI(f *execFlags, getenv func(string) string) (string, error) {
	if f.MongoURI != "" {
		return f.MongoURI, nil
	}
	if v := getenv("MONGODB_URI"); v != "" {
		return v, nil
	}
	data, err := os.ReadFile(".env")
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", cli.Errorf(cli.ExitUnreadable, ".env: %v", err)
	}
	vars, err := openai.ParseDotenv(data)
	if err != nil {
		return "", cli.Errorf(cli.ExitUnreadable, ".env: %v", err)
	}
	return vars["MONGODB_URI"], nil
}

// executor scores lines by execution on one server.
type executor struct {
	f       *execFlags
	uri     string // redacted
	client  *mongo.Client
	scorer  *mongoexec.Scorer
	red     *mongoexec.Redactor
	dbField fieldpath.Path
}

func newExecutor(f *execFlags, uri string) (*executor, error) {
	red := mongoexec.NewRedactor(uri)
	rp, err := mongoexec.ReadPref(f.ReadPreference)
	if err != nil {
		return nil, cli.WithCode(cli.ExitUsage, err)
	}
	c, err := mongoexec.Connect(uri, rp, f.ConnectTimeout)
	if err != nil {
		return nil, cli.Errorf(cli.ExitUsage, "--mongo-uri %s: %s", red.String(uri), red.String(err.Error()))
	}
	m := mongoexec.MatchColumns
	if f.Match == "values" {
		m = mongoexec.MatchValues
	}
	e := &executor{f: f, uri: red.String(uri), client: c, red: red, scorer: mongoexec.NewScorer(mongoexec.Config{
		Client: c, ReadPref: rp, QueryTimeout: f.QueryTimeout, MaxRows: f.MaxRows,
		Match: m, Surplus: f.SurplusColumns, Redactor: red, Collection: f.Collection,
	})}
	if f.DBField != "" {
		e.dbField, _ = fieldpath.Parse(f.DBField)
	}
	return e, nil
}

func (e *executor) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	e.client.Disconnect(ctx)
}

// score runs one line's queries. where is "file:line" for notices.
func (e *executor) score(ctx context.Context, j *job, where string, line []byte, expected string, answer *string) (*execResult, []score.Metric, error) {
	db := e.f.DB
	if db == "" {
		raw, _, err := fieldpath.Lookup(line, e.dbField)
		var s string
		if err == nil {
			err = json.Unmarshal(raw, &s)
		}
		if err != nil || s == "" {
			msg := fmt.Sprintf("no database name (a string) at --db-field %s", e.f.DBField)
			cli.Warnf(j.stderr, name, "%s: %s", where, msg)
			return &execResult{Error: msg}, nil, nil
		}
		db = s
	}
	text := ""
	if answer != nil {
		text = *answer
	}
	sc, err := e.scorer.Score(ctx, db, expected, text)
	if err != nil {
		if errors.Is(err, mongoexec.ErrUnavailable) {
			return nil, nil, cli.Errorf(cli.ExitUnavailable, "%s: the database at %s stayed unreachable: %s", where, e.uri, e.red.String(err.Error()))
		}
		return nil, nil, err
	}
	for _, n := range sc.Notices {
		cli.Warnf(j.stderr, name, "%s: %s", where, n)
	}
	if sc.Unscored != "" {
		return &execResult{Error: sc.Unscored}, nil, nil
	}
	r := &execResult{
		Executed: &sc.Executed, NonEmpty: &sc.NonEmpty, Reasonable: &sc.Reasonable,
		ResultMatch: &sc.ResultMatch, XMaNeR: &sc.XMaNeR, RowCountExceeded: sc.RowCountExceeded,
		Error: sc.Reason, Diff: sc.Diff,
	}
	if answer == nil {
		r.Error = "no answer"
	}
	ms := []score.Metric{{Name: "executed", Value: sc.Executed}, {Name: "nonempty", Value: sc.NonEmpty},
		{Name: "reasonable", Value: sc.Reasonable}, {Name: "result_match", Value: sc.ResultMatch}}
	return r, ms, nil
}

func isExecMetric(m string) bool { return slices.Contains(execMetrics, m) }
