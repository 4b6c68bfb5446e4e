package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

type testFlags struct {
	VersionFlag `embed:""`
	Ratio       float64  `help:"A ratio." default:"0.8"`
	Files       []string `arg:"" optional:"" help:"Files."`
}

func TestParse(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantOK   bool
		wantCode int
		stdout   string
		stderr   string
	}{
		{"plain", []string{"a.jsonl"}, true, ExitOK, "", ""},
		{"help", []string{"--help"}, false, ExitOK, "Usage: ft-test", ""},
		{"version", []string{"--version"}, false, ExitOK, "ft-test ", ""},
		{"unknown flag", []string{"--bogus"}, false, ExitUsage, "", "ft-test: unknown flag --bogus"},
		{"bad value", []string{"--ratio", "x"}, false, ExitUsage, "", "ft-test: --ratio"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var flags testFlags
			var stdout, stderr strings.Builder
			help := Help{Summary: "Tests things.", Examples: []string{"ft-test a | ft-test b"}, Environment: []string{"X  an example"}}
			code, ok := Parse("ft-test", &flags, help, tc.args, &stdout, &stderr)
			if ok != tc.wantOK || code != tc.wantCode {
				t.Fatalf("Parse = (%d, %v), want (%d, %v); stderr %q", code, ok, tc.wantCode, tc.wantOK, stderr.String())
			}
			if !strings.Contains(stdout.String(), tc.stdout) || !strings.Contains(stderr.String(), tc.stderr) {
				t.Errorf("stdout %q, stderr %q; want them to contain %q and %q", stdout.String(), stderr.String(), tc.stdout, tc.stderr)
			}
			if tc.name == "help" {
				for _, want := range []string{"ft-test a | ft-test b", "Exit status:", "X  an example"} {
					if !strings.Contains(stdout.String(), want) {
						t.Errorf("help lacks %q:\n%s", want, stdout.String())
					}
				}
			}
		})
	}
}

func TestCodeOf(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{nil, ExitOK},
		{errors.New("plain"), ExitDataError},
		{Errorf(ExitUnreadable, "x"), ExitUnreadable},
		{fmt.Errorf("wrapped: %w", WithCode(ExitAPIRefused, errors.New("no"))), ExitAPIRefused},
		{fmt.Errorf("write stdout: %w", syscall.EPIPE), ExitOK},
	}
	for _, tc := range tests {
		if got := CodeOf(tc.err); got != tc.want {
			t.Errorf("CodeOf(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}

func TestOpenMissingFile(t *testing.T) {
	_, _, err := Open(filepath.Join(t.TempDir(), "nope.jsonl"), nil)
	if CodeOf(err) != ExitUnreadable || !strings.Contains(err.Error(), "nope.jsonl: no such file") {
		t.Fatalf("Open = %v (code %d)", err, CodeOf(err))
	}
}

func TestAtomicFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.jsonl")

	a, err := CreateAtomic(path)
	if err != nil {
		t.Fatal(err)
	}
	a.WriteString("half")
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("the file is visible before Commit: %v", err)
	}
	a.Abort()
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("Abort left %d files behind", len(entries))
	}

	a, err = CreateAtomic(path)
	if err != nil {
		t.Fatal(err)
	}
	a.WriteString("whole\n")
	if err := a.Commit(); err != nil {
		t.Fatal(err)
	}
	a.Abort() // deferred Abort after Commit must not remove the file
	got, err := os.ReadFile(path)
	if err != nil || string(got) != "whole\n" {
		t.Fatalf("after Commit: %q, %v", got, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("%d files in the directory, want 1", len(entries))
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", -1000: "-1,000", -100: "-100", 12729: "12,729", 1234567890: "1,234,567,890"} {
		if got := Thousands(n); got != want {
			t.Errorf("Thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

type closedPipe struct{}

func (closedPipe) Write([]byte) (int, error) { return 0, syscall.EPIPE }

func TestParseHelpIntoClosedPipe(t *testing.T) {
	var flags testFlags
	var stderr strings.Builder
	code, ok := Parse("ft-test", &flags, Help{Summary: "x"}, []string{"--help"}, closedPipe{}, &stderr)
	if code != ExitOK || ok || stderr.Len() != 0 {
		t.Fatalf("Parse = (%d, %v), stderr %q; want (0, false) and nothing on stderr", code, ok, stderr.String())
	}
}

func TestReportContext(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		ctx  context.Context
		err  error
		want int
	}{
		{cancelled, context.Canceled, ExitInterrupted},
		{cancelled, nil, ExitOK},
		{context.Background(), Errorf(ExitAPIRefused, "no"), ExitAPIRefused},
	}
	for _, tc := range tests {
		var stderr strings.Builder
		if got := ReportContext(tc.ctx, &stderr, "ft-test", tc.err); got != tc.want {
			t.Errorf("ReportContext(%v) = %d, want %d (stderr %q)", tc.err, got, tc.want, stderr.String())
		}
	}
}

// Every line of a diagnostic starts with the tool's name, also the lines of
// an error that joins several.
func TestReportNamesEveryLine(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{errors.New("one"), "ft-x: one\n"},
		{WithCode(ExitUsage, errors.Join(errors.New("--epochs 99: too many"), errors.New("--batch-size 0: too few"))),
			"ft-x: --epochs 99: too many\nft-x: --batch-size 0: too few\n"},
		{nil, ""},
	} {
		var b strings.Builder
		Report(&b, "ft-x", tc.err)
		if b.String() != tc.want {
			t.Errorf("Report(%v) wrote %q, want %q", tc.err, b.String(), tc.want)
		}
	}
}

func TestCount(t *testing.T) {
	for _, tc := range []struct {
		n    int
		many []string
		want string
	}{
		{0, nil, "0 warnings"},
		{1, nil, "1 warning"},
		{2841, nil, "2,841 warnings"},
		{1, []string{"warnings given"}, "1 warning"},
		{3, []string{"warnings given"}, "3 warnings given"},
	} {
		if got := Count(tc.n, "warning", tc.many...); got != tc.want {
			t.Errorf("Count(%d, %q) = %q, want %q", tc.n, tc.many, got, tc.want)
		}
	}
}
