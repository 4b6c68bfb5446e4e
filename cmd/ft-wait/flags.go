package main

import (
	"time"

	"github.com/ft-tools/ft/cmd/internal/cli"
	"github.com/ft-tools/ft/cmd/internal/openai"
)

// flags and help are all that ft-wait's --help, man page, completions and
// README flag table are made from.
type flags struct {
	Jobs              []string      `arg:"" optional:"" help:"Job IDs; none or -: ft-train's lines (or job IDs, one a line) from stdin." placeholder:"JOB"`
	Interval          interval      `help:"Time between two polls of a job and its events: seconds (10, 0.5), as watch -n reads it, or a duration (1m30s). Default: 10 seconds." default:"10" placeholder:"SECONDS"`
	Timeout           time.Duration `help:"Stop waiting after this long (exit 5), leaving the jobs running; 0 waits as long as it takes." default:"0"`
	After             string        `help:"Print only the events after this event ID (one job only); overrides the saved state." placeholder:"EVENT_ID"`
	StateDir          string        `help:"Directory where the last event printed for each job is kept, so that a restart goes on from there (default: the user cache directory's ft/wait)." placeholder:"DIR"`
	NoState           bool          `help:"Neither read nor keep the last event printed: print every event of the job."`
	Cancel            bool          `help:"Cancel the jobs, then wait for them to stop." xor:"action"`
	Pause             bool          `help:"Pause the running jobs and print each job object as paused; wait for nothing." xor:"action"`
	Resume            bool          `help:"Resume the paused jobs, then follow them to their end." xor:"action"`
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
		"ft-wait --pause ftjob-abc123; ft-wait --resume ftjob-abc123",
	},
	Environment: append(openai.EnvironmentHelp,
		"XDG_CACHE_HOME     where the default --state-dir is"),
	Exits: []int{cli.ExitOK, cli.ExitDataError, cli.ExitUsage, cli.ExitUnreadable, cli.ExitAPIRefused, cli.ExitUnavailable},
}
