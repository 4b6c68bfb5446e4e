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
