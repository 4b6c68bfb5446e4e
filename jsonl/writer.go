package jsonl

import (
	"bufio"
	"bytes"
	stdjson "encoding/json"
	"io"

	"github.com/goccy/go-json"
)

const writeBufferBytes = 64 << 10

// Writer writes JSONL, one value or raw line per line, buffered. The first
// write error sticks: later writes do nothing and Flush returns it, so a
// closed pipe or a full disk is reported once, at the end.
type Writer struct {
	out *bufio.Writer
	err error
}

// NewWriter returns a Writer over w.
func NewWriter(w io.Writer) *Writer {
	return &Writer{out: bufio.NewWriterSize(w, writeBufferBytes)}
}

// WriteLine writes line followed by "\n". The line must not contain "\n".
func (w *Writer) WriteLine(line []byte) error {
	if w.err != nil {
		return w.err
	}
	if _, err := w.out.Write(line); err != nil {
		w.err = err
		return err
	}
	w.err = w.out.WriteByte('\n')
	return w.err
}

// Encode writes v as compact JSON on one line, without escaping <, > and &
// (they are ordinary characters in training text).
func (w *Writer) Encode(v any) error {
	if w.err != nil {
		return w.err
	}
	b, err := Marshal(v)
	if err != nil {
		return err
	}
	return w.WriteLine(b)
}

// Flush writes out buffered data and returns the first error of the writer.
func (w *Writer) Flush() error {
	if w.err != nil {
		return w.err
	}
	w.err = w.out.Flush()
	return w.err
}

// Marshal encodes v as compact JSON without HTML escaping. It uses the
// standard library because goccy/go-json escapes the output of MarshalJSON
// methods (Content's) whatever the option; writing is never the hot path.
func Marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := stdjson.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte{'\n'}), nil
}

func unmarshal(data []byte, v any) error {
	return json.Unmarshal(data, v)
}
