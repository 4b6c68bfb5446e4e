package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/ft-tools/ft/cmd/internal/cli"
	"github.com/ft-tools/ft/cmd/internal/stats"
	"github.com/ft-tools/ft/jsonl"
	"github.com/ft-tools/ft/tokenize"
)

// sections are the optional parts of the report, in the order they are
// printed.
func sections() []stats.Section { return []stats.Section{&queries{}} }

// analyze reads the inputs, prints the report on stdout and the bad lines
// through diag, and returns the error that decides the exit status: the
// first unreadable input (3), else bad lines (1).
// The progress line, if any, is cleared and settled is called once every
// input is read, before the report is written.
func analyze(f *flags, progress *cli.Progress, stdin io.Reader, stdout io.Writer, diag func(error), settled func()) error {
	model, err := tokenize.LookupModel(f.Model)
	if err != nil {
		return cli.WithCode(cli.ExitUsage, err)
	}
	models := tokenize.Models()
	if f.Price != "" {
		usd, err := tokenize.ParsePrice(f.Price)
		if err != nil {
			return cli.WithCode(cli.ExitUsage, err)
		}
		model = model.WithPrice(usd)
		for i := range models {
			if models[i].Name == model.Name {
				models[i] = model
			}
		}
	}
	cfg := stats.Config{
		Model:      model,
		Models:     models,
		ExactCosts: !f.SampledCosts,
		Leakage:    len(f.Val) > 0 || len(f.Files) > 1,
		Workers:    f.Workers,
		Sections:   sections(),
		BadLine:    func(e *jsonl.LineError) { diag(e) },
	}
	if cfg.Counters, err = counters(cfg.Model, cfg.Models); err != nil {
		return err
	}
	a, err := stats.New(cfg)
	if err != nil {
		return err
	}
	var unreadable error
	read := func(arg string, split stats.Split) {
		rc, name, err := cli.Open(arg, stdin)
		if err == nil {
			err = a.ReadFile(progress.Reader(rc), name, split)
			rc.Close()
			if err != nil {
				err = cli.WithCode(cli.ExitUnreadable, err)
			}
		}
		if err != nil && unreadable == nil {
			unreadable = err
		} else if err != nil {
			diag(err)
		}
	}
	train, val := splitInputs(cli.Inputs(f.Files), f.Val)
	for _, arg := range train {
		read(arg, stats.Training)
	}
	for _, arg := range val {
		read(arg, stats.Validation)
	}
	progress.Done()
	settled()
	rep := a.Report()
	for _, f := range rep.Files {
		if f.Examples == 0 && f.BadLines > 0 && unreadable == nil {
			unreadable = cli.Errorf(cli.ExitUnreadable, "%s: not JSON lines: %s", f.File, noneOf(f.BadLines, "is an example"))
		}
	}
	if unreadable != nil {
		// A report that leaves out an input would pass for a whole one.
		return unreadable
	}
	if f.JSON {
		b, err := jsonl.Marshal(rep)
		if err == nil {
			_, err = stdout.Write(append(b, '\n'))
		}
		if err != nil {
			return err
		}
	} else if err := rep.WriteText(stdout, stats.TextOptions{Color: cli.Color(stdout)}); err != nil {
		return err
	}
	bad := 0
	for _, s := range rep.Files {
		bad += s.BadLines
	}
	if bad > 0 {
		return cli.Errorf(cli.ExitDataError, "%d bad %s not counted", bad, map[bool]string{true: "line", false: "lines"}[bad == 1])
	}
	return nil
}

// splitInputs tells training files from validation files. With --val the
// arguments are all training files; without it the first argument is the
// training file and the others validate it, so that the pipeline's
// `ft-stats train.jsonl val.jsonl` checks for leakage and bills only training.
func splitInputs(args, val []string) (train, validation []string) {
	if len(val) > 0 || len(args) < 2 {
		return args, val
	}
	return args[:1], args[1:]
}

// counters makes one counter per encoding used by the model and the cost
// table; the encodings' tables are built once and shared by the clones.
func counters(model tokenize.Model, models []tokenize.Model) (map[string]func() stats.Counter, error) {
	out := map[string]func() stats.Counter{}
	for _, m := range append([]tokenize.Model{model}, models...) {
		if out[m.Encoding] != nil {
			continue
		}
		c, err := tokenize.New(m.Name)
		if err != nil {
			return nil, err
		}
		out[m.Encoding] = func() stats.Counter { return c.Clone() }
	}
	return out, nil
}

// noneOf says that none of a file's n lines is what it should be: "its
// only line is not", "none of its 3 lines is".
func noneOf(n int, is string) string {
	if n == 1 {
		return "its only line " + strings.Replace(is, "is ", "is not ", 1)
	}
	return fmt.Sprintf("none of its %d lines %s", n, is)
}
