// Ft-train starts an OpenAI fine-tuning job from the files ft-upload sent,
// with hyperparameters checked against the API's ranges before anything is
// sent, a cost estimate on stderr, and an idempotent create: a job is never
// created twice, even when an answer is lost.
//
// Usage:
//
//	ft-upload train.jsonl --validation val.jsonl | ft-train [--model M] [flags]
//	ft-train --training-file file-abc [--validation-file file-def] [flags]
package main

import (
	"context"
	"io"
	"os"

	"github.com/ft-tools/ft/cmd/internal/cli"
)

const name = "ft-train"

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
	return cli.ReportContext(ctx, stderr, name, train(ctx, &f, getenv, stdin, stdout, stderr))
}
