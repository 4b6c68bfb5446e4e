package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"time"

	"github.com/ft-tools/ft/cmd/internal/cli"
	"github.com/ft-tools/ft/cmd/internal/openai"
	"github.com/ft-tools/ft/jsonl"
	"github.com/ft-tools/ft/tokenize"
)

// train reads the files, checks the flags, estimates the cost, and creates
// the job (or prints its body with --dry-run).
func train(ctx context.Context, f *flags, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cfg, err := openai.LoadConfig(getenv, ".env")
	if err != nil {
		return cli.WithCode(cli.ExitUsage, err)
	}
	if f.Model == "" {
		f.Model = cfg.BaseModel
	}
	if f.Model == "" {
		f.Model = tokenize.DefaultModel
	}
	var fs files
	switch {
	case f.TrainingFile != "":
		fs.train.ID, fs.validation.ID = f.TrainingFile, f.ValidationFile
	case len(f.Files) == 0 && isTerminal(stdin):
		return cli.Errorf(cli.ExitUsage, "no training file: pipe ft-upload's output in or pass --training-file")
	default:
		for _, arg := range cli.Inputs(f.Files) {
			rc, name, err := cli.Open(arg, stdin)
			if err != nil {
				return err
			}
			err = readUploaded(rc, name, &fs)
			rc.Close()
			if err != nil {
				return err
			}
		}
		if fs.train.ID == "" {
			return cli.Errorf(cli.ExitUsage, "no training file: pipe ft-upload's output in or pass --training-file")
		}
		if f.ValidationFile != "" {
			fs.validation = uploaded{ID: f.ValidationFile}
		}
	}
	if !f.DryRun && (fs.train.DryRun || fs.validation.DryRun) {
		return cli.Errorf(cli.ExitUsage, "the files come from ft-upload --dry-run and are not on the API; add --dry-run, or upload them for real")
	}
	req, err := buildRequest(f, fs)
	if err != nil {
		return err
	}
	var price float64 // 0: the price list's
	if f.Price != "" {
		if price, err = tokenize.ParsePrice(f.Price); err != nil {
			return cli.WithCode(cli.ExitUsage, err)
		}
	}
	est := estimateCost(req, fs, price)
	cli.Warnf(stderr, name, "%s", est)
	if f.MaxCost < 0 {
		return cli.Errorf(cli.ExitUsage, "--max-cost %v: want an amount in USD above 0", f.MaxCost)
	}
	if f.MaxCost > 0 {
		if !est.Known {
			return cli.Errorf(cli.ExitAPIRefused, "--max-cost $%.2f: refusing to start a job whose cost cannot be estimated", f.MaxCost)
		}
		if est.USD > f.MaxCost {
			return cli.Errorf(cli.ExitAPIRefused, "estimated cost $%.2f is above --max-cost $%.2f; no job created", est.USD, f.MaxCost)
		}
	}
	w := jsonl.NewWriter(stdout)
	if f.DryRun {
		cli.Warnf(stderr, name, "dry run: would POST this body to %s/fine_tuning/jobs (plus a random %s tag); no job created", cfg.BaseURL, metaRequest)
		w.Encode(req)
		return w.Flush()
	}
	// A create answers in seconds; one that hangs is looked up by its tag
	// after this long rather than waited for.
	cfg.MaxRetries, cfg.Log, cfg.Name, cfg.Timeout = f.MaxRetries, stderr, name, 2*time.Minute
	client, err := openai.New(cfg)
	if err != nil {
		return cli.WithCode(cli.ExitUsage, err)
	}
	job, err := createOnce(ctx, client, req, f.MaxRetries, f.LookupFor, stderr)
	if err != nil {
		return err
	}
	cli.Warnf(stderr, name, "created %s (%s); follow it with: ft-wait %s", job.ID, job.Status, job.ID)
	w.Encode(job)
	return w.Flush()
}

// sleep waits between create attempts; tests replace it.
var sleep = openai.Sleep

// createOnce creates the job at most once. The request carries a random
// ft_request tag; when an attempt fails in a way that may have reached the
// server, the job is looked up by that tag for up to lookupFor (the job
// list lags behind a create, by seconds on the real API) before anything is
// sent again.
func createOnce(ctx context.Context, client *openai.Client, req *openai.JobRequest, retries int, lookupFor time.Duration, stderr io.Writer) (openai.Job, error) {
	nonce := make([]byte, 12)
	rand.Read(nonce)
	tag := map[string]string{metaRequest: hex.EncodeToString(nonce)}
	body := *req
	body.Metadata = maps.Clone(req.Metadata)
	if body.Metadata == nil {
		body.Metadata = map[string]string{}
	}
	maps.Copy(body.Metadata, tag)
	started := time.Now()
	for attempt := 0; ; attempt++ {
		job, err := client.CreateJob(ctx, body)
		if err == nil {
			return job, nil
		}
		if !errors.Is(err, openai.ErrMaybeCreated) {
			return job, err
		}
		if ctx.Err() != nil {
			return openai.Job{}, interruptedCreate(ctx, client, tag, stderr)
		}
		cli.Warnf(stderr, name, "%v; looking for a job tagged %s=%s before trying again", err, metaRequest, tag[metaRequest])
		found, ferr := lookUp(ctx, lookupFor, stderr, "a job tagged "+metaRequest+"="+tag[metaRequest], func() (bool, error) {
			found, err := client.FindJobs(ctx, tag)
			if err == nil && len(found) == 0 {
				found, err = untagged(ctx, client, &body, started)
			}
			if len(found) > 0 {
				// Newest first: the oldest is the one the first attempt made.
				job = found[len(found)-1]
			}
			return len(found) > 0, err
		})
		if ferr != nil {
			if ctx.Err() != nil {
				return openai.Job{}, interruptedCreate(ctx, client, tag, stderr)
			}
			return openai.Job{}, cli.WithCode(cli.ExitUnavailable, fmt.Errorf("the job may have been created but cannot be looked up (%v); before starting another, look for a job with metadata %s=%s", ferr, metaRequest, tag[metaRequest]))
		}
		if found {
			cli.Warnf(stderr, name, "found %s, created by the attempt whose answer was lost", job.ID)
			return job, nil
		}
		if attempt >= retries {
			return openai.Job{}, cli.WithCode(cli.ExitUnavailable, fmt.Errorf("no job created after %d %s: %w", attempt+1, cli.Plural(attempt+1, "attempt"), err))
		}
		cli.Warnf(stderr, name, "no job tagged %s=%s after %s of looking: the create seems not to have reached the server; sending it again", metaRequest, tag[metaRequest], lookupFor)
	}
}

// interruptedCreate is a create cut short by a signal after its request
// may have reached the server. A few seconds go to looking the job up by
// its tag, so that the user learns whether a job is running (and paid
// for) rather than guessing; the answer is the job, or the tag and the
// request that finds it later.
func interruptedCreate(ctx context.Context, client *openai.Client, tag map[string]string, stderr io.Writer) error {
	lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	found, err := client.FindJobs(lctx, tag)
	if err == nil && len(found) > 0 {
		job := found[len(found)-1]
		cli.Warnf(stderr, name, "the job was created before the interruption: %s (%s); follow it with: ft-wait %s", job.ID, job.Status, job.ID)
		return ctx.Err()
	}
	if err == nil {
		cli.Warnf(stderr, name, "no job tagged %s=%s is listed yet; it may still appear: look for it with: %s", metaRequest, tag[metaRequest], findJobCommand(tag))
		return ctx.Err()
	}
	cli.Warnf(stderr, name, "the job may have been created; look for the job tagged %s=%s with: %s", metaRequest, tag[metaRequest], findJobCommand(tag))
	return ctx.Err()
}

// findJobCommand is the request that lists the jobs carrying tag.
func findJobCommand(tag map[string]string) string {
	return fmt.Sprintf(`curl -s -H "Authorization: Bearer $OPENAI_API_KEY" "${OPENAI_BASE_URL:-https://api.openai.com/v1}/fine_tuning/jobs?metadata%%5B%s%%5D=%s"`,
		metaRequest, tag[metaRequest])
}

// lookUp looks with openai.Await, saying on stderr what it waits for.
func lookUp(ctx context.Context, lookupFor time.Duration, stderr io.Writer, what string, find func() (bool, error)) (bool, error) {
	return openai.Await(ctx, sleep, lookupFor, func(waited time.Duration) {
		cli.Warnf(stderr, name, "%s is not listed yet after %s; the job list can lag behind a create, looking again (for up to %s)", what, waited.Round(100*time.Millisecond), lookupFor)
	}, find)
}

// untaggedPages bounds the search for a job without the tag: a page holds
// 100 jobs, and the search stops at the first job older than the request.
const untaggedPages = 10

// untagged finds, on a server that does not keep metadata, a job made from
// this request since it was first sent: same model and files, created
// within the last attempts (allowing for clock skew), with no metadata at
// all. A server that keeps metadata would show the tag, so such a job is
// not someone else's tagged job.
func untagged(ctx context.Context, client *openai.Client, req *openai.JobRequest, since time.Time) ([]openai.Job, error) {
	const skew = 10 * time.Minute
	oldest := since.Add(-skew).Unix()
	var found []openai.Job
	p := openai.ListJobsParams{Limit: 100}
	for range untaggedPages {
		l, err := client.ListJobs(ctx, p)
		if err != nil {
			return nil, err
		}
		for _, j := range l.Data {
			if j.CreatedAt > 0 && j.CreatedAt < oldest {
				return found, nil // newest first: the rest are older still
			}
			if len(j.Metadata) == 0 && j.Model == req.Model && j.TrainingFile == req.TrainingFile &&
				j.ValidationFile == req.ValidationFile {
				found = append(found, j)
			}
		}
		if !l.HasMore || len(l.Data) == 0 || l.Data[len(l.Data)-1].ID == p.After {
			break
		}
		p.After = l.Data[len(l.Data)-1].ID
	}
	return found, nil
}

// isTerminal reports whether r is an interactive terminal, from which
// ft-upload's lines are not going to come.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && cli.IsTerminal(f)
}
