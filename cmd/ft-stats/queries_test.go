package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestQueriesExitCode pins that answers that are not queries are described,
// not treated as bad lines: the exit status stays 0.
func TestQueriesExitCode(t *testing.T) {
	p := filepath.Join(t.TempDir(), "train.jsonl")
	data := `{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"db.c.find({ a: 1 })"}]}` + "\n" +
		`{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"db.c.find({ a: "}]}` + "\n"
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{p}, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Errorf("exit %d, want 0\n%s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "1 single queries (50.0%), 0 scripts, 1 unreadable") {
		t.Errorf("no queries section:\n%s", stdout.String())
	}
}
