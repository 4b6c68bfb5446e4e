package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"github.com/ft-tools/ft/cmd/internal/ask"
	"github.com/ft-tools/ft/cmd/internal/cli"
	"github.com/ft-tools/ft/cmd/internal/openai"
	"github.com/ft-tools/ft/jsonl"
)

// sendBatch puts the answers of the tasks that are not cached in the cache
// through one batch, and returns the refusals it received.
func sendBatch(ctx context.Context, client *openai.Client, f *flags, baseURL, root string, tasks []ask.Task, lookup *ask.Cache, stderr io.Writer) (map[string]bool, map[string]jsonl.AnswerError, error) {
	if root == "" {
		return nil, nil, cli.Errorf(cli.ExitUsage, "--batch keeps its answers in the cache directory, and there is none: set FT_CACHE_DIR")
	}
	cache := &ask.Cache{Dir: filepath.Join(root, "answers")}
	if lookup == nil {
		// --no-cache: every request goes into the batch, and the answers
		// still come back through the cache.
		for i := range tasks {
			cache.Delete(ask.Key(baseURL, &tasks[i].Request))
		}
	}
	tty := cli.IsTerminal(stderr)
	b := &ask.Batcher{Client: client, BaseURL: baseURL, Cache: cache, StateDir: filepath.Join(root, "batches"), Poll: f.Poll,
		Note: func(format string, args ...any) { cli.Warnf(stderr, name, format, args...) },
		Progress: func(bt openai.Batch) {
			if !tty {
				return
			}
			c := bt.RequestCounts
			fmt.Fprintf(stderr, "\r%s: %s %s: %d/%d answered, %d failed\x1b[K", name, bt.ID, bt.Status, c.Completed, c.Total, c.Failed)
			if openai.BatchDone(bt.Status) {
				fmt.Fprintln(stderr)
			}
		}}
	fresh, known, err := b.Run(ctx, tasks)
	if err != nil && ctx.Err() != nil {
		cli.Warnf(stderr, name, "the batch goes on without ft-ask: run the same command again to wait for it and write its answers")
	}
	return fresh, known, err
}
