package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ft-tools/ft/cmd/internal/scriptfiles"
)

// TestHintAtTerminal: run bare at a terminal, ft-upload says that it reads
// stdin, as the filters do, instead of waiting silently.
func TestHintAtTerminal(t *testing.T) {
	master, tty, err := scriptfiles.OpenPTY()
	if err != nil {
		t.Skip(err)
	}
	defer master.Close()
	defer tty.Close()
	t.Chdir(t.TempDir())
	stderr := &syncBuffer{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		runContext(context.Background(), []string{"--dry-run"}, func(string) string { return "" }, tty, io.Discard, stderr)
	}()
	want := "ft-upload: reading JSONL examples from stdin (the terminal); end with Ctrl-D, or give a file (see ft-upload --help)\n"
	// The hint comes before the read, which waits for the terminal; the
	// terminal's end (the master closed) ends the run.
	for i := 0; i < 200 && !strings.HasPrefix(stderr.String(), want); i++ {
		time.Sleep(50 * time.Millisecond)
	}
	master.Close()
	<-done
	if !strings.HasPrefix(stderr.String(), want) {
		t.Errorf("stderr %q, want it to start with %q", stderr.String(), want)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
