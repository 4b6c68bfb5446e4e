package main

import (
	"time"

	"github.com/ft-tools/ft/cmd/internal/cli"
	"github.com/ft-tools/ft/cmd/internal/openai"
)

// flags and help are all that ft-ask's --help, man page, completions and
// README flag table are made from.
type flags struct {
	Model           []string      `help:"Model to ask (repeatable): a base model, an ft: model or a checkpoint model." placeholder:"MODEL"`
	Job             string        `help:"Also ask the fine-tuned model of this job: a job ID, or a file holding ft-wait's output (- for stdin), whose last line is the final job." placeholder:"JOB|FILE"`
	Checkpoints     bool          `help:"With --job, also ask each of the job's checkpoint models."`
	Seed            int64         `help:"Seed sent with every request, for repeatable answers." default:"1" placeholder:"N"`
	Temperature     float64       `help:"Sampling temperature, 0-2." default:"0" placeholder:"T"`
	MaxTokens       int           `help:"Cap on each answer's tokens (default: twice the longest expected answer, at least 64)." placeholder:"N"`
	Parallel        int           `help:"Requests in flight; fewer while the API says to slow down." default:"8" placeholder:"N"`
	NoCache         bool          `help:"Ask again even when an answer is cached (the new answers are kept)."`
	Batch           bool          `help:"Send the requests through the Batch API (half the price, answers within 24 h); a rerun goes on with the same batch."`
	Poll            time.Duration `help:"With --batch, time between two looks at the batch." default:"30s"`
	PriceIn         float64       `help:"Input price in USD per million tokens, instead of the table's." placeholder:"USD"`
	PriceOut        float64       `help:"Output price in USD per million tokens, instead of the table's." placeholder:"USD"`
	MaxCost         float64       `help:"Refuse to send anything when the worst-case cost is above USD (exit 4)." placeholder:"USD"`
	DryRun          bool          `help:"Say what would be sent and what it could cost; call nothing."`
	MaxRetries      int           `help:"Retries of each request on network errors, 408, 409, 429 and 5xx." default:"8" placeholder:"N"`
	Rejects         string        `help:"Write the lines that cannot be asked, unchanged, to FILE." placeholder:"FILE"`
	Files           []string      `arg:"" optional:"" help:"Chat examples (JSONL); none or - means stdin." placeholder:"FILE"`
	cli.VersionFlag `embed:""`
}

var help = cli.Help{
	Summary: "Ask models the questions of chat examples; print one JSON line per example and model, in input order.",
	Examples: []string{
		"ft-ask --model gpt-4o-mini-2024-07-18 --job events.jsonl val.jsonl | ft-score --report report.json",
		"ft-ask --model gpt-4o-mini --dry-run val.jsonl",
		"ft-ask --job ftjob-abc --checkpoints --batch --max-cost 2 val.jsonl > answers.jsonl",
	},
	Environment: append(openai.EnvironmentHelp,
		"FT_CACHE_DIR       where answers and batch state are kept (default: the user cache directory's ft)",
		"XDG_CACHE_HOME     the user cache directory"),
	Exits: []int{cli.ExitOK, cli.ExitDataError, cli.ExitUsage, cli.ExitUnreadable, cli.ExitAPIRefused, cli.ExitUnavailable},
}
