package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMongoExitCodes pins the exit statuses of --mongo.
func TestMongoExitCodes(t *testing.T) {
	answer := func(a string) string {
		return `{"messages":[{"role":"system","content":"S"},{"role":"user","content":"Q"},{"role":"assistant","content":` + a + `}]}` + "\n"
	}
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.jsonl", answer(`"db.c.find({ a: 1 })"`)+answer(`"[{\"$match\": {}}]"`))
	script := write("script.jsonl", answer(`"var a = 1; db.c.find({ a: a })"`))
	unsafe := write("unsafe.jsonl", answer(`"db.c.find({ $where: \"1\" })"`))
	prose := write("prose.jsonl", answer(`"Use the find method."`))
	tests := []struct {
		args []string
		code int
	}{
		{[]string{"--mongo", good}, 0},
		{[]string{"--mongo", script}, 0},
		{[]string{"--mongo", "--strict", script}, 1},
		{[]string{"--mongo", unsafe}, 1},
		{[]string{"--mongo", "--allow-unsafe", unsafe}, 0},
		{[]string{unsafe}, 0},
		{[]string{"--mongo", prose}, 1},
		{[]string{prose}, 0},
		{[]string{"--allow-unsafe=maybe", good}, 2},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		args := append([]string{"--min-examples", "1"}, tt.args...)
		if code := run(args, strings.NewReader(""), &stdout, &stderr); code != tt.code {
			t.Errorf("ft-validate %v: exit %d, want %d\n%s", tt.args, code, tt.code, stderr.String())
		}
	}
}
