// Ft-wait follows OpenAI fine-tuning jobs to their end: it prints each event
// once, as a JSON line, as soon as it is seen, then the final job object.
// Killed and started again, it goes on after the last event it printed.
//
// Usage:
//
//	ft-train ... | ft-wait [flags]
//	ft-wait [flags] JOB...
package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/ft-tools/ft/cmd/internal/cli"
)

const name = "ft-wait"

// interval is a time between polls: a number of seconds, as watch -n and
// sleep read it, or a Go duration.
type interval time.Duration

func (i *interval) UnmarshalText(b []byte) error {
	s := strings.TrimSpace(string(b))
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		if math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > math.MaxInt64/float64(time.Second) {
			return fmt.Errorf("%q: want seconds or a duration such as 1m30s", s)
		}
		*i = interval(f * float64(time.Second))
		return nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("%q: want seconds or a duration such as 1m30s", s)
	}
	*i = interval(d)
	return nil
}

func (i interval) String() string { return time.Duration(i).String() }

func main() { cli.Main(run) }

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := cli.SignalContext(context.Background())
	defer stop()
	return runContext(ctx, args, os.Getenv, stdin, stdout, stderr)
}

func runContext(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	var f flags
	if code, ok := cli.Parse(name, &f, help, args, stdout, stderr); !ok {
		return code
	}
	code := waitJobs(ctx, &f, getenv, stdin, stdout, stderr)
	if code == cli.ExitInterrupted && ctx.Err() != nil {
		return cli.InterruptCode(ctx) // 143 for SIGTERM, 129 for SIGHUP
	}
	return code
}
