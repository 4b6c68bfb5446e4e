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

type flags struct {
	Model           string   `help:"Model to count, cap and price for; ft: names count as their base model (default: $BASE_MODEL, else gpt-4o-mini-2024-07-18)." placeholder:"M"`
	JSON            bool     `name:"json" help:"Write the report as one JSON object instead of text."`
	Price           string   `help:"Training price of --model in US dollars per million tokens, instead of the built-in price list's." placeholder:"USD_PER_1M"`
	Val             []string `help:"A validation file: reported, checked for turns that also occur in the training files, not billed. Repeatable." aliases:"validation" placeholder:"FILE"`
	Quiet           bool     `help:"Show no progress line on a terminal." short:"q"`
	SampledCosts    bool     `help:"Count the cost table's models of the other encoding on a sample (the first 1024 lines, then 1 in 16) and scale the rest, instead of every line."`
	Workers         int      `help:"Counting goroutines (default: one per core)." default:"0" hidden:""`
	Files           []string `arg:"" optional:"" help:"Training files (without --val: the training file, then validation files); none or - means stdin."`
	cli.VersionFlag `embed:""`
}

var help = cli.Help{
	Summary: "Report examples, tokens, duplicates, leakage, epochs and training cost of fine-tuning JSONL.\n\n" +
		"Costs use OpenAI's price list of " + tokenize.PriceListDate() + "; prices change, and --price sets the one of --model.",
	Examples: []string{
		"ft-stats train.jsonl val.jsonl",
		"ft-stats --val val.jsonl shard1.jsonl shard2.jsonl",
		"ft-format pairs.json | ft-stats --model gpt-4.1-mini",
		"ft-stats --json train.jsonl | jq .estimated_cost_usd",
	},
	Environment: []string{"BASE_MODEL  the default of --model (else gpt-4o-mini-2024-07-18)", "NO_COLOR    no colour even on a terminal"},
	Exits:       []int{cli.ExitOK, cli.ExitDataError, cli.ExitUsage, cli.ExitUnreadable},
}

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
