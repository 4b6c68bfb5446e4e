package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/goccy/go-json"

	"github.com/ft-tools/ft/cmd/internal/cli"
	"github.com/ft-tools/ft/cmd/internal/fieldpath"
	"github.com/ft-tools/ft/jsonl"
)

// Input formats for --from.
const (
	fromAuto  = "auto"
	fromJSON  = "json"
	fromJSONL = "jsonl"
	fromCSV   = "csv"
)

// record is one input record at its position. Raw is a JSON object (a CSV row
// is turned into one, with the header as keys, in column order) or, when
// Problem is set, whatever could be recovered of the record, for --rejects.
type record struct {
	File    string
	Line    int // 1-based line where the record starts
	Index   int // 0-based element index in a JSON array; -1 for JSONL and CSV
	Raw     []byte
	Problem *problem // set when the record could not be read as a JSON object
}

// problem is what is wrong with one record, before it gets a position.
type problem struct {
	Code, Path, Message string
}

func (p *problem) Error() string { return p.Message }

// Err places a problem at the record's position: "file:line: code: path:
// message", with "[index]" leading the path for an element of a JSON array.
func (r *record) Err(p *problem) *jsonl.LineError {
	path := p.Path
	if r.Index >= 0 {
		path = fmt.Sprintf("[%d]", r.Index)
		if p.Path != "" {
			path += "." + p.Path
		}
	}
	return &jsonl.LineError{File: r.File, Line: r.Line, Code: p.Code, Path: path, Err: errors.New(p.Message)}
}

var bom = []byte{0xEF, 0xBB, 0xBF}

// detect names the format of an input from its first non-blank byte: "[" is
// a JSON array, "{" is JSONL, anything else is CSV. Empty input is JSONL
// (it has no records either way).
func detect(in *bufio.Reader) string {
	for n := 64; ; n *= 2 {
		head, err := in.Peek(n)
		rest := bytes.TrimLeft(bytes.TrimPrefix(head, bom), " \t\r\n")
		if len(rest) > 0 {
			switch rest[0] {
			case '[':
				return fromJSON
			case '{':
				return fromJSONL
			default:
				return fromCSV
			}
		}
		if err != nil {
			return fromJSONL
		}
	}
}

// readRecords reads the records of one input and hands each to yield, in
// order. It stops at the first error yield returns. Its own errors mean the
// input cannot be read further (exit 3).
// A delimiter of 0 is detected from the header (csvDelimiter).
func readRecords(r io.Reader, name, from string, delimiter rune, yield func(*record) error) error {
	in := bufio.NewReaderSize(r, 64<<10)
	// UTF-16 and UTF-32 would pass for CSV (or fail as "bare \"") in every
	// reader below; the mark says what the text is.
	if head, _ := in.Peek(4); jsonl.Encoding(head) != "" {
		return cli.WithCode(cli.ExitUnreadable, jsonl.EncodingError(jsonl.Encoding(head), name))
	}
	if from == fromAuto {
		from = detect(in)
	}
	switch from {
	case fromJSON:
		return readArray(in, name, yield)
	case fromCSV:
		if delimiter == 0 {
			delimiter = csvDelimiter(in, name)
		}
		return readCSV(in, name, delimiter, yield)
	default:
		return readJSONL(in, name, yield)
	}
}

func readJSONL(in io.Reader, name string, yield func(*record) error) error {
	jr := jsonl.NewReader(in, name)
	for jr.Next() {
		rec := &record{File: name, Line: jr.Line(), Index: -1, Raw: bytes.Clone(jr.Bytes())}
		if le := jr.TooLong(); le != nil {
			// Too long to keep: counted and reported, but not in --rejects.
			rec.Problem = &problem{Code: le.Code, Message: le.Err.Error()}
			rec.Raw = nil
		} else {
			rec.Problem = checkObject(rec.Raw)
		}
		if rec.Problem != nil && rec.Problem.Code == "invalid_json" && jr.Truncated() {
			rec.Problem.Message += " (the last line has no newline: is the file truncated?)"
		}
		if err := yield(rec); err != nil {
			return err
		}
	}
	if err := jr.Err(); err != nil {
		return cli.WithCode(cli.ExitUnreadable, err)
	}
	return nil
}

// checkObject returns the problem that keeps raw from being a record: not
// UTF-8, not JSON, or JSON but not an object.
func checkObject(raw []byte) *problem {
	if !utf8.Valid(raw) {
		return &problem{Code: "invalid_utf8", Message: "the record is not valid UTF-8"}
	}
	if !json.Valid(raw) {
		var v any
		err := json.Unmarshal(raw, &v)
		msg := "not valid JSON"
		if err != nil {
			msg += ": " + err.Error()
		}
		return &problem{Code: "invalid_json", Message: msg}
	}
	if raw = bytes.TrimSpace(raw); raw[0] != '{' {
		return &problem{Code: "not_object", Message: fmt.Sprintf("the record is %s, not an object", fieldpath.Kind(raw))}
	}
	return nil
}

// readArray walks a JSON array one element at a time, so that a file larger
// than memory streams and each element keeps the line it starts on. It only
// tracks strings and nesting to find where an element ends; each element is
// then checked on its own, so one malformed element is one bad record and
// the rest still flow. Broken structure (a missing bracket, a truncated
// file) stops the input.
func readArray(in *bufio.Reader, name string, yield func(*record) error) error {
	line := 1
	fail := func(format string, args ...any) error {
		return cli.WithCode(cli.ExitUnreadable, &jsonl.LineError{File: name, Line: line, Code: "invalid_json", Err: fmt.Errorf(format, args...)})
	}
	if head, _ := in.Peek(3); bytes.Equal(head, bom) {
		in.Discard(3)
	}
	next := func() (byte, error) { // the next byte that is not JSON whitespace
		for {
			c, err := in.ReadByte()
			if err != nil {
				return 0, err
			}
			switch c {
			case '\n':
				line++
			case ' ', '\t', '\r':
			default:
				return c, nil
			}
		}
	}
	c, err := next()
	if err != nil {
		return nil // empty input: no records
	}
	if c != '[' {
		return fail("expected a JSON array, found %q", c)
	}
	var buf []byte
	for index := 0; ; index++ {
		c, err := next()
		if err == io.EOF {
			return fail("the file ends inside the array (is it truncated?)")
		} else if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if c == ']' && index == 0 {
			break
		}
		start := line
		buf = append(buf[:0], c)
		depth, inString, escaped := 0, c == '"', false
		if c == '{' || c == '[' {
			depth = 1
		}
		var end byte
		for end == 0 {
			c, err := in.ReadByte()
			if err == io.EOF {
				return fail("the file ends inside element %d, which starts on line %d (is it truncated?)", index, start)
			} else if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			if c == '\n' {
				line++
			}
			switch {
			case inString:
				switch {
				case escaped:
					escaped = false
				case c == '\\':
					escaped = true
				case c == '"':
					inString = false
				}
			case c == '"':
				inString = true
			case c == '{' || c == '[':
				depth++
			case (c == '}' || c == ']') && depth > 0:
				depth--
			case (c == ',' || c == ']') && depth == 0:
				end = c
				continue
			case c == '}':
				return fail("unexpected %q at depth 0 in element %d", c, index)
			}
			buf = append(buf, c)
			if len(buf) > jsonl.MaxLineBytes {
				return fail("element %d, which starts on line %d, is longer than %d MiB", index, start, jsonl.MaxLineBytes>>20)
			}
		}
		raw := bytes.TrimRight(buf, " \t\r\n")
		if len(raw) == 0 {
			return fail("expected a value after %q", ',')
		}
		rec := &record{File: name, Line: start, Index: index, Raw: bytes.Clone(raw)}
		if rec.Problem = checkObject(rec.Raw); rec.Problem == nil {
			rec.Raw = compact(rec.Raw)
		}
		if err := yield(rec); err != nil {
			return err
		}
		if end == ']' {
			break
		}
	}
	if c, err := next(); err == nil {
		return fail("unexpected %q after the end of the array", c)
	}
	return nil
}

// readCSV reads CSV with a header row; each row becomes a JSON object whose
// keys are the header's names, in column order, and whose values are strings.
func readCSV(in io.Reader, name string, delimiter rune, yield func(*record) error) error {
	cr := csv.NewReader(in)
	cr.Comma = delimiter
	header, err := cr.Read()
	if err == io.EOF {
		return nil
	}
	if err != nil {
		return csvError(name, err)
	}
	if len(header) > 0 {
		header[0] = string(bytes.TrimPrefix([]byte(header[0]), bom))
	}
	seen := map[string]bool{}
	for _, h := range header {
		if seen[h] {
			return cli.WithCode(cli.ExitUnreadable, &jsonl.LineError{File: name, Line: 1, Code: "duplicate_column",
				Err: fmt.Errorf("the header names column %q twice", h)})
		}
		seen[h] = true
	}
	for {
		row, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		var pe *csv.ParseError
		if err != nil && !(errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount)) {
			return csvError(name, err)
		}
		line, _ := cr.FieldPos(0)
		rec := &record{File: name, Line: line, Index: -1, Raw: csvObject(header, row)}
		if err != nil {
			rec.Problem = &problem{Code: "wrong_column_count",
				Message: fmt.Sprintf("the row has %d %s, the header %d", len(row), cli.Plural(len(row), "field"), len(header))}
		}
		for i, f := range row {
			if rec.Problem == nil && !utf8.ValidString(f) {
				rec.Problem = &problem{Code: "invalid_utf8", Path: columnName(header, i), Message: "the field is not valid UTF-8"}
			}
		}
		if err := yield(rec); err != nil {
			return err
		}
	}
}

// delimiters are the separators a header row is searched for, the usual
// first: a tie goes to the comma.
var delimiters = []rune{',', ';', '\t', '|'}

// csvDelimiter picks the separator of a CSV input: tab for a .tsv file,
// otherwise the one that occurs most often, outside quotes, in the header
// row. Spreadsheets in much of Europe write ";" because "," is their
// decimal point.
func csvDelimiter(in *bufio.Reader, name string) rune {
	if strings.HasSuffix(strings.ToLower(name), ".tsv") {
		return '\t'
	}
	var head []byte
	for n := 64; ; n *= 2 { // no more than the header: a pipe may be slow to fill
		var err error
		head, err = in.Peek(min(n, in.Size()))
		if bytes.IndexByte(head, '\n') >= 0 || err != nil || n >= in.Size() {
			break
		}
	}
	counts := map[rune]int{}
	quoted := false
	for _, c := range string(head) {
		if c == '"' {
			quoted = !quoted
			continue
		}
		if !quoted && (c == '\n' || c == '\r') {
			break
		}
		if !quoted {
			counts[c]++
		}
	}
	best := ','
	for _, d := range delimiters {
		if counts[d] > counts[best] {
			best = d
		}
	}
	return best
}

// parseDelimiter reads --delimiter: one character, or "tab".
func parseDelimiter(s string) (rune, error) {
	switch s {
	case "":
		return 0, nil
	case "tab", `\t`:
		return '\t', nil
	}
	r := []rune(s)
	if len(r) != 1 || r[0] == '"' || r[0] == '\n' || r[0] == '\r' || r[0] == utf8.RuneError {
		return 0, cli.Errorf(cli.ExitUsage, "--delimiter %q: want one character such as ; or |, or tab", s)
	}
	return r[0], nil
}

func csvError(name string, err error) error {
	line := 0
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		line, err = pe.Line, pe.Err
	}
	return cli.WithCode(cli.ExitUnreadable, &jsonl.LineError{File: name, Line: line, Code: "invalid_csv", Err: err})
}

// csvObject builds the JSON object of a row. Fields beyond the header (a
// row with too many fields) get the keys "column N".
func csvObject(header, row []string) []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range row {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := jsonl.Marshal(columnName(header, i))
		v, _ := jsonl.Marshal(f)
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes()
}

func columnName(header []string, i int) string {
	if i < len(header) {
		return header[i]
	}
	return fmt.Sprintf("column %d", i+1)
}

// compact returns valid JSON on one line, byte for byte otherwise: key
// order, number spelling and escapes are kept.
func compact(raw []byte) []byte {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return raw
	}
	return b.Bytes()
}

// oneLine makes a record fit on one line of --rejects: valid JSON is
// compacted; anything else has its line breaks turned into spaces, which
// outside strings is what JSON means by them anyway.
func oneLine(raw []byte) []byte {
	if json.Valid(raw) {
		return compact(raw)
	}
	return bytes.ReplaceAll(bytes.ReplaceAll(raw, []byte("\r\n"), []byte(" ")), []byte("\n"), []byte(" "))
}
