package mongoquery

import (
	"errors"
	"fmt"
)

// Severities of a Problem, as in jsonl.Finding.
const (
	SeverityError   = "error"
	SeverityWarning = "warning"
)

// Problem codes.
const (
	CodeUnparsable      = "mongo_unparsable"       // not JavaScript or JSON that mongosh could read
	CodeNotQuery        = "mongo_not_query"        // valid code or JSON, but no query in it
	CodeScript          = "mongo_script"           // several statements rather than one query
	CodeErrorAnswer     = "mongo_error_answer"     // an {"error": …} object in place of a query
	CodeInvalidStage    = "mongo_invalid_stage"    // a pipeline element that is not {$stage: …}
	CodeUnknownStage    = "mongo_unknown_stage"    // a $name in stage position that MongoDB does not have
	CodeUnsafeOperator  = "mongo_unsafe_operator"  // $out, $merge, $where, $function, $accumulator
	CodeUnsafeOperation = "mongo_unsafe_operation" // a method that writes: deleteMany, drop, insertOne, …
	CodeUnknownOperator = "mongo_unknown_operator" // a $name MongoDB does not have
	CodeUnknownMethod   = "mongo_unknown_method"   // a collection or cursor method mongosh does not have
	CodeFenced          = "mongo_code_fence"       // the answer is wrapped in a Markdown code fence
	// CodeUnconvertible is for a query that has no form in the writing asked
	// for (ToJSON, ToMongosh); Check never returns it.
	CodeUnconvertible = "mongo_unconvertible"
)

// Problem is one finding about an answer. Offset, Line and Column locate it
// in the answer (Line and Column are 1-based).
type Problem struct {
	Severity string
	Code     string
	Message  string
	Offset   int
	Line     int
	Column   int
}

// Check returns the problems of an answer read by Parse: pass what Parse
// returned. Unsafe operators and writing methods are errors unless
// allowUnsafe is set, in which case they are not reported.
func Check(q *Query, parseErr error, allowUnsafe bool) []Problem {
	if parseErr != nil {
		var pe *ParseError
		if !errors.As(parseErr, &pe) {
			return []Problem{{Severity: SeverityError, Code: CodeUnparsable, Message: parseErr.Error(), Line: 1, Column: 1}}
		}
		code := CodeUnparsable
		if pe.NotQuery {
			code = CodeNotQuery
		}
		return []Problem{{Severity: SeverityError, Code: code, Message: pe.Error(), Offset: pe.Offset, Line: pe.Line, Column: pe.Column}}
	}
	if q == nil {
		return nil
	}
	var out []Problem
	add := func(severity, code string, pos int, format string, args ...any) {
		line, col := position(q.src, pos)
		msg := fmt.Sprintf("line %d, column %d: ", line, col) + fmt.Sprintf(format, args...)
		out = append(out, Problem{Severity: severity, Code: code, Message: msg, Offset: pos, Line: line, Column: col})
	}
	if q.Fenced {
		add(SeverityWarning, CodeFenced, 0, "the query is wrapped in a Markdown code fence")
	}
	if q.Form == FormScript {
		add(SeverityWarning, CodeScript, q.base, "a script of %d statements, not a single query", q.Statements)
	}
	for _, n := range q.notes {
		switch n.code {
		case CodeErrorAnswer:
			add(SeverityWarning, n.code, n.pos, "an error object, not a query")
		case CodeInvalidStage:
			add(SeverityError, n.code, n.pos, "a pipeline stage must be an object with one $-key")
		case CodeUnknownStage:
			add(SeverityError, n.code, n.pos, "unknown stage %q", n.name)
		case CodeUnsafeOperator:
			if !allowUnsafe {
				what := "runs JavaScript on the server"
				if n.name == "$out" || n.name == "$merge" {
					what = "writes to a collection"
				}
				add(SeverityError, n.code, n.pos, "%s %s (allow with --allow-unsafe)", n.name, what)
			}
		case CodeUnsafeOperation:
			if !allowUnsafe {
				add(SeverityError, n.code, n.pos, "%s changes data or the server (allow with --allow-unsafe)", n.name)
			}
		case CodeUnknownOperator:
			add(SeverityWarning, n.code, n.pos, "unknown operator %q", n.name)
		case CodeUnknownMethod:
			add(SeverityWarning, n.code, n.pos, "unknown method %q", n.name)
		}
	}
	return out
}
