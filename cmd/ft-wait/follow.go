package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ft-tools/ft/cmd/internal/cli"
	"github.com/ft-tools/ft/cmd/internal/openai"
	"github.com/ft-tools/ft/jsonl"
	"github.com/goccy/go-json"
)

// waitJobs follows the jobs one after the other and returns the exit
// status: the worst of the jobs' (0 succeeded, 1 failed or cancelled, 4 or
// 5 when the API refused or could not be reached), 130 on Ctrl-C.
func waitJobs(ctx context.Context, f *flags, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	jobs, err := readJobs(f.Jobs, stdin, f.DryRun)
	switch {
	case err != nil:
	case f.After != "" && len(jobs) != 1:
		err = cli.Errorf(cli.ExitUsage, "--after names an event of one job; %d jobs given", len(jobs))
	case f.Interval <= 0:
		err = cli.Errorf(cli.ExitUsage, "--interval %s: want a time above 0", f.Interval)
	case f.Timeout < 0:
		err = cli.Errorf(cli.ExitUsage, "--timeout %s: want a duration, 0 for none", f.Timeout)
	}
	if err != nil {
		return cli.Report(stderr, name, err)
	}
	if f.DryRun {
		for _, j := range jobs {
			switch {
			case f.Pause:
				cli.Warnf(stderr, name, "dry run: would pause %s and print it", j)
			default:
				cli.Warnf(stderr, name, "dry run: would follow %s every %s, printing its events and then the final job", j, f.Interval)
			}
		}
		return cli.ExitOK
	}
	cfg, err := openai.LoadConfig(getenv, ".env")
	if err != nil {
		return cli.Report(stderr, name, cli.WithCode(cli.ExitUsage, err))
	}
	// A poll is small: an answer slower than requestTimeout is retried
	// rather than waited for.
	cfg.MaxRetries, cfg.Log, cfg.Name, cfg.Timeout = f.MaxRetries, stderr, name, requestTimeout
	client, err := openai.New(cfg)
	if err != nil {
		return cli.Report(stderr, name, cli.WithCode(cli.ExitUsage, err))
	}
	w := &waiter{client: client, out: jsonl.NewWriter(stdout), stderr: stderr, tty: cli.IsTerminal(stderr),
		interval: time.Duration(f.Interval), sleep: openai.Sleep}
	if !f.NoState {
		dir := f.StateDir
		if dir == "" {
			if cache, err := os.UserCacheDir(); err == nil {
				dir = filepath.Join(cache, "ft", "wait")
			}
		}
		if dir != "" {
			w.state = &stateDir{dir: dir, api: cfg.BaseURL, stderr: stderr}
			w.state.clean(jobs)
		}
	}
	runCtx := ctx
	if f.Timeout > 0 {
		var cancel context.CancelFunc
		runCtx, cancel = context.WithTimeout(ctx, f.Timeout)
		defer cancel()
	}
	if f.Pause {
		return pauseJobs(runCtx, client, jobs, w.out, stderr)
	}
	code := cli.ExitOK
	for i, id := range jobs {
		fl := &followed{id: id, last: f.After, resumed: f.After != ""}
		switch {
		case f.Cancel:
			err = cancelJob(runCtx, client, id, stderr)
		case f.Resume:
			err = resumeJob(runCtx, client, id, stderr)
		}
		if err == nil {
			err = w.follow(runCtx, fl)
		}
		w.clearStatus()
		switch {
		case err == nil && fl.done:
			cli.Warnf(stderr, name, "%s %s: its events and final object were printed by an earlier run (--no-state prints them again)", id, fl.job.Status)
			code = max(code, exitFor(fl.job.Status))
		case err == nil:
			final := w.summarize(runCtx, fl)
			w.out.Encode(final)
			if err := w.out.Flush(); err != nil {
				return cli.Report(stderr, name, err)
			}
			// Kept, not removed: a run killed after this line and started
			// again must not print the job's whole history a second time.
			w.state.save(fl.job, fl.last, true)
			code = max(code, exitFor(fl.job.Status))
		case ctx.Err() != nil:
			return w.interrupted(jobs[i:], fl.last, f.CancelOnInterrupt)
		case runCtx.Err() != nil:
			cli.Warnf(stderr, name, "timed out after %s; left running:", f.Timeout)
			w.hint(jobs[i:], fl.last)
			return cli.ExitUnavailable
		default:
			c := cli.Report(stderr, name, fmt.Errorf("%s: %w", id, err))
			if cli.IsBrokenPipe(err) {
				return c
			}
			code = max(code, c)
			if c == cli.ExitUnavailable {
				w.hint(jobs[i:], fl.last)
				return code
			}
		}
		err = nil
	}
	return code
}

// cancelJob asks for the job to be cancelled; a job that has already
// ended is not an error, it is followed to print its end.
func cancelJob(ctx context.Context, client *openai.Client, id string, stderr io.Writer) error {
	_, err := client.CancelJob(ctx, id)
	if err == nil {
		cli.Warnf(stderr, name, "%s: cancel requested", id)
		return nil
	}
	if j, gerr := client.GetJob(ctx, id); gerr == nil && openai.Terminal(j.Status) {
		cli.Warnf(stderr, name, "%s: already %s", id, j.Status)
		return nil
	}
	return err
}

// pauseJobs pauses each job and prints it as the API answered; a job that
// cannot be paused (it has ended, or is not running yet) is an error for
// that job only.
func pauseJobs(ctx context.Context, client *openai.Client, jobs []string, out *jsonl.Writer, stderr io.Writer) int {
	code := cli.ExitOK
	for _, id := range jobs {
		j, err := client.PauseJob(ctx, id)
		if err != nil {
			code = max(code, cli.Report(stderr, name, fmt.Errorf("%s: %w", id, err)))
			continue
		}
		cli.Warnf(stderr, name, "%s: pause requested (now %s); resume it with: ft-wait --resume %s", id, j.Status, id)
		out.Encode(j)
		if err := out.Flush(); err != nil {
			return cli.Report(stderr, name, err)
		}
	}
	return code
}

// resumeJob asks for a paused job to go on; a job that is not paused is
// followed as it is, with a word on stderr.
func resumeJob(ctx context.Context, client *openai.Client, id string, stderr io.Writer) error {
	_, err := client.ResumeJob(ctx, id)
	if err == nil {
		cli.Warnf(stderr, name, "%s: resume requested", id)
		return nil
	}
	if j, gerr := client.GetJob(ctx, id); gerr == nil && j.Status != openai.StatusPaused {
		cli.Warnf(stderr, name, "%s: not paused (%s); following it", id, j.Status)
		return nil
	}
	return err
}

// interrupted leaves the jobs running (or cancels them) and says how to go on.
func (w *waiter) interrupted(jobs []string, last string, cancel bool) int {
	if !cancel {
		cli.Warnf(w.stderr, name, "interrupted; left running:")
		w.hint(jobs, last)
		return cli.ExitInterrupted
	}
	ctx, stop := context.WithTimeout(context.Background(), 30*time.Second)
	defer stop()
	for _, id := range jobs {
		if j, err := w.client.CancelJob(ctx, id); err != nil {
			cli.Warnf(w.stderr, name, "interrupted; cancelling %s failed: %v; cancel it with: ft-wait --cancel %s", id, err, id)
		} else {
			cli.Warnf(w.stderr, name, "interrupted; cancelled %s (now %s)", id, j.Status)
		}
	}
	return cli.ExitInterrupted
}

// hint prints the commands that resume waiting for the jobs and that
// cancel them; the first job goes on after the event last.
func (w *waiter) hint(jobs []string, last string) {
	for i, id := range jobs {
		after := ""
		if i == 0 && last != "" {
			after = "--after " + last + " "
		}
		fmt.Fprintf(w.stderr, "  resume: ft-wait %s%s\n  cancel: ft-wait --cancel %s\n", after, id, id)
	}
}

// readJobs returns the job IDs of the arguments, or of stdin's lines:
// ft-train's job objects or bare IDs. With dryRun, ft-train's dry-run
// request bodies are described instead.
func readJobs(args []string, stdin io.Reader, dryRun bool) ([]string, error) {
	for _, a := range args {
		// ft-train's output saved to a file is the likely mistake: asking
		// the API for a job named job.jsonl would only end in a 404.
		if st, err := os.Stat(a); err == nil && st.Mode().IsRegular() && !strings.HasPrefix(a, "ftjob-") {
			return nil, cli.Errorf(cli.ExitUsage, "%s is a file, not a job ID; ft-wait reads ft-train's lines from stdin: ft-wait < %s", a, a)
		}
	}
	if len(args) > 0 && !slices.Contains(args, "-") {
		return args, nil
	}
	if len(args) > 0 { // "-" stands for stdin's jobs among the IDs
		var jobs []string
		for _, a := range args {
			if a != "-" {
				jobs = append(jobs, a)
				continue
			}
			fromStdin, err := readJobs(nil, stdin, dryRun)
			if err != nil {
				return nil, err
			}
			jobs = append(jobs, fromStdin...)
			stdin = strings.NewReader("") // read once
		}
		return jobs, nil
	}
	if r, ok := stdin.(*os.File); ok && cli.IsTerminal(r) {
		return nil, cli.Errorf(cli.ExitUsage, "no job: give job IDs or pipe ft-train's output in")
	}
	var jobs []string
	jr := jsonl.NewReader(stdin, cli.StdinName)
	for jr.Next() {
		text := strings.TrimSpace(string(jr.Bytes()))
		if !strings.HasPrefix(text, "{") {
			jobs = append(jobs, text)
			continue
		}
		var j struct {
			ID           string `json:"id"`
			Model        string `json:"model"`
			TrainingFile string `json:"training_file"`
		}
		if err := jr.Decode(&j); err != nil {
			return nil, cli.WithCode(cli.ExitUnreadable, err)
		}
		switch {
		case j.ID != "":
			jobs = append(jobs, j.ID)
		case dryRun && j.TrainingFile != "":
			jobs = append(jobs, fmt.Sprintf("the job ft-train would create (%s on %s)", j.Model, j.TrainingFile))
		default:
			return nil, jr.Errorf("missing_id", "id", "not a job object from ft-train")
		}
	}
	if err := jr.Err(); err != nil {
		return nil, cli.WithCode(cli.ExitUnreadable, err)
	}
	if len(jobs) == 0 {
		return nil, cli.Errorf(cli.ExitUsage, "no job: give job IDs or pipe ft-train's output in")
	}
	return jobs, nil
}

// eventPage is how many events one request asks for.
const eventPage = 100

// requestTimeout bounds one attempt of a request.
const requestTimeout = time.Minute

// waiter follows jobs to their end.
type waiter struct {
	client   *openai.Client
	out      *jsonl.Writer
	stderr   io.Writer
	tty      bool // stderr is a terminal: draw the status line
	interval time.Duration
	state    *stateDir
	sleep    func(ctx context.Context, d time.Duration) error
	shown    bool // a status line is on the screen
}

// followed is what is known of a job while it is followed.
type followed struct {
	id      string
	job     openai.Job
	last    string // the last event printed (or given by --after / the state)
	resumed bool   // events before last were printed by an earlier run
	points  []point
	step    int64
	total   int64
	loss    float64
	// done: an earlier run printed the job's end, which is not printed again.
	done        bool
	pausedShown bool
}

// follow prints the job's events after f.last as they come and returns
// when the job reaches a final status, with f.job the final object.
func (w *waiter) follow(ctx context.Context, f *followed) error {
	seen := map[string]bool{}
	for first := true; ; first = false {
		job, err := w.client.GetJob(ctx, f.id)
		if err != nil {
			return err
		}
		f.job = job
		if first && f.last == "" {
			st := w.state.load(job)
			if st.Final && openai.Terminal(job.Status) {
				f.done = true
				return nil
			}
			if f.last = st.LastEvent; f.last != "" {
				f.resumed = true
			}
		}
		// Events after the job object: when the job is final, every event
		// it will ever have is listed.
		events, err := w.client.EventsSince(ctx, f.id, f.last, eventPage)
		if err != nil {
			return err
		}
		for _, e := range events {
			if seen[e.ID] {
				continue
			}
			seen[e.ID] = true
			w.clearStatus()
			w.out.Encode(e)
			// Each line is out before the state names it, and the state
			// follows at once: a kill between the two repeats that one
			// line, never loses one.
			if err := w.out.Flush(); err != nil {
				return err
			}
			f.last = e.ID
			w.state.save(job, f.last, false)
			f.note(e)
		}
		if job.Status == openai.StatusPaused && !f.pausedShown {
			w.clearStatus()
			cli.Warnf(w.stderr, name, "%s is paused; resume it with: ft-wait --resume %s", f.id, f.id)
		}
		f.pausedShown = job.Status == openai.StatusPaused
		w.showStatus(f)
		if openai.Terminal(job.Status) {
			w.clearStatus()
			return nil
		}
		if err := w.sleep(ctx, w.interval); err != nil {
			return err
		}
	}
}

var stepRE = regexp.MustCompile(`\bStep (\d+)/(\d+)`)

// note records a metrics event's step and loss for the status line and
// the chart.
func (f *followed) note(e openai.Event) {
	m, ok := e.Metrics()
	if !ok {
		return
	}
	f.step, f.total = m.Step, m.TotalSteps
	if s := stepRE.FindStringSubmatch(e.Message); s != nil && f.total == 0 {
		f.total, _ = strconv.ParseInt(s[2], 10, 64)
	}
	if m.TrainLoss != nil {
		f.loss = *m.TrainLoss
		f.points = append(f.points, point{Step: int(m.Step), Loss: *m.TrainLoss})
	}
}

func (w *waiter) showStatus(f *followed) {
	if !w.tty {
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s %s", name, f.id, f.job.Status)
	if f.step > 0 {
		fmt.Fprintf(&b, " · step %d", f.step)
		if f.total > 0 {
			fmt.Fprintf(&b, "/%d", f.total)
		}
		fmt.Fprintf(&b, " · loss %.4f", f.loss)
	}
	if f.job.CreatedAt > 0 {
		fmt.Fprintf(&b, " · %s", time.Since(time.Unix(f.job.CreatedAt, 0)).Round(time.Second))
	}
	fmt.Fprintf(w.stderr, "\r\x1b[K%s", b.String())
	w.shown = true
}

func (w *waiter) clearStatus() {
	if w.shown {
		fmt.Fprint(w.stderr, "\r\x1b[K")
		w.shown = false
	}
}

// summarize prints how the job ended: its error when it failed, the trained
// tokens beside ft-train's estimate, the loss curve and the checkpoints. It
// returns the final line: the job object, with its checkpoints added.
func (w *waiter) summarize(ctx context.Context, f *followed) json.RawMessage {
	j := f.job
	final, _ := json.Marshal(j)
	switch j.Status {
	case openai.StatusSucceeded:
		cli.Warnf(w.stderr, name, "%s succeeded: %s", j.ID, j.FineTunedModel)
	default:
		why := "no reason given"
		if j.Error != nil {
			why = j.Error.Error()
		}
		cli.Warnf(w.stderr, name, "%s %s: %s", j.ID, j.Status, why)
	}
	if j.TrainedTokens > 0 {
		cli.Warnf(w.stderr, name, "%s trained tokens%s", cli.Thousands(j.TrainedTokens), estimateNote(j))
	}
	pts := f.points
	if f.resumed {
		// The curve's start was printed by an earlier run: read it again.
		if all, err := w.client.EventsSince(ctx, f.id, "", eventPage); err == nil {
			var g followed
			for _, e := range all {
				g.note(e)
			}
			pts = g.points
		}
	}
	writeChart(w.stderr, fmt.Sprintf("%s: training loss of %s", name, j.ID), pts)
	cps, err := w.checkpoints(ctx, j.ID)
	if err != nil {
		cli.Warnf(w.stderr, name, "%s: cannot list the checkpoints: %v", j.ID, err)
		return final
	}
	if len(cps) == 0 {
		return final
	}
	writeCheckpoints(w.stderr, j.ID, cps)
	return withCheckpoints(final, cps)
}

// estimateNote compares the trained tokens with ft-train's estimate: the
// training file's tokens (the ft_tokens metadata) times the epochs.
func estimateNote(j openai.Job) string {
	tokens, err := strconv.ParseInt(j.Metadata["ft_tokens"], 10, 64)
	if err != nil || tokens <= 0 {
		return " (no estimate: the job was not started by ft-train from ft-upload's output)"
	}
	h := j.EffectiveHyperparameters()
	if h == nil || h.NEpochs == nil || h.NEpochs.Auto || h.NEpochs.N <= 0 {
		return fmt.Sprintf(" (%s tokens per epoch in the training file)", cli.Thousands(tokens))
	}
	epochs := int64(h.NEpochs.N)
	est := tokens * epochs
	return fmt.Sprintf(" (estimated %s: %s tokens × %d epochs; %+.1f%%)", cli.Thousands(est), cli.Thousands(tokens), epochs,
		100*(float64(j.TrainedTokens)-float64(est))/float64(est))
}

// stateDir keeps, for each job being followed, the ID of the last event
// printed and whether the final object was, so that a restarted ft-wait
// goes on where the last one stopped. A file is named after the job and the
// API it is on and holds the job's creation time (a job of the same ID on
// another server, or a test server started again, is not mistaken for it).
// It is written after each line, so that a kill repeats at most the line
// whose write and save it split. A nil *stateDir keeps nothing.
type stateDir struct {
	dir    string
	api    string // base URL
	stderr io.Writer
	failed bool
}

type state struct {
	Job       string `json:"job"`
	API       string `json:"api"`
	CreatedAt int64  `json:"created_at"`
	LastEvent string `json:"last_event"`
	Final     bool   `json:"final,omitempty"` // the final job object was printed
}

var unsafeID = regexp.MustCompile(`[^A-Za-z0-9_.-]`)

func (s *stateDir) path(id string) string {
	h := sha256.Sum256([]byte(s.api))
	return filepath.Join(s.dir, unsafeID.ReplaceAllString(id, "_")+"."+hex.EncodeToString(h[:4])+".json")
}

// Ages past which clean removes what other runs left: a temporary file no
// writer can still be using, and the state of a job finished long ago.
const (
	staleTemp  = time.Minute
	staleFinal = 30 * 24 * time.Hour
)

// clean removes what killed runs left in the directory: the temporary
// files of the jobs about to be followed (no other run should be writing
// them), any other temporary file older than staleTemp, and the states of
// jobs whose end was printed more than staleFinal ago.
func (s *stateDir) clean(jobs []string) {
	if s == nil {
		return
	}
	mine := map[string]bool{}
	for _, id := range jobs {
		mine[filepath.Base(s.path(id))] = true
	}
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return
	}
	now := time.Now()
	for _, e := range entries {
		n := e.Name()
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() {
			continue
		}
		age := now.Sub(info.ModTime())
		switch {
		case strings.HasPrefix(n, ".") && strings.HasSuffix(n, ".tmp"):
			target, _, _ := strings.Cut(strings.TrimPrefix(n, "."), ".json.")
			if mine[target+".json"] || age > staleTemp {
				os.Remove(filepath.Join(s.dir, n))
			}
		case strings.HasSuffix(n, ".json") && age > staleFinal:
			if b, err := os.ReadFile(filepath.Join(s.dir, n)); err == nil {
				var st state
				if json.Unmarshal(b, &st) == nil && st.Final {
					os.Remove(filepath.Join(s.dir, n))
				}
			}
		}
	}
}

// load returns what is known of the job, the zero state if nothing is.
func (s *stateDir) load(job openai.Job) state {
	if s == nil {
		return state{}
	}
	b, err := os.ReadFile(s.path(job.ID))
	if err != nil {
		return state{}
	}
	var st state
	if json.Unmarshal(b, &st) != nil || st.Job != job.ID || st.API != s.api || st.CreatedAt != job.CreatedAt {
		return state{}
	}
	return st
}

// save records the last event printed, and whether the final object was.
// The file is replaced by a rename, so that a reader sees the old state or
// the new one; it is not synced, because a kill does not lose what the
// kernel holds and a sync per line would slow every event down for the
// sake of a power cut.
func (s *stateDir) save(job openai.Job, last string, final bool) {
	if s == nil || s.failed {
		return
	}
	b, err := json.Marshal(state{Job: job.ID, API: s.api, CreatedAt: job.CreatedAt, LastEvent: last, Final: final})
	if err == nil {
		err = os.MkdirAll(s.dir, 0o755)
	}
	target := s.path(job.ID)
	var tmp *os.File
	if err == nil {
		tmp, err = os.CreateTemp(s.dir, "."+filepath.Base(target)+".*.tmp")
	}
	if err == nil {
		_, err = tmp.Write(append(b, '\n'))
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Rename(tmp.Name(), target)
		}
		if err != nil {
			os.Remove(tmp.Name())
		}
	}
	if err != nil {
		s.failed = true
		how := "--after " + last
		if final {
			how = "to ignore its output"
		}
		cli.Warnf(s.stderr, name, "cannot keep the last event printed (%v); a restart will need %s", err, how)
	}
}

// exitFor maps a final status to the exit status.
func exitFor(status string) int {
	if status == openai.StatusSucceeded {
		return cli.ExitOK
	}
	return cli.ExitDataError
}
