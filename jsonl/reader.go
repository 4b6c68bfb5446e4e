package jsonl

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
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
	complete bool       // the current line ended with "\n"
	tooLong  *LineError // the current line was over the limit and skipped
	err      error
	seeker   io.ReadSeeker // the input, when it is a regular file
	base     int64         // the input's offset when the Reader was made
	partSize int
	parts    [][]byte // a long line from a stream, kept in pieces until its end
	kept     int      // the bytes in parts
	// MaxLineBytes limits the length of one line; zero means the package default.
	MaxLineBytes int
}

// NewReader returns a Reader over r; name is used in errors ("<stdin>" for stdin).
//
// When r is a regular file, a line longer than the read buffer is first
// measured without being kept, then read again at its exact size if it is
// under the limit: a line over the limit costs no memory, and one under it
// costs its size rather than the twice or thrice of a growing buffer.
func NewReader(r io.Reader, name string) *Reader {
	return newReaderSize(r, name, readBufferBytes, partBytes)
}

// newReaderSize lets tests make lines "long", and in many parts, with a few
// bytes.
func newReaderSize(r io.Reader, name string, size, part int) *Reader {
	rd := &Reader{name: name, in: bufio.NewReaderSize(r, size), partSize: part}
	if f, ok := r.(statSeeker); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			if off, err := f.Seek(0, io.SeekCurrent); err == nil {
				rd.seeker, rd.base = f, off
			}
		}
	}
	return rd
}

// statSeeker is an *os.File, or a wrapper of one such as stdin's.
type statSeeker interface {
	io.ReadSeeker
	Stat() (os.FileInfo, error)
}

// Next advances to the next non-blank line. It returns false at the end of
// the input or on a read error, which Err then returns. A line over the
// limit is not kept: Next returns true with TooLong set and no Bytes, and
// the next call goes on with the line after it.
func (r *Reader) Next() bool {
	if r.number == 0 && r.err == nil {
		if enc := Encoding(r.peek(4)); enc != "" {
			r.err = EncodingError(enc, r.name)
		}
	}
	r.tooLong = nil
	for r.err == nil {
		line, err := r.readLine()
		if le, ok := err.(*LineError); ok && le.Code == CodeLineTooLong {
			r.number++
			r.line, r.tooLong = nil, le
			return true
		}
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
	start := r.bytes
	for {
		chunk, err := r.in.ReadSlice('\n')
		r.bytes += int64(len(chunk))
		if err == bufio.ErrBufferFull {
			if r.seeker != nil {
				return r.measureLine(start, int64(len(chunk)), limit)
			}
			if r.kept+len(chunk) > limit {
				return nil, r.skipLong(limit)
			}
			r.keep(chunk)
			continue
		}
		line := chunk
		if n := r.kept + len(chunk); n > limit && (err != nil || n-1 > limit) { // the newline does not count
			r.parts, r.kept, r.long = nil, 0, nil
			return nil, r.tooLongError(limit)
		}
		if r.kept > 0 {
			r.keep(chunk)
			line = r.join()
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

// measureLine reads on to the end of a long line of a regular file, keeping
// nothing, and, when the line is under the limit, reads it again at its
// exact size from where it starts. seen bytes of it are already read.
func (r *Reader) measureLine(start, seen int64, limit int) ([]byte, error) {
	n, complete := seen, false
	for {
		chunk, err := r.in.ReadSlice('\n')
		r.bytes += int64(len(chunk))
		n += int64(len(chunk))
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil && err != io.EOF {
			return nil, fmt.Errorf("%s: %w", r.name, err)
		}
		complete = err == nil
		break
	}
	r.complete = complete
	content := n
	if complete {
		content--
	}
	if content > int64(limit) {
		r.long = nil
		return nil, r.tooLongError(limit)
	}
	if _, err := r.seeker.Seek(r.base+start, io.SeekStart); err != nil {
		return nil, fmt.Errorf("%s: %w", r.name, err)
	}
	r.in.Reset(r.seeker)
	if int64(cap(r.long)) < n {
		r.long = make([]byte, n)
	}
	line := r.long[:n]
	if _, err := io.ReadFull(r.in, line); err != nil {
		return nil, fmt.Errorf("%s: the file changed while it was read: %w", r.name, err)
	}
	if complete {
		if line[n-1] != '\n' {
			return nil, fmt.Errorf("%s: the file changed while it was read", r.name)
		}
		line = line[:n-1]
	}
	return bytes.TrimSuffix(line, []byte{'\r'}), nil
}

// skipLong reads past the rest of a line that is over the limit without
// keeping it, and lets go of what was kept of it: a rejected 300 MB line
// must not hold memory once it is known to be rejected.
func (r *Reader) skipLong(limit int) error {
	r.parts, r.kept, r.long = nil, 0, nil
	for {
		chunk, err := r.in.ReadSlice('\n')
		r.bytes += int64(len(chunk))
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil && err != io.EOF {
			return fmt.Errorf("%s: %w", r.name, err)
		}
		r.complete = err == nil
		return r.tooLongError(limit)
	}
}

func (r *Reader) tooLongError(limit int) *LineError {
	return &LineError{File: r.name, Line: r.number + 1, Code: CodeLineTooLong,
		Err: fmt.Errorf("the line is longer than %s; skipped", sizeText(limit))}
}

func sizeText(n int) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// partBytes is the size of the pieces in which a long line from a stream
// is kept until its end is seen: growing one buffer by doubling would hold
// the old and the new copy at once, up to three times the line.
const partBytes = 1 << 20

// keep copies a piece of a long line into the parts.
func (r *Reader) keep(chunk []byte) {
	r.kept += len(chunk)
	for len(chunk) > 0 {
		if len(r.parts) == 0 || len(r.parts[len(r.parts)-1]) == cap(r.parts[len(r.parts)-1]) {
			r.parts = append(r.parts, make([]byte, 0, r.partSize))
		}
		last := &r.parts[len(r.parts)-1]
		n := min(len(chunk), cap(*last)-len(*last))
		*last = append(*last, chunk[:n]...)
		chunk = chunk[n:]
	}
}

// join puts the parts of a long line together in r.long, at its exact size
// unless r.long is already large enough, and lets the parts go.
func (r *Reader) join() []byte {
	if cap(r.long) < r.kept {
		r.long = make([]byte, 0, r.kept)
	}
	r.long = r.long[:0]
	for _, p := range r.parts {
		r.long = append(r.long, p...)
	}
	r.parts, r.kept = nil, 0
	return r.long
}

func (r *Reader) peek(n int) []byte {
	b, _ := r.in.Peek(n)
	return b
}

// TooLong returns, when the current line was over the limit, the error that
// reports it; the line's bytes were skipped, not kept.
func (r *Reader) TooLong() *LineError { return r.tooLong }

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
	if r.tooLong != nil {
		return r.tooLong
	}
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
	code, path, msg := DecodeProblem(err)
	var se *json.SyntaxError
	if errors.As(err, &se) {
		msg = fmt.Sprintf("not valid JSON at byte %d: %s", se.Offset, se.Error())
	}
	if code == CodeInvalidJSON && r.Truncated() {
		msg += " (the last line has no newline: is the file truncated?)"
	}
	return r.Errorf(code, path, "%s", msg)
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
