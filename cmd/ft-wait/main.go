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
	"io"
	"os"
	"time"

	"github.com/ft-tools/ft/cmd/internal/cli"
	"github.com/ft-tools/ft/cmd/internal/openai"
)

const name = "ft-wait"

type flags struct {
	Jobs              []string      `arg:"" optional:"" help:"Job IDs; none or -: ft-train's lines (or job IDs, one a line) from stdin." placeholder:"JOB"`
	Interval          time.Duration `help:"Time between two polls of a job and its events." default:"10s"`
	Timeout           time.Duration `help:"Stop waiting after this long (exit 5), leaving the jobs running; 0 waits as long as it takes." default:"0"`
	After             string        `help:"Print only the events after this event ID (one job only); overrides the saved state." placeholder:"EVENT_ID"`
	StateDir          string        `help:"Directory where the last event printed for each job is kept, so that a restart goes on from there (default: the user cache directory's ft/wait)." placeholder:"DIR"`
	NoState           bool          `help:"Neither read nor keep the last event printed: print every event of the job."`
	Cancel            bool          `help:"Cancel the jobs, then wait for them to stop."`
	CancelOnInterrupt bool          `help:"On Ctrl-C, cancel the jobs instead of leaving them running."`
	DryRun            bool          `help:"Say which jobs would be followed; call nothing."`
	MaxRetries        int           `help:"Retries of each request on network errors, 408, 409, 429 and 5xx before giving up (exit 5)." default:"8" placeholder:"N"`
	cli.VersionFlag   `embed:""`
}

var help = cli.Help{
	Summary: "Follow fine-tuning jobs: print each event once as a JSON line, then the final job object. Exit 0 when every job succeeded, 1 when one failed or was cancelled.",
	Examples: []string{
		"ft-upload train.jsonl | ft-train | ft-wait > events.jsonl",
		"ft-wait ftjob-abc123 | jq -r 'select(.type==\"metrics\") | .data.train_loss'",
		"ft-wait --cancel ftjob-abc123",
	},
	Environment: append(openai.EnvironmentHelp,
		"XDG_CACHE_HOME     where the default --state-dir is"),
}

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
