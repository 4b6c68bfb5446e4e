package main

import "github.com/ft-tools/ft/cmd/internal/cli"

// flags and help are all that ft-validate's --help, man page, completions and
// README flag table are made from.
type flags struct {
	Format          string   `help:"Format of the examples: auto detects it from the first lines." enum:"auto,chat,preference,reinforcement,completion" default:"auto"`
	Model           string   `help:"Model whose per-example token limit applies (default: $BASE_MODEL, else gpt-4o-mini-2024-07-18)." placeholder:"M"`
	MinExamples     *int     `help:"Fewest valid examples a file may have (default: OpenAI's minimum, 10 for a training file, 1 with --validation); 0 skips the check." placeholder:"N"`
	Validation      bool     `help:"The files are validation files: OpenAI's minimum is then 1 example, not 10."`
	AnswerJSON      bool     `name:"answer-json" help:"Require every assistant answer (or completion) to parse as JSON."`
	Strict          bool     `help:"Treat warnings as errors: lines with warnings are rejected and fail the run."`
	MaxErrors       int      `help:"Stop after N errors; 0 checks every line." default:"0" placeholder:"N"`
	Rejects         string   `help:"Write the invalid lines, unchanged, to FILE." placeholder:"FILE"`
	Quiet           bool     `help:"Show no progress line on a terminal." short:"q"`
	Report          string   `help:"What stdout carries: the valid records, or the findings as JSON lines." enum:"records,json" default:"records"`
	Files           []string `arg:"" optional:"" help:"JSONL files; none or - means stdin."`
	MongoFlags      `embed:""`
	cli.VersionFlag `embed:""`
}

var help = cli.Help{
	Summary: "Check OpenAI fine-tuning JSONL (chat, preference, reinforcement or legacy completion); pass the valid lines through.",
	Examples: []string{
		"ft-format pairs.json | ft-validate --answer-json | ft-split --val val.jsonl > train.jsonl",
		"ft-validate --rejects bad.jsonl train.jsonl > good.jsonl",
		"ft-validate --report json train.jsonl | jq -r 'select(.severity == \"error\") | .code' | sort | uniq -c",
	},
	Environment: []string{"BASE_MODEL  the model whose token limit applies when --model is not given"},
	Exits:       []int{cli.ExitOK, cli.ExitDataError, cli.ExitUsage, cli.ExitUnreadable},
}
