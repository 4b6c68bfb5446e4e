// Package mongoquery reads MongoDB queries the way mongosh would, from the
// three writings found in text-to-MongoDB datasets: JSON or Extended JSON
// (a filter, a pipeline, a {"type": …} wrapper or a database command),
// mongosh code (db.orders.find({…}).sort({…}) with JavaScript object
// literals), and scripts of several statements, which are recognised as
// such while the db calls in them are still read.
//
// The reader is a small, tolerant JavaScript parser, not a JSON decoder:
// JavaScript values it has no use for (new Date(…) arithmetic, method calls,
// functions) are kept as opaque values rather than refused. Check turns what
// was read into findings with stable codes, ToJSON and ToMongosh rewrite a
// query in one writing, and Stats describes a whole dataset.
package mongoquery

import (
	"strings"
	"sync"
	"unicode/utf8"

	json "github.com/goccy/go-json"
)

// Form is how an answer is written.
type Form string

const (
	FormJSON    Form = "json"    // strict JSON, possibly Extended JSON
	FormMongosh Form = "mongosh" // one JavaScript expression: a db call, or a relaxed object or array literal
	FormScript  Form = "script"  // several statements, variables, control flow
)

// Query describes one answer.
type Query struct {
	Form       Form
	Collection string // "" when unknown (a bare filter or pipeline)
	// Operation is the method called: find, findOne, aggregate,
	// countDocuments, distinct, … A bare JSON object is "find" (a filter), a
	// bare array "aggregate" (a pipeline), an {"error": …} object "error".
	Operation string
	Stages    []string // top-level pipeline stages in order
	AllStages []string // every stage, also inside $lookup, $facet, $unionWith pipelines
	Operators []string // every $-operator used, with repetition, in order
	Depth     int      // deepest nesting of objects and arrays in one query document (a filter, a stage)
	Modifiers []string // cursor methods chained after the operation: sort, limit, …
	// Statements is the number of top-level statements of a script; 1 for a
	// single query.
	Statements int
	Fenced     bool // the answer was wrapped in a Markdown code fence

	src     string
	root    *node   // the query expression; nil for scripts
	args    []*node // arguments of the operation
	mods    []call  // the chained cursor methods
	notes   []note
	base    int  // offset of the code inside a fenced answer
	dbLevel bool // a method of db itself, such as db.aggregate([…])
}

type call struct {
	name   string
	pos    int
	args   []*node
	member bool // .length rather than .name(…)
}

// note is something Check may report, found while reading.
type note struct {
	code string // a Problem code
	name string
	pos  int
}

// DBLevel reports whether the operation is a method of db itself, such as
// db.aggregate([…]) or db.runCommand(…), rather than of a collection.
func (q *Query) DBLevel() bool { return q.dbLevel }

// Parse reads one answer. A script returns a Query of Form "script" and no
// error; an answer that is not a query returns a *ParseError. Parse never
// panics.
func Parse(answer string) (*Query, error) {
	return parse(answer, nil)
}

// parse is Parse taking the nodes from ar when it is not nil: ar is reset
// first, so the Query returned by an earlier call with the same ar must no
// longer be in use.
func parse(answer string, ar *arena) (*Query, error) {
	src, base, fenced := stripFence(answer)
	var q *Query
	if ar != nil {
		q = ar.newQuery()
	} else {
		q = new(Query)
	}
	q.src, q.Fenced, q.Statements = answer, fenced, 1
	if i := invalidUTF8(src); i >= 0 {
		return nil, newParseError(answer, base+i, "invalid UTF-8")
	}
	buf := tokenBuffers.Get().(*[]token)
	toks, err := lexInto(src, *buf)
	defer func() {
		if cap(toks) <= maxPooledTokens {
			clear(toks) // drop the strings of this answer
			*buf = toks[:0]
			tokenBuffers.Put(buf)
		}
	}()
	if err != nil {
		return nil, shift(err.(*ParseError), answer, base)
	}
	if len(toks) == 1 {
		e := newParseError(answer, base+toks[0].pos, "not a MongoDB query: an empty answer")
		e.NotQuery = true
		return nil, e
	}
	if ar != nil {
		ar.reset(len(toks))
	}
	p := &parser{src: src, toks: toks, ar: ar}
	var expr *node
	exprErr := guard(func() { expr = p.expressionProgram() })
	if exprErr == nil {
		q.Form = FormMongosh
		if mayBeJSON(src) && json.Valid([]byte(src)) {
			q.Form = FormJSON
		}
		q.root = expr
		q.base = base
		a := &analyzer{q: q, base: base}
		if err := a.single(expr); err != nil {
			return nil, shift(err, answer, base)
		}
		return q, nil
	}
	// Nothing read by the failed attempt is kept.
	if p.ar != nil {
		p.ar.reset(len(toks))
	}
	p = &parser{src: src, toks: toks, ar: p.ar}
	var list []*stmt
	if stmtErr := guard(func() { list = p.program() }); stmtErr != nil {
		if stmtErr.Offset > exprErr.Offset {
			exprErr = stmtErr
		}
		return nil, shift(exprErr, answer, base)
	}
	q.Form = FormScript
	q.Statements = len(list)
	q.base = base
	a := &analyzer{q: q, base: base}
	if err := a.script(list, p.extra); err != nil {
		return nil, shift(err, answer, base)
	}
	return q, nil
}

// tokenBuffers keep the token slices of past answers: the tokens do not
// outlive Parse, and growing a slice for each answer was most of its
// allocation.
var tokenBuffers = sync.Pool{New: func() any { return new([]token) }}

// maxPooledTokens bounds the buffers kept, so that one huge answer does not
// hold its memory for the rest of the run.
const maxPooledTokens = 1 << 14

// mayBeJSON reports whether src starts as a JSON text may, after JSON's
// white space: most answers (db.…) fail here without a JSON scan.
func mayBeJSON(src string) bool {
	for i := 0; i < len(src); i++ {
		switch c := src[i]; c {
		case ' ', '\t', '\n', '\r':
			continue
		case '{', '[', '"', '-', 't', 'f', 'n':
			return true
		default:
			return c >= '0' && c <= '9'
		}
	}
	return false
}

// shift moves an error found in the unfenced text to its place in the answer.
func shift(err *ParseError, answer string, base int) *ParseError {
	e := newParseError(answer, err.Offset+base, "%s", err.Msg)
	e.NotQuery = err.NotQuery
	return e
}

// stripFence removes a Markdown code fence around the whole answer and
// returns what is inside with its offset in s.
func stripFence(s string) (body string, offset int, fenced bool) {
	lead := len(s) - len(strings.TrimLeft(s, " \t\r\n"))
	t := strings.TrimSpace(s)
	if !strings.HasPrefix(t, "```") || !strings.HasSuffix(t, "```") || len(t) < 6 {
		return s, 0, false
	}
	nl := strings.IndexByte(t, '\n')
	if nl < 0 {
		return s, 0, false
	}
	if info := strings.TrimSpace(t[3:nl]); strings.ContainsAny(info, "`{}()[]") {
		return s, 0, false
	}
	body = t[nl+1 : len(t)-3]
	if strings.Contains(body, "```") {
		return s, 0, false
	}
	return body, lead + nl + 1, true
}

func invalidUTF8(s string) int {
	if utf8.ValidString(s) {
		return -1
	}
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return i
			}
		}
	}
	return -1
}
