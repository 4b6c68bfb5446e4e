package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/template"

	"github.com/goccy/go-json"

	"github.com/ft-tools/ft/cmd/internal/cli"
	"github.com/ft-tools/ft/cmd/internal/fieldpath"
	"github.com/ft-tools/ft/cmd/internal/mongoquery"
	"github.com/ft-tools/ft/jsonl"
)

// defaultSystem is the system turn when none is given: the task the first
// users fine-tune for.
const defaultSystem = "You translate questions about a MongoDB database into MongoDB queries. Reply with the query only."

// Field names that make the choice obvious, in order of preference. They
// are matched without regard to case.
var (
	questionNames = []string{"question", "nl_query", "nlQuery", "nl_queries", "intent", "prompt", "input"}
	answerNames   = []string{"query", "mql", "dbQuery", "output", "answer", "completion"}
)

// answerFormat turns the raw JSON of an answer into the assistant's text:
// kept as written, or rewritten as a MongoDB query in canonical JSON or in
// mongosh code (answer.go).
type answerFormat func(raw []byte) (string, *problem)

var answerFormats = map[string]answerFormat{
	"keep":    keepAnswer,
	"json":    mongoAnswer((*mongoquery.Query).JSON),
	"mongosh": mongoAnswer((*mongoquery.Query).Mongosh),
}

// keepAnswer keeps a string answer as written and writes an object or array
// answer as compact JSON, key order and number spelling kept.
func keepAnswer(raw []byte) (string, *problem) {
	switch raw[0] {
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", &problem{Code: "invalid_json", Message: err.Error()}
		}
		return s, nil
	case '{', '[':
		return string(compact(raw)), nil
	}
	return "", &problem{Code: "wrong_type", Message: fmt.Sprintf("the answer is %s, not a string, object or array", fieldpath.Kind(raw))}
}

// builder turns records into chat examples.
type builder struct {
	question, answer fieldpath.Path // zero until given or guessed
	system           string         // empty: no system turn
	user             *template.Template
	format           answerFormat
	trim             bool             // strip white space around answers
	keep             []fieldpath.Path // fields carried into each example's metadata
	guessed          string           // what was guessed, for the caller to announce
	guessedWhy       string           // and why, with the other candidates
}

// newBuilder parses the field paths and the user template, if any.
func newBuilder(question, answer, system, userTemplate string, keep []string) (*builder, error) {
	b := &builder{system: system, format: answerFormats["keep"]}
	var err error
	for _, k := range keep {
		p, err := fieldpath.Parse(k)
		if err != nil {
			return nil, cli.Errorf(cli.ExitUsage, "--keep: %v", err)
		}
		if slices.ContainsFunc(b.keep, func(q fieldpath.Path) bool { return q.String() == k }) {
			return nil, cli.Errorf(cli.ExitUsage, "--keep %s is given twice", k)
		}
		b.keep = append(b.keep, p)
	}
	if question != "" {
		if b.question, err = fieldpath.Parse(question); err != nil {
			return nil, cli.Errorf(cli.ExitUsage, "--question: %v", err)
		}
	}
	if answer != "" {
		if b.answer, err = fieldpath.Parse(answer); err != nil {
			return nil, cli.Errorf(cli.ExitUsage, "--answer: %v", err)
		}
	}
	if userTemplate != "" {
		t := template.New("user").Option("missingkey=error").Funcs(template.FuncMap{"json": toJSON})
		if b.user, err = t.Parse(userTemplate); err != nil {
			return nil, cli.Errorf(cli.ExitUsage, "--user-template: %v", strings.TrimPrefix(err.Error(), "template: "))
		}
	}
	return b, nil
}

func toJSON(v any) (string, error) {
	b, err := jsonl.Marshal(v)
	return string(b), err
}

// guess picks the fields not given from the first record. The answer is
// the field whose value reads as a MongoDB query, the one with an answer's
// name among them first; failing that, the one with an answer's name. The
// question is the field with a question's name. It fails with a usage error
// when that leaves the choice open.
func (b *builder) guess(raw []byte) error {
	if !b.question.IsZero() && !b.answer.IsZero() {
		return nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return err
	}
	keys := make([]string, 0, len(obj))
	var queries []string // fields whose value reads as a MongoDB query
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if readsAsQuery(obj[k]) {
			queries = append(queries, k)
		}
	}
	var question, answer string
	if !b.question.IsZero() {
		question = b.question.String()
	}
	if !b.answer.IsZero() {
		answer = b.answer.String()
	}
	var said []string
	if answer == "" {
		named := byName(keys, answerNames, question)
		var others []string
		why := "from the field names"
		switch best := queries; {
		case len(best) > 0:
			if both := intersect(named, queries); len(both) > 0 {
				best = both
			}
			if len(best) > 1 {
				return cli.Errorf(cli.ExitUsage, "several fields read as MongoDB queries and could be the answer (%s); choose one with --answer PATH",
					strings.Join(best, ", "))
			}
			answer, why = best[0], "by its value, which reads as a MongoDB query"
			others = union(named, queries)
		case len(named) == 1:
			answer = named[0]
		case len(named) == 0:
			return cli.Errorf(cli.ExitUsage, "no answer field among the record's fields (%s); choose one with --answer PATH",
				strings.Join(keys, ", "))
		default:
			return cli.Errorf(cli.ExitUsage, "several fields could be the answer (%s); choose one with --answer PATH",
				strings.Join(named, ", "))
		}
		b.guessedWhy = "guessed " + why
		others = slices.DeleteFunc(others, func(k string) bool { return k == answer || k == question })
		if len(others) > 0 {
			b.guessedWhy += "; the answer could also be " + quoteAll(others)
		}
		said = append(said, fmt.Sprintf("answer field %q", answer))
		b.answer = fieldpath.MustParse(answer)
	}
	if question == "" {
		// A field that reads as a query is no question.
		named := slices.DeleteFunc(byName(keys, questionNames, answer), func(k string) bool { return slices.Contains(queries, k) })
		switch len(named) {
		case 1:
			question = named[0]
		case 0:
			return cli.Errorf(cli.ExitUsage, "no question field among the record's fields (%s); choose one with --question PATH",
				strings.Join(keys, ", "))
		default:
			return cli.Errorf(cli.ExitUsage, "several fields could be the question (%s); choose one with --question PATH",
				strings.Join(named, ", "))
		}
		said = append([]string{fmt.Sprintf("question field %q", question)}, said...)
		if b.guessedWhy == "" {
			b.guessedWhy = "guessed from the field names"
		}
		b.question = fieldpath.MustParse(question)
	}
	b.guessed = strings.Join(said, " and ")
	return nil
}

// readsAsQuery reports whether a field's value is a string that reads as a
// MongoDB query in code: a db call or a script that uses db. A bare JSON
// object would pass as a filter, so objects do not count.
func readsAsQuery(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '"' {
		return false
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return false
	}
	q, err := mongoquery.Parse(s)
	return err == nil && (q.Collection != "" || q.Form == mongoquery.FormScript)
}

// byName returns the keys whose name (any case) is one of names, in the
// order of names, leaving out the one already taken.
func byName(keys, names []string, taken string) []string {
	var found []string
	for _, n := range names {
		for _, k := range keys {
			if strings.EqualFold(k, n) && k != taken && !slices.Contains(found, k) {
				found = append(found, k)
			}
		}
	}
	return found
}

func intersect(a, b []string) []string {
	var out []string
	for _, x := range a {
		if slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, x := range b {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

func quoteAll(s []string) string {
	q := make([]string, len(s))
	for i, x := range s {
		q[i] = strconv.Quote(x)
	}
	return strings.Join(q, ", ")
}

// build returns the examples of one record: one per question string.
func (b *builder) build(raw []byte) ([]jsonl.Example, *problem) {
	questions, p := b.questions(raw)
	if p != nil {
		return nil, p
	}
	araw, where, err := fieldpath.Lookup(raw, b.answer)
	if err != nil {
		return nil, lookupProblem(where, err)
	}
	answer, p := b.format(araw)
	if p != nil {
		p.Path = where
		return nil, p
	}
	if b.trim {
		answer = strings.TrimSpace(answer)
	}
	if strings.TrimSpace(answer) == "" {
		return nil, &problem{Code: "empty_field", Path: where, Message: "the answer is empty"}
	}
	var data map[string]any
	if b.user != nil {
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		if err := d.Decode(&data); err != nil {
			return nil, &problem{Code: "invalid_json", Message: err.Error()}
		}
	}
	meta, p := b.metadata(raw)
	if p != nil {
		return nil, p
	}
	out := make([]jsonl.Example, 0, len(questions))
	for _, q := range questions {
		user := q
		if b.user != nil {
			data["question"] = q
			var s strings.Builder
			if err := b.user.Execute(&s, data); err != nil {
				return nil, &problem{Code: "template_error", Message: strings.TrimPrefix(err.Error(), "template: ")}
			}
			user = s.String()
		}
		msgs := make([]jsonl.Message, 0, 3)
		if b.system != "" {
			msgs = append(msgs, jsonl.Message{Role: "system", Content: jsonl.TextContent(b.system)})
		}
		msgs = append(msgs,
			jsonl.Message{Role: "user", Content: jsonl.TextContent(user)},
			jsonl.Message{Role: "assistant", Content: jsonl.TextContent(answer)})
		out = append(out, jsonl.Example{Messages: msgs, Metadata: meta})
	}
	return out, nil
}

// metadata returns the object of the fields to keep, named as they were
// given to --keep, their values as written; nil when none are kept.
func (b *builder) metadata(raw []byte) (json.RawMessage, *problem) {
	if len(b.keep) == 0 {
		return nil, nil
	}
	var m bytes.Buffer
	m.WriteByte('{')
	for i, k := range b.keep {
		v, where, err := fieldpath.Lookup(raw, k)
		if err != nil {
			return nil, lookupProblem(where, err)
		}
		if i > 0 {
			m.WriteByte(',')
		}
		key, _ := jsonl.Marshal(k.String())
		m.Write(key)
		m.WriteByte(':')
		m.Write(compact(v))
	}
	m.WriteByte('}')
	return m.Bytes(), nil
}

// questions returns the question strings of a record: the string, or each
// string of an array of paraphrases.
func (b *builder) questions(raw []byte) ([]string, *problem) {
	qraw, where, err := fieldpath.Lookup(raw, b.question)
	if err != nil {
		return nil, lookupProblem(where, err)
	}
	var qs []string
	switch qraw[0] {
	case '"':
		var s string
		if err := json.Unmarshal(qraw, &s); err != nil {
			return nil, &problem{Code: "invalid_json", Path: where, Message: err.Error()}
		}
		qs = []string{s}
	case '[':
		var items []json.RawMessage
		if err := json.Unmarshal(qraw, &items); err != nil {
			return nil, &problem{Code: "invalid_json", Path: where, Message: err.Error()}
		}
		if len(items) == 0 {
			return nil, &problem{Code: "empty_field", Path: where, Message: "the question array is empty"}
		}
		for i, it := range items {
			it = bytes.TrimSpace(it)
			var s string
			if it[0] != '"' || json.Unmarshal(it, &s) != nil {
				return nil, &problem{Code: "wrong_type", Path: fmt.Sprintf("%s[%d]", where, i),
					Message: fmt.Sprintf("the question is %s, not a string", fieldpath.Kind(it))}
			}
			qs = append(qs, s)
		}
	default:
		return nil, &problem{Code: "wrong_type", Path: where,
			Message: fmt.Sprintf("the question is %s, not a string or an array of strings", fieldpath.Kind(qraw))}
	}
	for i, q := range qs {
		if strings.TrimSpace(q) == "" {
			at := where
			if len(qs) > 1 || qraw[0] == '[' {
				at = fmt.Sprintf("%s[%d]", where, i)
			}
			return nil, &problem{Code: "empty_field", Path: at, Message: "the question is empty"}
		}
	}
	return qs, nil
}

func lookupProblem(where string, err error) *problem {
	var le *fieldpath.Error
	if errors.As(err, &le) && le.Missing {
		return &problem{Code: "missing_field", Path: where, Message: err.Error()}
	}
	return &problem{Code: "wrong_type", Path: where, Message: err.Error()}
}

// job is one run of ft-format over its inputs.
type job struct {
	build                  *builder
	from                   string
	delimiter              rune // 0: detected per CSV input
	out                    *jsonl.Writer
	rejects                *jsonl.Writer // nil without --rejects
	rejectsFile            *cli.AtomicFile
	report                 func(error)  // prints one diagnostic
	notice                 func(string) // prints the field choice
	repeats                cli.Repeats  // thins out the same mistake on every record
	probe                  *probe       // nil once the named fields are known to exist
	progress               *cli.Progress
	records, examples, bad int
	notJSON                int // bad records that are not JSON (or not UTF-8) at all
}

// run formats every input in order. Bad records are reported and counted;
// the error returned is one that stops the run (unreadable input, a usage
// error from guessing, a write error).
func (j *job) run(inputs []string, stdin io.Reader) error {
	for _, arg := range inputs {
		rc, name, err := cli.Open(arg, stdin)
		if err != nil {
			return err
		}
		err = readRecords(j.progress.Reader(rc), name, j.from, j.delimiter, j.record)
		rc.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

func (j *job) record(rec *record) error {
	j.records++
	p := rec.Problem
	if p == nil && j.build.guessed == "" && (j.build.question.IsZero() || j.build.answer.IsZero()) {
		if err := j.build.guess(rec.Raw); err != nil {
			return fmt.Errorf("%s: %w", rec.File, err)
		}
		j.notice(fmt.Sprintf("%s: using %s (%s)", rec.File, j.build.guessed, j.build.guessedWhy))
	}
	if p == nil && j.probe != nil {
		done, err := j.probe.look(rec.File, rec.Raw)
		if err != nil {
			return err
		}
		if done {
			j.release()
		}
	}
	var exs []jsonl.Example
	if p == nil {
		exs, p = j.build.build(rec.Raw)
	}
	if p != nil {
		j.bad++
		if p.Code == "invalid_json" || p.Code == "invalid_utf8" {
			j.notJSON++
		}
		if j.repeats.Show(p.Code, p.Path) {
			if j.probe != nil {
				j.probe.held = append(j.probe.held, rec.Err(p))
			} else {
				j.report(rec.Err(p))
			}
		}
		if j.rejects != nil && rec.Raw != nil {
			line := rec.Raw // a JSONL line is kept byte for byte
			if rec.Index >= 0 {
				line = oneLine(line)
			}
			j.rejects.WriteLine(line)
		}
		return nil
	}
	for i := range exs {
		if err := j.out.Encode(&exs[i]); err != nil {
			return err
		}
		j.examples++
	}
	return nil
}

// release prints the diagnostics held back while the named fields were
// being looked for, now that they are known to exist.
func (j *job) release() {
	for _, err := range j.probe.held {
		j.report(err)
	}
	j.probe = nil
}

// named lists the fields given by flags, for the probe.
func (b *builder) named(f *flags) []probeField {
	var fs []probeField
	if f.Question != "" {
		fs = append(fs, probeField{flag: "--question", path: b.question})
	}
	if f.Answer != "" {
		fs = append(fs, probeField{flag: "--answer", path: b.answer})
	}
	for _, k := range b.keep {
		fs = append(fs, probeField{flag: "--keep", path: k})
	}
	return fs
}

// newJob checks the flags and sets up the output.
func newJob(f *flags, stdout io.Writer, report func(error)) (*job, error) {
	system := defaultSystem
	switch {
	case f.NoSystem:
		system = ""
	case f.System != nil:
		if system = *f.System; system == "" {
			return nil, cli.Errorf(cli.ExitUsage, "--system is empty; use --no-system for no system turn")
		}
	case f.SystemFile != "":
		b, err := readFlagFile("--system-file", f.SystemFile)
		if err != nil {
			return nil, err
		}
		system = b
	}
	tmpl := f.UserTemplate
	if f.UserTemplateFile != "" {
		b, err := readFlagFile("--user-template-file", f.UserTemplateFile)
		if err != nil {
			return nil, err
		}
		tmpl = b
	}
	b, err := newBuilder(f.Question, f.Answer, system, tmpl, f.Keep)
	if err != nil {
		return nil, err
	}
	b.trim = f.Trim
	delimiter, err := parseDelimiter(f.Delimiter)
	if err != nil {
		return nil, err
	}
	if delimiter != 0 && f.From == fromAuto {
		f.From = fromCSV
	}
	j := &job{build: b, from: f.From, delimiter: delimiter, out: jsonl.NewWriter(stdout), report: report, probe: newProbe(b.named(f))}
	if f.Rejects != "" {
		if j.rejectsFile, err = cli.CreateAtomic(f.Rejects); err != nil {
			return nil, cli.WithCode(cli.ExitUsage, fmt.Errorf("--rejects %w", err))
		}
		j.rejects = jsonl.NewWriter(j.rejectsFile)
	}
	return j, nil
}

// readFlagFile reads the text of a file given to a flag, without the final
// line break an editor adds.
func readFlagFile(flag, path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return "", cli.Errorf(cli.ExitUnreadable, "%s: %s: %v", flag, path, err)
	}
	s := strings.TrimSuffix(string(b), "\n")
	return strings.TrimSuffix(s, "\r"), nil
}

// finish flushes the outputs and turns the run's outcome into its error:
// the one that stopped it, or a summary of the bad records (exit 1).
func (j *job) finish(err error) error {
	if err == nil && j.probe != nil {
		if j.probe.records > 0 {
			err = j.probe.err() // fewer records than probeRecords, none with the field
		} else {
			j.release()
		}
	}
	if ferr := j.out.Flush(); err == nil {
		err = ferr
	}
	if j.rejects != nil {
		if err == nil {
			err = j.rejects.Flush()
		}
		if err == nil {
			err = j.rejectsFile.Commit()
		}
		j.rejectsFile.Abort()
	}
	if err == nil && j.notJSON > 0 && j.notJSON == j.records {
		return cli.Errorf(cli.ExitUnreadable, "not JSON: none of its %d %s is JSON", j.records, cli.Plural(j.records, "record"))
	}
	if err == nil && j.bad > 0 {
		good := j.records - j.bad
		return cli.Errorf(cli.ExitDataError, "%s skipped; %s from %s", cli.Count(j.bad, "bad record"), cli.Count(j.examples, "example"), cli.Count(good, "record"))
	}
	return err
}
