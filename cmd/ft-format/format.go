package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
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
	guessed          string // what was guessed, for the caller to announce
}

// newBuilder parses the user template, if any.
func newBuilder(question, answer, system, userTemplate string) (*builder, error) {
	b := &builder{system: system, format: answerFormats["keep"]}
	var err error
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

// guess picks the fields not given from the names of the first record's
// keys. It fails with a usage error when the names leave the choice open.
func (b *builder) guess(raw []byte) error {
	if !b.question.IsZero() && !b.answer.IsZero() {
		return nil
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return err
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var said []string
	pick := func(p *fieldpath.Path, flag, what string, names []string) error {
		if !p.IsZero() {
			return nil
		}
		var found []string
		for _, n := range names {
			for _, k := range keys {
				if strings.EqualFold(k, n) && !slices.Contains(found, k) {
					found = append(found, k)
				}
			}
		}
		switch len(found) {
		case 1:
			*p = fieldpath.MustParse(found[0])
			said = append(said, fmt.Sprintf("%s field %q", what, found[0]))
			return nil
		case 0:
			return cli.Errorf(cli.ExitUsage, "no %s field among the record's fields (%s); choose one with %s PATH",
				what, strings.Join(keys, ", "), flag)
		default:
			return cli.Errorf(cli.ExitUsage, "several fields could be the %s (%s); choose one with %s PATH",
				what, strings.Join(found, ", "), flag)
		}
	}
	if err := pick(&b.question, "--question", "question", questionNames); err != nil {
		return err
	}
	if err := pick(&b.answer, "--answer", "answer", answerNames); err != nil {
		return err
	}
	b.guessed = strings.Join(said, " and ")
	return nil
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
		out = append(out, jsonl.Example{Messages: msgs})
	}
	return out, nil
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
	out                    *jsonl.Writer
	rejects                *jsonl.Writer // nil without --rejects
	rejectsFile            *cli.AtomicFile
	report                 func(error)  // prints one diagnostic
	notice                 func(string) // prints the field choice
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
		err = readRecords(rc, name, j.from, j.record)
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
			return err
		}
		j.notice(fmt.Sprintf("%s: using %s (guessed from the field names)", rec.File, j.build.guessed))
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
		j.report(rec.Err(p))
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
	b, err := newBuilder(f.Question, f.Answer, system, tmpl)
	if err != nil {
		return nil, err
	}
	j := &job{build: b, from: f.From, out: jsonl.NewWriter(stdout), report: report}
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
		return cli.Errorf(cli.ExitUnreadable, "not JSON: none of its %d %s is JSON", j.records, plural(j.records, "record"))
	}
	if err == nil && j.bad > 0 {
		good := j.records - j.bad
		return cli.Errorf(cli.ExitDataError, "%d bad %s skipped; %d %s from %d %s", j.bad, plural(j.bad, "record"),
			j.examples, plural(j.examples, "example"), good, plural(good, "record"))
	}
	return err
}

func plural(n int, s string) string {
	if n == 1 {
		return s
	}
	return s + "s"
}
