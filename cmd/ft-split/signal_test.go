package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// binary is ft-split as testscript.Main installs it on $PATH, so that a
// test can run it as a process of its own and send it signals.
func binary(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is not on $PATH: %v", name, err)
	}
	return p
}

// TestSignalMidSplit stops a split whose stdin is half read, when both its
// temporary output and its spool of stdin exist: SIGINT, SIGTERM and SIGHUP
// give 130, 143 and 129 and leave no file at all; SIGKILL cannot be caught,
// but leaves no spool (it is unlinked from the start), and the next run
// removes the temporary output it left.
func TestSignalMidSplit(t *testing.T) {
	chunk := []byte(strings.Repeat(chatLine("a question that is long enough", "an answer")+"\n", 20000))
	for _, tc := range []struct {
		sig  syscall.Signal
		code int
	}{
		{syscall.SIGINT, 130},
		{syscall.SIGTERM, 143},
		{syscall.SIGHUP, 129},
		{syscall.SIGKILL, -1},
	} {
		t.Run(tc.sig.String(), func(t *testing.T) {
			dir, tmp := t.TempDir(), t.TempDir()
			cmd := exec.Command(binary(t), "--val", filepath.Join(dir, "v.jsonl"), "--train", filepath.Join(dir, "t.jsonl"))
			cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			in, err := cmd.StdinPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Several MB go in and the pipe stays open: the run is inside
			// its spooling when the signal comes.
			for range 5 {
				if _, err := in.Write(chunk); err != nil {
					t.Fatal(err)
				}
			}
			waitFor(t, func() bool {
				return len(glob(t, dir, ".v.jsonl.*.tmp")) == 1 && len(glob(t, dir, ".t.jsonl.*.tmp")) == 1
			})
			cmd.Process.Signal(tc.sig)
			err = cmd.Wait()
			in.Close()
			var ee *exec.ExitError
			if tc.sig == syscall.SIGKILL {
				if !errorAs(err, &ee) || ee.ExitCode() != -1 {
					t.Fatalf("after SIGKILL: %v", err)
				}
			} else if !errorAs(err, &ee) || ee.ExitCode() != tc.code {
				t.Fatalf("exit %v, want %d; stderr:\n%s", err, tc.code, stderr.String())
			} else if want := fmt.Sprintf("ft-split: interrupted (%s)\n", signalName(tc.sig)); stderr.String() != want {
				t.Errorf("stderr %q, want %q", stderr.String(), want)
			}
			if left := glob(t, tmp, "*"); len(left) > 0 {
				t.Errorf("left in $TMPDIR: %v", left)
			}
			left := glob(t, dir, "*")
			if tc.sig != syscall.SIGKILL && len(left) > 0 {
				t.Errorf("left beside the outputs: %v", left)
			}
			if tc.sig == syscall.SIGKILL {
				if len(left) != 2 {
					t.Fatalf("after SIGKILL, %v beside the outputs; want the two temporary files", left)
				}
				again := exec.Command(binary(t), "--val", filepath.Join(dir, "v.jsonl"), "--train", filepath.Join(dir, "t.jsonl"))
				again.Stdin = bytes.NewReader(chunk)
				if out, err := again.CombinedOutput(); err != nil {
					t.Fatalf("the next run: %v\n%s", err, out)
				}
				if left := glob(t, dir, ".*.tmp"); len(left) > 0 {
					t.Errorf("the next run left the stale temporary files: %v", left)
				}
			}
		})
	}
}

func signalName(s syscall.Signal) string {
	return map[syscall.Signal]string{syscall.SIGINT: "SIGINT", syscall.SIGTERM: "SIGTERM", syscall.SIGHUP: "SIGHUP"}[s]
}

func errorAs(err error, ee **exec.ExitError) bool {
	e, ok := err.(*exec.ExitError)
	*ee = e
	return ok
}

func glob(t *testing.T, dir, pattern string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, pattern))
	if err != nil {
		t.Fatal(err)
	}
	return m // Glob's * also matches a leading dot
}

// waitFor polls a condition that a child process makes true; it is not a
// timing assertion, and the deadline only stops a broken run from hanging.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("the condition never became true")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestProcessSubstitution is `ft-split --val v.jsonl <(cat d.jsonl)`,
// which testscript cannot write: the same bytes as from the file itself.
func TestProcessSubstitution(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash for process substitution")
	}
	dir := t.TempDir()
	var in strings.Builder
	for i := range 500 {
		in.WriteString(chatLine(fmt.Sprint("q", i), fmt.Sprint("a", i)) + "\n")
	}
	d := filepath.Join(dir, "d.jsonl")
	if err := os.WriteFile(d, []byte(in.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(script string) (train, val []byte) {
		t.Helper()
		cmd := exec.Command(bash, "-c", script)
		cmd.Dir = dir
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s: %v", script, err)
		}
		return out, read(t, filepath.Join(dir, "v.jsonl"))
	}
	t1, v1 := run("ft-split --seed 5 --val v.jsonl d.jsonl")
	t2, v2 := run("ft-split --seed 5 --val v.jsonl <(cat d.jsonl)")
	if len(t1) == 0 || len(v1) == 0 || !bytes.Equal(t1, t2) || !bytes.Equal(v1, v2) {
		t.Errorf("<(cat d.jsonl) gave %d+%d bytes, the file %d+%d", len(t2), len(v2), len(t1), len(v1))
	}
	cmd := exec.Command(bash, "-c", "ft-split --seed 5 --val >(cat > v2.jsonl) d.jsonl")
	cmd.Dir = dir
	if t3, err := cmd.Output(); err != nil || !bytes.Equal(t1, t3) {
		t.Errorf(">(...) as --val: %v, or the training part changed", err)
	}
	waitFor(t, func() bool { b, _ := os.ReadFile(filepath.Join(dir, "v2.jsonl")); return bytes.Equal(b, v1) })
}
