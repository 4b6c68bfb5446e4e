package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/ft-tools/ft/cmd/internal/scriptfiles"

	"github.com/ft-tools/ft/cmd/internal/cli"
	"github.com/ft-tools/ft/jsonl"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		name: main, // main, not only run: it sets up the SIGPIPE handling
	})
}

func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{Dir: "testdata/script", RequireExplicitExec: true,
		Cmds: scriptfiles.Cmds, Condition: scriptfiles.Condition})
}

func chatLine(user, assistant string) string {
	b, err := jsonl.Marshal(jsonl.Example{Messages: []jsonl.Message{
		{Role: "user", Content: jsonl.TextContent(user)},
		{Role: "assistant", Content: jsonl.TextContent(assistant)},
	}})
	if err != nil {
		panic(err)
	}
	return string(b)
}

// TestExitCodes pins the exact statuses, which testscript sees only as zero
// or not.
func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.jsonl", chatLine("a", "1")+"\n"+chatLine("b", "2")+"\n")
	bad := write("bad.jsonl", chatLine("a", "1")+"\n{\"messages\": [\n")
	val := filepath.Join(dir, "val.jsonl")
	for _, tc := range []struct {
		name  string
		args  []string
		stdin string
		want  int
	}{
		{"file", []string{"--val", val, good}, "", cli.ExitOK},
		{"stdin", []string{"--val", val}, chatLine("a", "1"), cli.ExitOK},
		{"empty", []string{"--val", val}, "", cli.ExitOK},
		{"help", []string{"--help"}, "", cli.ExitOK},
		{"version", []string{"--version"}, "", cli.ExitOK},
		{"bad line", []string{"--val", val, bad}, "", cli.ExitDataError},
		{"not UTF-8", []string{"--val", val}, "{\"x\":\"\xff\"}\n", cli.ExitUnreadable},
		{"no line is JSON", []string{"--val", val}, "hello\nworld\n", cli.ExitUnreadable},
		{"one bad line among good ones", []string{"--val", val}, chatLine("a", "1") + "\nhello\n", cli.ExitDataError},
		{"no --val", []string{good}, "", cli.ExitUsage},
		{"ratio 0", []string{"--val", val, "--ratio", "0", good}, "", cli.ExitUsage},
		{"ratio 1", []string{"--val", val, "--ratio", "1", good}, "", cli.ExitUsage},
		{"ratio NaN", []string{"--val", val, "--ratio", "NaN", good}, "", cli.ExitUsage},
		{"ratio not a number", []string{"--val", val, "--ratio", "x", good}, "", cli.ExitUsage},
		{"same train and val", []string{"--val", val, "--train", val, good}, "", cli.ExitUsage},
		{"group-by and no-group", []string{"--val", val, "--no-group", "--group-by", "x", good}, "", cli.ExitUsage},
		{"bad group-by path", []string{"--val", val, "--group-by", "a..b", good}, "", cli.ExitUsage},
		{"missing file", []string{"--val", val, filepath.Join(dir, "none.jsonl")}, "", cli.ExitUnreadable},
		{"val in a missing directory", []string{"--val", filepath.Join(dir, "no", "val.jsonl"), good}, "", cli.ExitDataError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if got := run(tc.args, strings.NewReader(tc.stdin), &stdout, &stderr); got != tc.want {
				t.Errorf("exit %d, want %d; stderr:\n%s", got, tc.want, stderr.String())
			}
		})
	}
}

// TestClosedStdout is `ft-split --val v.jsonl | head -1`: the run ends
// quietly with status 0, and the validation file is still written whole.
func TestClosedStdout(t *testing.T) {
	var in strings.Builder
	for i := range 5000 {
		in.WriteString(chatLine(fmt.Sprint("question ", i, strings.Repeat(" pad", 20)), fmt.Sprint("answer ", i)) + "\n")
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	defer w.Close()
	val := filepath.Join(t.TempDir(), "val.jsonl")
	var stderr bytes.Buffer
	if code := run([]string{"--val", val}, strings.NewReader(in.String()), w, &stderr); code != 0 {
		t.Errorf("exit %d, want 0", code)
	}
	if strings.Contains(stderr.String(), "pipe") {
		t.Errorf("stderr is not quiet:\n%s", stderr.String())
	}
	if got := countLines(t, val); got != 1000 {
		t.Errorf("val has %d lines, want 1000", got)
	}
}

func countLines(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Count(b, []byte("\n"))
}

// TestShared formats the public datasets in ../shared with the ft-format
// binary, splits the result, and checks the split's invariants.
func TestShared(t *testing.T) {
	root := os.Getenv("FT_SHARED")
	if root == "" {
		t.Skip("FT_SHARED is not set")
	}
	format := buildFormat(t)
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"tend", []string{filepath.Join(root, "data/tend-text-to-nosql/train.json")}},
		{"jangel97", []string{"--question", "intent", "--answer", "output", filepath.Join(root, "data/jangel97-text-to-mongo/eval.jsonl")}},
		{"jangel97 template", []string{"--user-template", "Collection: {{.schema.collection}}\n{{.question}}",
			filepath.Join(root, "data/jangel97-text-to-mongo/eval.jsonl")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			input := filepath.Join(dir, "all.jsonl")
			cmd := exec.Command(format, tc.args...)
			var errb bytes.Buffer
			cmd.Stderr = &errb
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("ft-format: %v\n%s", err, errb.String())
			}
			if err := os.WriteFile(input, out, 0o644); err != nil {
				t.Fatal(err)
			}
			all := lines(out)
			split := func(seed string, noGroup bool) (train, val []byte) {
				args := []string{"--seed", seed, "--val", filepath.Join(dir, "val.jsonl"), "--train", filepath.Join(dir, "train.jsonl"), input}
				if noGroup {
					args = append(args, "--no-group")
				}
				var stderr bytes.Buffer
				if code := run(args, nil, new(bytes.Buffer), &stderr); code != 0 {
					t.Fatalf("ft-split %v: exit %d\n%s", args, code, stderr.String())
				}
				return read(t, filepath.Join(dir, "train.jsonl")), read(t, filepath.Join(dir, "val.jsonl"))
			}
			train, val := split("1", false)
			tl, vl := lines(train), lines(val)
			if !isMergeOf(all, tl, vl) {
				t.Fatal("train and val together are not the input in order")
			}
			if d := len(tl) - len(all)*8/10; d < -len(all)/50 || d > len(all)/50 {
				t.Errorf("%d of %d examples in training, far from 80%%", len(tl), len(all))
			}
			for _, role := range []string{"user", "assistant"} {
				seen := map[string]bool{}
				for _, l := range tl {
					seen[turn(t, l, role)] = true
				}
				for _, l := range vl {
					if seen[turn(t, l, role)] {
						t.Fatalf("a %s turn is on both sides: %s", role, turn(t, l, role))
					}
				}
			}
			train2, val2 := split("1", false)
			if !bytes.Equal(train, train2) || !bytes.Equal(val, val2) {
				t.Error("a rerun gave different bytes")
			}
			train3, _ := split("2", false)
			if bytes.Equal(train, train3) {
				t.Error("seeds 1 and 2 gave the same split")
			}
			train4, val4 := split("1", true)
			if got := len(lines(train4)); got != (len(all)*8+5)/10 {
				t.Errorf("--no-group: %d training examples of %d, want round(N×0.8)", got, len(all))
			}
			if !isMergeOf(all, lines(train4), lines(val4)) {
				t.Fatal("--no-group: train and val together are not the input in order")
			}
		})
	}
}

func buildFormat(t *testing.T) string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build ft-format with")
	}
	out := filepath.Join(t.TempDir(), "ft-format")
	cmd := exec.Command(gobin, "build", "-o", out, "../ft-format")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building ft-format: %v\n%s", err, b)
	}
	return out
}

func read(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func lines(b []byte) []string {
	s := strings.Split(string(b), "\n")
	return s[:len(s)-1]
}

// isMergeOf reports whether a and b interleave, each in order, into all.
func isMergeOf(all, a, b []string) bool {
	if len(a)+len(b) != len(all) {
		return false
	}
	i, j := 0, 0
	for _, l := range all {
		switch {
		case i < len(a) && a[i] == l:
			i++
		case j < len(b) && b[j] == l:
			j++
		default:
			return false
		}
	}
	return true
}

// turn returns the example's turn as ft-split compares it: spaces
// collapsed, and user text lower-cased.
func turn(t *testing.T, line, role string) string {
	t.Helper()
	var ex jsonl.Example
	r := jsonl.NewReader(strings.NewReader(line), "x")
	r.Next()
	if err := r.Decode(&ex); err != nil {
		t.Fatal(err)
	}
	s, _ := ex.LastText(role)
	s = strings.Join(strings.Fields(s), " ")
	if role == "user" {
		s = strings.ToLower(s)
	}
	return s
}
