// Ft-ask asks models the questions of chat examples and writes one JSON
// line per example and model: the question, the expected answer, the
// model's answer, its usage and latency. Answers are cached by request, so
// that a rerun, or a run resumed after Ctrl-C, pays only for what is
// missing; --batch sends the same requests through the Batch API.
//
// Usage:
//
//	ft-ask --model M [--model M2] [--job JOB [--checkpoints]] [flags] [FILE...]
package main

import (
	"context"
	"io"
	"os"

	"github.com/ft-tools/ft/cmd/internal/cli"
)

const name = "ft-ask"

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
	return cli.ReportContext(ctx, stderr, name, askModels(ctx, &f, getenv, stdin, stdout, stderr))
}
