package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ft-tools/ft/cmd/internal/fakeopenai"
	"github.com/ft-tools/ft/cmd/internal/openai"
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
		},
	})
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
