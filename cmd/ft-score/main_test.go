package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-json"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/ft-tools/ft/cmd/internal/mongotest"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		name: main,
	})
}

func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"json":  jsonCmd,
			"mongo": mongotest.Cmd,
			// waitfile GLOB: wait for a file a background ft-score creates.
			"waitfile": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 1 {
					ts.Fatalf("usage: waitfile GLOB")
				}
				for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
					if m, _ := filepath.Glob(ts.MkAbs(args[0])); len(m) > 0 {
						return
					}
				}
				ts.Fatalf("no file %s", args[0])
			},
		},
	})
}

// jsonCmd is "json FILE[:LINE] PATH WANT": the value at PATH (keys and
// indexes separated by /, a / in a key written ~1) of the JSON document in FILE, or of its LINE-th
// line, is WANT written as compact JSON (object keys sorted).
func jsonCmd(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 {
		ts.Fatalf("usage: json FILE[:LINE] PATH WANT")
	}
	file, line := args[0], 0
	if i := strings.LastIndexByte(file, ':'); i > 0 {
		n, err := strconv.Atoi(file[i+1:])
		ts.Check(err)
		file, line = file[:i], n
	}
	data := []byte(ts.ReadFile(file))
	if line > 0 {
		lines := bytes.Split(bytes.TrimRight(data, "\n"), []byte("\n"))
		if line > len(lines) {
			ts.Fatalf("%s has %d lines", file, len(lines))
		}
		data = lines[line-1]
	}
	var v any
	ts.Check(json.Unmarshal(data, &v))
	for _, k := range strings.Split(strings.Trim(args[1], "/"), "/") {
		if k == "" {
			continue
		}
		k = strings.NewReplacer("~1", "/", "~0", "~").Replace(k) // as in a JSON Pointer
		switch x := v.(type) {
		case map[string]any:
			v = x[k]
		case []any:
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(x) {
				ts.Fatalf("%s: no element %s", args[1], k)
			}
			v = x[i]
		default:
			ts.Fatalf("%s: %s is not in a document or array", args[1], k)
		}
	}
	got, err := json.Marshal(v)
	ts.Check(err)
	if (string(got) == args[2]) == neg {
		ts.Fatalf("%s %s = %s, want %s%s", args[0], args[1], got, map[bool]string{true: "not "}[neg], args[2])
	}
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := `{"model":"m","expected":"db.c.find({a: 1})","answer":"db.c.find({a: 1})"}` + "\n"
	wrong := `{"model":"m","expected":"db.c.find({a: 1})","answer":"db.c.find({a: 2})"}` + "\n"
	ok := write("ok.jsonl", good)
	half := write("half.jsonl", good+wrong)
	nullVsEmpty := write("null.jsonl", `{"model":"m","expected":"","answer":null}`+"\n")
	noAnswer := write("noanswer.jsonl", `{"model":"m","expected":"db.c.find()"}`+"\n")
	notJSON := write("notjson.jsonl", "hello\nworld\n")
	mixed := write("mixed.jsonl", good+"hello\n")
	missing := filepath.Join(dir, "missing.jsonl")
	tests := []struct {
		name  string
		args  []string
		stdin string
		want  int
	}{
		{"all equivalent", []string{ok}, "", 0},
		{"stdin", []string{"-"}, good, 0},
		{"no input", nil, "", 0},
		{"a wrong answer is not an error", []string{half}, "", 0},
		{"min-rate met", []string{"--min-rate", "0.5", half}, "", 0},
		{"min-rate missed", []string{"--min-rate", "0.6", half}, "", 1},
		{"min-rate of the model", []string{"--min-rate", "0.6", "--model", "m", half}, "", 1},
		{"min-rate of an absent model", []string{"--min-rate", "0.1", "--model", "x", half}, "", 1},
		{"a null answer is never right", []string{"--min-rate", "0.1", nullVsEmpty}, "", 1},
		{"min-rate by exact", []string{"--min-rate", "0.5", "--metric", "exact", half}, "", 0},
		{"min-rate above 1", []string{"--min-rate", "1.5", ok}, "", 2},
		{"model without min-rate", []string{"--model", "m", ok}, "", 2},
		{"unknown metric", []string{"--metric", "fast", ok}, "", 2},
		{"report over an input", []string{"--report", ok, ok}, "", 2},
		{"pairs over an input", []string{"--pairs", ok, ok}, "", 2},
		{"rejects over an input", []string{"--rejects", ok, ok}, "", 2},
		{"report and pairs in one file", []string{"--report", filepath.Join(dir, "x"), "--pairs", filepath.Join(dir, "x"), ok}, "", 2},
		{"no answer key", []string{noAnswer}, "", 1},
		{"a line not JSON", []string{mixed}, "", 1},
		{"no line JSON", []string{notJSON}, "", 3},
		{"missing file", []string{missing}, "", 3},
		{"unknown flag", []string{"--frobnicate"}, "", 2},
		{"help", []string{"--help"}, "", 0},
		{"version", []string{"--version"}, "", 0},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		got := run(tt.args, strings.NewReader(tt.stdin), &stdout, &stderr)
		if got != tt.want {
			t.Errorf("%s: exit %d, want %d; stderr:\n%s", tt.name, got, tt.want, stderr.String())
		}
	}
}

// TestSampleAnswers scores the demo's saved answers, whose generator
// (scripts/answers) records in metadata whether each keeps the meaning of
// the expected query: every line must be classed as it says.
func TestSampleAnswers(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"../../scripts/sample/answers.jsonl"}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	variants := map[string]int{}
	for i, line := range bytes.Split(bytes.TrimSpace(stdout.Bytes()), []byte("\n")) {
		var s struct {
			Equivalent bool   `json:"equivalent"`
			Reason     string `json:"reason"`
			Answer     string `json:"answer"`
			Metadata   struct {
				Variant    string `json:"variant"`
				Equivalent bool   `json:"equivalent"`
			} `json:"metadata"`
		}
		if err := json.Unmarshal(line, &s); err != nil {
			t.Fatal(err)
		}
		variants[s.Metadata.Variant]++
		if s.Equivalent != s.Metadata.Equivalent {
			t.Errorf("line %d (%s): equivalent %v, want %v: %q (%s)", i+1, s.Metadata.Variant, s.Equivalent, s.Metadata.Equivalent, s.Answer, s.Reason)
		}
	}
	for _, v := range []string{"exact", "fence", "spaced", "reordered", "eq", "and", "semicolon", "getcollection", "value", "string_for_number", "operator", "field", "sort", "stage_order", "collection", "prose", "broken"} {
		if variants[v] == 0 {
			t.Errorf("no answer of variant %s in the sample", v)
		}
	}
}
