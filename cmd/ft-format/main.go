// Ft-format turns question/query records into chat fine-tuning examples.
//
// It reads a JSON array of objects, JSONL, or CSV with a header row, picks
// the question and the answer of each record by dot path (or by their
// names when those make it obvious), and writes one chat example per
// question as JSONL on stdout. An array of questions gives one example per
// paraphrase. Bad records are reported with their position, counted and
// skipped; the exit status is then 1.
//
// Usage:
//
//	ft-format [--question PATH] [--answer PATH] [--system TEXT | --system-file FILE | --no-system]
//	          [--user-template TEXT] [--answer-format keep|json|mongosh] [--from json|jsonl|csv]
//	          [--delimiter C] [--keep PATH]... [--trim]
//	          [--rejects FILE] [FILE...]
package main

import (
	"io"

	"github.com/ft-tools/ft/cmd/internal/cli"
)

const name = "ft-format"

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

func main() { cli.Main(run) }

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var f flags
	if code, ok := cli.Parse(name, &f, help, args, stdout, stderr); !ok {
		return code
	}
	// Examples written to the terminal would be torn by a status line.
	progress := cli.NewProgress(stderr, name, f.Files, f.Quiet || cli.IsTerminal(stdout))
	report := func(err error) { progress.Done(); cli.Report(stderr, name, err) }
	// The files of --system-file and --user-template-file are inputs too.
	inputs := append(cli.Inputs(f.Files), nonEmpty(f.SystemFile, f.UserTemplateFile)...)
	if err := cli.CheckOutputs(inputs, stdin, cli.Output{Flag: "--rejects", Path: f.Rejects}); err != nil {
		return cli.Report(stderr, name, err)
	}
	if err := cli.CheckStdout(cli.Inputs(f.Files), stdout); err != nil {
		return cli.Report(stderr, name, err)
	}
	j, err := newJob(&f, stdout, report)
	if err != nil {
		return cli.Report(stderr, name, err)
	}
	j.build.format = answerFormats[f.AnswerFormat]
	j.progress = progress
	cli.HintStdin(stderr, name, "records (a JSON array, JSONL or CSV)", f.Files, stdin)
	j.notice = func(s string) { progress.Done(); cli.Warnf(stderr, name, "%s", s) }
	err = j.finish(j.run(cli.Inputs(f.Files), stdin))
	progress.Done()
	j.repeats.Flush(stderr, name)
	if err == nil {
		cli.Warnf(stderr, name, "%s from %s", cli.Count(j.examples, "example"), cli.Count(j.records, "record"))
	}
	return cli.Report(stderr, name, err)
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
