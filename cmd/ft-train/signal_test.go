package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ft-tools/ft/cmd/internal/cli"
	"github.com/ft-tools/ft/cmd/internal/fakeopenai"
	"github.com/ft-tools/ft/cmd/internal/openai"
)

// watchWriter calls hit once when what has been written contains want.
type watchWriter struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	want string
	hit  func()
}

func (w *watchWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if w.hit != nil && strings.Contains(w.buf.String(), w.want) {
		w.hit()
		w.hit = nil
	}
	return len(p), nil
}

// TestSignalDuringCreate: a signal that cuts a create short, after its
// request may have reached the server, makes ft-train look the job up by
// its tag and say what it found, and exit with the signal's status.
func TestSignalDuringCreate(t *testing.T) {
	saved := sleep
	defer func() { sleep = saved }()
	sleep = func(ctx context.Context, _ time.Duration) error { <-ctx.Done(); return ctx.Err() }
	for _, tc := range []struct {
		name  string
		fault string
		sig   syscall.Signal
		when  string // stderr text at which the signal comes; "" for "once the create is in flight"
		want  []string
		jobs  int
	}{
		{"created, answer lost, SIGTERM in the pause", "lost POST /v1/fine_tuning/jobs", syscall.SIGTERM, "looking for a job tagged",
			[]string{"the job was created before the interruption: ftjob-", "follow it with: ft-wait ftjob-", "ft-train: interrupted\n"}, 1},
		{"in flight, SIGHUP", "slow POST /v1/fine_tuning/jobs delay=1m", syscall.SIGHUP, "",
			[]string{"no job tagged ft_request=", "/fine_tuning/jobs?metadata%5Bft_request%5D=", "ft-train: interrupted\n"}, 0},
		{"in flight, SIGINT", "slow POST /v1/fine_tuning/jobs delay=1m", syscall.SIGINT, "",
			[]string{"no job tagged ft_request=", "ft-train: interrupted\n"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := fakeopenai.New(fakeopenai.Options{})
			defer s.Close()
			c, err := openai.New(openai.Config{APIKey: s.Key(), BaseURL: s.URL()})
			if err != nil {
				t.Fatal(err)
			}
			f, err := c.UploadFile(context.Background(), "train.jsonl", []byte(`{"messages":[]}`+"\n"), "fine-tune")
			if err != nil {
				t.Fatal(err)
			}
			ft, err := fakeopenai.ParseFault(tc.fault)
			if err != nil {
				t.Fatal(err)
			}
			s.AddFault(ft)
			ctx, cancel := context.WithCancelCause(context.Background())
			defer cancel(nil)
			signal := func() { cancel(&cli.SignalError{Signal: tc.sig}) }
			stderr := &watchWriter{want: tc.when}
			if tc.when != "" {
				stderr.hit = signal
			} else {
				go func() {
					for s.Count("POST", "/v1/fine_tuning/jobs") == 0 {
						time.Sleep(time.Millisecond)
					}
					signal()
				}()
			}
			env := map[string]string{"OPENAI_BASE_URL": s.URL(), "OPENAI_API_KEY": s.Key()}
			line := fmt.Sprintf(`{"id":%q,"split":"train","examples":20,"tokens":100000}`, f.ID)
			var stdout bytes.Buffer
			got := runContext(ctx, nil, func(k string) string { return env[k] }, strings.NewReader(line), &stdout, stderr)
			if got != 128+int(tc.sig) {
				t.Errorf("exit %d, want %d; stderr:\n%s", got, 128+int(tc.sig), stderr.buf.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr.buf.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr.buf.String())
				}
			}
			if n := s.JobsCreated(); n != tc.jobs {
				t.Errorf("%d jobs created, want %d", n, tc.jobs)
			}
			if strings.Contains(stderr.buf.String(), s.Key()) {
				t.Error("the key appears on stderr")
			}
		})
	}
}
