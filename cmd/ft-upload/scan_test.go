package main

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ft-tools/ft/jsonl"
	"github.com/ft-tools/ft/tokenize"
)

const example = `{"messages":[{"role":"system","content":"You write MongoDB queries."},{"role":"user","content":"How many orders?"},{"role":"assistant","content":"db.orders.countDocuments({})"}]}`

func TestScan(t *testing.T) {
	counter, err := tokenize.New("gpt-4o-mini")
	if err != nil {
		t.Fatal(err)
	}
	want := counter.Example(mustExample(t, example)).Total
	data := strings.Repeat(example+"\n", 12)
	path := filepath.Join(t.TempDir(), "train.jsonl")
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(data))
	for _, arg := range []string{path, "-"} {
		l, findings, err := scan(arg, "train", strings.NewReader(data), checkRules{counter: counter, check: true, minExamples: 10})
		if err != nil {
			t.Fatal(err)
		}
		defer l.cleanup()
		if l.SHA256 != hex.EncodeToString(sum[:]) || l.Bytes != int64(len(data)) || l.Examples != 12 || l.Tokens != int64(12*want) {
			t.Errorf("%s: got %+v; want sha256 %x, %d bytes, 12 examples, %d tokens", arg, l, sum, len(data), 12*want)
		}
		if jsonl.HasError(findings) {
			t.Errorf("%s: errors in a valid file: %v", arg, findings)
		}
		got, err := os.ReadFile(l.Path)
		if err != nil || string(got) != data {
			t.Errorf("%s: the bytes to send (%s) differ from the input: %v", arg, l.Path, err)
		}
		if name := l.remoteName(); !strings.Contains(name, "sha256-"+l.SHA256[:16]) || !strings.HasSuffix(name, ".jsonl") {
			t.Errorf("remote name %q lacks the hash tag or the extension", name)
		}
	}
	// Too few examples and a line that is not JSON: refused.
	bad := example + "\n{\"messages\": [\n"
	l, findings, err := scan("-", "train", strings.NewReader(bad), checkRules{counter: counter, check: true, minExamples: 10})
	if err != nil {
		t.Fatal(err)
	}
	l.cleanup()
	if !jsonl.HasError(findings) {
		t.Errorf("no error found in %q", bad)
	}
	if _, err := os.Stat(l.Path); !os.IsNotExist(err) {
		t.Errorf("spooled stdin %s left behind", l.Path)
	}
}

func mustExample(t *testing.T, line string) *jsonl.Example {
	t.Helper()
	r := jsonl.NewReader(strings.NewReader(line), "x")
	var ex jsonl.Example
	if !r.Next() || r.Decode(&ex) != nil {
		t.Fatal("bad example")
	}
	return &ex
}

func TestParseSize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
	}{{"100", 100}, {"512k", 512000}, {"64MiB", 64 << 20}, {"1MB", 1000000}, {"2Gi", 2 << 30}, {"1KiB", 1024}} {
		if got, err := parseSize(tc.in); err != nil || got != tc.want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{"", "0", "-5", "ten", "5TB"} {
		if _, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) gave no error", in)
		}
	}
}
