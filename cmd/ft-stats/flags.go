package main

import (
	"github.com/ft-tools/ft/cmd/internal/cli"
	"github.com/ft-tools/ft/tokenize"
)

// flags and help are all that ft-stats's --help, man page, completions and
// README flag table are made from.
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
