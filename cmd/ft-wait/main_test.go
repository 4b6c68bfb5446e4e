package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ft-tools/ft/cmd/internal/cli"
	"github.com/ft-tools/ft/cmd/internal/fakeopenai"
	"github.com/ft-tools/ft/cmd/internal/openai"
	"github.com/goccy/go-json"
	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){name: main})
}

func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("XDG_CACHE_HOME", filepath.Join(env.WorkDir, "cache"))
			return nil
		},
		Cmds: map[string]func(*testscript.TestScript, bool, []string){
			"fakeopenai":  fakeopenai.Cmd,
			"mkjob":       mkjobCmd,
			"checkevents": checkEventsCmd,
			"lastevent":   lastEventCmd,
			"waitfile":    waitFileCmd,
			"statefiles":  stateFilesCmd,
		},
	})
}

func scriptClient(ts *testscript.TestScript) *openai.Client {
	c, err := openai.New(openai.Config{APIKey: ts.Getenv("OPENAI_API_KEY"), BaseURL: ts.Getenv("OPENAI_BASE_URL")})
	ts.Check(err)
	return c
}

// mkjobCmd is `mkjob VAR [FILE]`: it creates a job on the fake server as
// ft-train would (3 epochs, 100 tokens per epoch), sets VAR to its ID and
// writes ft-train's line to FILE.
func mkjobCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: mkjob VAR [FILE]")
	}
	job, err := newJob(context.Background(), scriptClient(ts))
	ts.Check(err)
	ts.Setenv(args[0], job.ID)
	if len(args) == 2 {
		b, err := json.Marshal(job)
		ts.Check(err)
		ts.Check(os.WriteFile(ts.MkAbs(args[1]), append(b, '\n'), 0o644))
	}
}

func newJob(ctx context.Context, c *openai.Client) (openai.Job, error) {
	f, err := c.UploadFile(ctx, "train.jsonl", []byte(strings.Repeat(`{"messages":[]}`+"\n", 40)), "fine-tune")
	if err != nil {
		return openai.Job{}, err
	}
	return c.CreateJob(ctx, openai.JobRequest{Model: "gpt-4o-mini-2024-07-18", TrainingFile: f.ID,
		Method:   &openai.Method{Type: "supervised", Supervised: &openai.MethodParams{Hyperparameters: &openai.Hyperparameters{NEpochs: openai.Num(3)}}},
		Metadata: map[string]string{"ft_tokens": "100"}})
}

// checkEventsCmd is `checkevents JOB FILE...`: the events in the files (the
// outputs of one or more runs of ft-wait, in order) are every event of the
// job on the server, oldest first, each once.
func checkEventsCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: checkevents JOB FILE...")
	}
	want, err := scriptClient(ts).EventsSince(context.Background(), args[0], "", 1000)
	ts.Check(err)
	var wantIDs, got []string
	for _, e := range want {
		wantIDs = append(wantIDs, e.ID)
	}
	for _, name := range args[1:] {
		sc := bufio.NewScanner(strings.NewReader(ts.ReadFile(name)))
		for sc.Scan() {
			var o struct{ ID, Object string }
			ts.Check(json.Unmarshal(sc.Bytes(), &o))
			if o.Object == "fine_tuning.job.event" {
				got = append(got, o.ID)
			}
		}
	}
	if !slices.Equal(got, wantIDs) {
		ts.Fatalf("events printed:\n%v\nwant (the server's, oldest first):\n%v", got, wantIDs)
	}
	ts.Logf("%d events, each once, in order", len(got))
}

// lastEventCmd is `lastevent FILE VAR`: VAR is set to the ID of the last
// event in FILE.
func lastEventCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: lastevent FILE VAR")
	}
	last := ""
	sc := bufio.NewScanner(strings.NewReader(ts.ReadFile(args[0])))
	for sc.Scan() {
		var o struct{ ID, Object string }
		ts.Check(json.Unmarshal(sc.Bytes(), &o))
		if o.Object == "fine_tuning.job.event" {
			last = o.ID
		}
	}
	if last == "" {
		ts.Fatalf("no event in %s", args[0])
	}
	ts.Setenv(args[1], last)
}

// waitFileCmd is `waitfile PATTERN`: it waits up to 30 s for a file
// matching PATTERN to appear.
func waitFileCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: waitfile PATTERN")
	}
	for range 3000 {
		if m, _ := filepath.Glob(ts.MkAbs(args[0])); len(m) > 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	ts.Fatalf("%s did not appear", args[0])
}

// stateFilesCmd is `statefiles DIR N`: DIR holds N state files.
func stateFilesCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: statefiles DIR N")
	}
	m, _ := filepath.Glob(filepath.Join(ts.MkAbs(args[0]), "*.json"))
	if fmt.Sprint(len(m)) != args[1] {
		ts.Fatalf("%d state files in %s (%v), want %s", len(m), args[0], m, args[1])
	}
}

// A state is only used for the job it was kept for: same API, same
// creation time.
func TestState(t *testing.T) {
	s := &stateDir{dir: t.TempDir(), api: "http://127.0.0.1:1/v1"}
	job := openai.Job{ID: "ftjob-1", CreatedAt: 100}
	if got := s.load(job); got != (state{}) {
		t.Fatalf("empty state gave %+v", got)
	}
	s.save(job, "ftevent-9", false)
	if got := s.load(job); got.LastEvent != "ftevent-9" || got.Final {
		t.Errorf("load = %+v, want ftevent-9, not final", got)
	}
	s.save(job, "ftevent-10", true)
	if got := s.load(job); got.LastEvent != "ftevent-10" || !got.Final {
		t.Errorf("load = %+v, want ftevent-10, final", got)
	}
	if got := s.load(openai.Job{ID: "ftjob-1", CreatedAt: 101}); got != (state{}) {
		t.Errorf("a job created at another time got the state %+v", got)
	}
	other := &stateDir{dir: s.dir, api: "http://127.0.0.1:2/v1"}
	if got := other.load(job); got != (state{}) {
		t.Errorf("the same job ID on another API got the state %+v", got)
	}
	var nilState *stateDir
	nilState.save(job, "x", false)
	nilState.clean([]string{"ftjob-1"})
	if got := nilState.load(job); got != (state{}) {
		t.Errorf("no state dir gave %+v", got)
	}
}

// clean removes the temporary files a kill left: at once for the jobs
// about to be followed, after a while for others, which another run may be
// writing; and the states of jobs finished long ago.
func TestStateClean(t *testing.T) {
	s := &stateDir{dir: t.TempDir(), api: "http://127.0.0.1:1/v1"}
	old := time.Now().Add(-2 * staleTemp)
	ancient := time.Now().Add(-2 * staleFinal)
	mk := func(name string, mtime time.Time, content string) string {
		p := filepath.Join(s.dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, mtime, mtime); err != nil {
			t.Fatal(err)
		}
		return p
	}
	base := func(id string) string { return filepath.Base(s.path(id)) }
	mineTmp := mk("."+base("ftjob-mine")+".123.tmp", time.Now(), "{")
	otherNew := mk("."+base("ftjob-other")+".456.tmp", time.Now(), "{")
	otherOld := mk("."+base("ftjob-other")+".789.tmp", old, "{")
	s.save(openai.Job{ID: "ftjob-done", CreatedAt: 1}, "e", true)
	done := s.path("ftjob-done")
	os.Chtimes(done, ancient, ancient)
	s.save(openai.Job{ID: "ftjob-going", CreatedAt: 1}, "e", false)
	going := s.path("ftjob-going")
	os.Chtimes(going, ancient, ancient)
	s.clean([]string{"ftjob-mine"})
	for p, want := range map[string]bool{mineTmp: false, otherNew: true, otherOld: false, done: false, going: true} {
		_, err := os.Stat(p)
		if got := err == nil; got != want {
			t.Errorf("%s: exists %v, want %v", filepath.Base(p), got, want)
		}
	}
}

// TestExitCodes pins the exit status of each outcome.
func TestExitCodes(t *testing.T) {
	for _, tc := range []struct {
		name      string
		args      []string // the job ID is appended unless noJob
		opts      fakeopenai.Options
		faults    []string
		noKey     bool
		noJob     bool
		cancelled bool // the context is cancelled before the start
		want      int
		status    string // the job's status on the server at the end
	}{
		{name: "succeeded", want: cli.ExitOK, status: "succeeded"},
		{name: "failed", opts: fakeopenai.Options{Life: fakeopenai.Life{Outcome: "failed"}}, want: cli.ExitDataError, status: "failed"},
		{name: "failed while running", opts: fakeopenai.Options{Life: fakeopenai.Life{Outcome: "failed", FailAtStep: 4}}, want: cli.ExitDataError, status: "failed"},
		{name: "cancelled", args: []string{"--cancel"}, want: cli.ExitDataError, status: "cancelled"},
		{name: "transient errors", faults: []string{"500 GET /v1/fine_tuning/jobs/*/events retry_after_ms=1", "429 GET /v1/fine_tuning/jobs/* nth=2 retry_after_ms=1", "drop GET /v1/fine_tuning/jobs/* nth=3"}, want: cli.ExitOK, status: "succeeded"},
		{name: "slow answers", faults: []string{"slow GET /v1/fine_tuning/jobs/*/events delay=100ms times=3", "slow GET /v1/fine_tuning/jobs/* delay=50ms nth=2"}, want: cli.ExitOK, status: "succeeded"},
		{name: "unreachable", args: []string{"--max-retries", "1"}, faults: []string{"503 GET /v1/fine_tuning/jobs/* times=-1 retry_after_ms=1"}, want: cli.ExitUnavailable},
		{name: "no such job", args: []string{"ftjob-nope"}, noJob: true, want: cli.ExitAPIRefused},
		{name: "no key", noKey: true, want: cli.ExitUsage, status: "validating_files"},
		{name: "dry run without a key", args: []string{"--dry-run"}, noKey: true, want: cli.ExitOK, status: "validating_files"},
		{name: "after with two jobs", args: []string{"--after", "ftevent-1", "ftjob-a"}, want: cli.ExitUsage, status: "validating_files"},
		{name: "bad interval", args: []string{"--interval", "soon"}, want: cli.ExitUsage, status: "validating_files"},
		{name: "zero interval", args: []string{"--interval", "0s"}, want: cli.ExitUsage, status: "validating_files"},
		{name: "zero interval in seconds", args: []string{"--interval", "0"}, want: cli.ExitUsage, status: "validating_files"},
		{name: "negative interval", args: []string{"--interval", "-1"}, want: cli.ExitUsage, status: "validating_files"},
		{name: "interrupted", cancelled: true, want: cli.ExitInterrupted, status: "validating_files"},
		{name: "interrupted, cancel", args: []string{"--cancel-on-interrupt"}, cancelled: true, want: cli.ExitInterrupted, status: "cancelled"},
		{name: "timeout", args: []string{"--timeout", "100ms"}, opts: fakeopenai.Options{Manual: true}, want: cli.ExitUnavailable},
		{name: "500s with 50 MB messages", faults: []string{"500 GET /v1/fine_tuning/jobs/*/events size=50M times=2 retry_after_ms=1", "500 GET /v1/fine_tuning/jobs/* nth=3 size=50M retry_after_ms=1"}, want: cli.ExitOK, status: "succeeded"},
		{name: "200 HTML pages and cut JSON", faults: []string{"html GET /v1/fine_tuning/jobs/* status=200 nth=2", "cut GET /v1/fine_tuning/jobs/*/events nth=2", "html GET /v1/fine_tuning/jobs/*/events nth=4 size=10M"}, want: cli.ExitOK, status: "succeeded"},
		{name: "HTML pages until the retries run out", args: []string{"--max-retries", "1"}, faults: []string{"html GET /v1/fine_tuning/jobs/* status=200 times=-1"}, want: cli.ExitUnavailable},
		{name: "pause and cancel", args: []string{"--pause", "--cancel"}, want: cli.ExitUsage, status: "validating_files"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := fakeopenai.New(tc.opts)
			defer s.Close()
			for _, spec := range tc.faults {
				f, err := fakeopenai.ParseFault(spec)
				if err != nil {
					t.Fatal(err)
				}
				s.AddFault(f)
			}
			c, err := openai.New(openai.Config{APIKey: s.Key(), BaseURL: s.URL()})
			if err != nil {
				t.Fatal(err)
			}
			job, err := newJob(context.Background(), c)
			if err != nil {
				t.Fatal(err)
			}
			args := append([]string{"--interval", "10ms", "--state-dir", t.TempDir()}, tc.args...)
			if !tc.noJob {
				args = append(args, job.ID)
			}
			env := map[string]string{"OPENAI_BASE_URL": s.URL(), "OPENAI_API_KEY": s.Key()}
			if tc.noKey {
				delete(env, "OPENAI_API_KEY")
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tc.cancelled {
				cancel()
			}
			var stdout, stderr bytes.Buffer
			got := runContext(ctx, args, func(k string) string { return env[k] }, strings.NewReader(""), &stdout, &stderr)
			if got != tc.want {
				t.Errorf("exit %d, want %d; stderr:\n%s", got, tc.want, stderr.String())
			}
			if strings.Contains(stdout.String()+stderr.String(), s.Key()) {
				t.Errorf("the key appears in the output:\n%s%s", stdout.String(), stderr.String())
			}
			// Whatever the server sends, a diagnostic stays a short line.
			for _, line := range strings.Split(stderr.String(), "\n") {
				if len(line) > 600 || strings.Contains(line, "<title") {
					t.Errorf("stderr line of %d bytes: %.300q", len(line), line)
				}
			}
			if tc.status != "" {
				j, err := c.GetJob(context.Background(), job.ID)
				if err != nil {
					t.Fatal(err)
				}
				// GetJob may move the job on; compare with what it was.
				if j.Status != tc.status && !(tc.status == "validating_files" && j.Status == "queued") {
					t.Errorf("job is %s, want %s", j.Status, tc.status)
				}
			}
			if tc.cancelled && !tc.noKey {
				for _, want := range []string{"interrupted", job.ID} {
					if !strings.Contains(stderr.String(), want) {
						t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
					}
				}
				if !slices.Contains(tc.args, "--cancel-on-interrupt") && !strings.Contains(stderr.String(), "resume: ft-wait "+job.ID+"\n  cancel: ft-wait --cancel "+job.ID) {
					t.Errorf("stderr lacks the resume and cancel commands:\n%s", stderr.String())
				}
			}
		})
	}
}

// --pause pauses a running job and prints it; --resume resumes it and
// follows it to its end; a job that cannot be paused is refused.
func TestPauseResume(t *testing.T) {
	s := fakeopenai.New(fakeopenai.Options{})
	defer s.Close()
	c, err := openai.New(openai.Config{APIKey: s.Key(), BaseURL: s.URL()})
	if err != nil {
		t.Fatal(err)
	}
	job, err := newJob(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"OPENAI_BASE_URL": s.URL(), "OPENAI_API_KEY": s.Key()}
	run := func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		args = append([]string{"--interval", "0.01", "--state-dir", t.TempDir()}, args...)
		code := runContext(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(""), &stdout, &stderr)
		return code, stdout.String(), stderr.String()
	}
	if code, _, stderr := run("--pause", job.ID); code != cli.ExitAPIRefused || !strings.Contains(stderr, "Cannot pause") {
		t.Errorf("pausing a validating job: exit %d, stderr:\n%s", code, stderr)
	}
	s.Advance(job.ID, 3)
	code, stdout, stderr := run("--pause", job.ID)
	if code != cli.ExitOK || !strings.Contains(stdout, `"status":"paused"`) || !strings.Contains(stderr, "resume it with: ft-wait --resume "+job.ID) {
		t.Fatalf("--pause: exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
	}
	if j, _ := c.GetJob(context.Background(), job.ID); j.Status != "paused" {
		t.Fatalf("job is %s after --pause", j.Status)
	}
	code, stdout, stderr = run("--resume", job.ID)
	if code != cli.ExitOK || !strings.Contains(stderr, "resume requested") || !strings.Contains(stdout, `"status":"succeeded"`) {
		t.Errorf("--resume: exit %d, stdout %q, stderr:\n%s", code, stdout, stderr)
	}
	if s.Count("POST", "/v1/fine_tuning/jobs/*/resume") != 1 {
		t.Errorf("%d resume requests, want 1", s.Count("POST", "/v1/fine_tuning/jobs/*/resume"))
	}
}

func TestInterval(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
		bad  bool
	}{
		{"10", 10 * time.Second, false},
		{"0.5", 500 * time.Millisecond, false},
		{"1m30s", 90 * time.Second, false},
		{"250ms", 250 * time.Millisecond, false},
		{"soon", 0, true},
		{"1e30", 0, true},
		{"NaN", 0, true},
	} {
		var i interval
		err := i.UnmarshalText([]byte(tc.in))
		if (err != nil) != tc.bad || time.Duration(i) != tc.want {
			t.Errorf("interval %q = %v, %v; want %v (error: %v)", tc.in, time.Duration(i), err, tc.want, tc.bad)
		}
	}
}
