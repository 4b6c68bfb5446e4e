package main

import (
	"bufio"
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ft-tools/ft/cmd/internal/cli"
	"github.com/ft-tools/ft/jsonl"
	"github.com/ft-tools/ft/tokenize"
)

// local is one file to send, as measured before sending.
type local struct {
	Name     string // as given on the command line, "<stdin>" for stdin
	Path     string // where the bytes are: the file, or /dev/fd/N of a spooled copy
	Split    string // "train" or "validation"
	Bytes    int64
	SHA256   string // hex
	MD5      string // hex, for the Uploads API's completion check
	Examples int
	Tokens   int64
	// Stripped is how many lines had their metadata left out: Path is then
	// a copy without it, and Bytes, SHA256 and MD5 are the copy's, the
	// bytes that are sent.
	Stripped int
	spool    *os.File // the unlinked copy that Path names, closed by cleanup
}

func isRegular(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode().IsRegular()
}

// Remote name: the base name with the content's hash before the extension,
// so that any machine can recognise the file by listing the files.
const hashTagLen = 16

func (l *local) remoteName() string {
	base := "stdin.jsonl"
	if l.Name != cli.StdinName {
		base = filepath.Base(l.Name)
	}
	// The Files API takes only .jsonl names for fine-tuning: a FIFO
	// named in.fifo, or /dev/fd/63, is sent as in.….jsonl and 63.….jsonl.
	return strings.TrimSuffix(base, filepath.Ext(base)) + "." + l.tag() + ".jsonl"
}

// tag is what a remote file name must contain to be this content.
func (l *local) tag() string { return "sha256-" + l.SHA256[:hashTagLen] }

func (l *local) cleanup() {
	if l.spool != nil {
		l.spool.Close()
		l.spool = nil
	}
}

// spoolFile makes a temporary file in $TMPDIR and unlinks it at once, so
// that however the run ends nothing is left; Path reaches it as /dev/fd/N.
func spoolFile() (*os.File, error) {
	tmp, err := os.CreateTemp("", "ft-upload-*.jsonl")
	if err != nil {
		return nil, err
	}
	os.Remove(tmp.Name())
	return tmp, nil
}

// checkRules are what the pre-check needs to know about the model.
type checkRules struct {
	counter     *tokenize.Counter
	check       bool
	minExamples int
}

// scan reads a file once: it hashes the bytes, counts the examples and their
// tokens, and (with rules.check) runs the validation rules. Stdin is copied to
// a temporary file on the way, since it must be sent after it is measured.
// Errors found by the rules are returned as findings, not as an error.
func scan(arg, split string, stdin io.Reader, rules checkRules) (*local, []jsonl.Finding, error) {
	rc, name, err := cli.Open(arg, stdin)
	if err != nil {
		return nil, nil, err
	}
	defer rc.Close()
	l := &local{Name: name, Path: arg, Split: split}
	var in io.Reader = rc
	if f, ok := rc.(*os.File); arg == "-" || ok && !isRegular(f) {
		// Stdin, a pipe or a FIFO is read once: it is copied on the way.
		// The copy is unlinked at once, so that however the run ends
		// nothing is left; it is reached through its descriptor.
		tmp, err := spoolFile()
		if err != nil {
			return nil, nil, err
		}
		l.spool, l.Path = tmp, "/dev/fd/"+strconv.Itoa(int(tmp.Fd()))
		in = io.TeeReader(rc, tmp)
	}
	sh, mh := sha256.New(), md5.New()
	counted := &countingReader{r: io.TeeReader(in, io.MultiWriter(sh, mh))}
	var v *jsonl.Validator
	if rules.check {
		m := rules.counter.Model()
		v = jsonl.NewValidator(jsonl.Rules{
			Limit:       m.ExampleLimit,
			Model:       m.Name,
			Count:       rules.counter.ExampleUpTo,
			MinExamples: rules.minExamples,
			Validation:  split == "validation",
		}, name)
	}
	var findings []jsonl.Finding
	notJSON := 0
	jr := jsonl.NewReader(counted, name)
	for jr.Next() {
		l.Examples++
		if le := jr.TooLong(); le != nil {
			findings = append(findings, jsonl.Finding{File: le.File, Line: le.Line, Severity: jsonl.SeverityError, Code: le.Code, Message: le.Err.Error()})
			if v != nil {
				v.Skip()
			}
			continue
		}
		if v != nil {
			findings = append(findings, v.Line(jr.Line(), jr.Bytes())...)
		}
		if hasMetadata(jr.Bytes()) {
			l.Stripped++
		}
		var ex jsonl.Example
		var le *jsonl.LineError
		if err := jr.Decode(&ex); err == nil {
			l.Tokens += int64(rules.counter.Example(&ex).Total)
		} else if errors.As(err, &le) && (le.Code == "invalid_json" || le.Code == "invalid_utf8") {
			notJSON++
		}
	}
	if err := jr.Err(); err != nil {
		l.cleanup()
		return nil, nil, cli.WithCode(cli.ExitUnreadable, err)
	}
	if notJSON > 0 && notJSON == l.Examples {
		l.cleanup()
		return nil, nil, cli.Errorf(cli.ExitUnreadable, "%s: not JSON lines: %s", name, noneOf(l.Examples))
	}
	// The reader stops at the last line; the hash must cover every byte.
	if _, err := io.Copy(io.Discard, counted); err != nil {
		l.cleanup()
		return nil, nil, cli.WithCode(cli.ExitUnreadable, fmt.Errorf("%s: %w", name, err))
	}
	if v != nil {
		findings = append(findings, v.Finish()...)
	}
	l.Bytes = counted.n
	l.SHA256, l.MD5 = hex.EncodeToString(sh.Sum(nil)), hex.EncodeToString(mh.Sum(nil))
	if l.Stripped > 0 {
		if err := l.strip(); err != nil {
			l.cleanup()
			return nil, nil, err
		}
	}
	return l, findings, nil
}

// hasMetadata reports whether a line carries a metadata object that is to be
// left out of the upload. OpenAI documents no such key for chat, preference
// or completion lines, and refuses keys it does not know; a reinforcement
// line keeps it, as graders may read any extra key ({{item.metadata}}).
func hasMetadata(line []byte) bool {
	if !bytes.Contains(line, []byte(`"metadata"`)) {
		return false
	}
	if _, found := jsonl.WithoutKey(line, jsonl.MetadataKey); !found {
		return false
	}
	return jsonl.DetectFormat(line) != jsonl.FormatReinforcement
}

// strip writes a copy of the file without the metadata of its lines, every
// other byte kept, and makes the copy what is sent and measured.
func (l *local) strip() error {
	in, err := os.Open(l.Path)
	if err != nil {
		return cli.WithCode(cli.ExitUnreadable, err)
	}
	defer in.Close()
	tmp, err := spoolFile()
	if err != nil {
		return err
	}
	sh, mh := sha256.New(), md5.New()
	out := &countingWriter{w: io.MultiWriter(tmp, sh, mh)}
	r := bufio.NewReaderSize(in, 64<<10)
	for {
		line, rerr := r.ReadSlice('\n')
		if rerr == bufio.ErrBufferFull { // a line longer than the buffer: read it whole
			long := bytes.Clone(line)
			for rerr == bufio.ErrBufferFull {
				line, rerr = r.ReadSlice('\n')
				long = append(long, line...)
			}
			line = long
		}
		if len(line) > 0 {
			if hasMetadata(line) {
				line, _ = jsonl.WithoutKey(line, jsonl.MetadataKey)
			}
			if _, err := out.Write(line); err != nil {
				tmp.Close()
				return err
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			tmp.Close()
			return cli.WithCode(cli.ExitUnreadable, fmt.Errorf("%s: %w", l.Name, rerr))
		}
	}
	l.cleanup() // a spooled copy of stdin is not needed any more
	l.spool, l.Path = tmp, "/dev/fd/"+strconv.Itoa(int(tmp.Fd()))
	l.Bytes = out.n
	l.SHA256, l.MD5 = hex.EncodeToString(sh.Sum(nil)), hex.EncodeToString(mh.Sum(nil))
	return nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// noneOf says that none of a file's n lines is JSON.
func noneOf(n int) string {
	if n == 1 {
		return "its only line is not JSON"
	}
	return fmt.Sprintf("none of its %d lines is JSON", n)
}
