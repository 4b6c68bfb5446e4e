package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/ft-tools/ft/cmd/internal/scriptfiles"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		name: main, // main, not only run: it sets up the SIGPIPE and signal handling
	})
}

func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Cmds:                scriptfiles.Cmds,
		Condition:           scriptfiles.Condition,
		Setup: func(e *testscript.Env) error {
			e.Setenv("BASE_MODEL", "")
			return nil
		},
	})
}

const valid = `{"messages":[{"role":"system","content":"S"},{"role":"user","content":"Q"},{"role":"assistant","content":"A"}]}`

// TestExitCodes pins the exact exit statuses, which testscript sees only as
// zero or not.
func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.jsonl", strings.Repeat(valid+"\n", 2))
	bad := write("bad.jsonl", valid+"\n{\"messages\":[]}\n")
	csv := write("pairs.csv", "question,answer\nhow many,db.x.count()\n")
	empty := write("empty.jsonl", "")
	warn := write("warn.jsonl", `{"messages":[{"role":"user","content":"Q"},{"role":"assistant","content":"A"}]}`+"\n")
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"valid", []string{"--min-examples", "2", good}, 0},
		{"too few", []string{good}, 1},
		{"bad line", []string{"--min-examples", "1", bad}, 1},
		{"warning only", []string{"--min-examples", "1", warn}, 0},
		{"strict warning", []string{"--min-examples", "1", "--strict", warn}, 1},
		{"missing file", []string{filepath.Join(dir, "nope.jsonl")}, 3},
		{"missing and bad", []string{bad, filepath.Join(dir, "nope.jsonl")}, 3},
		{"csv", []string{"--min-examples", "0", csv}, 3},
		{"empty file", []string{"--min-examples", "0", empty}, 0},
		{"empty file, default minimum", []string{empty}, 1},
		{"unknown flag", []string{"--nope"}, 2},
		{"unknown format", []string{"--format", "dpo", good}, 2},
		{"unknown model", []string{"--model", "gpt-2", good}, 2},
		{"help", []string{"--help"}, 0},
		{"version", []string{"--version"}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if got := run(tc.args, strings.NewReader(""), &stdout, &stderr); got != tc.want {
				t.Errorf("exit %d, want %d; stderr:\n%s", got, tc.want, stderr.String())
			}
		})
	}
}

// TestModelFromEnvironment: --model wins over BASE_MODEL, which wins over
// the default.
func TestModelFromEnvironment(t *testing.T) {
	long := `{"messages":[{"role":"system","content":"S"},{"role":"user","content":"Q"},{"role":"assistant","content":"` + strings.Repeat("banana ", 5000) + `"}]}` + "\n"
	tests := []struct {
		env, flag string
		want      int
	}{
		{"", "", 0},                              // gpt-4o-mini: 65,536 tokens
		{"gpt-3.5-turbo-0613", "", 1},            // 4,096 tokens
		{"gpt-3.5-turbo-0613", "gpt-4o-mini", 0}, // the flag wins
	}
	for _, tc := range tests {
		t.Setenv("BASE_MODEL", tc.env)
		args := []string{"--min-examples", "1"}
		if tc.flag != "" {
			args = append(args, "--model", tc.flag)
		}
		var stdout, stderr bytes.Buffer
		if got := run(args, strings.NewReader(long), &stdout, &stderr); got != tc.want {
			t.Errorf("BASE_MODEL=%q --model=%q: exit %d, want %d\n%s", tc.env, tc.flag, got, tc.want, stderr.String())
		}
	}
}

// TestToyChat runs the cookbook's deliberately imperfect toy file.
func TestToyChat(t *testing.T) {
	shared := os.Getenv("FT_SHARED")
	if shared == "" {
		t.Skip("FT_SHARED is not set")
	}
	path := filepath.Join(shared, "data", "openai-cookbook-toy-chat", "toy_chat_fine_tuning.jsonl")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args   []string
		want   int
		stdout int // valid lines passed through
		stderr []string
	}{
		{nil, 1, 5, []string{
			":3: warning: missing_system_message: messages: ",
			":4: warning: example_missing_user_message: messages: ",
			"toy_chat_fine_tuning.jsonl: too_few_examples: 5 valid examples; a training file needs at least 10\n",
			": chat, 5 lines, 5 valid; 1 error: too_few_examples 1; 2 warnings: example_missing_user_message 1, missing_system_message 1\n",
		}},
		{[]string{"--model", "gpt-3.5-turbo-0613", "--min-examples", "1"}, 1, 4, []string{
			// "Eat a banana!" 2,000 times, about 8,000 tokens: counting
			// stops past the limit, at a message's text
			":5: too_many_tokens: the example has at least 4",
			"over the 4096-token limit of gpt-3.5-turbo-0613",
		}},
		{[]string{"--strict", "--min-examples", "1"}, 1, 3, []string{":3: missing_system_message: "}},
		// As a validation file, its 5 examples are enough: only warnings.
		{[]string{"--validation"}, 0, 5, []string{": chat, 5 lines, 5 valid; 2 warnings: "}},
	}
	for _, tc := range tests {
		var stdout, stderr bytes.Buffer
		got := run(append(tc.args, path), nil, &stdout, &stderr)
		if got != tc.want {
			t.Errorf("%v: exit %d, want %d", tc.args, got, tc.want)
		}
		if n := bytes.Count(stdout.Bytes(), []byte("\n")); n != tc.stdout {
			t.Errorf("%v: %d lines on stdout, want %d", tc.args, n, tc.stdout)
		}
		if tc.stdout == 5 && !bytes.Equal(stdout.Bytes(), data) {
			t.Errorf("%v: stdout differs from the input", tc.args)
		}
		for _, s := range tc.stderr {
			if !strings.Contains(stderr.String(), s) {
				t.Errorf("%v: stderr lacks %q:\n%s", tc.args, s, stderr.String())
			}
		}
	}
}

// TestLongLineWithoutBreaks: a line of megabytes that is one piece for the
// tokenizer is over the limit, said so with a lower bound, and its
// neighbours are still checked.
func TestLongLineWithoutBreaks(t *testing.T) {
	short := `{"messages":[{"role":"system","content":"S"},{"role":"user","content":"Q"},{"role":"assistant","content":"A"}]}` + "\n"
	for _, tc := range []struct{ name, text, want string }{
		{"letter", strings.Repeat("a", 4<<20), ":2: too_many_tokens: the example has at least "},
		{"emoji", strings.Repeat("😀", 1<<20), ":2: too_many_tokens: the example has at least "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := short + `{"messages":[{"role":"user","content":"` + tc.text + `"},{"role":"assistant","content":"A"}]}` + "\n" + short
			var stdout, stderr bytes.Buffer
			if got := run([]string{"--min-examples", "1"}, strings.NewReader(in), &stdout, &stderr); got != 1 {
				t.Errorf("exit %d, want 1\n%s", got, stderr.String())
			}
			if !strings.Contains(stderr.String(), tc.want) || !strings.Contains(stderr.String(), "over the 65536-token limit") {
				t.Errorf("stderr lacks %q:\n%s", tc.want, stderr.String())
			}
			if stdout.String() != short+short {
				t.Errorf("stdout has %d bytes, want the two short lines", stdout.Len())
			}
		})
	}
}
