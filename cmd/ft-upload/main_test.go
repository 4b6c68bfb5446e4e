package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/ft-tools/ft/cmd/internal/cli"
	"github.com/ft-tools/ft/cmd/internal/fakeopenai"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/ft-tools/ft/cmd/internal/scriptfiles"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){name: main})
}

func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Cmds:                map[string]func(*testscript.TestScript, bool, []string){"fakeopenai": fakeopenai.Cmd, "feed": scriptfiles.Cmds["feed"]},
	})
}

// TestExitCodes pins the exit status of each outcome, which testscript
// only sees as zero or not.
func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := dir + "/" + name
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("train.jsonl", strings.Repeat(example+"\n", 12))
	bad := write("bad.jsonl", strings.Repeat(example+"\n", 12)+"{\"messages\": []}\n")
	notJSON := write("notes.jsonl", "hello\nworld\n")
	for _, tc := range []struct {
		name      string
		args      []string
		faults    []string
		noKey     bool
		want      int
		misreport string
		inErr     string // stderr must contain it
	}{
		{"sent", []string{good}, nil, false, cli.ExitOK, "", ""},
		{"dry run without a key", []string{"--dry-run", good}, nil, true, cli.ExitOK, "", ""},
		{"no key", []string{good}, nil, true, cli.ExitUsage, "", ""},
		{"invalid file", []string{bad}, nil, false, cli.ExitDataError, "", ""},
		{"invalid file sent anyway", []string{"--no-check", bad}, nil, false, cli.ExitOK, "", ""},
		{"missing file", []string{dir + "/none.jsonl"}, nil, false, cli.ExitUnreadable, "", ""},
		{"not JSON lines", []string{notJSON}, nil, false, cli.ExitUnreadable, "", ""},
		{"not JSON lines, unchecked", []string{"--no-check", "--dry-run", notJSON}, nil, true, cli.ExitUnreadable, "", ""},
		{"bad part size", []string{"--part-size", "65MiB", good}, nil, false, cli.ExitUsage, "", ""},
		{"unknown flag", []string{"--frobnicate", good}, nil, false, cli.ExitUsage, "", ""},
		{"unknown model", []string{"--model", "gpt-9", good}, nil, false, cli.ExitUsage, "", ""},
		{"refused", []string{good}, []string{"400 POST /v1/files message=bad_{key} param=file"}, false, cli.ExitAPIRefused, "", ""},
		{"unavailable", []string{"--max-retries", "1", good}, []string{"503 * /v1/files times=-1 retry_after_ms=1"}, false, cli.ExitUnavailable, "", ""},
		{"part refused", []string{"--part-size", "1000", good}, []string{"400 POST /v1/uploads/*/parts nth=2"}, false, cli.ExitAPIRefused, "", ""},
		{"stored with other bytes", []string{good}, nil, false, cli.ExitUnavailable, "bytes", "bytes, but "},
		{"stored with another purpose", []string{good}, nil, false, cli.ExitUnavailable, "purpose", `with purpose "assistants", but "fine-tune" was sent`},
		{"stored with status error", []string{good}, nil, false, cli.ExitAPIRefused, "error", "with status error: the file could not be processed"},
		{"upload stored with other bytes", []string{"--part-size", "1000", good}, nil, false, cli.ExitUnavailable, "bytes", "bytes, but "},
		{"expiry too short", []string{"--expires-after", "10m", good}, nil, false, cli.ExitUsage, "", "--expires-after 10m0s: want whole seconds from 1h to 720h"},
		{"expiry too long", []string{"--expires-after", "721h", good}, nil, false, cli.ExitUsage, "", "want whole seconds"},
		{"500 with a 50 MB message", []string{"--lookup-for", "0s", "--max-retries", "1", good}, []string{"500 POST /v1/files size=50M message=overloaded times=-1"}, false, cli.ExitUnavailable, "", "500: overloaded and so on and so on"},
		{"200 HTML page on upload", []string{"--lookup-for", "0s", "--max-retries", "1", good}, []string{"html POST /v1/files status=200 times=-1"}, false, cli.ExitUnavailable, "", `an HTML page titled "200 OK"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := fakeopenai.New(fakeopenai.Options{Misreport: tc.misreport})
			defer s.Close()
			for _, spec := range tc.faults {
				f, err := fakeopenai.ParseFault(spec)
				if err != nil {
					t.Fatal(err)
				}
				s.AddFault(f)
			}
			env := map[string]string{"OPENAI_BASE_URL": s.URL(), "OPENAI_API_KEY": s.Key()}
			if tc.noKey {
				delete(env, "OPENAI_API_KEY")
			}
			var stdout, stderr bytes.Buffer
			got := runContext(context.Background(), tc.args, func(k string) string { return env[k] }, strings.NewReader(""), &stdout, &stderr)
			if got != tc.want {
				t.Errorf("exit %d, want %d; stderr:\n%s", got, tc.want, stderr.String())
			}
			if strings.Contains(stdout.String()+stderr.String(), s.Key()) {
				t.Errorf("the key appears in the output:\n%s%s", stdout.String(), stderr.String())
			}
			if !strings.Contains(stderr.String(), tc.inErr) {
				t.Errorf("stderr lacks %q:\n%s", tc.inErr, stderr.String())
			}
			if len(stderr.String()) > 4000 {
				t.Errorf("stderr is %d bytes long", len(stderr.String()))
			}
			if tc.name == "part refused" && s.Count("POST", "/v1/uploads/*/cancel") != 1 {
				t.Errorf("the failed upload was not cancelled: %v", s.Requests())
			}
		})
	}
}
