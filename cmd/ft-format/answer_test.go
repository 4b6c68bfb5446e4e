package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAnswerFormatExitCodes pins the exit statuses of --answer-format.
func TestAnswerFormatExitCodes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.jsonl", `{"question": "q", "query": "db.c.find({ a: 1 })"}`+"\n")
	script := write("script.jsonl", `{"question": "q", "query": "var a = 1; db.c.find({ a: a })"}`+"\n")
	tests := []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"--answer-format", "json", good}, 0, `{\"type\":\"find\",\"collection\":\"c\",\"filter\":{\"a\":1}}`},
		{[]string{"--answer-format", "mongosh", good}, 0, `db.c.find({ a: 1 })`},
		{[]string{"--answer-format", "keep", script}, 0, `var a = 1`},
		{[]string{"--answer-format", "json", script}, 1, ""},
		{[]string{"--answer-format", "yaml", good}, 2, ""},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		if code := run(tt.args, strings.NewReader(""), &stdout, &stderr); code != tt.code {
			t.Errorf("ft-format %v: exit %d, want %d\n%s", tt.args, code, tt.code, stderr.String())
		}
		if !strings.Contains(stdout.String(), tt.out) {
			t.Errorf("ft-format %v: stdout %s, want %s in it", tt.args, stdout.String(), tt.out)
		}
	}
}
