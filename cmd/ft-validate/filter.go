package main

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/ft-tools/ft/cmd/internal/cli"
	"github.com/ft-tools/ft/jsonl"
)

// notJSONLines is how many leading lines that are not JSON make a file
// unreadable (exit 3) rather than a file with bad lines: a pretty-printed
// JSON array, a CSV file or a binary file is stopped there.
const notJSONLines = 20

// job runs the validation of every input as one filter.
type job struct {
	rules     jsonl.Rules
	maxErrors int
	json      bool
	color     bool // stderr is a terminal and NO_COLOR is unset

	out      *jsonl.Writer // valid records, or findings with --report json
	stderr   *bufio.Writer
	repeats  cli.Repeats // thins out the same finding on every line of a file
	progress *cli.Progress
	rejects  *cli.AtomicFile
	rejectW  *jsonl.Writer

	errors     int  // across all files, warnings under --strict included
	unreadable bool // some input could not be read
	stopped    bool // --max-errors reached, or stdout closed under --report json
	outClosed  bool // stdout closed while it carried the valid records
	outGone    bool // stdout failed and the run stopped
}

func newJob(f *flags, rules jsonl.Rules, stdout, stderr io.Writer) (*job, error) {
	j := &job{
		rules:     rules,
		maxErrors: f.MaxErrors,
		json:      f.Report == "json",
		color:     cli.Color(stderr),
		out:       jsonl.NewWriter(stdout),
		stderr:    bufio.NewWriter(stderr),
	}
	// Lines written to the terminal would be torn by a status line.
	j.progress = cli.NewProgress(stderr, name, f.Files, f.Quiet || cli.IsTerminal(stdout)).Via(j.stderr)
	if f.Rejects != "" {
		a, err := cli.CreateAtomic(f.Rejects)
		if err != nil {
			return nil, cli.Errorf(cli.ExitUnreadable, "--rejects %v", err)
		}
		j.rejects, j.rejectW = a, jsonl.NewWriter(a)
	}
	return j, nil
}

// run checks every input in order and returns the exit status.
func (j *job) run(inputs []string, stdin io.Reader) int {
	if j.rejects != nil {
		defer j.rejects.Abort()
	}
	for _, in := range inputs {
		if j.stopped {
			break
		}
		if err := j.file(in, stdin); err != nil {
			j.unreadable = true
			j.report(err)
		}
	}
	err := j.out.Flush()
	if j.outClosed && cli.IsBrokenPipe(err) {
		err = nil
	}
	if err == nil && j.rejects != nil {
		if err = j.rejectW.Flush(); err == nil {
			err = j.rejects.Commit()
		}
		if err != nil {
			err = fmt.Errorf("--rejects %s: %w", j.rejects.Name(), err)
		}
	}
	code := cli.ExitOK
	switch {
	case err != nil:
		code = j.report(err)
	case j.unreadable:
		code = cli.ExitUnreadable
	case j.errors > 0:
		code = cli.ExitDataError
	}
	j.stderr.Flush()
	return code
}

func (j *job) report(err error) int {
	j.progress.Done()
	j.stderr.Flush()
	return cli.Report(j.stderr, name, err)
}

// held is a line kept back while no line of the file has been JSON yet.
type held struct {
	raw      []byte
	findings []jsonl.Finding
}

// tally counts one file's findings by severity and code, for its summary.
type tally map[string]map[string]int

func (j *job) file(arg string, stdin io.Reader) error {
	rc, fname, err := cli.Open(arg, stdin)
	if err != nil {
		return err
	}
	defer rc.Close()
	r := jsonl.NewReader(j.progress.Reader(rc), fname)
	v := jsonl.NewValidator(j.rules, fname)
	t := tally{}
	var pending []held
	sawJSON := false
	for !j.stopped && r.Next() {
		if le := r.TooLong(); le != nil {
			// Not held, so not in --rejects either: the finding says so.
			v.Skip()
			fs := []jsonl.Finding{{File: le.File, Line: le.Line, Severity: jsonl.SeverityError, Code: le.Code,
				Message: le.Err.Error() + j.notKept()}}
			if !sawJSON {
				if pending = append(pending, held{nil, fs}); len(pending) == notJSONLines {
					return notJSONError(fname, pending, false)
				}
				continue
			}
			j.emit(nil, fs, t)
			continue
		}
		fs := v.Line(r.Line(), r.Bytes())
		notJSON := len(fs) > 0 && (fs[0].Code == jsonl.CodeInvalidJSON || fs[0].Code == jsonl.CodeInvalidUTF8)
		if notJSON && r.Truncated() && fs[0].Code == jsonl.CodeInvalidJSON {
			fs[0].Message += " (the last line has no newline: is the file truncated?)"
		}
		if !sawJSON {
			if notJSON {
				pending = append(pending, held{append([]byte(nil), r.Bytes()...), fs})
				if len(pending) == notJSONLines {
					return notJSONError(fname, pending, false)
				}
				continue
			}
			sawJSON = true
			for _, h := range pending {
				j.emit(h.raw, h.findings, t)
			}
			pending = nil
		}
		j.emit(r.Bytes(), fs, t)
	}
	if err := r.Err(); err != nil {
		return cli.WithCode(cli.ExitUnreadable, err)
	}
	if len(pending) > 0 {
		return notJSONError(fname, pending, true)
	}
	if !j.stopped {
		j.emit(nil, v.Finish(), t)
	}
	j.summary(fname, v, r, t)
	return nil
}

// notKept is what a too-long line's finding adds with --rejects.
func (j *job) notKept() string {
	if j.rejectW == nil {
		return ""
	}
	return " (too long to keep, so not in --rejects)"
}

func notJSONError(fname string, pending []held, all bool) error {
	f := pending[0].findings[0]
	which := fmt.Sprintf("the first %d lines", len(pending))
	if all {
		which = fmt.Sprintf("its %d lines", len(pending))
		if len(pending) == 1 {
			return cli.Errorf(cli.ExitUnreadable, "%s: not JSON lines: its only line is not JSON (line %d: %s: %s)",
				fname, f.Line, f.Code, f.Message)
		}
	}
	return cli.Errorf(cli.ExitUnreadable, "%s: not JSON lines: none of %s is JSON (line %d: %s: %s)",
		fname, which, f.Line, f.Code, f.Message)
}

// emit reports a line's findings and routes the line: to stdout when valid,
// to --rejects when not. A nil raw is a finding about the file.
func (j *job) emit(raw []byte, fs []jsonl.Finding, t tally) {
	bad := false
	for _, f := range fs {
		if t[f.Severity] == nil {
			t[f.Severity] = map[string]int{}
		}
		t[f.Severity][f.Code]++
		if f.Severity == jsonl.SeverityError {
			bad = true
			j.errors++
		}
		if j.json {
			j.write(j.out.Encode(f))
		} else if j.repeats.Show(f.Code, f.Path) {
			j.progress.Done()
			fmt.Fprintf(j.stderr, "%s: %s\n", name, j.paint(f))
		}
	}
	switch {
	case raw == nil:
	case bad && j.rejectW != nil:
		j.rejectW.WriteLine(raw) // its error sticks and is reported at the end
	case !bad && !j.json && !j.outClosed:
		j.write(j.out.WriteLine(raw))
	}
	if j.maxErrors > 0 && j.errors >= j.maxErrors {
		j.stopped = true
	}
}

// paint returns the finding as a diagnostic line, with its code in red (an
// error) or yellow (a warning) when colour is on.
func (j *job) paint(f jsonl.Finding) string {
	s := f.String()
	if !j.color {
		return s
	}
	colour := "\x1b[31m"
	if f.Severity == jsonl.SeverityWarning {
		colour = "\x1b[33m"
	}
	head := len(f.File)
	if i := strings.Index(s[head:], f.Code); i >= 0 {
		i += head
		s = s[:i] + colour + f.Code + "\x1b[0m" + s[i+len(f.Code):]
	}
	return s
}

// write stops the run when stdout is gone; the error itself is reported
// (or, for a closed pipe, swallowed) by run's final Flush. When stdout
// carried the valid records (`ft-validate big.jsonl | head -1`), the check
// goes on to the end without them: the findings, the summary, --rejects
// and the exit status are what a check is for, and a summary of the first
// lines would pass for one of the file.
func (j *job) write(err error) {
	if err == nil {
		return
	}
	if !j.json && cli.IsBrokenPipe(err) {
		j.outClosed = true
		return
	}
	j.stopped, j.outGone = true, true
}

func (j *job) summary(fname string, v *jsonl.Validator, r *jsonl.Reader, t tally) {
	j.progress.Done()
	j.repeats.Flush(j.stderr, name)
	var b strings.Builder
	format := string(v.Format())
	if format == "" {
		format = "no examples"
	}
	lines := "lines"
	if v.Lines() == 1 {
		lines = "line"
	}
	fmt.Fprintf(&b, "%s: %s: %s, %s %s, %s valid", name, fname, format, cli.Thousands(int64(v.Lines())), lines, cli.Thousands(int64(v.Valid())))
	if n := r.Blank(); n > 0 {
		fmt.Fprintf(&b, ", %s blank skipped", cli.Thousands(int64(n)))
	}
	for _, sev := range []string{jsonl.SeverityError, jsonl.SeverityWarning} {
		if len(t[sev]) == 0 {
			continue
		}
		total := 0
		codes := make([]string, 0, len(t[sev]))
		for c, n := range t[sev] {
			total += n
			codes = append(codes, c)
		}
		sort.Slice(codes, func(a, z int) bool {
			if t[sev][codes[a]] != t[sev][codes[z]] {
				return t[sev][codes[a]] > t[sev][codes[z]]
			}
			return codes[a] < codes[z]
		})
		plural := "s"
		if total == 1 {
			plural = ""
		}
		fmt.Fprintf(&b, "; %s %s%s:", cli.Thousands(int64(total)), sev, plural)
		for i, c := range codes {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, " %s %s", c, cli.Thousands(int64(t[sev][c])))
		}
	}
	if j.outGone {
		b.WriteString("; stopped there: stdout was closed")
	} else if j.stopped && j.maxErrors > 0 && j.errors >= j.maxErrors {
		fmt.Fprintf(&b, "; stopped after %d errors (--max-errors)", j.errors)
	}
	fmt.Fprintln(j.stderr, b.String())
}
