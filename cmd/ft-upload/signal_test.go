package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ft-tools/ft/cmd/internal/cli"
	"github.com/ft-tools/ft/cmd/internal/fakeopenai"
)

// TestSignalDuringUpload: a signal while the upload is in flight makes
// ft-upload look the file up by its content tag, say what it found, and
// exit with the signal's status.
func TestSignalDuringUpload(t *testing.T) {
	good := filepath.Join(t.TempDir(), "train.jsonl")
	if err := os.WriteFile(good, []byte(strings.Repeat(example+"\n", 12)), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			s := fakeopenai.New(fakeopenai.Options{})
			defer s.Close()
			f, err := fakeopenai.ParseFault("slow POST /v1/files delay=1m")
			if err != nil {
				t.Fatal(err)
			}
			s.AddFault(f)
			ctx, cancel := context.WithCancelCause(context.Background())
			defer cancel(nil)
			go func() {
				for s.Count("POST", "/v1/files") == 0 {
					time.Sleep(time.Millisecond)
				}
				cancel(&cli.SignalError{Signal: sig})
			}()
			env := map[string]string{"OPENAI_BASE_URL": s.URL(), "OPENAI_API_KEY": s.Key()}
			var stdout, stderr bytes.Buffer
			got := runContext(ctx, []string{good}, func(k string) string { return env[k] }, strings.NewReader(""), &stdout, &stderr)
			if got != 128+int(sig) {
				t.Errorf("exit %d, want %d; stderr:\n%s", got, 128+int(sig), stderr.String())
			}
			for _, want := range []string{"the file may have been stored (its name contains sha256-", "running ft-upload again on the same content reuses it", "ft-upload: interrupted\n"} {
				if !strings.Contains(stderr.String(), want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
				}
			}
		})
	}
}
