package cli

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fakeClock advances by step on every reading.
type fakeClock struct {
	t    time.Time
	step time.Duration
}

func (c *fakeClock) now() time.Time { c.t = c.t.Add(c.step); return c.t }

func TestProgressLine(t *testing.T) {
	p := newProgress(io.Discard, "ft-x", 10_000_000, time.Now)
	for _, tc := range []struct {
		read    int64
		elapsed time.Duration
		want    string
	}{
		{2_500_000, time.Second, "2.5 MB of 10.0 MB (25%), 2.5 MB/s, 3s left"},
		{10_000_000, 2 * time.Second, "10.0 MB of 10.0 MB (100%), 5.0 MB/s"},
		{0, 0, "0 B of 10.0 MB (0%)"},
	} {
		if got := p.line(tc.read, tc.elapsed); got != tc.want {
			t.Errorf("line(%d, %v) = %q, want %q", tc.read, tc.elapsed, got, tc.want)
		}
	}
	unknown := newProgress(io.Discard, "ft-x", 0, time.Now)
	if got, want := unknown.line(1_500, time.Second), "1.5 kB, 1.5 kB/s"; got != want {
		t.Errorf("size unknown: %q, want %q", got, want)
	}
}

func TestProgressDrawsLateAndClears(t *testing.T) {
	var b bytes.Buffer
	clock := &fakeClock{t: time.Unix(0, 0), step: 50 * time.Millisecond}
	p := newProgress(&b, "ft-x", 0, clock.now)
	r := p.Reader(strings.NewReader(strings.Repeat("x", 100)))
	buf := make([]byte, 1)
	for i := 0; i < 9; i++ { // 450 ms: before the delay
		r.Read(buf)
	}
	if b.Len() != 0 {
		t.Fatalf("drawn before %v: %q", progressDelay, b.String())
	}
	for i := 0; i < 20; i++ {
		r.Read(buf)
	}
	lines := strings.Count(b.String(), "\r\x1b[K")
	// 20 reads of 50 ms each after the delay: one redraw per 100 ms.
	if lines < 9 || lines > 12 {
		t.Errorf("%d redraws in 1 s, want about 10: %q", lines, b.String())
	}
	if !strings.Contains(b.String(), "ft-x: ") {
		t.Errorf("no name on the line: %q", b.String())
	}
	b.Reset()
	p.Done()
	if b.String() != "\r\x1b[K" {
		t.Errorf("Done wrote %q", b.String())
	}
	b.Reset()
	p.Done()
	if b.Len() != 0 {
		t.Errorf("a second Done wrote %q", b.String())
	}
}

func TestNewProgress(t *testing.T) {
	tty := openPTY(t)
	dir := t.TempDir()
	f := filepath.Join(dir, "a.jsonl")
	os.WriteFile(f, make([]byte, 1234), 0o644)
	t.Setenv("NO_COLOR", "")
	os.Unsetenv("NO_COLOR")
	if p := NewProgress(tty, "ft-x", []string{f, f}, false); p == nil || p.total != 2468 {
		t.Errorf("terminal: %+v, want a progress line over 2468 bytes", p)
	}
	if p := NewProgress(tty, "ft-x", nil, false); p == nil || p.total != 0 {
		t.Errorf("stdin: %+v, want a progress line of unknown size", p)
	}
	if p := NewProgress(tty, "ft-x", []string{f}, true); p != nil {
		t.Error("--quiet: a progress line")
	}
	if p := NewProgress(&bytes.Buffer{}, "ft-x", []string{f}, false); p != nil {
		t.Error("not a terminal: a progress line")
	}
	t.Setenv("NO_COLOR", "1")
	if p := NewProgress(tty, "ft-x", []string{f}, false); p != nil {
		t.Error("NO_COLOR: a progress line")
	}
	var nilP *Progress
	r := strings.NewReader("x")
	if nilP.Reader(r) != r {
		t.Error("a nil Progress wraps the reader")
	}
	nilP.Done()
}

func TestBytes(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 999: "999 B", 1000: "1.0 kB", 45_600_000: "45.6 MB", 1_200_000_000: "1.2 GB", 5e15: "5000.0 TB"} {
		if got := Bytes(n); got != want {
			t.Errorf("Bytes(%d) = %q, want %q", n, got, want)
		}
	}
}
