// Ft-validate checks OpenAI fine-tuning JSONL against every rule OpenAI's
// servers apply, and a few that catch likely mistakes. It is a filter: the
// valid lines go to stdout unchanged, and each problem is one line on
// stderr, "ft-validate: FILE:LINE: CODE: PATH: MESSAGE" ("warning: " before
// the code of a warning), followed by a summary per file.
//
// Usage:
//
//	ft-validate [--format F] [--model M] [--min-examples N] [--answer-json] [--strict]
//	            [--max-errors N] [--rejects FILE] [--report records|json]
//	            [--mongo [--allow-unsafe]] [FILE...]
//
// Exit status: 0 no error, 1 the data has errors, 2 usage error, 3 an input
// cannot be read, or is not JSON lines at all (none of its first 20 lines is
// JSON).
package main

import (
	"io"
	"os"

	"github.com/ft-tools/ft/cmd/internal/cli"
	"github.com/ft-tools/ft/tokenize"
)

const name = "ft-validate"

type flags struct {
	Format          string   `help:"Format of the examples: auto detects it from the first lines." enum:"auto,chat,preference,reinforcement,completion" default:"auto"`
	Model           string   `help:"Model whose per-example token limit applies (default: $BASE_MODEL, else gpt-4o-mini-2024-07-18)." placeholder:"M"`
	MinExamples     *int     `help:"Fewest valid examples a file may have (default: OpenAI's minimum, 10 for a training file, 1 with --validation); 0 skips the check." placeholder:"N"`
	Validation      bool     `help:"The files are validation files: OpenAI's minimum is then 1 example, not 10."`
	AnswerJSON      bool     `name:"answer-json" help:"Require every assistant answer (or completion) to parse as JSON."`
	Strict          bool     `help:"Treat warnings as errors: lines with warnings are rejected and fail the run."`
	MaxErrors       int      `help:"Stop after N errors; 0 checks every line." default:"0" placeholder:"N"`
	Rejects         string   `help:"Write the invalid lines, unchanged, to FILE." placeholder:"FILE"`
	Quiet           bool     `help:"Show no progress line on a terminal." short:"q"`
	Report          string   `help:"What stdout carries: the valid records, or the findings as JSON lines." enum:"records,json" default:"records"`
	Files           []string `arg:"" optional:"" help:"JSONL files; none or - means stdin."`
	MongoFlags      `embed:""`
	cli.VersionFlag `embed:""`
}

var help = cli.Help{
	Summary: "Check OpenAI fine-tuning JSONL (chat, preference, reinforcement or legacy completion); pass the valid lines through.",
	Examples: []string{
		"ft-format pairs.json | ft-validate --answer-json | ft-split --val val.jsonl > train.jsonl",
		"ft-validate --rejects bad.jsonl train.jsonl > good.jsonl",
		"ft-validate --report json train.jsonl | jq -r 'select(.severity == \"error\") | .code' | sort | uniq -c",
	},
	Environment: []string{"BASE_MODEL  the model whose token limit applies when --model is not given"},
	Exits:       []int{cli.ExitOK, cli.ExitDataError, cli.ExitUsage, cli.ExitUnreadable},
}

func main() { cli.Main(run) }

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var f flags
	if code, ok := cli.Parse(name, &f, help, args, stdout, stderr); !ok {
		return code
	}
	if f.Model == "" {
		f.Model = os.Getenv("BASE_MODEL")
	}
	if f.Model == "" {
		f.Model = tokenize.DefaultModel
	}
	rules, err := rulesFor(&f)
	if err != nil {
		return cli.Report(stderr, name, cli.WithCode(cli.ExitUsage, err))
	}
	rules.Extra = f.mongoCheck()
	if err := cli.CheckOutputs(cli.Inputs(f.Files), stdin, cli.Output{Flag: "--rejects", Path: f.Rejects}); err != nil {
		return cli.Report(stderr, name, err)
	}
	if err := cli.CheckStdout(cli.Inputs(f.Files), stdout); err != nil {
		return cli.Report(stderr, name, err)
	}
	j, err := newJob(&f, rules, stdout, stderr)
	if err != nil {
		return cli.Report(stderr, name, err)
	}
	cli.HintStdin(stderr, name, "JSONL examples", f.Files, stdin)
	return j.run(cli.Inputs(f.Files), stdin)
}
