package jsonl

import (
	"fmt"
	"strings"
)

// Severity of a finding.
const (
	SeverityError   = "error"   // OpenAI would reject or truncate the example
	SeverityWarning = "warning" // legal, but probably a mistake
)

// LineError is a problem at one line of one input, in the form every tool
// prints: "file:line: code: path: message".
type LineError struct {
	File string
	Line int    // 1-based; 0 when the problem concerns the whole file
	Code string // stable identifier such as "unrecognized_role"
	Path string // JSON path inside the record, such as "messages[2].role"; may be empty
	Err  error
}

func (e *LineError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Code != "" {
		b.WriteString(": " + e.Code)
	}
	if e.Path != "" {
		b.WriteString(": " + e.Path)
	}
	b.WriteString(": " + e.Err.Error())
	return b.String()
}

func (e *LineError) Unwrap() error { return e.Err }

// Finding is one result of validation, in the shape of `--report json`.
type Finding struct {
	File     string `json:"file"`
	Line     int    `json:"line"`
	Severity string `json:"severity"`
	Code     string `json:"code"`
	Path     string `json:"path"`
	Message  string `json:"message"`
}

// String formats the finding as one diagnostic line (without the program
// name): "file:line: code: path: message", with "warning: " before the code
// for warnings.
func (f Finding) String() string {
	var b strings.Builder
	b.WriteString(f.File)
	if f.Line > 0 {
		fmt.Fprintf(&b, ":%d", f.Line)
	}
	b.WriteString(": ")
	if f.Severity == SeverityWarning {
		b.WriteString("warning: ")
	}
	b.WriteString(f.Code)
	if f.Path != "" {
		b.WriteString(": " + f.Path)
	}
	b.WriteString(": " + f.Message)
	return b.String()
}
