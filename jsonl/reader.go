package jsonl

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/goccy/go-json"
)

// MaxLineBytes is the longest line a Reader accepts by default. Examples with
// large images inlined as base64 run to tens of MB; 256 MiB leaves room while
// still stopping a file that is not line-oriented at all.
const MaxLineBytes = 256 << 20

const readBufferBytes = 64 << 10

var bom = []byte{0xEF, 0xBB, 0xBF}

// Reader reads the non-blank lines of a JSONL stream one at a time.
type Reader struct {
	name     string
	in       *bufio.Reader
	line     []byte
	long     []byte // holds lines longer than the read buffer
	number   int
	blank    int
	bytes    int64
	complete bool // the current line ended with "\n"
	err      error
	// MaxLineBytes limits the length of one line; zero means the package default.
	MaxLineBytes int
}

// NewReader returns a Reader over r; name is used in errors ("<stdin>" for stdin).
func NewReader(r io.Reader, name string) *Reader {
	return &Reader{name: name, in: bufio.NewReaderSize(r, readBufferBytes)}
}

// Next advances to the next non-blank line. It returns false at the end of
// the input or on a read error, which Err then returns.
func (r *Reader) Next() bool {
	for r.err == nil {
		line, err := r.readLine()
		if err != nil {
			if err != io.EOF {
				r.err = err
			}
			return false
		}
		r.number++
		if r.number == 1 {
			line = bytes.TrimPrefix(line, bom)
		}
		if len(bytes.Trim(line, " \t")) == 0 {
			r.blank++
			continue
		}
		r.line = line
		return true
	}
	return false
}

func (r *Reader) readLine() ([]byte, error) {
	limit := r.MaxLineBytes
	if limit <= 0 {
		limit = MaxLineBytes
	}
	r.long = r.long[:0]
	for {
		chunk, err := r.in.ReadSlice('\n')
		r.bytes += int64(len(chunk))
		if err == bufio.ErrBufferFull {
			r.long = append(r.long, chunk...)
			if len(r.long) > limit {
				return nil, &LineError{File: r.name, Line: r.number + 1, Code: "line_too_long",
					Err: fmt.Errorf("line is longer than %d MiB", limit>>20)}
			}
			continue
		}
		line := chunk
		if len(r.long) > 0 {
			r.long = append(r.long, chunk...)
			line = r.long
		}
		if len(line) > limit {
			return nil, &LineError{File: r.name, Line: r.number + 1, Code: "line_too_long",
				Err: fmt.Errorf("line is longer than %d MiB", limit>>20)}
		}
		switch {
		case err == io.EOF && len(line) == 0:
			return nil, io.EOF
		case err == io.EOF:
			r.complete = false
		case err != nil:
			return nil, fmt.Errorf("%s: %w", r.name, err)
		default:
			r.complete = true
			line = line[:len(line)-1]
		}
		return bytes.TrimSuffix(line, []byte{'\r'}), nil
	}
}

// Bytes returns the current line without its line ending. The slice is only
// valid until the next call to Next.
func (r *Reader) Bytes() []byte { return r.line }

// Line returns the 1-based number of the current line.
func (r *Reader) Line() int { return r.number }

// Name returns the input's name as given to NewReader.
func (r *Reader) Name() string { return r.name }

// Blank returns how many blank lines have been skipped so far.
func (r *Reader) Blank() int { return r.blank }

// BytesRead returns how many bytes of input have been consumed so far.
func (r *Reader) BytesRead() int64 { return r.bytes }

// Truncated reports whether the current line is the last one and lacks its
// final newline: harmless when the line is complete JSON, the likely cause
// when it is not.
func (r *Reader) Truncated() bool { return !r.complete }

// Err returns the first read error, nil at a clean end of input.
func (r *Reader) Err() error { return r.err }

// Errorf returns a LineError at the current line.
func (r *Reader) Errorf(code, path, format string, args ...any) *LineError {
	return &LineError{File: r.name, Line: r.number, Code: code, Path: path, Err: fmt.Errorf(format, args...)}
}

// CheckText returns a LineError when the current line is not valid UTF-8 or
// is not a JSON value, nil otherwise. It is what every tool asks first.
func (r *Reader) CheckText() *LineError {
	if !utf8.Valid(r.line) {
		i := firstInvalidUTF8(r.line)
		return r.Errorf("invalid_utf8", "", "byte %d is not valid UTF-8", i+1)
	}
	return nil
}

// Decode checks the current line's text and unmarshals it into v, returning
// a LineError with code invalid_utf8 or invalid_json on failure.
func (r *Reader) Decode(v any) error {
	if err := r.CheckText(); err != nil {
		return err
	}
	if err := unmarshal(r.line, v); err != nil {
		return r.jsonError(err)
	}
	return nil
}

func (r *Reader) jsonError(err error) *LineError {
	msg := "not valid JSON: " + err.Error()
	var se *json.SyntaxError
	if errors.As(err, &se) {
		msg = fmt.Sprintf("not valid JSON at byte %d: %s", se.Offset, se.Error())
	}
	if r.Truncated() {
		msg += " (the last line has no newline: is the file truncated?)"
	}
	return r.Errorf("invalid_json", "", "%s", msg)
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		c, size := utf8.DecodeRune(b[i:])
		if c == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return -1
}
