package cli

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// Progress timing: nothing for inputs read within the first half second,
// so small runs stay as quiet as in a script, then a redraw ten times a
// second at most.
const (
	progressDelay = 500 * time.Millisecond
	progressEvery = 100 * time.Millisecond
)

// Progress draws one status line on a terminal's stderr while inputs are
// read: bytes read, of how many when the inputs are files, the rate, and the
// time left. A nil *Progress draws nothing, so callers need not check.
type Progress struct {
	w     io.Writer
	name  string
	total int64 // bytes in all inputs; 0 when one of them is not a regular file
	now   func() time.Time

	mu    sync.Mutex // bad lines are reported from other goroutines than the reader's
	read  int64
	start time.Time
	next  time.Time // the earliest time of the next redraw
	shown bool
}

// NewProgress returns the progress line of a run over the file arguments,
// or nil when there is to be none: stderr is not a terminal, NO_COLOR is
// set (no control sequences at all), or quiet (--quiet) says no.
func NewProgress(stderr io.Writer, name string, files []string, quiet bool) *Progress {
	if quiet || !Color(stderr) {
		return nil
	}
	return newProgress(stderr, name, inputSize(files), time.Now)
}

func newProgress(w io.Writer, name string, total int64, now func() time.Time) *Progress {
	start := now()
	return &Progress{w: w, name: name, total: total, now: now, start: start, next: start.Add(progressDelay)}
}

// inputSize is the size of all inputs, or 0 when one is stdin or not a
// regular file (its size is not known ahead).
func inputSize(files []string) int64 {
	var n int64
	for _, f := range Inputs(files) {
		st, err := os.Stat(f)
		if f == "-" || err != nil || !st.Mode().IsRegular() {
			return 0
		}
		n += st.Size()
	}
	return n
}

// Via makes the line go through w, a buffer over the stderr it was made
// for, so that it keeps its place among the diagnostics written there.
func (p *Progress) Via(w io.Writer) *Progress {
	if p != nil {
		p.w = w
	}
	return p
}

// Reader counts the bytes read through r.
func (p *Progress) Reader(r io.Reader) io.Reader {
	if p == nil {
		return r
	}
	return &progressReader{r: r, p: p}
}

type progressReader struct {
	r io.Reader
	p *Progress
}

func (pr *progressReader) Read(b []byte) (int, error) {
	n, err := pr.r.Read(b)
	pr.p.add(int64(n))
	return n, err
}

func (p *Progress) add(n int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.read += n
	now := p.now()
	if now.Before(p.next) {
		return
	}
	p.next = now.Add(progressEvery)
	p.shown = true
	fmt.Fprintf(p.w, "\r\x1b[K%s: %s", p.name, p.line(p.read, now.Sub(p.start)))
	p.flush()
}

// flush pushes the line out when stderr is buffered, as ft-validate's is.
func (p *Progress) flush() {
	if f, ok := p.w.(interface{ Flush() error }); ok {
		f.Flush()
	}
}

// line is the status after read bytes in elapsed time.
func (p *Progress) line(read int64, elapsed time.Duration) string {
	s := Bytes(read)
	if p.total > 0 {
		s += fmt.Sprintf(" of %s (%d%%)", Bytes(p.total), min(100, read*100/p.total))
	}
	if elapsed <= 0 {
		return s
	}
	rate := float64(read) / elapsed.Seconds()
	s += fmt.Sprintf(", %s/s", Bytes(int64(rate)))
	if p.total > 0 && rate > 0 && read < p.total {
		left := time.Duration(float64(p.total-read) / rate * float64(time.Second))
		s += ", " + left.Round(time.Second).String() + " left"
	}
	return s
}

// Done clears the status line, so that a diagnostic or the summary after
// it starts on a clean line; the next read draws it again.
func (p *Progress) Done() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.flush()
		p.shown = false
	}
}

// Bytes writes a size for people, in powers of 1,000 as ls -h --si and
// disk makers do: 912 B, 45.6 MB, 1.2 GB.
func Bytes(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	f := float64(n)
	for _, u := range []string{"kB", "MB", "GB", "TB"} {
		f /= unit
		if f < unit || u == "TB" {
			return fmt.Sprintf("%.1f %s", f, u)
		}
	}
	return ""
}
