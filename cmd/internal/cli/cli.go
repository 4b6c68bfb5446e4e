// Package cli holds what every ft-* binary shares and nothing else: exit
// codes, flag parsing with kong, opening inputs, printing diagnostics in the
// one format of DESIGN.md, and writing output files atomically.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/alecthomas/kong"
)

// Exit codes shared by every binary (DESIGN.md).
const (
	ExitOK          = 0
	ExitDataError   = 1 // the data has errors, or the job ended failed/cancelled
	ExitUsage       = 2
	ExitUnreadable  = 3   // missing file, not JSON, not UTF-8
	ExitAPIRefused  = 4   // a 4xx from the API, or a budget guard
	ExitUnavailable = 5   // the API stayed unavailable after all retries
	ExitInterrupted = 130 // SIGINT; SIGTERM is 143 and SIGHUP 129 (SignalError)
)

// ExitCoder is implemented by errors that choose their own exit status.
type ExitCoder interface {
	ExitCode() int
}

// Errorf returns an error that carries an exit status.
func Errorf(code int, format string, args ...any) error {
	return &codedError{code: code, err: fmt.Errorf(format, args...)}
}

// WithCode wraps err so that it carries an exit status.
func WithCode(code int, err error) error {
	if err == nil {
		return nil
	}
	return &codedError{code: code, err: err}
}

type codedError struct {
	code int
	err  error
}

func (e *codedError) Error() string { return e.err.Error() }
func (e *codedError) Unwrap() error { return e.err }
func (e *codedError) ExitCode() int { return e.code }

// CodeOf returns the exit status an error asks for: its own when it has one,
// ExitOK for a closed stdout pipe (the reader went away, as with `| head`),
// and ExitDataError otherwise.
func CodeOf(err error) int {
	if err == nil {
		return ExitOK
	}
	if IsBrokenPipe(err) {
		return ExitOK
	}
	var c ExitCoder
	if errors.As(err, &c) {
		return c.ExitCode()
	}
	return ExitDataError
}

// IsBrokenPipe reports whether err comes from writing to a pipe whose reader
// has exited. A filter in `ft-format | head -1` must then stop quietly.
func IsBrokenPipe(err error) bool {
	return errors.Is(err, syscall.EPIPE)
}

// Report prints err as "name: message" on stderr, unless it is a broken pipe,
// and returns the exit status it asks for. An error of several lines (from
// errors.Join) gets the name on each, as every diagnostic line does.
func Report(stderr io.Writer, name string, err error) int {
	code := CodeOf(err)
	if err != nil && !IsBrokenPipe(err) {
		var b strings.Builder
		for _, line := range strings.Split(strings.TrimRight(err.Error(), "\n"), "\n") {
			b.WriteString(name + ": " + line + "\n")
		}
		io.WriteString(stderr, b.String())
	}
	return code
}

// ReportContext is Report for a run that a signal may cut short: an error
// once ctx has ended is an interruption (130, or 143 and 129 for SIGTERM and
// SIGHUP), not the failure it caused.
func ReportContext(ctx context.Context, stderr io.Writer, name string, err error) int {
	if ctx.Err() != nil && err != nil {
		Warnf(stderr, name, "interrupted")
		return InterruptCode(ctx)
	}
	return Report(stderr, name, err)
}

// Warnf prints one diagnostic line on stderr in the tool's name.
func Warnf(stderr io.Writer, name, format string, args ...any) {
	fmt.Fprintf(stderr, "%s: %s\n", name, fmt.Sprintf(format, args...))
}

// Main runs a tool's run function as the process. SIGPIPE is ignored so that
// a closed stdout (`| head -1`) is an EPIPE error, which Report turns into a
// quiet exit 0, instead of a death by signal. SIGINT, SIGTERM and SIGHUP
// remove the temporary outputs and end the run (see SignalContext).
func Main(run func(args []string, stdin io.Reader, stdout, stderr io.Writer) int) {
	signal.Ignore(syscall.SIGPIPE)
	handleSignals(progName())
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// Version is the module version the binary was built from, or "devel".
func Version() string {
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "devel"
}

// VersionFlag is embedded in every command's flags.
type VersionFlag struct {
	Version kong.VersionFlag `help:"Print the version and exit."`
}

// Help describes a binary for its --help: what it does, piped examples, and
// the environment variables it reads.
type Help struct {
	Summary     string
	Examples    []string
	Environment []string
}

// exitCode is panicked by kong's Exit hook so that --help and --version return
// from Parse instead of ending the process, which keeps run() testable.
type exitCode int

// Parse parses args into flags. It returns ok=false and the status to exit with
// when the run must stop: after --help or --version (0) or on a usage error
// (2, with the message printed as "name: ...").
func Parse(name string, flags any, help Help, args []string, stdout, stderr io.Writer) (code int, ok bool) {
	parser, err := kong.New(flags,
		kong.Name(name),
		kong.Description(help.description()),
		kong.Writers(stdout, stderr),
		kong.Vars{"version": name + " " + Version()},
		kong.Exit(func(c int) { panic(exitCode(c)) }),
		kong.ConfigureHelp(kong.HelpOptions{Compact: true, NoExpandSubcommands: true}),
	)
	if err != nil {
		panic(err) // malformed struct tags: a programming error
	}
	defer func() {
		if r := recover(); r != nil {
			c, isExit := r.(exitCode)
			if !isExit {
				panic(r)
			}
			code, ok = int(c), false
		}
	}()
	if _, err := parser.Parse(args); err != nil {
		if IsBrokenPipe(err) { // `--help | head -1`
			return ExitOK, false
		}
		fmt.Fprintf(stderr, "%s: %v (see %s --help)\n", name, err, name)
		return ExitUsage, false
	}
	return ExitOK, true
}

func (h Help) description() string {
	var b strings.Builder
	b.WriteString(h.Summary)
	if len(h.Examples) > 0 {
		b.WriteString("\n\nExamples:\n")
		for _, e := range h.Examples {
			b.WriteString("  " + e + "\n")
		}
	}
	b.WriteString("\nExit status: 0 success, 1 the data has errors, 2 usage error, 3 input unreadable, 4 the API refused the request, 5 the API stayed unavailable, 130 interrupted (143 SIGTERM, 129 SIGHUP).")
	if len(h.Environment) > 0 {
		b.WriteString("\n\nEnvironment:\n")
		for _, e := range h.Environment {
			b.WriteString("  " + e + "\n")
		}
	}
	return b.String()
}
