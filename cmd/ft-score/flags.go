package main

import "github.com/ft-tools/ft/cmd/internal/cli"

// flags and help are all that ft-score's --help, man page, completions and
// README flag table are made from.
type flags struct {
	Report          string   `help:"Write the summary as JSON to FILE (stderr gets it as text either way)." placeholder:"FILE"`
	Pairs           string   `help:"Write a preference (DPO) example for every answer that fails --metric to FILE, for ft-train --method dpo." placeholder:"FILE"`
	MinRate         *float64 `name:"min-rate" help:"Exit 1 when a model's --metric rate is below X (0 to 1): every model's, or the one of --model." placeholder:"X"`
	Model           string   `help:"The model --min-rate judges." placeholder:"M"`
	Metric          string   `help:"The score --min-rate and --pairs go by: parsed, exact, equivalent; with a database also executed, nonempty, reasonable, result_match." default:"equivalent" placeholder:"NAME"`
	Rejects         string   `help:"Write the lines that are not answers, unchanged, to FILE." placeholder:"FILE"`
	Files           []string `arg:"" optional:"" help:"JSONL answers; none or - means stdin."`
	execFlags       `embed:""`
	cli.VersionFlag `embed:""`
}

var help = cli.Help{
	Summary: "Score saved answers to MongoDB questions by structure, offline: parsed, exact, equivalent, diff; with a database also by execution, read-only: executed, result_match, xmaner; a report per model.",
	Examples: []string{
		"ft-ask --model gpt-4o-mini --model ft:gpt-4o-mini-2024-07-18:acme::abc val.jsonl | ft-score --report report.json > scored.jsonl",
		"ft-score --pairs dpo.jsonl answers.jsonl > /dev/null && ft-validate dpo.jsonl",
		"ft-score --min-rate 0.8 --model ft:gpt-4o-mini-2024-07-18:acme::abc answers.jsonl > /dev/null",
		"jq -c 'select(.equivalent | not) | {line, answer, reason}' scored.jsonl",
		"MONGODB_URI=mongodb://127.0.0.1:27017 ft-score --db shop --metric result_match --pairs dpo.jsonl answers.jsonl > scored.jsonl",
	},
	Environment: []string{
		"MONGODB_URI        the database of --mongo-uri, also read from .env; its credentials are never printed",
	},
	Exits: []int{cli.ExitOK, cli.ExitDataError, cli.ExitUsage, cli.ExitUnreadable, cli.ExitUnavailable},
}
