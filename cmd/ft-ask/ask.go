package main

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/ft-tools/ft/cmd/internal/ask"
	"github.com/ft-tools/ft/cmd/internal/cli"
	"github.com/ft-tools/ft/cmd/internal/openai"
	"github.com/ft-tools/ft/jsonl"
	"github.com/ft-tools/ft/tokenize"
	"github.com/goccy/go-json"
)

// example is a chat example with the metadata ft-format --keep carries.
type example struct {
	jsonl.Example
	Metadata json.RawMessage `json:"metadata,omitempty"`
}

// asked is one example ready to be asked.
type asked struct {
	file, question, expected string
	line                     int
	prompt                   []jsonl.Message
	tools                    []jsonl.Tool
	metadata                 json.RawMessage
}

func askModels(ctx context.Context, f *flags, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	switch {
	case f.Parallel < 1:
		return cli.Errorf(cli.ExitUsage, "--parallel %d: want at least 1", f.Parallel)
	case f.Temperature < 0 || f.Temperature > 2:
		return cli.Errorf(cli.ExitUsage, "--temperature %v: want 0 to 2", f.Temperature)
	case f.MaxTokens < 0:
		return cli.Errorf(cli.ExitUsage, "--max-tokens %d: want at least 1", f.MaxTokens)
	case f.MaxCost < 0 || f.PriceIn < 0 || f.PriceOut < 0:
		return cli.Errorf(cli.ExitUsage, "--max-cost, --price-in and --price-out are amounts in USD, not below 0")
	case f.Checkpoints && f.Job == "":
		return cli.Errorf(cli.ExitUsage, "--checkpoints needs --job")
	case f.Poll <= 0:
		return cli.Errorf(cli.ExitUsage, "--poll %s: want a duration above 0", f.Poll)
	}
	cfg, err := openai.LoadConfig(getenv, ".env")
	if err != nil {
		return cli.WithCode(cli.ExitUsage, err)
	}
	var client *openai.Client
	thr := ask.NewThrottle(f.Parallel)
	if !f.DryRun {
		cfg.MaxRetries, cfg.Log, cfg.Name = f.MaxRetries, stderr, name
		cfg.HTTPClient = &http.Client{Transport: thr.Transport(http.DefaultTransport.(*http.Transport).Clone())}
		if client, err = openai.New(cfg); err != nil {
			return cli.WithCode(cli.ExitUsage, err)
		}
	}

	root := getenv("FT_CACHE_DIR")
	if root == "" {
		if dir, err := os.UserCacheDir(); err == nil {
			root = filepath.Join(dir, "ft")
		}
	}

	// The job is read before the examples: both may be stdin, and
	// ft-wait's output is a file for --job - only when the examples are not.
	models := slices.Clone(f.Model)
	if f.Job != "" {
		if f.Job == "-" && (len(f.Files) == 0 || slices.Contains(f.Files, "-")) {
			return cli.Errorf(cli.ExitUsage, "--job - and the examples cannot both come from stdin")
		}
		more, err := jobModels(ctx, client, f, cfg.BaseURL, root, stdin)
		if err != nil {
			return err
		}
		models = append(models, more...)
	}
	models = dedupe(models)
	if len(models) == 0 {
		return cli.Errorf(cli.ExitUsage, "no model to ask: pass --model, or --job")
	}

	inputs := cli.Inputs(f.Files)
	if err := cli.CheckOutputs(inputs, stdin, cli.Output{Flag: "--rejects", Path: f.Rejects}); err != nil {
		return err
	}
	if err := cli.CheckStdout(inputs, stdout); err != nil {
		return err
	}
	cli.HintStdin(stderr, name, "chat examples", f.Files, stdin)
	exs, rejects, err := readExamples(f.Files, stdin, stderr)
	if err != nil {
		return err
	}
	bad := len(rejects)
	if f.Rejects != "" {
		if err := writeRejects(f.Rejects, rejects); err != nil {
			return err
		}
	}
	maxTokens := f.MaxTokens
	if maxTokens == 0 {
		maxTokens = defaultMaxTokens(exs)
	}
	tasks, err := buildTasks(exs, models, f, maxTokens)
	if err != nil {
		return err
	}

	var cache *ask.Cache
	if root != "" {
		cache = &ask.Cache{Dir: filepath.Join(root, "answers")}
	} else {
		cli.Warnf(stderr, name, "no cache directory (set FT_CACHE_DIR): every answer will be paid for again next time")
	}
	lookup := cache
	if f.NoCache {
		lookup = nil
	}
	costs := ask.Estimate(tasks, lookup, cfg.BaseURL, ask.Prices{In: f.PriceIn, Out: f.PriceOut}, f.Batch)
	total, known, sending := 0.0, true, 0
	for _, c := range costs {
		cli.Warnf(stderr, name, "%s", describeCost(c, maxTokens))
		total += c.USD
		sending += c.Requests
		if c.Requests > 0 && !c.Known {
			known = false
		}
	}
	if f.MaxCost > 0 {
		if !known {
			return cli.Errorf(cli.ExitAPIRefused, "--max-cost $%.2f: refusing to send requests whose price is unknown (give --price-in and --price-out)", f.MaxCost)
		}
		if total > f.MaxCost {
			return cli.Errorf(cli.ExitAPIRefused, "worst-case cost $%.4f is above --max-cost $%.2f; nothing sent", total, f.MaxCost)
		}
	}
	w := jsonl.NewWriter(stdout)
	if f.DryRun {
		endpoint := cfg.BaseURL + "/chat/completions"
		if f.Batch {
			endpoint = cfg.BaseURL + "/batches (one batch, its input uploaded to /files)"
		}
		cli.Warnf(stderr, name, "dry run: would send %d requests to %s, at most $%.4f%s; their bodies are on stdout, one a line; nothing sent",
			sending, endpoint, total, map[bool]string{true: "", false: " where priced"}[known])
		for i := range tasks {
			if _, hit := lookup.Get(ask.Key(cfg.BaseURL, &tasks[i].Request)); hit {
				continue
			}
			if err := w.Encode(&tasks[i].Request); err != nil {
				return err
			}
		}
		if err := w.Flush(); err != nil {
			return err
		}
		return badInput(bad)
	}

	r := &ask.Runner{Client: client, BaseURL: cfg.BaseURL, Cache: cache, Throttle: thr, NoCacheRead: f.NoCache && !f.Batch}
	if f.Batch {
		r.Fresh, r.Known, err = sendBatch(ctx, client, f, cfg.BaseURL, root, tasks, lookup, stderr)
		if err != nil {
			return err
		}
	}
	// On a terminal, one line redrawn in place says how far the run is.
	tty, done := cli.IsTerminal(stderr), 0
	st, err := r.Run(ctx, tasks, func(a *jsonl.Answer) error {
		if err := w.Encode(a); err != nil {
			return err
		}
		if done++; tty {
			fmt.Fprintf(stderr, "\r%s: %d/%d answers\x1b[K", name, done, len(tasks))
		}
		return w.Flush()
	})
	if tty && done > 0 {
		fmt.Fprintln(stderr)
	}
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	if st.CacheErr != nil {
		cli.Warnf(stderr, name, "some answers could not be cached and will be asked again next time: %v", st.CacheErr)
	}
	repeats := ""
	if st.Repeats > 0 {
		repeats = fmt.Sprintf(", %d repeats of a request asked once", st.Repeats)
	}
	cli.Warnf(stderr, name, "%d answers (%d sent, %d cached%s, %d refused by the API); %d prompt and %d answer tokens sent",
		st.Answers, st.Sent, st.Cached, repeats, st.Refused, st.Usage.PromptTokens, st.Usage.CompletionTokens)
	if n := thr.RateLimited(); n > 0 {
		cli.Warnf(stderr, name, "rate limited %d times; ended with %d requests in flight", n, thr.Limit())
	}
	if err != nil {
		if ctx.Err() != nil {
			cli.Warnf(stderr, name, "the answers received are cached: run the same command again to ask only the rest")
		}
		return err
	}
	return badInput(bad)
}

func badInput(bad int) error {
	if bad > 0 {
		return cli.Errorf(cli.ExitDataError, "%d examples skipped", bad)
	}
	return nil
}

func dedupe(models []string) []string {
	var out []string
	for _, m := range models {
		if m = strings.TrimSpace(m); m != "" && !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out
}

func describeCost(c ask.Cost, maxTokens int) string {
	if c.Requests == 0 {
		return fmt.Sprintf("%s: nothing to send, %d answers cached", c.Model, c.Cached)
	}
	s := fmt.Sprintf("%s: %d requests", c.Model, c.Requests)
	if c.Cached > 0 {
		s += fmt.Sprintf(" (%d more cached)", c.Cached)
	}
	s += fmt.Sprintf(", %d prompt tokens and at most %d answer tokens (%d each)", c.PromptTokens, c.MaxOutput, maxTokens)
	if !c.Known {
		return s + ": no price known for this model (give --price-in and --price-out)"
	}
	s += fmt.Sprintf(": at most $%.4f at $%.2f in, $%.2f out per 1M tokens", c.USD, c.Price.InputUSDPerMTok, c.Price.OutputUSDPerMTok)
	if c.Price.Date != "" {
		s += " (prices of " + c.Price.Date + ")"
	}
	return s
}

// readExamples reads the chat examples of the inputs. A line that cannot
// be asked is reported with its place and skipped; an input of which no
// line is JSON is unreadable.
func readExamples(files []string, stdin io.Reader, stderr io.Writer) (out []asked, rejects [][]byte, err error) {
	for _, arg := range cli.Inputs(files) {
		rc, fname, err := cli.Open(arg, stdin)
		if err != nil {
			return nil, nil, err
		}
		rd := jsonl.NewReader(rc, fname)
		records, notJSON := 0, 0
		for rd.Next() {
			var ex example
			if err := rd.Decode(&ex); err != nil {
				cli.Warnf(stderr, name, "%v", err)
				rejects = append(rejects, bytes.Clone(rd.Bytes()))
				notJSON++
				continue
			}
			records++
			prompt, q, want, perr := ask.Prompt(&ex.Example)
			if perr != nil {
				cli.Warnf(stderr, name, "%v", rd.Errorf("example_missing_assistant_message", "messages", "%v; skipped", perr))
				rejects = append(rejects, bytes.Clone(rd.Bytes()))
				continue
			}
			tools := ex.Tools
			if ex.Input != nil {
				tools = ex.Input.Tools
			}
			out = append(out, asked{file: fname, line: rd.Line(), question: q, expected: want, prompt: prompt, tools: tools, metadata: ex.Metadata})
		}
		rc.Close()
		if err := rd.Err(); err != nil {
			return nil, nil, cli.Errorf(cli.ExitUnreadable, "%s: %v", fname, err)
		}
		if records == 0 && notJSON > 0 {
			return nil, nil, cli.Errorf(cli.ExitUnreadable, "%s: no line is a JSON object", fname)
		}
	}
	return out, rejects, nil
}

// writeRejects writes the lines that could not be asked, whole or not at
// all when FILE is a regular file, straight through when it is not.
func writeRejects(path string, lines [][]byte) error {
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return cli.Errorf(cli.ExitUnreadable, "--rejects: %v", err)
		}
		defer f.Close()
		w := jsonl.NewWriter(f)
		for _, l := range lines {
			if err := w.WriteLine(l); err != nil {
				return err
			}
		}
		return w.Flush()
	}
	af, err := cli.CreateAtomic(path)
	if err != nil {
		return cli.Errorf(cli.ExitUnreadable, "--rejects: %v", err)
	}
	defer af.Abort()
	w := jsonl.NewWriter(af)
	for _, l := range lines {
		if err := w.WriteLine(l); err != nil {
			return err
		}
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("--rejects %s: %w", path, err)
	}
	if err := af.Commit(); err != nil {
		return fmt.Errorf("--rejects %s: %w", path, err)
	}
	return nil
}

// defaultMaxTokens leaves room for an answer twice as long as the longest
// expected one: enough for a model that writes a little more than the
// reference, small enough that a rambling one is cut before it is costly.
func defaultMaxTokens(exs []asked) int {
	c, _ := tokenize.New("gpt-4o-mini")
	longest := 0
	for i := range exs {
		longest = max(longest, c.Text(exs[i].expected))
	}
	return max(64, 2*longest)
}

func buildTasks(exs []asked, models []string, f *flags, maxTokens int) ([]ask.Task, error) {
	fallback, err := tokenize.New("gpt-4o-mini")
	if err != nil {
		return nil, err
	}
	counters := map[string]*tokenize.Counter{}
	temp, seed := f.Temperature, f.Seed
	tasks := make([]ask.Task, 0, len(exs)*len(models))
	for i := range exs {
		e := &exs[i]
		for _, m := range models {
			c, ok := counters[m]
			if !ok {
				if c, err = tokenize.New(m); err != nil {
					c = fallback // an unknown model is counted as the current family is
				}
				counters[m] = c
			}
			req := openai.ChatRequest{Model: m, Messages: e.prompt, Tools: e.tools, Temperature: &temp, Seed: &seed, MaxCompletionTokens: maxTokens}
			n := c.Example(&jsonl.Example{Messages: e.prompt, Tools: e.tools}).Total
			tasks = append(tasks, ask.Task{File: e.file, Line: e.line, Question: e.question, Expected: e.expected,
				Metadata: e.metadata, Request: req, PromptTokens: n})
		}
	}
	return tasks, nil
}

// jobModels returns the fine-tuned model of --job and, with
// --checkpoints, its checkpoint models, oldest first.
func jobModels(ctx context.Context, client *openai.Client, f *flags, baseURL, root string, stdin io.Reader) ([]string, error) {
	var job openai.Job
	// A job that has succeeded does not change: its models are kept, so
	// that a rerun, or a dry run, needs no call to learn them again.
	var kept string
	if root != "" && strings.HasPrefix(f.Job, "ftjob-") {
		h := sha256.Sum256([]byte(baseURL + "\n" + f.Job + "\n" + strconv.FormatBool(f.Checkpoints)))
		kept = filepath.Join(root, "jobs", hex.EncodeToString(h[:16])+".json")
		var models []string
		if data, err := os.ReadFile(kept); err == nil && json.Unmarshal(data, &models) == nil && len(models) > 0 {
			return models, nil
		}
	}
	models, err := lookupJobModels(ctx, client, f, stdin, &job)
	if err == nil && kept != "" && job.Status == openai.StatusSucceeded {
		keepJobModels(kept, models)
	}
	return models, err
}

// keepJobModels writes the models of a job whole or not at all; a failure
// costs a lookup next time, nothing more.
func keepJobModels(path string, models []string) {
	data, _ := json.Marshal(models)
	if os.MkdirAll(filepath.Dir(path), 0o755) != nil {
		return
	}
	af, err := cli.CreateAtomic(path)
	if err != nil {
		return
	}
	defer af.Abort()
	if _, err := af.Write(data); err == nil {
		af.Commit()
	}
}

func lookupJobModels(ctx context.Context, client *openai.Client, f *flags, stdin io.Reader, jobOut *openai.Job) ([]string, error) {
	var job openai.Job
	defer func() { *jobOut = job }()
	// ft-wait's final line carries the job's checkpoints; a job looked up
	// by ID, or an older ft-wait's line, has them listed.
	var cps []openai.Checkpoint
	listed := false
	if strings.HasPrefix(f.Job, "ftjob-") {
		if client == nil {
			return nil, cli.Errorf(cli.ExitUsage, "--dry-run calls nothing, so --job %s cannot be looked up: pass ft-wait's output file instead", f.Job)
		}
		var err error
		if job, err = client.GetJob(ctx, f.Job); err != nil {
			return nil, err
		}
	} else {
		rc, fname, err := cli.Open(f.Job, stdin)
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, cli.Errorf(cli.ExitUnreadable, "%s: %v", fname, err)
		}
		lines := bytes.Split(bytes.TrimRight(data, "\r\n\t "), []byte("\n"))
		last := bytes.TrimSpace(lines[len(lines)-1])
		var extra struct {
			Checkpoints *[]openai.Checkpoint `json:"checkpoints"`
		}
		if json.Unmarshal(last, &job) != nil || json.Unmarshal(last, &extra) != nil || !strings.HasPrefix(job.ID, "ftjob-") {
			return nil, cli.Errorf(cli.ExitUnreadable, "%s:%d: the last line is not a fine-tuning job (want ft-wait's output)", fname, len(lines))
		}
		if extra.Checkpoints != nil {
			cps, listed = *extra.Checkpoints, true
		}
	}
	if job.FineTunedModel == "" {
		return nil, cli.Errorf(cli.ExitDataError, "job %s is %s and has no fine-tuned model", job.ID, job.Status)
	}
	models := []string{job.FineTunedModel}
	if !f.Checkpoints {
		return models, nil
	}
	if !listed {
		if client == nil {
			return nil, cli.Errorf(cli.ExitUsage, "--dry-run calls nothing, so the checkpoints of %s cannot be listed (ft-wait's final line would have them)", job.ID)
		}
		var err error
		if cps, err = client.Checkpoints(ctx, job.ID); err != nil {
			return nil, err
		}
	}
	slices.SortStableFunc(cps, func(a, b openai.Checkpoint) int { return cmp.Compare(a.StepNumber, b.StepNumber) })
	for _, c := range cps {
		if c.FineTunedModelCheckpoint != "" {
			models = append(models, c.FineTunedModelCheckpoint)
		}
	}
	return models, nil
}
