package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// TestHintAtTerminal: run bare at a terminal, ft-upload says that it reads
// stdin, as the filters do, instead of waiting silently.
func TestHintAtTerminal(t *testing.T) {
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer master.Close()
	var unlock int32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		t.Skipf("unlocking the pseudo-terminal: %v", e)
	}
	var n uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		t.Skipf("naming the pseudo-terminal: %v", e)
	}
	tty, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("opening the pseudo-terminal: %v", err)
	}
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
