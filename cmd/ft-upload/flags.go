package main

import (
	"time"

	"github.com/ft-tools/ft/cmd/internal/cli"
	"github.com/ft-tools/ft/cmd/internal/openai"
)

// flags and help are all that ft-upload's --help, man page, completions and
// README flag table are made from.
type flags struct {
	File            string        `arg:"" optional:"" help:"Training file; none or - means stdin." placeholder:"FILE"`
	Validation      string        `help:"Validation file, sent after the training file." placeholder:"FILE"`
	Model           string        `help:"Model whose tokenizer and limits the check and the token counts use (default: env BASE_MODEL, then gpt-4o-mini-2024-07-18)." placeholder:"MODEL"`
	NoCheck         bool          `help:"Send the files without checking them against the validation rules."`
	Force           bool          `help:"Send the files even when the same content is already uploaded."`
	PartSize        string        `help:"Send files larger than SIZE through the Uploads API, in parts of SIZE (at most 64MiB). Default: files over 512MB, in 64MiB parts." placeholder:"SIZE"`
	DryRun          bool          `help:"Check and measure the files, say what would be sent, send nothing."`
	MaxRetries      int           `help:"Retries of each request (each part on its own) on network errors, 408, 409, 429 and 5xx." default:"8" placeholder:"N"`
	ExpiresAfter    time.Duration `help:"Have the API delete the files this long after their upload (1h to 720h); default: kept until deleted." placeholder:"DURATION"`
	LookupFor       time.Duration `help:"How long to look for a file whose upload answer was lost before sending it again; the file list can lag behind an upload." default:"30s" placeholder:"DURATION"`
	cli.VersionFlag `embed:""`
}

var help = cli.Help{
	Summary: "Check fine-tuning JSONL files and upload them to OpenAI, reusing a file already uploaded with the same content. Writes one JSON line per file.",
	Examples: []string{
		"ft-upload train.jsonl --validation val.jsonl | ft-train | ft-wait",
		"ft-split --val val.jsonl data.jsonl | ft-upload --validation val.jsonl",
		"ft-upload --dry-run train.jsonl",
	},
	Environment: append(openai.EnvironmentHelp,
		"BASE_MODEL         default --model"),
	Exits: []int{cli.ExitOK, cli.ExitDataError, cli.ExitUsage, cli.ExitUnreadable, cli.ExitAPIRefused, cli.ExitUnavailable},
}
