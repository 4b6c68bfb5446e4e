package jsonl

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

type readLine struct {
	line      int
	text      string
	truncated bool
}

func readAll(t *testing.T, r *Reader) []readLine {
	t.Helper()
	var got []readLine
	for r.Next() {
		got = append(got, readLine{r.Line(), string(r.Bytes()), r.Truncated()})
	}
	return got
}

func TestReaderLines(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		want  []readLine
		blank int
	}{
		{"empty", "", nil, 0},
		{"one line", "{}\n", []readLine{{1, "{}", false}}, 0},
		{"no final newline", "{}\n[]", []readLine{{1, "{}", false}, {2, "[]", true}}, 0},
		{"crlf", "{\"a\":1}\r\n{}\r\n", []readLine{{1, `{"a":1}`, false}, {2, "{}", false}}, 0},
		{"bom", "\xEF\xBB\xBF{}\n{}\n", []readLine{{1, "{}", false}, {2, "{}", false}}, 0},
		{"bom only on first line", "{}\n\xEF\xBB\xBF{}\n", []readLine{{1, "{}", false}, {2, "\xEF\xBB\xBF{}", false}}, 0},
		{"blank lines counted", "\n{}\n \t\n\r\n{}\n\n", []readLine{{2, "{}", false}, {5, "{}", false}}, 4},
		{"lone carriage return kept inside", "{\"a\":\"x\ry\"}\n", []readLine{{1, "{\"a\":\"x\ry\"}", false}}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := NewReader(strings.NewReader(tc.in), "f.jsonl")
			got := readAll(t, r)
			if r.Err() != nil {
				t.Fatalf("Err() = %v", r.Err())
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d lines %+v, want %+v", len(got), got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("line %d: got %+v, want %+v", i, got[i], tc.want[i])
				}
			}
			if r.Blank() != tc.blank {
				t.Errorf("Blank() = %d, want %d", r.Blank(), tc.blank)
			}
			if r.BytesRead() != int64(len(tc.in)) {
				t.Errorf("BytesRead() = %d, want %d", r.BytesRead(), len(tc.in))
			}
		})
	}
}

func TestReaderLongLines(t *testing.T) {
	// 65 MiB: more than the 64 MiB a base64 image example can reach.
	long := `{"a":"` + strings.Repeat("x", 65<<20) + `"}`
	in := "{}\n" + long + "\n{}\n"
	r := NewReader(strings.NewReader(in), "big.jsonl")
	var lens []int
	for r.Next() {
		lens = append(lens, len(r.Bytes()))
	}
	if r.Err() != nil {
		t.Fatal(r.Err())
	}
	if len(lens) != 3 || lens[1] != len(long) || r.Line() != 3 {
		t.Fatalf("got line lengths %v ending at line %d", lens, r.Line())
	}
}

func TestReaderLineTooLong(t *testing.T) {
	r := NewReader(strings.NewReader("{}\n"+strings.Repeat("x", 200<<10)+"\n{}\n"), "f.jsonl")
	r.MaxLineBytes = 100 << 10
	n := 0
	for r.Next() {
		n++
	}
	var le *LineError
	if !errors.As(r.Err(), &le) || le.Line != 2 || le.Code != "line_too_long" {
		t.Fatalf("after %d lines, Err() = %v; want line_too_long at line 2", n, r.Err())
	}
	if n != 1 {
		t.Errorf("read %d lines before the error, want 1", n)
	}
}

func TestReaderDecodeErrors(t *testing.T) {
	tests := []struct {
		name, in string
		line     int
		code     string
		contains string
	}{
		{"invalid utf8", "{}\n{\"a\":\"\xff\"}\n", 2, "invalid_utf8", "byte 7"},
		{"not json", "{}\n{\"a\":\n", 2, "invalid_json", "not valid JSON"},
		{"truncated last line", "{}\n{\"a\":1", 2, "invalid_json", "no newline"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := NewReader(strings.NewReader(tc.in), "f.jsonl")
			var err error
			for r.Next() {
				var v any
				if err = r.Decode(&v); err != nil {
					break
				}
			}
			var le *LineError
			if !errors.As(err, &le) {
				t.Fatalf("got %v, want a LineError", err)
			}
			if le.Line != tc.line || le.Code != tc.code || !strings.Contains(le.Error(), tc.contains) {
				t.Errorf("got %q (line %d, code %s), want line %d, code %s, containing %q",
					le.Error(), le.Line, le.Code, tc.line, tc.code, tc.contains)
			}
			if !strings.HasPrefix(le.Error(), "f.jsonl:") {
				t.Errorf("error %q does not start with the file name", le.Error())
			}
		})
	}
}

type failingWriter struct{ after int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.after <= 0 {
		return 0, errors.New("disk full")
	}
	w.after--
	return len(p), nil
}

func TestWriterSurfacesErrors(t *testing.T) {
	w := NewWriter(&failingWriter{})
	for i := 0; i < 10; i++ {
		if err := w.Encode(map[string]string{"a": "<b>"}); err != nil {
			t.Fatalf("buffered write failed early: %v", err)
		}
	}
	if err := w.Flush(); err == nil || err.Error() != "disk full" {
		t.Fatalf("Flush() = %v, want disk full", err)
	}
	if err := w.WriteLine([]byte("{}")); err == nil {
		t.Fatal("write after a failed flush succeeded")
	}
}

func TestWriterKeepsTextUnescaped(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	w.Encode(Example{Messages: []Message{{Role: "user", Content: TextContent("a < b & c")}}})
	w.WriteLine([]byte(`{"raw":true}`))
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := `{"messages":[{"role":"user","content":"a < b & c"}]}` + "\n" + `{"raw":true}` + "\n"
	if buf.String() != want {
		t.Fatalf("got %q, want %q", buf.String(), want)
	}
}

// FuzzReader checks that line numbers, blank counts and content survive any
// input: every byte of input is either in a returned line, a line ending, the
// leading BOM, or a blank line.
func FuzzReader(f *testing.F) {
	for _, s := range []string{"", "{}\n", "\xEF\xBB\xBF{}\r\n\n x\n", "a\rb\r\n", "\n\n\n", "\xff\xfe\n{"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		r := NewReader(bytes.NewReader(in), "fuzz")
		r.MaxLineBytes = 1 << 20
		lastLine := 0
		for r.Next() {
			if r.Line() <= lastLine {
				t.Fatalf("line numbers went from %d to %d", lastLine, r.Line())
			}
			lastLine = r.Line()
			if bytes.IndexByte(r.Bytes(), '\n') >= 0 {
				t.Fatalf("line %d contains a newline", r.Line())
			}
			_ = r.CheckText()
		}
		if r.Err() != nil {
			return
		}
		wantLines := bytes.Count(in, []byte{'\n'})
		if len(in) > 0 && in[len(in)-1] != '\n' {
			wantLines++
		}
		if r.Line() != wantLines {
			t.Fatalf("reader ended at line %d, input has %d lines", r.Line(), wantLines)
		}
		if r.BytesRead() != int64(len(in)) {
			t.Fatalf("BytesRead() = %d, input has %d bytes", r.BytesRead(), len(in))
		}
	})
}

func TestDecodeWeightWrittenAsFloat(t *testing.T) {
	r := NewReader(strings.NewReader(`{"messages":[{"role":"assistant","content":"a","weight":1.0},{"role":"assistant","content":"b","weight":0}]}`+"\n"), "f")
	r.Next()
	var ex Example
	if err := r.Decode(&ex); err != nil {
		t.Fatal(err)
	}
	if !ex.Messages[0].Trained() || ex.Messages[1].Trained() {
		t.Fatalf("Trained() = %v, %v; want true, false", ex.Messages[0].Trained(), ex.Messages[1].Trained())
	}
}
