package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"sync"
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
		Cmds: map[string]func(*testscript.TestScript, bool, []string){
			"fakeopenai": fakeopenai.Cmd,
			"upload":     uploadCmd,
		},
	})
}

// uploadCmd is `upload FILE SPLIT EXAMPLES TOKENS OUT`: it sends FILE to
// the fake server and appends the line ft-upload would write to OUT.
func uploadCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 5 {
		ts.Fatalf("usage: upload FILE SPLIT EXAMPLES TOKENS OUT")
	}
	c, err := openai.New(openai.Config{APIKey: ts.Getenv("OPENAI_API_KEY"), BaseURL: ts.Getenv("OPENAI_BASE_URL")})
	ts.Check(err)
	f, err := c.UploadFile(context.Background(), args[0], []byte(ts.ReadFile(args[0])), "fine-tune")
	ts.Check(err)
	out, err := os.OpenFile(ts.MkAbs(args[4]), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	ts.Check(err)
	defer out.Close()
	fmt.Fprintf(out, `{"id":%q,"object":"file","bytes":%d,"filename":%q,"purpose":"fine-tune","sha256":"0","examples":%s,"tokens":%s,"split":%q}`+"\n",
		f.ID, f.Bytes, f.Filename, args[2], args[3], args[1])
	ts.Setenv(strings.ToUpper(args[1])+"_ID", f.ID)
}

// TestExitCodes pins the exit status of each outcome, and that a create
// whose answer is lost leaves exactly one job.
func TestExitCodes(t *testing.T) {
	sleep = func(context.Context, time.Duration) error { return nil }
	for _, tc := range []struct {
		name   string
		args   []string
		faults []string
		noKey  bool
		want   int
		jobs   int
	}{
		{"created", nil, nil, false, cli.ExitOK, 1},
		{"dry run without a key", []string{"--dry-run"}, nil, true, cli.ExitOK, 0},
		{"no key", nil, nil, true, cli.ExitUsage, 0},
		{"epochs out of range", []string{"--epochs", "51"}, nil, false, cli.ExitUsage, 0},
		{"batch size out of range", []string{"--batch-size", "0"}, nil, false, cli.ExitUsage, 0},
		{"beta without dpo", []string{"--beta", "0.1"}, nil, false, cli.ExitUsage, 0},
		{"unknown flag", []string{"--frobnicate"}, nil, false, cli.ExitUsage, 0},
		{"above max cost", []string{"--max-cost", "0.01"}, nil, false, cli.ExitAPIRefused, 0},
		{"below max cost", []string{"--max-cost", "100"}, nil, false, cli.ExitOK, 1},
		{"negative max cost", []string{"--max-cost=-1"}, nil, false, cli.ExitUsage, 0},
		{"unknown training file", []string{"--training-file", "file-nope"}, nil, false, cli.ExitAPIRefused, 0},
		{"refused", nil, []string{"400 POST /v1/fine_tuning/jobs message=no_{key} param=training_file"}, false, cli.ExitAPIRefused, 0},
		{"answer lost", nil, []string{"lost POST /v1/fine_tuning/jobs"}, false, cli.ExitOK, 1},
		{"answer lost twice", nil, []string{"lost POST /v1/fine_tuning/jobs times=2"}, false, cli.ExitOK, 1},
		{"connection dropped", nil, []string{"drop POST /v1/fine_tuning/jobs"}, false, cli.ExitOK, 1},
		{"500 once", nil, []string{"500 POST /v1/fine_tuning/jobs"}, false, cli.ExitOK, 1},
		{"rate limited", nil, []string{"429 POST /v1/fine_tuning/jobs retry_after_ms=1"}, false, cli.ExitOK, 1},
		{"always 503", []string{"--max-retries", "2"}, []string{"503 POST /v1/fine_tuning/jobs times=-1 retry_after_ms=1"}, false, cli.ExitUnavailable, 0},
		{"lost, then lookups fail", []string{"--max-retries", "1"}, []string{"lost POST /v1/fine_tuning/jobs", "503 GET /v1/fine_tuning/jobs times=-1 retry_after_ms=1"}, false, cli.ExitUnavailable, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := fakeopenai.New(fakeopenai.Options{})
			defer s.Close()
			c, err := openai.New(openai.Config{APIKey: s.Key(), BaseURL: s.URL()})
			if err != nil {
				t.Fatal(err)
			}
			f, err := c.UploadFile(context.Background(), "train.jsonl", []byte(`{"messages":[]}`+"\n"), "fine-tune")
			if err != nil {
				t.Fatal(err)
			}
			for _, spec := range tc.faults {
				ft, err := fakeopenai.ParseFault(spec)
				if err != nil {
					t.Fatal(err)
				}
				s.AddFault(ft)
			}
			env := map[string]string{"OPENAI_BASE_URL": s.URL(), "OPENAI_API_KEY": s.Key()}
			if tc.noKey {
				delete(env, "OPENAI_API_KEY")
			}
			line := fmt.Sprintf(`{"id":%q,"split":"train","examples":20,"tokens":100000}`, f.ID)
			var stdout, stderr bytes.Buffer
			got := runContext(context.Background(), tc.args, func(k string) string { return env[k] }, strings.NewReader(line), &stdout, &stderr)
			if got != tc.want {
				t.Errorf("exit %d, want %d; stderr:\n%s", got, tc.want, stderr.String())
			}
			if n := s.JobsCreated(); n != tc.jobs {
				t.Errorf("%d jobs created, want %d; requests: %v", n, tc.jobs, s.Requests())
			}
			if strings.Contains(stdout.String()+stderr.String(), s.Key()) {
				t.Errorf("the key appears in the output:\n%s%s", stdout.String(), stderr.String())
			}
			if got == cli.ExitOK && !tc.noKey && !strings.Contains(stdout.String(), `"id":"ftjob-`) {
				t.Errorf("stdout has no job: %q", stdout.String())
			}
		})
	}
}

// An interrupted create exits 130.
func TestInterrupted(t *testing.T) {
	s := fakeopenai.New(fakeopenai.Options{})
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	env := map[string]string{"OPENAI_BASE_URL": s.URL(), "OPENAI_API_KEY": s.Key()}
	var stdout, stderr bytes.Buffer
	got := runContext(ctx, []string{"--training-file", "file-x"}, func(k string) string { return env[k] }, strings.NewReader(""), &stdout, &stderr)
	if got != cli.ExitInterrupted {
		t.Errorf("exit %d, want %d; stderr:\n%s", got, cli.ExitInterrupted, stderr.String())
	}
}

// On a server that drops metadata, a create whose answer is lost is still
// found (by model, files and time) instead of being sent twice.
func TestLostCreateWithoutMetadata(t *testing.T) {
	sleep = func(context.Context, time.Duration) error { return nil }
	s := fakeopenai.New(fakeopenai.Options{Faults: []fakeopenai.Fault{{Method: "POST", Path: "/v1/fine_tuning/jobs", Kind: fakeopenai.FaultLost}}})
	defer s.Close()
	target, err := url.Parse(s.URL())
	if err != nil {
		t.Fatal(err)
	}
	proxy := httptest.NewServer(&httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(&url.URL{Scheme: target.Scheme, Host: target.Host})
		if r.In.Method == "POST" && r.In.URL.Path == "/v1/fine_tuning/jobs" {
			var body map[string]any
			data, _ := io.ReadAll(r.In.Body)
			if json.Unmarshal(data, &body) == nil {
				delete(body, "metadata")
				data, _ = json.Marshal(body)
			}
			r.Out.Body = io.NopCloser(bytes.NewReader(data))
			r.Out.ContentLength = int64(len(data))
		}
	}})
	defer proxy.Close()
	c, err := openai.New(openai.Config{APIKey: s.Key(), BaseURL: s.URL()})
	if err != nil {
		t.Fatal(err)
	}
	f, err := c.UploadFile(context.Background(), "train.jsonl", []byte(`{"messages":[]}`+"\n"), "fine-tune")
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"OPENAI_BASE_URL": proxy.URL + "/v1", "OPENAI_API_KEY": s.Key()}
	var stdout, stderr bytes.Buffer
	got := runContext(context.Background(), []string{"--training-file", f.ID}, func(k string) string { return env[k] }, strings.NewReader(""), &stdout, &stderr)
	if got != cli.ExitOK || s.JobsCreated() != 1 || !strings.Contains(stdout.String(), `"id":"ftjob-`) {
		t.Errorf("exit %d, %d jobs created, want 0 and 1; stdout %q; stderr:\n%s", got, s.JobsCreated(), stdout.String(), stderr.String())
	}
}

// The job list lags behind the create: the look-up waits with backoff on
// the server's clock, which the test's sleep moves, and finds the one job.
// A lag longer than --lookup-for makes the create be sent again: that is
// the bound, and it shows as a second job.
func TestLostCreateListLag(t *testing.T) {
	for _, tc := range []struct {
		name      string
		lag       time.Duration
		lookupFor string
		jobs      int
	}{
		{"lag of 5s", 5 * time.Second, "30s", 1},
		{"lag of 20s", 20 * time.Second, "30s", 1},
		{"lag beyond the look-up", 20 * time.Second, "3s", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var mu sync.Mutex
			now := time.Unix(1_800_000_000, 0)
			clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
			var waited time.Duration
			sleep = func(ctx context.Context, d time.Duration) error {
				mu.Lock()
				now = now.Add(d)
				waited += d
				mu.Unlock()
				return ctx.Err()
			}
			defer func() { sleep = openai.Sleep }()
			s := fakeopenai.New(fakeopenai.Options{Now: clock, ListLag: fakeopenai.Duration(tc.lag),
				Faults: []fakeopenai.Fault{{Method: "POST", Path: "/v1/fine_tuning/jobs", Kind: fakeopenai.FaultLost}}})
			defer s.Close()
			c, err := openai.New(openai.Config{APIKey: s.Key(), BaseURL: s.URL()})
			if err != nil {
				t.Fatal(err)
			}
			f, err := c.UploadFile(context.Background(), "train.jsonl", []byte(`{"messages":[]}`+"\n"), "fine-tune")
			if err != nil {
				t.Fatal(err)
			}
			env := map[string]string{"OPENAI_BASE_URL": s.URL(), "OPENAI_API_KEY": s.Key()}
			var stdout, stderr bytes.Buffer
			got := runContext(context.Background(), []string{"--training-file", f.ID, "--lookup-for", tc.lookupFor}, func(k string) string { return env[k] }, strings.NewReader(""), &stdout, &stderr)
			if got != cli.ExitOK || s.JobsCreated() != tc.jobs {
				t.Errorf("exit %d, %d jobs created, want 0 and %d; stderr:\n%s", got, s.JobsCreated(), tc.jobs, stderr.String())
			}
			lf, _ := time.ParseDuration(tc.lookupFor)
			if waited > lf+time.Second {
				t.Errorf("looked for %s, more than --lookup-for %s", waited, lf)
			}
			if tc.jobs == 1 && (waited < tc.lag || !strings.Contains(stderr.String(), "is not listed yet")) {
				t.Errorf("waited %s for a lag of %s; stderr:\n%s", waited, tc.lag, stderr.String())
			}
		})
	}
}

// Without metadata, the job is found among more than the 20 newest jobs.
func TestUntaggedBeyondFirstPage(t *testing.T) {
	s := fakeopenai.New(fakeopenai.Options{})
	defer s.Close()
	c, err := openai.New(openai.Config{APIKey: s.Key(), BaseURL: s.URL()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	f, err := c.UploadFile(ctx, "train.jsonl", []byte(`{"messages":[]}`+"\n"), "fine-tune")
	if err != nil {
		t.Fatal(err)
	}
	req := &openai.JobRequest{Model: "gpt-4o-mini-2024-07-18", TrainingFile: f.ID}
	mine, err := c.CreateJob(ctx, *req)
	if err != nil {
		t.Fatal(err)
	}
	for range 130 { // others' jobs, newer than it
		if _, err := c.CreateJob(ctx, openai.JobRequest{Model: "gpt-4.1-mini-2025-04-14", TrainingFile: f.ID}); err != nil {
			t.Fatal(err)
		}
	}
	found, err := untagged(ctx, c, req, time.Now())
	if err != nil || len(found) != 1 || found[0].ID != mine.ID {
		t.Fatalf("found %v (%v), want %s", found, err, mine.ID)
	}
}
