// Ft-score judges saved answers to MongoDB questions, offline: it reads
// ft-ask's lines (or any JSON lines with "expected" and "answer"), adds to
// each whether the answer is a query (parsed), the same text (exact), the
// same query by MongoDB's semantics (equivalent, with a reason when not),
// where it departs (diff), the expected query's complexity and whether the
// answer writes or runs JavaScript (unsafe), and writes the line out. A
// summary per model, with intervals and paired comparisons, goes to stderr
// and to --report FILE.
//
// Usage:
//
//	ft-score [--report FILE] [--pairs FILE] [--min-rate X [--model M]] [--metric NAME]
//	         [--rejects FILE] [FILE...]
//
// With --mongo-uri (or MONGODB_URI) and --db or --db-field, both queries
// also run on the database, read-only, and each line gains executed,
// nonempty, reasonable, result_match and xmaner.
//
// Exit status: 0 success, 1 a line is not an answer, or a model's rate is
// below --min-rate, 2 usage error, 3 an input cannot be read, 5 the
// database stayed unreachable.
package main

import (
	"context"
	"io"
	"os"

	"github.com/ft-tools/ft/cmd/internal/cli"
)

const name = "ft-score"

func main() { cli.Main(run) }

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var f flags
	if code, ok := cli.Parse(name, &f, help, args, stdout, stderr); !ok {
		return code
	}
	if err := f.check(); err != nil {
		return cli.Report(stderr, name, cli.WithCode(cli.ExitUsage, err))
	}
	if err := cli.CheckOutputs(cli.Inputs(f.Files), stdin,
		cli.Output{Flag: "--report", Path: f.Report}, cli.Output{Flag: "--pairs", Path: f.Pairs}, cli.Output{Flag: "--rejects", Path: f.Rejects}); err != nil {
		return cli.Report(stderr, name, err)
	}
	uri, err := mongoURI(&f.execFlags, os.Getenv)
	if err != nil {
		return cli.Report(stderr, name, err)
	}
	if err := f.execFlags.check(uri); err != nil {
		return cli.Report(stderr, name, cli.WithCode(cli.ExitUsage, err))
	}
	if uri == "" && isExecMetric(f.Metric) {
		return cli.Report(stderr, name, cli.Errorf(cli.ExitUsage, "--metric %s needs a database: --mongo-uri or MONGODB_URI", f.Metric))
	}
	j, err := newJob(&f, stdout, stderr)
	if err != nil {
		return cli.Report(stderr, name, err)
	}
	j.ctx = context.Background()
	if uri != "" {
		// A query in flight is cancelled, and the client disconnected, rather
		// than the process killed mid-request; offline, a signal removes the
		// unfinished outputs and ends the run at once.
		ctx, stop := cli.SignalContext(context.Background())
		defer stop()
		j.ctx = ctx
		e, err := newExecutor(&f.execFlags, uri)
		if err != nil {
			return cli.Report(stderr, name, err)
		}
		defer e.close()
		j.exec = e
	}
	return j.run(cli.Inputs(f.Files), stdin)
}
