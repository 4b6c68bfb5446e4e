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

type flags struct {
	Val             string   `help:"Write the validation part to FILE." required:"" placeholder:"FILE"`
	Train           string   `help:"Write the training part to FILE instead of stdout." placeholder:"FILE"`
	Ratio           float64  `help:"Share of the examples that goes to training, between 0 and 1." default:"0.8"`
	Seed            uint64   `help:"Seed of the shuffle; the same seed and input give the same split." default:"0"`
	GroupBy         []string `help:"Also keep examples with the same value at this dot path together (repeatable)." placeholder:"PATH" xor:"group"`
	NoGroup         bool     `help:"Split examples one by one, ignoring shared turns." xor:"group"`
	Files           []string `arg:"" optional:"" help:"JSONL files, read in order as one input; none or - means stdin."`
	cli.VersionFlag `embed:""`
}

var help = cli.Help{
	Summary: "Split JSONL examples into training (stdout) and validation (--val) parts, keeping input order.\n\n" +
		"Memory: two passes over the input, keeping about " + memoryNote + "; " +
		"stdin from a pipe, a FIFO or <(...) is first copied to a temporary file ($TMPDIR) so it can be read twice.",
	Examples: []string{
		"ft-format pairs.json | ft-split --val val.jsonl > train.jsonl",
		"ft-split --ratio 0.9 --seed 7 --val val.jsonl --train train.jsonl data.jsonl",
		"ft-split --group-by metadata.db_id --val val.jsonl data.jsonl | ft-stats",
	},
	Environment: []string{"TMPDIR  where stdin is spooled for the second pass"},
}

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
