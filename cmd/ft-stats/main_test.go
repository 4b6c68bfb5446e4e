package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goccy/go-json"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/ft-tools/ft/cmd/internal/scriptfiles"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		name: main,
	})
}

func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{Dir: "testdata/script", RequireExplicitExec: true,
		Cmds: scriptfiles.Cmds, Condition: scriptfiles.Condition})
}

const good = `{"messages":[{"role":"user","content":"hello"},{"role":"assistant","content":"hi"}]}` + "\n"

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ok := write("ok.jsonl", good)
	bad := write("bad.jsonl", good+"{not json\n")
	latin1 := write("latin1.jsonl", good+`{"messages":[{"role":"user","content":"caf`+"\xe9"+`"}]}`+"\n")
	missing := filepath.Join(dir, "missing.jsonl")
	tests := []struct {
		name  string
		args  []string
		stdin string
		want  int
	}{
		{"clean file", []string{ok}, "", 0},
		{"clean stdin", []string{"--json"}, good, 0},
		{"bad line", []string{bad}, "", 1},
		{"bad line in validation file", []string{ok, "--val", bad}, "", 1},
		{"invalid UTF-8", []string{latin1}, "", 1},
		{"missing file", []string{missing}, "", 3},
		{"missing file beats bad lines", []string{bad, missing}, "", 3},
		{"missing validation file", []string{ok, "--val", missing}, "", 3},
		{"unknown model", []string{"--model", "gpt-2", ok}, "", 2},
		{"unknown flag", []string{"--frobnicate", ok}, "", 2},
		{"help", []string{"--help"}, "", 0},
		{"version", []string{"--version"}, "", 0},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		got := run(tt.args, strings.NewReader(tt.stdin), &stdout, &stderr)
		if got != tt.want {
			t.Errorf("%s: exit %d, want %d; stderr:\n%s", tt.name, got, tt.want, stderr.String())
		}
		if tt.name == "invalid UTF-8" && !strings.Contains(stderr.String(), "latin1.jsonl:2: invalid_utf8: ") {
			t.Errorf("%s: stderr %q", tt.name, stderr.String())
		}
	}
}

// TestCookbookToyFile checks ft-stats against the numbers the OpenAI
// cookbook's data-preparation notebook prints for its toy file, which it
// counts with cl100k_base and a 4,096-token limit (gpt-3.5-turbo-0613):
// 5 examples; total tokens per example min 26, max 8,032, mean 1,648.4,
// median 45, 0.9-quantile 4,863.6; assistant tokens 4, 8,000, 1,610.2, 10,
// 4,811.2; one example over the limit; ~4,306 billing tokens; 20 epochs;
// ~86,120 tokens charged.
func TestCookbookToyFile(t *testing.T) {
	shared := os.Getenv("FT_SHARED")
	if shared == "" {
		t.Skip("FT_SHARED is not set")
	}
	path := filepath.Join(shared, "data", "openai-cookbook-toy-chat", "toy_chat_fine_tuning.jsonl")
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("FT_SHARED is set but the toy file is missing: %v", err)
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"--json", "--model", "gpt-3.5-turbo-0613", path}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var rep struct {
		Examples          int
		Encoding          string
		RecommendedEpochs int                             `json:"recommended_epochs"`
		BillingPerEpoch   int64                           `json:"billing_tokens_per_epoch"`
		BillingTokens     int64                           `json:"billing_tokens"`
		Messages          struct{ Min, Max, P90 float64 } `json:"messages_per_example"`
		Tokens            struct {
			PerExample          struct{ Min, Max, Mean, P50, P90 float64 } `json:"per_example"`
			AssistantPerExample struct{ Min, Max, Mean, P50, P90 float64 } `json:"assistant_per_example"`
		}
		OverLimit struct{ Examples int } `json:"over_limit"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	got := []float64{float64(rep.Examples), float64(rep.RecommendedEpochs), float64(rep.BillingPerEpoch), float64(rep.BillingTokens),
		rep.Messages.Min, rep.Messages.Max, rep.Messages.P90,
		rep.Tokens.PerExample.Min, rep.Tokens.PerExample.Max, rep.Tokens.PerExample.Mean, rep.Tokens.PerExample.P50, rep.Tokens.PerExample.P90,
		rep.Tokens.AssistantPerExample.Min, rep.Tokens.AssistantPerExample.Max, rep.Tokens.AssistantPerExample.Mean,
		rep.Tokens.AssistantPerExample.P50, rep.Tokens.AssistantPerExample.P90, float64(rep.OverLimit.Examples)}
	want := []float64{5, 20, 4306, 86120, 2, 9, 6.6, 26, 8032, 1648.4, 45, 4863.6, 4, 8000, 1610.2, 10, 4811.2, 1}
	for i := range want {
		if d := got[i] - want[i]; d > 1e-6 || d < -1e-6 {
			t.Errorf("value %d = %v, want %v (all: %v)", i, got[i], want[i], got)
		}
	}
	if rep.Encoding != "cl100k_base" {
		t.Errorf("encoding %q", rep.Encoding)
	}
}
