package main

import "github.com/ft-tools/ft/cmd/internal/cli"

// flags and help are all that ft-format's --help, man page, completions and
// README flag table are made from.
type flags struct {
	Question         string   `help:"Dot path of the question: a string, or an array of paraphrases (one example each)." placeholder:"PATH"`
	Answer           string   `help:"Dot path of the answer: a string is kept as written, an object or array becomes compact JSON." placeholder:"PATH"`
	System           *string  `help:"System turn (default: a prompt for writing MongoDB queries)." placeholder:"TEXT" xor:"system"`
	SystemFile       string   `help:"Read the system turn from FILE." placeholder:"FILE" xor:"system"`
	NoSystem         bool     `help:"Write no system turn." xor:"system"`
	UserTemplate     string   `help:"Go text/template for the user turn over the record's fields; {{.question}} is the question." placeholder:"TEXT" xor:"template"`
	UserTemplateFile string   `help:"Read the user template from FILE." placeholder:"FILE" xor:"template"`
	AnswerFormat     string   `help:"Answers as written (keep), or rewritten as MongoDB queries in canonical JSON (json) or mongosh code (mongosh); an answer that cannot be rewritten is a bad record." enum:"keep,json,mongosh" default:"keep"`
	Trim             bool     `help:"Strip leading and trailing white space (such as a final newline) from each answer."`
	Keep             []string `help:"Carry the field at PATH into each example's metadata object, as metadata.PATH (repeatable); ft-split --group-by reads it, ft-upload leaves it out." placeholder:"PATH" sep:"none"`
	From             string   `help:"Input format: auto detects it from the first character (json, jsonl or csv)." enum:"auto,json,jsonl,csv" default:"auto"`
	Delimiter        string   `help:"CSV field separator: one character, or tab (default: from the header row, tab for .tsv; one of , ; tab |). Implies --from csv." placeholder:"C"`
	Quiet            bool     `help:"Show no progress line on a terminal." short:"q"`
	Rejects          string   `help:"Write the bad records to FILE, one JSON line each." placeholder:"FILE"`
	Files            []string `arg:"" optional:"" help:"Input files; none or - means stdin."`
	cli.VersionFlag  `embed:""`
}

var help = cli.Help{
	Summary: "Turn question/query records (JSON array, JSONL or CSV) into chat fine-tuning JSONL.\n\n" +
		"Without --answer, the answer is the field of the first record whose value reads as a MongoDB query " +
		"(a db call), one named as below first; failing that, the field named query, mql, dbQuery, output, answer " +
		"or completion (any case). Without --question, it is the field named question, nl_query, nlQuery, " +
		"nl_queries, intent, prompt or input. The choice and the other candidates are said on stderr; a choice " +
		"left open is a usage error.",
	Examples: []string{
		"ft-format pairs.json | ft-split --val val.jsonl > train.jsonl",
		"ft-format --question intent --answer output --user-template $'Collection: {{.schema.collection}}\\n{{.question}}' eval.jsonl",
		"ft-format --from csv --no-system --rejects bad.jsonl < pairs.csv | head -1",
		"ft-format --keep db_id --trim train.json | ft-split --group-by metadata.db_id --val val.jsonl > train.jsonl",
	},
	Exits: []int{cli.ExitOK, cli.ExitDataError, cli.ExitUsage, cli.ExitUnreadable},
}
