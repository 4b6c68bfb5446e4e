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

// Metadata carried by ft-format --keep is left out of what is sent, every
// other byte kept; the hash, size and MD5 are those of the bytes sent.
func TestScanStripsMetadata(t *testing.T) {
	counter, err := tokenize.New("gpt-4o-mini")
	if err != nil {
		t.Fatal(err)
	}
	withMeta := strings.TrimSuffix(example, "}") + `,"metadata":{"db_id":"shop"}}`
	rft := `{"messages":[{"role":"developer","content":"D"},{"role":"user","content":"Q"}],"metadata":{"k":1}}`
	data := strings.Repeat(withMeta+"\n", 11) + example + "\n" + strings.Repeat("x", 70000) + "\n" + rft
	sent := strings.Repeat(example+"\n", 12) + strings.Repeat("x", 70000) + "\n" + rft
	path := filepath.Join(t.TempDir(), "train.jsonl")
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(sent))
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	for _, arg := range []string{path, "-"} {
		l, _, err := scan(arg, "train", strings.NewReader(data), checkRules{counter: counter, check: false})
		if err != nil {
			t.Fatal(err)
		}
		got, rerr := os.ReadFile(l.Path)
		if rerr != nil || string(got) != sent {
			t.Errorf("%s: the bytes to send differ from the input without metadata (%v):\n%.300s", arg, rerr, got)
		}
		if l.Stripped != 11 || l.SHA256 != hex.EncodeToString(sum[:]) || l.Bytes != int64(len(sent)) || l.Examples != 14 || l.spool == nil {
			t.Errorf("%s: stripped %d, sha256 %s, %d bytes, %d examples, spooled %v; want 11, %x, %d, 14, true",
				arg, l.Stripped, l.SHA256, l.Bytes, l.Examples, l.spool != nil, sum, len(sent))
		}
		if left, _ := os.ReadDir(tmp); len(left) > 0 {
			t.Errorf("%s: the stripped copy is visible in $TMPDIR: %s", arg, left[0].Name())
		}
		l.cleanup()
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("the input is gone: %v", err)
	}
}

// A validation file needs one example, a training file ten: the one rule of
// jsonl.MinExamples, which ft-validate applies too.
func TestScanMinExamples(t *testing.T) {
	counter, err := tokenize.New("gpt-4o-mini")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		split string
		lines int
		fails bool
	}{
		{"train", 9, true}, {"train", 10, false}, {"validation", 1, false}, {"validation", 0, true},
	} {
		data := strings.Repeat(example+"\n", tc.lines)
		if tc.lines == 0 {
			data = "\n"
		}
		l, findings, err := scan("-", tc.split, strings.NewReader(data), checkRules{counter: counter, check: true, minExamples: jsonl.MinExamples(tc.split == "validation")})
		if err != nil {
			t.Fatal(err)
		}
		l.cleanup()
		if jsonl.HasError(findings) != tc.fails {
			t.Errorf("%s of %d examples: findings %v", tc.split, tc.lines, findings)
		}
	}
}
