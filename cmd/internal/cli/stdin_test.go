package cli

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"
)

func TestHintStdin(t *testing.T) {
	tty := openPTY(t)
	null, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	for _, tc := range []struct {
		name  string
		files []string
		stdin io.Reader
		hint  bool
	}{
		{"bare, at a terminal", nil, tty, true},
		{"- at a terminal", []string{"a.jsonl", "-"}, tty, true},
		{"a file", []string{"a.jsonl"}, tty, false},
		{"stdin is a file", nil, null, false},
		{"stdin is a pipe or buffer", nil, strings.NewReader(""), false},
	} {
		var b bytes.Buffer
		HintStdin(&b, "ft-x", "JSONL examples", tc.files, tc.stdin)
		want := ""
		if tc.hint {
			want = "ft-x: reading JSONL examples from stdin (the terminal); end with Ctrl-D, or give a file (see ft-x --help)\n"
		}
		if b.String() != want {
			t.Errorf("%s: wrote %q, want %q", tc.name, b.String(), want)
		}
	}
}
