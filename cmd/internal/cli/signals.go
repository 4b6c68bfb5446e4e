package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
)

// The signals every tool ends on as it does on Ctrl-C.
var stopSignals = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP}

// SignalError is the cause of a SignalContext's end.
type SignalError struct{ Signal syscall.Signal }

func (e *SignalError) Error() string { return "interrupted (" + signalName(e.Signal) + ")" }

// ExitCode is the shell's convention, 128 plus the signal's number: 130 for
// SIGINT, 143 for SIGTERM, 129 for SIGHUP.
func (e *SignalError) ExitCode() int { return 128 + int(e.Signal) }

func signalName(s syscall.Signal) string {
	switch s {
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGHUP:
		return "SIGHUP"
	}
	return s.String()
}

// exiting guards the temporary files and the contexts that the signal
// handler of Main acts on.
var exiting struct {
	sync.Mutex
	temps    map[*AtomicFile]bool
	watchers map[*int]context.CancelCauseFunc
}

func track(a *AtomicFile) {
	exiting.Lock()
	defer exiting.Unlock()
	if exiting.temps == nil {
		exiting.temps = map[*AtomicFile]bool{}
	}
	exiting.temps[a] = true
}

func untrack(a *AtomicFile) {
	exiting.Lock()
	defer exiting.Unlock()
	delete(exiting.temps, a)
}

// SignalContext returns a context that ends, with a *SignalError as its
// cause, at the first SIGINT, SIGTERM or SIGHUP that Main catches. Until
// stop is called the signal is the tool's to act on (to print how to resume,
// or to look up what a cut-short request created); a second one ends the
// process at once. Outside Main (in tests) no signal ends it.
func SignalContext(parent context.Context) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	key := new(int)
	exiting.Lock()
	if exiting.watchers == nil {
		exiting.watchers = map[*int]context.CancelCauseFunc{}
	}
	exiting.watchers[key] = cancel
	exiting.Unlock()
	return ctx, func() {
		exiting.Lock()
		delete(exiting.watchers, key)
		exiting.Unlock()
		cancel(context.Canceled)
	}
}

// InterruptCode is the exit status of a run that ctx's end cut short: the
// signal's (130, 143, 129), or 130 when no signal ended it.
func InterruptCode(ctx context.Context) int {
	var se *SignalError
	if errors.As(context.Cause(ctx), &se) {
		return se.ExitCode()
	}
	return ExitInterrupted
}

// handleSignals is Main's handler. The first signal is passed to the
// SignalContexts when a tool watches one; otherwise, and at the second,
// every unfinished temporary output is removed and the process ends with
// the signal's status. The lock is kept to the end so that no Commit renames
// a file into place after its removal was decided.
func handleSignals(prog string) {
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, stopSignals...)
	go func() {
		passed := false
		for s := range sigs {
			sig := s.(syscall.Signal)
			exiting.Lock()
			if !passed && len(exiting.watchers) > 0 {
				passed = true
				for _, cancel := range exiting.watchers {
					cancel(&SignalError{Signal: sig})
				}
				exiting.Unlock()
				continue
			}
			for a := range exiting.temps {
				os.Remove(a.File.Name())
			}
			fmt.Fprintf(os.Stderr, "%s: %v\n", prog, &SignalError{Signal: sig})
			os.Exit(128 + int(sig))
		}
	}()
}

func progName() string { return filepath.Base(os.Args[0]) }
