package main

import (
	"os"
	"os/signal"
	"sync"
	"syscall"

	"github.com/ft-tools/ft/cmd/internal/cli"
)

// temps are the output files being written, removed on Ctrl-C, SIGTERM or
// SIGHUP so that no temporary file is left behind. Nothing else is to
// undo: ft-score calls nothing, and a rerun scores the same lines again.
type temps struct {
	mu    sync.Mutex
	files []*cli.AtomicFile
	sig   chan os.Signal
	done  chan struct{}
}

// watch starts watching for the signals; it comes before the first file
// is created, so that none can be left.
func (t *temps) watch() {
	t.sig, t.done = make(chan os.Signal, 1), make(chan struct{})
	signal.Notify(t.sig, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		select {
		case s := <-t.sig:
			t.mu.Lock()
			for _, f := range t.files {
				f.Abort()
			}
			code := cli.ExitInterrupted
			if n, ok := s.(syscall.Signal); ok {
				code = 128 + int(n) // the shell's convention: 143 for SIGTERM, 129 for SIGHUP
			}
			os.Exit(code)
		case <-t.done:
		}
	}()
}

func (t *temps) add(f *cli.AtomicFile) {
	t.mu.Lock()
	t.files = append(t.files, f)
	t.mu.Unlock()
}

// stop ends the watch, once the files are committed or aborted.
func (t *temps) stop() {
	if t.sig == nil {
		return
	}
	signal.Stop(t.sig)
	close(t.done)
	t.sig = nil
}
