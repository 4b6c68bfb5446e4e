// Ft-stats tells what a fine-tuning dataset holds and what training on it
// costs, before any money is spent.
//
// For each file, and for the training files together, it reports the
// examples, messages and tokens per example (min, max, mean, p50, p90, p95,
// p99), a histogram of example lengths, the examples over the model's
// per-example limit, duplicates, the cookbook's recommended number of
// epochs, the billed tokens and the training cost, and the cost on every
// fine-tunable model. Validation files (given with --val, or every file
// after the first when --val is not used) are not billed, and their user and
// assistant turns are looked up in the training files (leakage). Bad lines are reported with their line, counted
// and left out; the exit status is then 1.
//
// Usage:
//
//	ft-stats [--model M] [--json] [--sampled-costs] [--val FILE]... [FILE...]
package main

import (
	"errors"
	"io"
	"os"
	"slices"
	"sync"

	"github.com/ft-tools/ft/cmd/internal/cli"
	"github.com/ft-tools/ft/jsonl"
	"github.com/ft-tools/ft/tokenize"
)

const name = "ft-stats"

func main() { cli.Main(run) }

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var f flags
	if code, ok := cli.Parse(name, &f, help, args, stdout, stderr); !ok {
		return code
	}
	if f.Model == "" {
		f.Model = os.Getenv("BASE_MODEL") // set but empty is unset, as in a shell's ${BASE_MODEL:-…}
	}
	if f.Model == "" {
		f.Model = tokenize.DefaultModel
	}
	cli.HintStdin(stderr, name, "JSONL examples", f.Files, stdin)
	progress := cli.NewProgress(stderr, name, append(slices.Clone(f.Files), f.Val...), f.Quiet)
	// Bad lines are reported from the counting goroutines; the same code at
	// the same path many times is one mistake, counted after ten.
	var mu sync.Mutex
	var repeats cli.Repeats
	diag := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		var le *jsonl.LineError
		if errors.As(err, &le) && !repeats.Show(le.Code, le.Path) {
			return
		}
		progress.Done()
		cli.Report(stderr, name, err)
	}
	settled := func() {
		mu.Lock()
		defer mu.Unlock()
		repeats.Flush(stderr, name)
	}
	err := analyze(&f, progress, stdin, stdout, diag, settled)
	return cli.Report(stderr, name, err)
}
