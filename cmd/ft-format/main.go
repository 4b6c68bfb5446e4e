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
	From             string   `help:"Input format: auto detects it from the first character (json, jsonl or csv)." enum:"auto,json,jsonl,csv" default:"auto"`
	Rejects          string   `help:"Write the bad records to FILE, one JSON line each." placeholder:"FILE"`
	Files            []string `arg:"" optional:"" help:"Input files; none or - means stdin."`
	cli.VersionFlag  `embed:""`
}

var help = cli.Help{
	Summary: "Turn question/query records (JSON array, JSONL or CSV) into chat fine-tuning JSONL.\n\n" +
		"Without --question or --answer, the field is the one whose name (any case) is question, nl_query, " +
		"nlQuery, nl_queries, intent, prompt or input, and query, mql, dbQuery, output, answer or completion; " +
		"none or more than one such field in the first record is a usage error.",
	Examples: []string{
		"ft-format pairs.json | ft-split --val val.jsonl > train.jsonl",
		"ft-format --question intent --answer output --user-template $'Collection: {{.schema.collection}}\\n{{.question}}' eval.jsonl",
		"ft-format --from csv --no-system --rejects bad.jsonl < pairs.csv | head -1",
	},
}

func main() { cli.Main(run) }

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var f flags
	if code, ok := cli.Parse(name, &f, help, args, stdout, stderr); !ok {
		return code
	}
	report := func(err error) { cli.Report(stderr, name, err) }
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
	j.notice = func(s string) { cli.Warnf(stderr, name, "%s", s) }
	err = j.finish(j.run(cli.Inputs(f.Files), stdin))
	if err == nil {
		cli.Warnf(stderr, name, "%d %s from %d %s", j.examples, plural(j.examples, "example"), j.records, plural(j.records, "record"))
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
