// Package e2e runs the real ft-* binaries together, through pipes, in
// testscript scripts: the tests of how the tools compose.
package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ft-tools/ft/cmd/internal/fakeopenai"
	"github.com/ft-tools/ft/cmd/internal/scriptfiles"
	"github.com/ft-tools/ft/jsonl"

	"github.com/rogpeppe/go-internal/testscript"
)

var binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ft-e2e-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	build := exec.Command("go", "build", "-o", dir+string(os.PathSeparator), "github.com/ft-tools/ft/cmd/...")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building the binaries:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func TestPipelines(t *testing.T) {
	sample, err := filepath.Abs("../../../scripts/sample")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata",
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("PATH", binDir+string(os.PathListSeparator)+env.Getenv("PATH"))
			env.Setenv("SAMPLE", sample)
			env.Setenv("FT_SHARED", os.Getenv("FT_SHARED"))
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"splitcheck": splitCheck,
			"fakeopenai": fakeopenai.Cmd,
			"fields":     fieldsCmd,
			"feed":       scriptfiles.Cmds["feed"],
			"bytes":      scriptfiles.Cmds["bytes"],
			"mknod":      scriptfiles.Cmds["mknod"],
			"filetype":   scriptfiles.Cmds["filetype"],
		},
		// [shared] is whether FT_SHARED is set: the scripts on public data
		// stop without it, and fail on a missing file with it. [mknod] is
		// whether device nodes can be made here.
		Condition: func(cond string) (bool, error) {
			if cond == "mknod" {
				return scriptfiles.Condition(cond)
			}
			if cond != "shared" {
				return false, fmt.Errorf("unknown condition %q", cond)
			}
			return os.Getenv("FT_SHARED") != "", nil
		},
	})
}

// splitCheck asserts the invariants of a split: input, train and val files
// given, the two parts together are the input (each in input order), and no
// user or assistant turn occurs on both sides.
func splitCheck(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: splitcheck INPUT TRAIN VAL")
	}
	input := readLines(ts, args[0])
	train, val := readLines(ts, args[1]), readLines(ts, args[2])
	if len(train)+len(val) != len(input) {
		ts.Fatalf("%d + %d lines, input has %d", len(train), len(val), len(input))
	}
	ti, vi := 0, 0
	for n, line := range input {
		switch {
		case ti < len(train) && train[ti] == line:
			ti++
		case vi < len(val) && val[vi] == line:
			vi++
		default:
			ts.Fatalf("input line %d is in neither part at its place", n+1)
		}
	}
	seen := map[string]bool{}
	for _, line := range train {
		for _, turn := range turns(ts, line) {
			seen[turn] = true
		}
	}
	for _, line := range val {
		for _, turn := range turns(ts, line) {
			if seen[turn] {
				ts.Fatalf("turn %q is on both sides", turn)
			}
		}
	}
}

func readLines(ts *testscript.TestScript, name string) []string {
	text := ts.ReadFile(name)
	if text == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(text, "\n"), "\n")
}

func turns(ts *testscript.TestScript, line string) []string {
	var ex jsonl.Example
	if err := json.Unmarshal([]byte(line), &ex); err != nil {
		ts.Fatalf("%v in %q", err, line)
	}
	var out []string
	for _, m := range ex.Messages {
		if m.Role == "user" || m.Role == "assistant" {
			out = append(out, m.Role+": "+m.Content.String())
		}
	}
	return out
}

// fieldsCmd is `fields FILE PATH...`: for each JSON value in FILE (a
// document or JSON lines) it prints the values at the slash-separated
// PATHs (models/base/answers, comparisons/0/a), tab-separated, strings bare, one line per
// value: what a script compares with cmp, without jq.
func fieldsCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: fields FILE PATH...")
	}
	dec := json.NewDecoder(strings.NewReader(ts.ReadFile(args[0])))
	for {
		var v any
		if err := dec.Decode(&v); err == io.EOF {
			return
		} else if err != nil {
			ts.Fatalf("%s: %v", args[0], err)
		}
		var out []string
		for _, path := range args[1:] {
			at := v
			for _, k := range strings.Split(path, "/") {
				switch c := at.(type) {
				case map[string]any:
					at = c[k]
				case []any:
					i, err := strconv.Atoi(k)
					if err != nil || i < 0 || i >= len(c) {
						ts.Fatalf("%s: %s: no element %q", args[0], path, k)
					}
					at = c[i]
				default:
					ts.Fatalf("%s: %s: no object or array at %q", args[0], path, k)
				}
			}
			if s, ok := at.(string); ok {
				out = append(out, s)
				continue
			}
			b, err := json.Marshal(at)
			ts.Check(err)
			out = append(out, string(b))
		}
		fmt.Fprintln(ts.Stdout(), strings.Join(out, "\t"))
	}
}
