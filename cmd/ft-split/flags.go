package main

import "github.com/ft-tools/ft/cmd/internal/cli"

// flags and help are all that ft-split's --help, man page, completions and
// README flag table are made from.
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
	Exits:       []int{cli.ExitOK, cli.ExitDataError, cli.ExitUsage, cli.ExitUnreadable},
}
