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

type flags struct {
	Report          string   `help:"Write the summary as JSON to FILE (stderr gets it as text either way)." placeholder:"FILE"`
	Pairs           string   `help:"Write a preference (DPO) example for every answer that fails --metric to FILE, for ft-train --method dpo." placeholder:"FILE"`
	MinRate         *float64 `name:"min-rate" help:"Exit 1 when a model's --metric rate is below X (0 to 1): every model's, or the one of --model." placeholder:"X"`
	Model           string   `help:"The model --min-rate judges." placeholder:"M"`
	Metric          string   `help:"The score --min-rate and --pairs go by: parsed, exact, equivalent; with a database also executed, nonempty, reasonable, result_match." default:"equivalent" placeholder:"NAME"`
	Rejects         string   `help:"Write the lines that are not answers, unchanged, to FILE." placeholder:"FILE"`
	Files           []string `arg:"" optional:"" help:"JSONL answers; none or - means stdin."`
	execFlags       `embed:""`
	cli.VersionFlag `embed:""`
}

var help = cli.Help{
	Summary: "Score saved answers to MongoDB questions by structure, offline: parsed, exact, equivalent, diff; with a database also by execution, read-only: executed, result_match, xmaner; a report per model.",
	Examples: []string{
		"ft-ask --model gpt-4o-mini --model ft:gpt-4o-mini-2024-07-18:acme::abc val.jsonl | ft-score --report report.json > scored.jsonl",
		"ft-score --pairs dpo.jsonl answers.jsonl > /dev/null && ft-validate dpo.jsonl",
		"ft-score --min-rate 0.8 --model ft:gpt-4o-mini-2024-07-18:acme::abc answers.jsonl > /dev/null",
		"jq -c 'select(.equivalent | not) | {line, answer, reason}' scored.jsonl",
		"MONGODB_URI=mongodb://127.0.0.1:27017 ft-score --db shop --metric result_match --pairs dpo.jsonl answers.jsonl > scored.jsonl",
	},
	Environment: []string{
		"MONGODB_URI        the database of --mongo-uri, also read from .env; its credentials are never printed",
	},
	Exits: []int{cli.ExitOK, cli.ExitDataError, cli.ExitUsage, cli.ExitUnreadable},
}

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
