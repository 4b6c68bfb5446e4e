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
