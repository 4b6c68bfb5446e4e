// Ft-split divides chat fine-tuning JSONL into a training and a validation
// part, reproducibly and without leakage: examples that share a user turn or
// an assistant turn (paraphrases of one query, repeated questions) stay on
// the same side. Both parts keep the input order.
//
// Usage:
//
//	ft-split --val FILE [--train FILE] [--ratio 0.8] [--seed N] [--group-by PATH... | --no-group] [FILE...]
package main

import (
	"errors"
	"io"

	"github.com/ft-tools/ft/cmd/internal/cli"
	"github.com/ft-tools/ft/jsonl"
)

const name = "ft-split"

func main() { cli.Main(run) }

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var f flags
	if code, ok := cli.Parse(name, &f, help, args, stdout, stderr); !ok {
		return code
	}
	j, err := newJob(&f)
	if err != nil {
		return cli.Report(stderr, name, err)
	}
	cli.HintStdin(stderr, name, "JSONL examples", f.Files, stdin)
	var repeats cli.Repeats // the same bad line many times is one mistake
	j.report = func(err error) {
		var le *jsonl.LineError
		if !errors.As(err, &le) || repeats.Show(le.Code, le.Path) {
			cli.Report(stderr, name, err)
		}
	}
	j.notice = func(format string, args ...any) { cli.Warnf(stderr, name, format, args...) }
	err = j.run(cli.Inputs(f.Files), stdin, stdout)
	repeats.Flush(stderr, name)
	return cli.Report(stderr, name, err)
}
