package jsonl

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/goccy/go-json"
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

// CodeNumberOutOfRange is the code of a number that is valid JSON but too
// large for a float64 (1e999999): OpenAI's parsers cannot hold it either.
const CodeNumberOutOfRange = "number_out_of_range"

// DecodeProblem turns an error of the JSON decoder into a code, the JSON
// path of the value at fault and a message in the terms of the data, never
// of Go types. A number out of range is valid JSON and gets its own code; a
// value of the wrong type is data_type; anything else is invalid_json.
func DecodeProblem(err error) (code, path, msg string) {
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) {
		return CodeInvalidJSON, "", "not valid JSON: " + jsonErrorText(err)
	}
	path = fieldPath(te.Field)
	if num, ok := strings.CutPrefix(te.Value, "number "); ok && isNumberKind(te.Type) {
		if _, perr := strconv.ParseFloat(num, 64); errors.Is(perr, strconv.ErrRange) {
			return CodeNumberOutOfRange, path, fmt.Sprintf("the number %s is out of range (at most about 1.8e308)", clip(num))
		}
		return CodeInvalidType, path, fmt.Sprintf("the number %s does not fit here (%s expected)", clip(num), typeWord(te.Type))
	}
	return CodeInvalidType, path, fmt.Sprintf("%s where %s is expected", valueWord(te.Value), typeWord(te.Type))
}

// fieldPath turns the decoder's "messages.1.weight" into messages[1].weight.
func fieldPath(field string) string {
	var b strings.Builder
	for i, part := range strings.Split(field, ".") {
		switch {
		case part == "":
		case strings.Trim(part, "0123456789") == "":
			b.WriteString("[" + part + "]")
		default:
			if i > 0 && b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(part)
		}
	}
	return b.String()
}

func isNumberKind(t reflect.Type) bool {
	if t == nil {
		return false
	}
	switch t.Kind() {
	case reflect.Float32, reflect.Float64, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Interface:
		return true
	}
	return false
}

func typeWord(t reflect.Type) string {
	if t == nil {
		return "another value"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return "another value"
}

// valueWord names what the decoder found: "number 5", "string", "array"...
func valueWord(v string) string {
	head, rest, _ := strings.Cut(v, " ")
	switch head {
	case "number":
		if rest == "" { // the decoder leaves the number out when a string was wanted
			return "a number"
		}
		return "the number " + clip(rest)
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "array":
		return "an array"
	case "object":
		return "an object"
	case "null":
		return "null"
	}
	return "a value"
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
