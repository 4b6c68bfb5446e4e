package main

import (
	"time"

	"github.com/ft-tools/ft/cmd/internal/cli"
	"github.com/ft-tools/ft/cmd/internal/openai"
	"github.com/ft-tools/ft/tokenize"
)

// flags and help are all that ft-train's --help, man page, completions and
// README flag table are made from.
type flags struct {
	TrainingFile           string        `help:"ID of the training file; without it, ft-upload's lines are read from the files (none or - means stdin)." placeholder:"ID"`
	ValidationFile         string        `help:"ID of the validation file." placeholder:"ID"`
	Model                  string        `help:"Base model, or a fine-tuned model to train further (default: env BASE_MODEL, then gpt-4o-mini-2024-07-18)." placeholder:"MODEL"`
	Method                 string        `help:"Fine-tuning method: supervised or dpo." default:"supervised" placeholder:"METHOD" complete:"supervised,dpo"`
	Epochs                 string        `help:"Epochs, 1-50, or auto (default: the cookbook's recommendation for the number of examples ft-upload counted, else auto)." placeholder:"N|auto"`
	BatchSize              string        `help:"Batch size, 1-256, or auto." placeholder:"N|auto"`
	LearningRateMultiplier string        `help:"Learning rate multiplier, above 0, or auto." placeholder:"X|auto"`
	Beta                   string        `help:"DPO beta, above 0 and at most 2, or auto (--method dpo only)." placeholder:"X|auto"`
	Suffix                 string        `help:"Up to 64 characters added to the fine-tuned model's name." placeholder:"TEXT"`
	Seed                   *int64        `help:"Seed for reproducible training, 0-2147483647." placeholder:"N"`
	Metadata               []string      `help:"Metadata KEY=VALUE for the job (repeatable, at most 14)." placeholder:"KEY=VALUE"`
	WandbProject           string        `help:"Send the job's metrics to this Weights & Biases project (the W&B key is registered with OpenAI, not given here)." placeholder:"PROJECT"`
	WandbEntity            string        `help:"W&B team or user of the run (default: the key's)." placeholder:"ENTITY"`
	WandbName              string        `help:"W&B display name of the run (default: the job ID)." placeholder:"NAME"`
	WandbTag               []string      `help:"W&B tag of the run (repeatable)." placeholder:"TAG"`
	MaxCost                float64       `help:"Refuse to start a job whose estimated cost is above USD (exit 4)." placeholder:"USD"`
	Price                  string        `help:"Training price of the model in US dollars per million tokens for the estimate, instead of the built-in price list's." placeholder:"USD_PER_1M"`
	DryRun                 bool          `help:"Print the request body that would be sent and create nothing."`
	MaxRetries             int           `help:"Retries of each request on network errors, 408, 409, 429 and 5xx." default:"8" placeholder:"N"`
	LookupFor              time.Duration `help:"How long to look for a job whose create answer was lost before sending the create again; the job list can lag behind a create." default:"30s" placeholder:"DURATION"`
	Files                  []string      `arg:"" optional:"" help:"ft-upload's output; none or - means stdin." placeholder:"FILE"`
	cli.VersionFlag        `embed:""`
}

var help = cli.Help{
	Summary: "Start an OpenAI fine-tuning job from ft-upload's output and print the job object as one JSON line.\n\n" +
		"The cost estimate uses OpenAI's price list of " + tokenize.PriceListDate() + "; prices change, and --price sets the model's.",
	Examples: []string{
		"ft-upload train.jsonl --validation val.jsonl | ft-train --suffix mongo | ft-wait",
		"ft-train --training-file file-abc --epochs 3 --max-cost 5",
		"ft-upload train.jsonl | ft-train --method dpo --beta 0.1 --dry-run",
	},
	Environment: append(openai.EnvironmentHelp,
		"BASE_MODEL         default --model"),
	Exits: []int{cli.ExitOK, cli.ExitDataError, cli.ExitUsage, cli.ExitUnreadable, cli.ExitAPIRefused, cli.ExitUnavailable},
}
