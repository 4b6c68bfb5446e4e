// Package score judges a model's answer against the expected MongoDB query
// by structure, without a database: whether the answer is a query at all,
// whether it is the same text, and whether it is the same query by
// MongoDB's semantics, with where it departs when it is not. It also sums
// such judgements into a report per model, with intervals and paired
// comparisons.
package score

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/ft-tools/ft/cmd/internal/mongoquery"
)

// Finding is a code and message as ft-validate --mongo gives them.
type Finding struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Result is the judgement of one answer.
type Result struct {
	Parsed     bool     `json:"parsed"`
	ParseError *Finding `json:"parse_error,omitempty"`
	Exact      bool     `json:"exact"`
	Equivalent bool     `json:"equivalent"`
	// Reason says why Equivalent is false.
	Reason     string    `json:"reason,omitempty"`
	Diff       *Diff     `json:"diff,omitempty"`
	Complexity string    `json:"complexity"`
	Unsafe     bool      `json:"unsafe"`
	UnsafeWhy  []Finding `json:"unsafe_findings,omitempty"`
}

// Score judges answer against expected. It never panics on any text.
func Score(expected, answer string) Result {
	var r Result
	eq, eerr := mongoquery.Parse(expected)
	r.Complexity = Complexity(eq, eerr)
	aq, aerr := mongoquery.Parse(answer)
	r.Parsed, r.ParseError = parsed(aq, aerr)
	for _, p := range mongoquery.Check(aq, aerr, false) {
		if p.Code == mongoquery.CodeUnsafeOperator || p.Code == mongoquery.CodeUnsafeOperation {
			r.Unsafe = true
			r.UnsafeWhy = append(r.UnsafeWhy, Finding{p.Code, p.Message})
		}
	}
	r.Exact = Unfence(expected) == Unfence(answer)
	if r.Exact {
		r.Equivalent = true
		return r
	}
	ok, _ := parsed(eq, eerr)
	switch {
	case !ok:
		r.Reason = "the expected answer is not a single query, so only the same text is equivalent"
		return r
	case !r.Parsed:
		r.Reason = "the answer is not a query: " + r.ParseError.Message
		return r
	}
	ev, eerr := canonical(eq)
	av, aerr := canonical(aq)
	if eerr != nil || aerr != nil {
		// A JavaScript expression (new Date(…) arithmetic) has no JSON
		// form; the same mongosh code, up to white space, is still the
		// same query, in the same key order.
		if sameCode(eq, aq) {
			r.Equivalent = true
			return r
		}
		which, err := "the expected query", eerr
		if err == nil {
			which, err = "the answer", aerr
		}
		r.Reason = fmt.Sprintf("%s has %v, and as mongosh code the two differ", which, err)
		return r
	}
	r.Reason = compare(ev, av)
	r.Equivalent = r.Reason == ""
	if !r.Equivalent {
		if d := diff(ev, av); !d.Empty() {
			r.Diff = d
		}
	}
	return r
}

// Metrics returns the judgements the report counts, in the order it lists
// them.
func (r *Result) Metrics() []Metric {
	return []Metric{{"parsed", r.Parsed, false}, {"exact", r.Exact, false}, {"equivalent", r.Equivalent, false}, {"unsafe", r.Unsafe, true}}
}

// Equivalent reports whether answer is the same query as expected, and why
// not when it is not.
func Equivalent(expected, answer string) (bool, string) {
	r := Score(expected, answer)
	return r.Equivalent, r.Reason
}

// parsed says whether a read answer is one query, pipeline or command, and
// when not, the finding ft-validate --mongo gives for it.
func parsed(q *mongoquery.Query, err error) (bool, *Finding) {
	for _, p := range mongoquery.Check(q, err, true) {
		if p.Severity == mongoquery.SeverityError || p.Code == mongoquery.CodeScript {
			return false, &Finding{p.Code, p.Message}
		}
	}
	if err != nil { // Check reports every parse error; this is a safeguard
		return false, &Finding{mongoquery.CodeUnparsable, err.Error()}
	}
	return true, nil
}

func canonical(q *mongoquery.Query) (*value, error) {
	text, err := q.JSON()
	if err != nil {
		if errors.Is(err, mongoquery.ErrScript) {
			return nil, err
		}
		return nil, fmt.Errorf("no JSON form (%w)", err)
	}
	v, err := decodeValue(text)
	if err != nil {
		return nil, fmt.Errorf("canonical JSON %s: %w", text, err)
	}
	return normalize(v), nil
}

// sameCode reports whether two queries are the same mongosh code once
// rewritten in one writing (db.c for db.getCollection("c"), one quoting)
// and stripped of white space that JavaScript ignores.
func sameCode(e, a *mongoquery.Query) bool {
	et, err := e.Mongosh()
	if err != nil {
		return false
	}
	at, err := a.Mongosh()
	return err == nil && squeeze(et) == squeeze(at)
}

// squeeze removes white space outside string literals, keeping one space
// between two word characters (new Date), where it separates tokens.
func squeeze(s string) string {
	var b strings.Builder
	word := func(c byte) bool {
		return c == '_' || c == '$' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
	}
	var quote byte
	pending := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if quote != 0 {
			b.WriteByte(c)
			switch {
			case c == '\\' && i+1 < len(s):
				i++
				b.WriteByte(s[i])
			case c == quote:
				quote = 0
			}
			continue
		}
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			pending = true
			continue
		}
		if pending && b.Len() > 0 && word(b.String()[b.Len()-1]) && word(c) {
			b.WriteByte(' ')
		}
		pending = false
		if c == '"' || c == '\'' || c == '`' {
			quote = c
		}
		b.WriteByte(c)
	}
	return b.String()
}

// compare returns "" when the normalized queries are the same, or why not.
func compare(e, a *value) string {
	ec, ac := e.get("collection"), a.get("collection")
	switch {
	case ec != nil && ac == nil:
		return fmt.Sprintf("collection: the answer names none, expected %s", ec)
	case ec == nil && ac != nil:
		return fmt.Sprintf("collection: %s, and the expected query names none", ac)
	case ec != nil && ec.text != ac.text:
		return fmt.Sprintf("collection: %s, expected %s", ac, ec)
	}
	if et, at := e.get("type"), a.get("type"); et != nil && at != nil && et.text != at.text {
		return fmt.Sprintf("operation: %s, expected %s", at.text, et.text)
	}
	return differ(e, a, "")
}

// Unfence returns an answer without surrounding white space and without a
// Markdown code fence around the whole of it, as models often add one.
func Unfence(s string) string {
	t := strings.TrimSpace(s)
	if len(t) < 6 || !strings.HasPrefix(t, "```") || !strings.HasSuffix(t, "```") {
		return t
	}
	nl := strings.IndexByte(t, '\n')
	if nl < 0 {
		return t
	}
	if info := strings.TrimSpace(t[3:nl]); strings.ContainsAny(info, "`{}()[]") {
		return t
	}
	body := t[nl+1 : len(t)-3]
	if strings.Contains(body, "```") {
		return t
	}
	return strings.TrimSpace(body)
}

// Complexity is the bucket of an expected query: its operation, and for a
// pipeline its number of stages ("aggregate/3", up to "aggregate/5+"), as
// the queries section of ft-stats counts them.
func Complexity(q *mongoquery.Query, err error) string {
	switch {
	case err != nil || q == nil:
		return "unreadable"
	case q.Form == mongoquery.FormScript:
		return "script"
	case q.Operation == "aggregate":
		if n := len(q.Stages); n < 5 {
			return "aggregate/" + strconv.Itoa(n)
		}
		return "aggregate/5+"
	case q.Operation == "":
		return "unknown"
	}
	return q.Operation
}
