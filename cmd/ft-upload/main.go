// Ft-upload checks fine-tuning files and sends them to OpenAI, once: a file
// whose content was already uploaded (same SHA-256 and size) is reused. It
// writes one JSON line per file: the file object plus sha256, examples,
// tokens and split, which ft-train reads.
//
// Usage:
//
//	ft-upload [flags] [FILE] [--validation FILE]
package main

import (
	"context"
	"io"
	"os"

	"github.com/ft-tools/ft/cmd/internal/cli"
)

const name = "ft-upload"

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
	return cli.ReportContext(ctx, stderr, name, upload(ctx, &f, getenv, stdin, stdout, stderr))
}
