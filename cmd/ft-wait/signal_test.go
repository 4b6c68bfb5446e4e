package main

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/ft-tools/ft/cmd/internal/fakeopenai"
	"github.com/ft-tools/ft/cmd/internal/openai"
)

// TestSignals runs ft-wait as a process, on a job that never ends, and
// stops it once it has printed an event: SIGINT, SIGTERM and SIGHUP each
// leave the job running, print how to go on, and exit 130, 143 and 129.
func TestSignals(t *testing.T) {
	bin, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is not on $PATH: %v", name, err)
	}
	for _, tc := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}, {syscall.SIGHUP, 129}} {
		t.Run(tc.sig.String(), func(t *testing.T) {
			s := fakeopenai.New(fakeopenai.Options{Manual: true})
			defer s.Close()
			c, err := openai.New(openai.Config{APIKey: s.Key(), BaseURL: s.URL()})
			if err != nil {
				t.Fatal(err)
			}
			job, err := newJob(context.Background(), c)
			if err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(bin, "--interval", "20ms", "--no-state", job.ID)
			cmd.Env = append(os.Environ(), "OPENAI_API_KEY="+s.Key(), "OPENAI_BASE_URL="+s.URL(), "XDG_CACHE_HOME="+filepath.Join(t.TempDir(), "cache"))
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// The first event printed means the run is well inside its loop.
			if !bufio.NewScanner(out).Scan() {
				cmd.Wait()
				t.Fatalf("no event printed; stderr:\n%s", stderr.String())
			}
			cmd.Process.Signal(tc.sig)
			go func() { bufio.NewReader(out).WriteTo(new(bytes.Buffer)) }()
			err = cmd.Wait()
			ee, ok := err.(*exec.ExitError)
			if !ok || ee.ExitCode() != tc.code {
				t.Fatalf("exit %v, want %d; stderr:\n%s", err, tc.code, stderr.String())
			}
			if !strings.Contains(stderr.String(), "interrupted; left running:") || !strings.Contains(stderr.String(), "ft-wait") {
				t.Errorf("no resume hint on stderr:\n%s", stderr.String())
			}
			if j, err := c.GetJob(context.Background(), job.ID); err != nil || openai.Terminal(j.Status) {
				t.Errorf("the job is %s (%v), want it left running", j.Status, err)
			}
		})
	}
}
