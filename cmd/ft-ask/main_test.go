package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ft-tools/ft/cmd/internal/ask"
	"github.com/ft-tools/ft/cmd/internal/cli"
	"github.com/ft-tools/ft/cmd/internal/fakeopenai"
	"github.com/ft-tools/ft/cmd/internal/openai"
	"github.com/ft-tools/ft/jsonl"
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
			env.Setenv("FT_CACHE_DIR", filepath.Join(env.WorkDir, "cache"))
			return nil
		},
		Cmds: map[string]func(*testscript.TestScript, bool, []string){
			"fakeopenai": fakeopenai.Cmd,
			"mkjob":      mkjobCmd,
			"waitcache":  waitCacheCmd,
		},
	})
}

// waitCacheCmd is `waitcache N`: it waits (up to 30 s) until the cache
// holds at least N answers, so that a script can interrupt a run midway.
func waitCacheCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: waitcache N")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	for range 3000 {
		m, _ := filepath.Glob(filepath.Join(ts.Getenv("FT_CACHE_DIR"), "answers", "*", "*.json"))
		if len(m) >= want {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	ts.Fatalf("the cache did not reach %d answers in 30s", want)
}

// mkjobCmd is `mkjob VAR`: it creates a job on the fake server as
// ft-train would and sets VAR to its ID.
func mkjobCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: mkjob VAR")
	}
	c, err := openai.New(openai.Config{APIKey: ts.Getenv("OPENAI_API_KEY"), BaseURL: ts.Getenv("OPENAI_BASE_URL")})
	ts.Check(err)
	ctx := context.Background()
	f, err := c.UploadFile(ctx, "train.jsonl", []byte(strings.Repeat(`{"messages":[]}`+"\n", 10)), "fine-tune")
	ts.Check(err)
	job, err := c.CreateJob(ctx, openai.JobRequest{Model: "gpt-4o-mini-2024-07-18", TrainingFile: f.ID,
		Method: &openai.Method{Type: "supervised", Supervised: &openai.MethodParams{Hyperparameters: &openai.Hyperparameters{NEpochs: openai.Num(3)}}}})
	ts.Check(err)
	ts.Setenv(args[0], job.ID)
}

// TestExitCodes checks each exit status of DESIGN.md that ft-ask can give.
func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.jsonl", `{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a"}]}`+"\n")
	mixed := write("mixed.jsonl", `{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a"}]}`+"\n{\n")
	notJSON := write("text.txt", "hello\n")
	tests := []struct {
		name   string
		args   []string
		faults []fakeopenai.Fault
		cancel bool
		want   int
	}{
		{"ok", []string{"--model", "gpt-4o-mini", good}, nil, false, cli.ExitOK},
		{"refused one is not fatal", []string{"--model", "gpt-4o-mini", good},
			[]fakeopenai.Fault{{Method: "POST", Path: "/v1/chat/completions", Status: 400}}, false, cli.ExitOK},
		{"skipped line", []string{"--model", "gpt-4o-mini", mixed}, nil, false, cli.ExitDataError},
		{"usage", []string{"--model", "gpt-4o-mini", "--parallel", "-1", good}, nil, false, cli.ExitUsage},
		{"missing file", []string{"--model", "gpt-4o-mini", filepath.Join(dir, "nope.jsonl")}, nil, false, cli.ExitUnreadable},
		{"not JSON", []string{"--model", "gpt-4o-mini", notJSON}, nil, false, cli.ExitUnreadable},
		{"budget", []string{"--model", "gpt-4o", "--max-tokens", "1000000", "--max-cost", "1", good}, nil, false, cli.ExitAPIRefused},
		{"unavailable", []string{"--model", "gpt-4o-mini", "--max-retries", "0", good},
			[]fakeopenai.Fault{{Method: "POST", Path: "/v1/chat/completions", Status: 503, Times: -1}}, false, cli.ExitUnavailable},
		{"interrupted", []string{"--model", "gpt-4o-mini", good}, nil, true, cli.ExitInterrupted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := fakeopenai.New(fakeopenai.Options{Faults: tt.faults})
			defer s.Close()
			env := map[string]string{"OPENAI_API_KEY": s.Key(), "OPENAI_BASE_URL": s.URL(), "FT_CACHE_DIR": t.TempDir()}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.cancel {
				cancel()
			}
			var stdout, stderr bytes.Buffer
			got := runContext(ctx, tt.args, func(k string) string { return env[k] }, strings.NewReader(""), &stdout, &stderr)
			if got != tt.want {
				t.Errorf("exit %d, want %d; stderr:\n%s", got, tt.want, stderr.String())
			}
		})
	}
}

// TestCookbookToyFile asks the fake server every question of the
// cookbook's toy chat file, scripted to answer each with its expected
// answer: every line must come back, in order, equal to what is expected,
// but line 4, which has no user turn and is reported (exit 1); and a rerun
// must send nothing.
func TestCookbookToyFile(t *testing.T) {
	shared := os.Getenv("FT_SHARED")
	if shared == "" {
		t.Skip("FT_SHARED is not set")
	}
	path := filepath.Join(shared, "data", "openai-cookbook-toy-chat", "toy_chat_fine_tuning.jsonl")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("FT_SHARED is set but the toy file is missing: %v", err)
	}
	answers := map[string]string{}
	var lines []int
	for n, l := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
		var ex jsonl.Example
		if err := json.Unmarshal(l, &ex); err != nil {
			t.Fatal(err)
		}
		if _, q, want, err := ask.Prompt(&ex); err == nil {
			answers[q] = want
			lines = append(lines, n+1)
		}
	}
	if len(lines) != 4 {
		t.Fatalf("%d examples with a question, want 4 of 5", len(lines))
	}
	s := fakeopenai.New(fakeopenai.Options{Answers: answers})
	defer s.Close()
	env := map[string]string{"OPENAI_API_KEY": s.Key(), "OPENAI_BASE_URL": s.URL(), "FT_CACHE_DIR": t.TempDir()}
	for round := range 2 {
		var stdout, stderr bytes.Buffer
		if code := runContext(context.Background(), []string{"--model", "gpt-3.5-turbo-0613", path}, func(k string) string { return env[k] },
			nil, &stdout, &stderr); code != cli.ExitDataError {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
		if !strings.Contains(stderr.String(), "toy_chat_fine_tuning.jsonl:4: example_missing_assistant_message") {
			t.Errorf("line 4 not reported: %s", stderr.String())
		}
		got := bytes.Split(bytes.TrimSpace(stdout.Bytes()), []byte("\n"))
		if len(got) != len(lines) {
			t.Fatalf("%d answers for %d examples", len(got), len(lines))
		}
		for i, l := range got {
			var a jsonl.Answer
			if err := json.Unmarshal(l, &a); err != nil {
				t.Fatal(err)
			}
			if a.Line != lines[i] || a.Answer == nil || *a.Answer != a.Expected || a.Cached != (round == 1) {
				t.Errorf("round %d, answer %d: %s", round, i, l)
			}
		}
	}
	if s.Chats() != len(lines) {
		t.Errorf("%d chat requests for %d examples asked twice", s.Chats(), len(lines))
	}
}
