package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	json "github.com/goccy/go-json"

	"github.com/ft-tools/ft/cmd/internal/cli"
	"github.com/ft-tools/ft/cmd/internal/score"
	"github.com/ft-tools/ft/jsonl"
)

// metrics are the scores --metric may name: those of score.Result that a
// model should have, which unsafe is not.
var metrics = []string{"parsed", "exact", "equivalent"}

func (f *flags) check() error {
	if !slices.Contains(metrics, f.Metric) && !isExecMetric(f.Metric) {
		return fmt.Errorf("--metric %q: not one of %v or, with a database, %v", f.Metric, metrics, execMetrics)
	}
	if f.MinRate != nil && (*f.MinRate < 0 || *f.MinRate > 1) {
		return fmt.Errorf("--min-rate %v: a rate is between 0 and 1", *f.MinRate)
	}
	if f.Model != "" && f.MinRate == nil {
		return fmt.Errorf("--model picks the model of --min-rate, which is not given")
	}
	return nil
}

type job struct {
	ctx    context.Context
	exec   *executor // nil: no database
	f      *flags
	out    *jsonl.Writer
	stderr io.Writer
	report *score.Report
	pairs  *cli.AtomicFile
	pairW  *jsonl.Writer
	rej    *cli.AtomicFile
	rejW   *jsonl.Writer
	bad    int // lines that are not answers
	nPairs int
	noPair int // failed answers with no prompt, or no text on one side, to make a pair of
}

func newJob(f *flags, stdout, stderr io.Writer) (*job, error) {
	j := &job{f: f, out: jsonl.NewWriter(stdout), stderr: stderr, report: score.NewReport(nil)}
	if f.Pairs != "" {
		a, err := cli.CreateAtomic(f.Pairs)
		if err != nil {
			return nil, cli.Errorf(cli.ExitUnreadable, "--pairs: %v", err)
		}
		j.pairs, j.pairW = a, jsonl.NewWriter(a)
	}
	if f.Rejects != "" {
		a, err := cli.CreateAtomic(f.Rejects)
		if err != nil {
			if j.pairs != nil {
				j.pairs.Abort()
			}
			return nil, cli.Errorf(cli.ExitUnreadable, "--rejects: %v", err)
		}
		j.rej, j.rejW = a, jsonl.NewWriter(a)
	}
	return j, nil
}

func (j *job) run(files []string, stdin io.Reader) int {
	if j.pairs != nil {
		defer j.pairs.Abort()
	}
	if j.rej != nil {
		defer j.rej.Abort()
	}
	for _, arg := range files {
		if err := j.file(arg, stdin); err != nil {
			// The lines scored before a database went away are kept.
			j.out.Flush()
			return cli.ReportContext(j.ctx, j.stderr, name, err)
		}
	}
	if err := j.out.Flush(); err != nil {
		return cli.Report(j.stderr, name, err)
	}
	sum := j.report.Summary()
	if err := j.writeText(sum); err != nil {
		return cli.Report(j.stderr, name, err)
	}
	if j.f.Report != "" {
		if err := writeReport(j.f.Report, sum); err != nil {
			return cli.Report(j.stderr, name, err)
		}
	}
	if j.pairs != nil {
		err := j.pairW.Flush()
		if err == nil {
			err = j.pairs.Commit()
		}
		if err != nil {
			return cli.Report(j.stderr, name, fmt.Errorf("--pairs: %v", err))
		}
	}
	if j.rej != nil {
		err := j.rejW.Flush()
		if err == nil {
			err = j.rej.Commit()
		}
		if err != nil {
			return cli.Report(j.stderr, name, fmt.Errorf("--rejects: %v", err))
		}
	}
	code := cli.ExitOK
	if j.bad > 0 {
		code = cli.ExitDataError
	}
	if j.f.MinRate != nil && !j.gate(sum) {
		code = cli.ExitDataError
	}
	return code
}

func (j *job) writeText(sum score.Summary) error {
	lines := 0
	for _, m := range sum.Models {
		lines += m.Answers
	}
	head := fmt.Sprintf("%s: %s from %s", name, count(lines, "answer"), count(len(sum.Order), "model"))
	if j.bad > 0 {
		head += fmt.Sprintf("; %s skipped, not answers", count(j.bad, "line"))
	}
	if j.pairs != nil {
		head += fmt.Sprintf("; %s to %s", count(j.nPairs, "preference pair"), j.f.Pairs)
		if j.noPair > 0 {
			head += fmt.Sprintf(" (%s failed answers without a prompt or a text)", cli.Thousands(int64(j.noPair)))
		}
	}
	if _, err := fmt.Fprintln(j.stderr, head); err != nil {
		return err
	}
	return sum.WriteText(j.stderr)
}

func writeReport(path string, sum score.Summary) error {
	data, err := json.MarshalIndent(sum, "", "  ")
	if err != nil {
		return err
	}
	a, err := cli.CreateAtomic(path)
	if err != nil {
		return cli.Errorf(cli.ExitUnreadable, "--report: %v", err)
	}
	defer a.Abort()
	if _, err := a.Write(append(data, '\n')); err != nil {
		return fmt.Errorf("--report: %v", err)
	}
	if err := a.Commit(); err != nil {
		return fmt.Errorf("--report: %v", err)
	}
	return nil
}

// gate reports whether the models judged by --min-rate reach it, and says
// which do not.
func (j *job) gate(sum score.Summary) bool {
	models := sum.Order
	if j.f.Model != "" {
		if sum.Models[j.f.Model] == nil {
			cli.Warnf(j.stderr, name, "--min-rate: no answer of model %s", j.f.Model)
			return false
		}
		models = []string{j.f.Model}
	}
	if len(models) == 0 {
		cli.Warnf(j.stderr, name, "--min-rate: no answers")
		return false
	}
	ok := true
	for _, m := range models {
		r := sum.Models[m].Rates[j.f.Metric]
		if r.Rate < *j.f.MinRate {
			cli.Warnf(j.stderr, name, "%s: %s rate %.3f is below --min-rate %v", m, j.f.Metric, r.Rate, *j.f.MinRate)
			ok = false
		}
	}
	return ok
}

func (j *job) file(arg string, stdin io.Reader) error {
	rc, fname, err := cli.Open(arg, stdin)
	if err != nil {
		return err
	}
	defer rc.Close()
	r := jsonl.NewReader(rc, fname)
	lines, notJSON := 0, 0
	for r.Next() {
		lines++
		if err := j.line(r); err != nil {
			var le *jsonl.LineError
			if errors.As(err, &le) {
				j.bad++
				if le.Code == "invalid_json" || le.Code == "invalid_utf8" {
					notJSON++
				}
				cli.Warnf(j.stderr, name, "%v", le)
				if j.rejW != nil {
					if err := j.rejW.WriteLine(r.Bytes()); err != nil {
						return fmt.Errorf("--rejects: %v", err)
					}
				}
				continue
			}
			return err
		}
	}
	if err := r.Err(); err != nil {
		return cli.Errorf(cli.ExitUnreadable, "%s: %v", fname, err)
	}
	if lines > 0 && notJSON == lines {
		return cli.Errorf(cli.ExitUnreadable, "%s: no line is JSON", fname)
	}
	return nil
}

// scoreKeys are the keys ft-score writes; an input line that has them
// (scored before) gets them anew rather than twice.
var scoreKeys = append([]string{"parsed", "parse_error", "exact", "equivalent", "reason", "diff", "complexity", "unsafe", "unsafe_findings"}, execKeys...)

// line scores one input line and writes it out. A line that is not an
// answer is a *jsonl.LineError; any other error ends the run.
func (j *job) line(r *jsonl.Reader) error {
	if err := r.CheckText(); err != nil {
		return err
	}
	keys, raws, err := splitObject(r.Bytes())
	if err != nil {
		return r.Errorf("invalid_json", "", "%v", err)
	}
	for _, k := range []string{"expected", "answer"} {
		if !slices.Contains(keys, k) {
			return r.Errorf("missing_key", k, "the line has no %q", k)
		}
	}
	var rec record
	if err := json.Unmarshal(r.Bytes(), &rec); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return r.Errorf("invalid_type", te.Field, "%s where %s is expected", te.Value, te.Type)
		}
		return r.Errorf("invalid_type", "", "not an answer: %v", err)
	}
	a := rec.Answer
	if a.Expected, err = queryText(rec.Expected, false); err != nil {
		return r.Errorf("invalid_type", "expected", "%v", err)
	}
	text, err := queryText(rec.Text, true)
	if err != nil {
		return r.Errorf("invalid_type", "answer", "%v", err)
	}
	a.Answer = nil
	if string(bytes.TrimSpace(rec.Text)) != "null" {
		a.Answer = &text
	}
	var res score.Result
	if a.Answer == nil {
		// Scored as the empty answer for its complexity, but never right,
		// even against an empty expected answer.
		res = score.Score(a.Expected, "")
		res.Parsed, res.Exact, res.Equivalent, res.ParseError, res.Diff = false, false, false, nil, nil
		res.Reason = "no answer"
		if a.Error != nil && a.Error.Message != "" {
			res.Reason = "no answer: " + a.Error.Message
		}
	} else {
		res = score.Score(a.Expected, *a.Answer)
	}
	ms := res.Metrics()
	var ex *execResult
	if j.exec != nil {
		if err := j.ctx.Err(); err != nil {
			return err
		}
		er, exms, err := j.exec.score(j.ctx, j, fmt.Sprintf("%s:%d", r.Name(), r.Line()), r.Bytes(), a.Expected, a.Answer)
		if err != nil {
			return err
		}
		ex = er
		ms = append(ms, exms...)
	}
	if err := j.write(keys, raws, &res, ex); err != nil {
		return err
	}
	e := score.Entry{
		Model:     a.Model,
		Key:       a.File + "\x00" + strconv.Itoa(a.Line) + "\x00" + a.Question + "\x00" + a.Expected,
		Bucket:    res.Complexity,
		Metrics:   ms,
		Error:     a.Answer == nil,
		LatencyMS: a.LatencyMS,
		FromCache: a.Cached,
	}
	if a.Usage != nil {
		e.Prompt, e.Cached, e.Output = a.Usage.PromptTokens, a.Usage.CachedTokens, a.Usage.CompletionTokens
	}
	if ex != nil && ex.XMaNeR != nil {
		e.Values = append(e.Values, score.Value{Name: "xmaner", Value: *ex.XMaNeR})
	}
	j.report.Add(e)
	// A line without the metric (an expected query the database cannot
	// run) says nothing of the answer: it makes no pair.
	if v, ok := metricOf(ms, j.f.Metric); j.pairW != nil && ok && !v {
		return j.pair(&a)
	}
	return nil
}

// record is an input line: ft-ask's answer, or any line whose expected
// query and answer are strings, or JSON documents written as they are (a
// dataset's {"expected": {"status": "A"}, …}).
type record struct {
	jsonl.Answer
	Expected json.RawMessage `json:"expected"`
	Text     json.RawMessage `json:"answer"`
}

// queryText returns a string as it is, and an object or array as its JSON
// text; null is allowed for an answer.
func queryText(raw json.RawMessage, nullable bool) (string, error) {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0:
		return "", fmt.Errorf("empty")
	case raw[0] == '"':
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	case raw[0] == '{' || raw[0] == '[':
		var b bytes.Buffer
		err := json.Compact(&b, raw)
		return b.String(), err
	case nullable && string(raw) == "null":
		return "", nil
	}
	return "", fmt.Errorf("%s is not a string, a document or an array", raw)
}

func metricOf(ms []score.Metric, name string) (value, ok bool) {
	for _, m := range ms {
		if m.Name == name {
			return m.Value, true
		}
	}
	return false, false
}

// write writes the input line with the scores after its own keys.
func (j *job) write(keys []string, raws []json.RawMessage, res *score.Result, ex *execResult) error {
	var b bytes.Buffer
	b.WriteByte('{')
	n := 0
	for i, k := range keys {
		if slices.Contains(scoreKeys, k) {
			continue
		}
		if n > 0 {
			b.WriteByte(',')
		}
		n++
		kj, _ := jsonl.Marshal(k)
		b.Write(kj)
		b.WriteByte(':')
		if err := json.Compact(&b, raws[i]); err != nil {
			return err
		}
	}
	sj, err := jsonl.Marshal(res)
	if err != nil {
		return err
	}
	if inner := bytes.TrimSuffix(bytes.TrimPrefix(sj, []byte("{")), []byte("}")); len(inner) > 0 {
		if n > 0 {
			b.WriteByte(',')
		}
		n++
		b.Write(inner)
	}
	if ex != nil {
		ej, err := jsonl.Marshal(ex)
		if err != nil {
			return err
		}
		if inner := bytes.TrimSuffix(bytes.TrimPrefix(ej, []byte("{")), []byte("}")); len(inner) > 0 {
			if n > 0 {
				b.WriteByte(',')
			}
			b.Write(inner)
		}
	}
	b.WriteByte('}')
	return j.out.WriteLine(b.Bytes())
}

// splitObject returns the keys of a JSON object and their values as they
// are written, in order.
func splitObject(line []byte) ([]string, []json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(line))
	tok, err := dec.Token()
	if err != nil {
		return nil, nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, nil, fmt.Errorf("not a JSON object")
	}
	var keys []string
	var raws []json.RawMessage
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		k, ok := tok.(string)
		if !ok {
			return nil, nil, fmt.Errorf("an object key that is not a string")
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, nil, err
		}
		keys, raws = append(keys, k), append(raws, raw)
	}
	if _, err := dec.Token(); err != nil {
		return nil, nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, nil, fmt.Errorf("text after the JSON object")
	}
	return keys, raws, nil
}

// pair writes the preference example of a failed answer: the prompt, the
// expected answer preferred, the model's not.
func (j *job) pair(a *jsonl.Answer) error {
	if a.Answer == nil || score.Unfence(*a.Answer) == "" || strings.TrimSpace(a.Expected) == "" {
		j.noPair++
		return nil
	}
	var msgs []jsonl.Message
	for _, m := range a.Messages {
		m.Weight = nil // a preference input has no trained turns
		msgs = append(msgs, m)
	}
	if len(msgs) == 0 {
		if a.Question == "" {
			j.noPair++
			return nil
		}
		msgs = []jsonl.Message{{Role: "user", Content: jsonl.TextContent(a.Question)}}
	}
	ex := jsonl.Example{
		Input:              &jsonl.PreferenceInput{Messages: msgs},
		PreferredOutput:    []jsonl.Message{{Role: "assistant", Content: jsonl.TextContent(a.Expected)}},
		NonPreferredOutput: []jsonl.Message{{Role: "assistant", Content: jsonl.TextContent(*a.Answer)}},
	}
	j.nPairs++
	return j.pairW.Encode(&ex)
}

func count(n int, noun string) string {
	if n != 1 {
		noun += "s"
	}
	return cli.Thousands(int64(n)) + " " + noun
}
