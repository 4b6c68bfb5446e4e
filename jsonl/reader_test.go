package jsonl

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
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

// TestReaderLineTooLong: a line over the limit is reported at its line
// with no bytes, and the lines after it are still read.
func TestReaderLineTooLong(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		lines    []string // "!" for the skipped line
		last     int
	}{
		{"middle", "{}\n" + strings.Repeat("x", 200<<10) + "\n{\"a\":1}\n", []string{"{}", "!", `{"a":1}`}, 3},
		{"last, no newline", "{}\n" + strings.Repeat("x", 200<<10), []string{"{}", "!"}, 2},
		{"first, then blank", strings.Repeat("x", 100<<10+1) + "\n\n{}\n", []string{"!", "{}"}, 3},
		{"exactly the limit", strings.Repeat("x", 100<<10) + "\n", []string{strings.Repeat("x", 100<<10)}, 1},
		{"two in a row", strings.Repeat("x", 300<<10) + "\n" + strings.Repeat("y", 300<<10) + "\n{}\n", []string{"!", "!", "{}"}, 3},
	} {
		for _, src := range []string{"stream", "regular file"} {
			t.Run(tc.name+", "+src, func(t *testing.T) {
				var in io.Reader = strings.NewReader(tc.in)
				if src == "regular file" {
					in = tempFile(t, tc.in)
				}
				r := NewReader(in, "f.jsonl")
				r.MaxLineBytes = 100 << 10
				var got []string
				for r.Next() {
					if le := r.TooLong(); le != nil {
						if r.Bytes() != nil || le.Code != CodeLineTooLong || le.Line != r.Line() || !strings.Contains(le.Error(), "f.jsonl:") {
							t.Errorf("line %d: TooLong %v, %d bytes", r.Line(), le, len(r.Bytes()))
						}
						if err := r.CheckText(); err != le {
							t.Errorf("CheckText = %v, want the TooLong error", err)
						}
						got = append(got, "!")
						continue
					}
					got = append(got, string(r.Bytes()))
				}
				if r.Err() != nil {
					t.Fatal(r.Err())
				}
				if strings.Join(got, "\n") != strings.Join(tc.lines, "\n") || r.Line() != tc.last {
					t.Errorf("got %d lines ending at line %d, want %d ending at %d", len(got), r.Line(), len(tc.lines), tc.last)
				}
				if r.BytesRead() != int64(len(tc.in)) {
					t.Errorf("BytesRead = %d, want %d", r.BytesRead(), len(tc.in))
				}
			})
		}
	}
}

// tempFile returns a regular file holding text, open at its start, after
// a prefix the Reader must not see.
func tempFile(t *testing.T, text string) *os.File {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "in")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	if _, err := f.WriteString("skipped\n" + text); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Seek(int64(len("skipped\n")), io.SeekStart); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestReaderLongLineNotKept checks that a line over the limit is not held:
// the buffer never grows past the limit plus one read, and is let go.
func TestReaderLongLineNotKept(t *testing.T) {
	r := NewReader(strings.NewReader(strings.Repeat("x", 4<<20)+"\n{}\n"), "f.jsonl")
	r.MaxLineBytes = 1 << 20
	if !r.Next() || r.TooLong() == nil {
		t.Fatal("the first line is not reported as too long")
	}
	if cap(r.long) != 0 {
		t.Errorf("the reader still holds %d bytes of the skipped line", cap(r.long))
	}
	r2 := NewReader(strings.NewReader(strings.Repeat("x", 1<<20)+"\n"), "f.jsonl")
	r2.MaxLineBytes = 1 << 20
	if !r2.Next() || r2.TooLong() != nil || len(r2.Bytes()) != 1<<20 {
		t.Fatal("a line of exactly the limit is not read")
	}
	if c := cap(r2.long); c > 1<<20+readBufferBytes {
		t.Errorf("a line at the limit grew the buffer to %d bytes, more than the limit and one read", c)
	}
	// From a regular file, a long line is measured first: held at its
	// exact size when kept, not at all when over the limit.
	line := strings.Repeat("y", 3<<20+5)
	r3 := NewReader(tempFile(t, line+"\r\n"+strings.Repeat("z", 4<<20)+"\n{}\n"), "f.jsonl")
	r3.MaxLineBytes = 4<<20 - 1
	if !r3.Next() || r3.TooLong() != nil || string(r3.Bytes()) != line {
		t.Fatalf("the long line of a file is not read whole (%d bytes)", len(r3.Bytes()))
	}
	if c := cap(r3.long); c != len(line)+2 {
		t.Errorf("the buffer of a %d-byte line (with CRLF) is %d bytes", len(line)+2, c)
	}
	if !r3.Next() || r3.TooLong() == nil || r3.Line() != 2 {
		t.Fatal("the line over the limit is not reported")
	}
	if cap(r3.long) != 0 {
		t.Errorf("%d bytes held after a line over the limit", cap(r3.long))
	}
	if !r3.Next() || string(r3.Bytes()) != "{}" || r3.Next() || r3.Err() != nil {
		t.Errorf("after the skipped line: %q, %v", r3.Bytes(), r3.Err())
	}
}

func TestReaderEncodings(t *testing.T) {
	for _, tc := range []struct {
		name, in, enc string
	}{
		{"UTF-16LE", "\xFF\xFE{\x00}\x00\n\x00", "UTF-16LE"},
		{"UTF-16BE", "\xFE\xFF\x00{\x00}\x00\n", "UTF-16BE"},
		{"UTF-32LE", "\xFF\xFE\x00\x00{\x00\x00\x00", "UTF-32LE"},
		{"UTF-32BE", "\x00\x00\xFE\xFF\x00\x00\x00{", "UTF-32BE"},
		{"UTF-8 with BOM", "\xEF\xBB\xBF{}\n", ""},
		{"no BOM", "{}\n", ""},
		{"one byte", "\xFF", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Encoding([]byte(tc.in)); got != tc.enc {
				t.Errorf("Encoding = %q, want %q", got, tc.enc)
			}
			r := NewReader(strings.NewReader(tc.in), "d.jsonl")
			for r.Next() {
			}
			var le *LineError
			if tc.enc == "" {
				if errors.As(r.Err(), &le) && le.Code == CodeNotUTF8File {
					t.Errorf("Err = %v, want no encoding error", r.Err())
				}
				return
			}
			want := "d.jsonl:1: not_utf8_file: the text is " + tc.enc + " (byte-order mark), not UTF-8; convert it with: iconv -f " + tc.enc + " -t UTF-8 d.jsonl > d.utf8.jsonl"
			if !errors.As(r.Err(), &le) || le.Error() != want {
				t.Errorf("Err = %v\nwant %s", r.Err(), want)
			}
		})
	}
	if got := EncodingError("UTF-16LE", "<stdin>").Error(); !strings.Contains(got, "iconv -f UTF-16LE -t UTF-8 in.jsonl > out.jsonl") {
		t.Errorf("stdin: %s", got)
	}
	if got := EncodingError("UTF-16LE", "my data.jsonl").Error(); !strings.Contains(got, "iconv -f UTF-16LE -t UTF-8 'my data.jsonl' > 'my data.utf8.jsonl'") {
		t.Errorf("a name with a space: %s", got)
	}
}

func TestDecodeProblem(t *testing.T) {
	type msg struct {
		Role   string  `json:"role"`
		Weight float64 `json:"weight"`
		N      int     `json:"n"`
	}
	type example struct {
		Messages []msg `json:"messages"`
	}
	for _, tc := range []struct {
		name, in        string
		typed           bool
		code, path, in2 string
	}{
		{"huge into any", `{"messages":[{},{"weight":1e999999}]}`, false, CodeNumberOutOfRange, "messages[1].weight", "1e999999 is out of range"},
		{"huge into float64", `{"messages":[{},{"weight":1e999999}]}`, true, CodeNumberOutOfRange, "messages[1].weight", "1e999999 is out of range"},
		{"negative huge", `{"messages":[{"weight":-2e400}]}`, true, CodeNumberOutOfRange, "messages[0].weight", "-2e400"},
		{"fraction into int", `{"messages":[{"n":1.5}]}`, true, CodeInvalidType, "messages[0].n", "an integer expected"},
		{"string into float", `{"messages":[{"weight":"1"}]}`, true, CodeInvalidType, "messages[0].weight", "a string where a number is expected"},
		{"number into string", `{"messages":[{"role":3}]}`, true, CodeInvalidType, "messages[0].role", "a number where a string is expected"},
		{"object for array", `{"messages":{}}`, true, CodeInvalidType, "messages", "an object where an array is expected"},
		{"syntax", `{"messages":[`, true, CodeInvalidJSON, "", "not valid JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			if tc.typed {
				var ex example
				err = unmarshal([]byte(tc.in), &ex)
			} else {
				var v any
				err = unmarshal([]byte(tc.in), &v)
			}
			if err == nil {
				t.Fatal("no error")
			}
			code, path, m := DecodeProblem(err)
			if code != tc.code || path != tc.path || !strings.Contains(m, tc.in2) {
				t.Errorf("DecodeProblem = %s, %q, %q; want %s, %q, containing %q", code, path, m, tc.code, tc.path, tc.in2)
			}
			for _, goWord := range []string{"Go ", "float64", "struct", "int", "json:"} {
				if strings.Contains(m, goWord) && !(goWord == "int" && strings.Contains(m, "integer")) {
					t.Errorf("message %q names Go's %q", m, goWord)
				}
			}
		})
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
		{"number out of range", "{}\n{\"a\":[1,1e999999]}\n", 2, "number_out_of_range", "a[1]: the number 1e999999 is out of range"},
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

// FuzzReaderFile reads the same input from a stream and from a regular
// file, with a read buffer of 16 bytes, parts of 7 and a limit of 40, so
// that most lines are long and kept in several parts: the file's measure-then-read path must give the lines,
// skips, line numbers, byte counts and errors of the stream's.
func FuzzReaderFile(f *testing.F) {
	for _, s := range []string{"", "{}\n", strings.Repeat("a", 39) + "\n" + strings.Repeat("b", 41) + "\r\n\n" + strings.Repeat("c", 100),
		"\xEF\xBB\xBF" + strings.Repeat("x", 30) + "\r\n", strings.Repeat("y", 40) + "\r", "\n\n" + strings.Repeat("z", 17)} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, in []byte) {
		file, err := os.CreateTemp(dir, "in")
		if err != nil {
			t.Fatal(err)
		}
		defer os.Remove(file.Name())
		defer file.Close()
		if _, err := file.Write(append([]byte("prefix\n"), in...)); err != nil {
			t.Fatal(err)
		}
		file.Seek(int64(len("prefix\n")), io.SeekStart)
		read := func(src io.Reader) []string {
			r := newReaderSize(src, "fuzz", 16, 7)
			r.MaxLineBytes = 40
			var out []string
			for r.Next() {
				switch {
				case r.TooLong() != nil:
					out = append(out, fmt.Sprintf("%d: too long", r.Line()))
				case len(r.Bytes()) > 40:
					t.Fatalf("line %d of %d bytes over the limit", r.Line(), len(r.Bytes()))
				default:
					out = append(out, fmt.Sprintf("%d: %q truncated=%v", r.Line(), r.Bytes(), r.Truncated()))
				}
			}
			return append(out, fmt.Sprintf("end at line %d, %d blank, %d bytes, err %v", r.Line(), r.Blank(), r.BytesRead(), r.Err()))
		}
		stream, fromFile := read(bytes.NewReader(in)), read(file)
		if strings.Join(stream, "\n") != strings.Join(fromFile, "\n") {
			t.Fatalf("stream:\n%s\nfile:\n%s", strings.Join(stream, "\n"), strings.Join(fromFile, "\n"))
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

// BenchmarkLongLine reads a 32 MiB line around two short ones with a limit
// of 16 MiB (skipped) and of 64 MiB (kept), from a regular file and from a
// stream: B/op is the memory the line costs.
func BenchmarkLongLine(b *testing.B) {
	text := "{}\n" + strings.Repeat("x", 32<<20) + "\n{}\n"
	f, err := os.CreateTemp(b.TempDir(), "long")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(text); err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name  string
		limit int
		file  bool
	}{
		{"skipped/file", 16 << 20, true},
		{"skipped/stream", 16 << 20, false},
		{"kept/file", 64 << 20, true},
		{"kept/stream", 64 << 20, false},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				var in io.Reader = strings.NewReader(text)
				if bc.file {
					f.Seek(0, io.SeekStart)
					in = f
				}
				r := NewReader(in, "long.jsonl")
				r.MaxLineBytes = bc.limit
				n := 0
				for r.Next() {
					n++
				}
				if n != 3 || r.Err() != nil {
					b.Fatalf("%d lines, %v", n, r.Err())
				}
			}
		})
	}
}
