package main

import (
	"bufio"
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/ft-tools/ft/cmd/internal/fakeopenai"
	"github.com/ft-tools/ft/cmd/internal/openai"
	"github.com/goccy/go-json"
)

// ft-wait killed with SIGKILL at random moments and started again, as a
// supervisor would, loses no event, repeats at most one line per kill, and
// prints the final object once; no temporary file is left behind.
func TestKillNine(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary for a few seconds")
	}
	bin, err := exec.LookPath(name) // testscript.Main put the binary on PATH
	if err != nil {
		t.Skip(err)
	}
	srv := fakeopenai.New(fakeopenai.Options{Tick: fakeopenai.Duration(10 * time.Millisecond),
		Life: fakeopenai.Life{Steps: 80, StepsPerTick: 1}})
	defer srv.Close()
	c, err := openai.New(openai.Config{APIKey: srv.Key(), BaseURL: srv.URL()})
	if err != nil {
		t.Fatal(err)
	}
	job, err := newJob(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	state, work := t.TempDir(), t.TempDir()
	var out bytes.Buffer
	kills := 0
	for run := 0; ; run++ {
		if run == 60 {
			t.Fatalf("ft-wait did not finish in %d runs", run)
		}
		cmd := exec.Command(bin, "--interval", "0.005", "--state-dir", state, job.ID)
		cmd.Dir = work
		cmd.Env = []string{"OPENAI_BASE_URL=" + srv.URL(), "OPENAI_API_KEY=" + srv.Key(), "HOME=" + work, "PATH=" + os.Getenv("PATH")}
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		var werr error
		select {
		case werr = <-done:
		case <-time.After(time.Duration(20+rand.IntN(150)) * time.Millisecond):
			cmd.Process.Signal(syscall.SIGKILL)
			werr = <-done
		}
		out.Write(stdout.Bytes())
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			kills++
			continue
		}
		if werr != nil {
			t.Fatalf("run %d: %v; stderr:\n%s", run, werr, stderr.String())
		}
		break
	}
	want, err := c.EventsSince(context.Background(), job.ID, "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	finals, repeats := 0, 0
	sc := bufio.NewScanner(&out)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var o struct{ ID, Object string }
		if err := json.Unmarshal(sc.Bytes(), &o); err != nil {
			t.Fatalf("a line that is not whole JSON: %q", sc.Text())
		}
		switch o.Object {
		case "fine_tuning.job":
			finals++
			if finals == 1 && len(got) > 0 && got[len(got)-1] == "final" {
				repeats++
			}
			got = append(got, "final")
		case "fine_tuning.job.event":
			if len(got) > 0 && got[len(got)-1] == o.ID {
				repeats++
				continue
			}
			got = append(got, o.ID)
		}
	}
	var wantIDs []string
	for _, e := range want {
		wantIDs = append(wantIDs, e.ID)
	}
	wantIDs = append(wantIDs, "final")
	t.Logf("%d kills, %d events, %d lines repeated", kills, len(want), repeats)
	if kills == 0 {
		t.Fatalf("ft-wait was never killed: the test proves nothing")
	}
	if finals != 1 {
		t.Errorf("the final object was printed %d times", finals)
	}
	if repeats > kills {
		t.Errorf("%d lines repeated over %d kills", repeats, kills)
	}
	if len(got) != len(wantIDs) {
		t.Fatalf("printed, without adjacent repeats:\n%v\nwant:\n%v", got, wantIDs)
	}
	for i := range got {
		if got[i] != wantIDs[i] {
			t.Fatalf("line %d is %s, want %s; printed:\n%v\nwant:\n%v", i, got[i], wantIDs[i], got, wantIDs)
		}
	}
	if tmp, _ := filepath.Glob(filepath.Join(state, ".*.tmp")); len(tmp) > 0 {
		t.Errorf("temporary files left: %v", tmp)
	}
}
