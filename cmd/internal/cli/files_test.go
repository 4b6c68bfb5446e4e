package cli

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

func TestCreateAtomicTargets(t *testing.T) {
	type setup func(t *testing.T, dir string) (path string)
	regular := func(mode fs.FileMode) setup {
		return func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "out.jsonl")
			writeFile(t, p, "old\n", mode)
			return p
		}
	}
	tests := []struct {
		name     string
		setup    setup
		direct   bool
		written  string      // where the data must end up, relative to dir
		mode     fs.FileMode // of the written file, 0 to skip
		symlinks []string    // names that must still be symlinks
	}{
		{"absent", func(t *testing.T, dir string) string { return filepath.Join(dir, "new.jsonl") }, false, "new.jsonl", 0o666 &^ umask(t), nil},
		{"regular 0600 keeps its mode", regular(0o600), false, "out.jsonl", 0o600, nil},
		{"regular 0640 keeps its mode", regular(0o640), false, "out.jsonl", 0o640, nil},
		{"symlink is followed", func(t *testing.T, dir string) string {
			writeFile(t, filepath.Join(dir, "real.jsonl"), "old\n", 0o604)
			must(t, os.Symlink("real.jsonl", filepath.Join(dir, "link.jsonl")))
			return filepath.Join(dir, "link.jsonl")
		}, false, "real.jsonl", 0o604, []string{"link.jsonl"}},
		{"chain of symlinks into another directory", func(t *testing.T, dir string) string {
			must(t, os.Mkdir(filepath.Join(dir, "sub"), 0o755))
			writeFile(t, filepath.Join(dir, "sub", "real.jsonl"), "old\n", 0o644)
			must(t, os.Symlink("sub/real.jsonl", filepath.Join(dir, "a")))
			must(t, os.Symlink(filepath.Join(dir, "a"), filepath.Join(dir, "b")))
			return filepath.Join(dir, "b")
		}, false, "sub/real.jsonl", 0o644, []string{"a", "b"}},
		{"dangling symlink creates its target", func(t *testing.T, dir string) string {
			must(t, os.Symlink("made.jsonl", filepath.Join(dir, "link.jsonl")))
			return filepath.Join(dir, "link.jsonl")
		}, false, "made.jsonl", 0, []string{"link.jsonl"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := tc.setup(t, dir)
			a, err := CreateAtomic(path)
			if err != nil {
				t.Fatal(err)
			}
			if a.direct != tc.direct || a.Name() != path {
				t.Errorf("direct %v, Name %q; want %v, %q", a.direct, a.Name(), tc.direct, path)
			}
			a.WriteString("new\n")
			if b, err := os.ReadFile(filepath.Join(dir, tc.written)); err == nil && string(b) == "new\n" {
				t.Error("the data is visible before Commit")
			}
			must(t, a.Commit())
			a.Abort()
			got := filepath.Join(dir, tc.written)
			if b, err := os.ReadFile(got); err != nil || string(b) != "new\n" {
				t.Fatalf("%s after Commit: %q, %v", tc.written, b, err)
			}
			if fi, err := os.Lstat(got); err != nil || !fi.Mode().IsRegular() || tc.mode != 0 && fi.Mode().Perm() != tc.mode {
				t.Errorf("%s: %v (%v), want a regular file of mode %v", tc.written, fi.Mode(), err, tc.mode)
			}
			for _, l := range tc.symlinks {
				if fi, err := os.Lstat(filepath.Join(dir, l)); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
					t.Errorf("%s is no longer a symlink", l)
				}
			}
			if tmp, _ := filepath.Glob(filepath.Join(dir, "*", ".*.tmp")); len(tmp) > 0 {
				t.Errorf("temporary files left: %v", tmp)
			}
			if tmp, _ := filepath.Glob(filepath.Join(dir, ".*.tmp")); len(tmp) > 0 {
				t.Errorf("temporary files left: %v", tmp)
			}
		})
	}
}

func TestCreateAtomicFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "out.fifo")
	must(t, syscall.Mkfifo(fifo, 0o644))
	got := make(chan string)
	go func() {
		b, _ := os.ReadFile(fifo)
		got <- string(b)
	}()
	a, err := CreateAtomic(fifo)
	if err != nil {
		t.Fatal(err)
	}
	if !a.direct {
		t.Error("a FIFO is not written straight through")
	}
	a.WriteString("through\n")
	must(t, a.Commit())
	if s := <-got; s != "through\n" {
		t.Errorf("read %q from the FIFO", s)
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&fs.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced: %v", fi.Mode())
	}
}

func TestCreateAtomicProcFD(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	for _, path := range []string{"/dev/fd/" + strconv.Itoa(int(w.Fd())), "/proc/self/fd/" + strconv.Itoa(int(w.Fd()))} {
		if _, err := os.Stat(path); err != nil {
			t.Skipf("%s: %v", path, err)
		}
		a, err := CreateAtomic(path)
		if err != nil {
			t.Fatal(err)
		}
		if !a.direct {
			t.Errorf("%s is not written straight through", path)
		}
		a.WriteString("x")
		must(t, a.Commit())
		b := make([]byte, 1)
		if _, err := io.ReadFull(r, b); err != nil || b[0] != 'x' {
			t.Errorf("%s: read %q, %v", path, b, err)
		}
	}
}

func TestCreateAtomicRefusesDirectory(t *testing.T) {
	dir := t.TempDir()
	_, err := CreateAtomic(dir)
	if err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Fatalf("CreateAtomic(dir) = %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("%d files made in the directory", len(entries))
	}
}

func TestCreateAtomicRemovesStale(t *testing.T) {
	dir := t.TempDir()
	stale := []string{".out.jsonl.0123abcd.tmp", ".out.jsonl.123456789.tmp"}
	kept := []string{".out.jsonl.notours.tmp", ".other.jsonl.0123abcd.tmp", ".out.jsonl..tmp", "out.jsonl.0123.tmp"}
	for _, n := range append(append([]string{}, stale...), kept...) {
		writeFile(t, filepath.Join(dir, n), "x", 0o644)
	}
	must(t, os.Mkdir(filepath.Join(dir, ".out.jsonl.beef.tmp"), 0o755)) // not a regular file: kept
	kept = append(kept, ".out.jsonl.beef.tmp")
	a, err := CreateAtomic(filepath.Join(dir, "out.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Abort()
	for _, n := range stale {
		if _, err := os.Lstat(filepath.Join(dir, n)); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("stale %s not removed", n)
		}
	}
	for _, n := range kept {
		if _, err := os.Lstat(filepath.Join(dir, n)); err != nil {
			t.Errorf("%s removed", n)
		}
	}
}

func TestCheckOutputs(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.jsonl")
	other := filepath.Join(dir, "other.jsonl")
	writeFile(t, in, "{}\n", 0o644)
	writeFile(t, other, "{}\n", 0o644)
	must(t, os.Symlink("in.jsonl", filepath.Join(dir, "sym.jsonl")))
	must(t, os.Link(in, filepath.Join(dir, "hard.jsonl")))
	fifo := filepath.Join(dir, "f.fifo")
	must(t, syscall.Mkfifo(fifo, 0o644))
	stdinFile, err := os.Open(in)
	if err != nil {
		t.Fatal(err)
	}
	defer stdinFile.Close()
	p := func(n string) string { return filepath.Join(dir, n) }
	tests := []struct {
		name    string
		inputs  []string
		stdin   io.Reader
		outputs []Output
		want    string // "" for no error
	}{
		{"distinct", []string{in}, nil, []Output{{"--val", p("v.jsonl")}, {"--train", p("t.jsonl")}}, ""},
		{"unset flags", []string{in}, nil, []Output{{"--val", ""}, {"--train", ""}}, ""},
		{"same name", []string{in}, nil, []Output{{"--rejects", in}}, "--rejects " + in + " is the input " + in},
		{"second input", []string{other, in}, nil, []Output{{"--rejects", in}}, "is the input " + in},
		{"through a symlink", []string{in}, nil, []Output{{"--rejects", p("sym.jsonl")}}, "is the input"},
		{"input through a symlink", []string{p("sym.jsonl")}, nil, []Output{{"--rejects", in}}, "is the input"},
		{"hard link", []string{in}, nil, []Output{{"--val", p("hard.jsonl")}}, "is the input"},
		{"other path spelling", []string{in}, nil, []Output{{"--val", dir + "/./in.jsonl"}}, "is the input"},
		{"stdin from the file", []string{"-"}, stdinFile, []Output{{"--rejects", in}}, "is the file on stdin"},
		{"stdin a pipe", []string{"-"}, strings.NewReader("{}"), []Output{{"--rejects", in}}, ""},
		{"two outputs, one existing file", []string{other}, nil, []Output{{"--val", in}, {"--train", p("hard.jsonl")}}, "--val " + in + " and --train " + p("hard.jsonl") + " are the same file"},
		{"two outputs, one new file", []string{other}, nil, []Output{{"--val", p("n.jsonl")}, {"--train", dir + "/sub/../n.jsonl"}}, "are the same file"},
		{"FIFO as input and output", []string{fifo}, nil, []Output{{"--rejects", fifo}}, ""},
		{"missing input", []string{p("none.jsonl")}, nil, []Output{{"--rejects", p("none.jsonl")}}, ""},
	}
	must(t, os.Mkdir(p("sub"), 0o755))
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckOutputs(tc.inputs, tc.stdin, tc.outputs...)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("CheckOutputs = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || CodeOf(err) != ExitUsage {
				t.Fatalf("CheckOutputs = %v (code %d), want exit 2 and %q", err, CodeOf(err), tc.want)
			}
		})
	}
}

func TestOpenRereadable(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	dir := t.TempDir()
	file := filepath.Join(dir, "d.jsonl")
	writeFile(t, file, "{}\n{}\n", 0o644)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	go func() { w.WriteString("{}\n{}\n"); w.Close() }()
	fifo := filepath.Join(dir, "f.fifo")
	must(t, syscall.Mkfifo(fifo, 0o644))
	go func() {
		f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err == nil {
			f.WriteString("{}\n{}\n")
			f.Close()
		}
	}()
	for _, tc := range []struct {
		name, arg string
		stdin     io.Reader
		spooled   bool
		wantName  string
	}{
		{"regular file", file, nil, false, file},
		{"stdin", "-", strings.NewReader("{}\n{}\n"), true, StdinName},
		{"a pipe by name", "/dev/fd/" + strconv.Itoa(int(r.Fd())), nil, true, "/dev/fd/" + strconv.Itoa(int(r.Fd()))},
		{"a FIFO", fifo, nil, true, fifo},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var tee bytes.Buffer
			f, name, spooled, err := OpenRereadable(tc.arg, tc.stdin, &tee)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if spooled != tc.spooled || name != tc.wantName {
				t.Errorf("spooled %v, name %q; want %v, %q", spooled, name, tc.spooled, tc.wantName)
			}
			if spooled && tee.String() != "{}\n{}\n" {
				t.Errorf("tee saw %q", tee.String())
			}
			for pass := range 2 {
				f.Seek(0, io.SeekStart)
				if b, _ := io.ReadAll(f); string(b) != "{}\n{}\n" {
					t.Errorf("pass %d read %q", pass+1, b)
				}
			}
			if left, _ := os.ReadDir(tmp); len(left) > 0 {
				t.Errorf("the spool is visible in $TMPDIR while open: %s", left[0].Name())
			}
		})
	}
	if _, _, _, err := OpenRereadable(filepath.Join(dir, "none"), nil, nil); CodeOf(err) != ExitUnreadable {
		t.Errorf("a missing file: %v (code %d), want exit 3", err, CodeOf(err))
	}
}

func TestSignalCodes(t *testing.T) {
	for sig, want := range map[syscall.Signal]int{syscall.SIGINT: 130, syscall.SIGTERM: 143, syscall.SIGHUP: 129} {
		ctx, cancel := context.WithCancelCause(context.Background())
		cancel(&SignalError{Signal: sig})
		if got := InterruptCode(ctx); got != want {
			t.Errorf("InterruptCode after %v = %d, want %d", sig, got, want)
		}
		var stderr strings.Builder
		if got := ReportContext(ctx, &stderr, "ft-test", context.Canceled); got != want || stderr.String() != "ft-test: interrupted\n" {
			t.Errorf("ReportContext after %v = %d, %q", sig, got, stderr.String())
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if got := InterruptCode(ctx); got != ExitInterrupted {
		t.Errorf("InterruptCode of a plain cancel = %d, want 130", got)
	}
}

func TestSignalContextStop(t *testing.T) {
	ctx, stop := SignalContext(context.Background())
	exiting.Lock()
	n := len(exiting.watchers)
	exiting.Unlock()
	if n != 1 {
		t.Fatalf("%d watchers registered, want 1", n)
	}
	stop()
	exiting.Lock()
	n = len(exiting.watchers)
	exiting.Unlock()
	if n != 0 || ctx.Err() == nil {
		t.Errorf("after stop: %d watchers, ctx.Err() = %v", n, ctx.Err())
	}
}

func TestAtomicFileTracked(t *testing.T) {
	a, err := CreateAtomic(filepath.Join(t.TempDir(), "out.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	exiting.Lock()
	tracked := exiting.temps[a]
	exiting.Unlock()
	if !tracked {
		t.Fatal("the temporary file is not known to the signal handler")
	}
	a.Abort()
	exiting.Lock()
	tracked = exiting.temps[a]
	exiting.Unlock()
	if tracked {
		t.Error("Abort left the file with the signal handler")
	}
}

func umask(t *testing.T) fs.FileMode {
	t.Helper()
	p := filepath.Join(t.TempDir(), "probe")
	f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY, 0o777)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	fi, _ := os.Stat(p)
	return 0o777 &^ fi.Mode().Perm()
}

func writeFile(t *testing.T, path, text string, mode fs.FileMode) {
	t.Helper()
	must(t, os.WriteFile(path, []byte(text), mode))
	must(t, os.Chmod(path, mode))
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestOpenRereadableRegularStdin: stdin redirected from a regular file is
// read in place, not copied, and closing what is returned leaves stdin open.
func TestOpenRereadableRegularStdin(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	p := filepath.Join(t.TempDir(), "d.jsonl")
	writeFile(t, p, "{}\n{}\n", 0o644)
	stdin, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	f, name, spooled, err := OpenRereadable("-", stdin, nil)
	if err != nil {
		t.Fatal(err)
	}
	if spooled || name != StdinName {
		t.Errorf("spooled %v, name %q; want the file itself, %q", spooled, name, StdinName)
	}
	for range 2 {
		f.Seek(0, io.SeekStart)
		if b, _ := io.ReadAll(f); string(b) != "{}\n{}\n" {
			t.Errorf("read %q", b)
		}
	}
	f.Close()
	if _, err := stdin.Stat(); err != nil {
		t.Errorf("stdin closed with the returned file: %v", err)
	}
	// Read from the middle (`(read x; ft-split …) < d.jsonl`), it is copied
	// from where it stands.
	stdin.Seek(3, io.SeekStart)
	f, _, spooled, err = OpenRereadable("-", stdin, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if b, _ := io.ReadAll(f); !spooled || string(b) != "{}\n" {
		t.Errorf("from offset 3: spooled %v, read %q", spooled, b)
	}
}

func TestCheckStdout(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.jsonl")
	writeFile(t, in, "{}\n", 0o644)
	must(t, os.Link(in, filepath.Join(dir, "hard.jsonl")))
	same, err := os.OpenFile(filepath.Join(dir, "hard.jsonl"), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer same.Close()
	other, err := os.Create(filepath.Join(dir, "out.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	for _, tc := range []struct {
		name   string
		inputs []string
		stdout io.Writer
		refuse bool
	}{
		{"appended to the input", []string{in}, same, true},
		{"another file", []string{in}, other, false},
		{"a buffer", []string{in}, new(bytes.Buffer), false},
		{"stdin only", []string{"-"}, same, false},
	} {
		err := CheckStdout(tc.inputs, tc.stdout)
		if (err != nil) != tc.refuse || err != nil && CodeOf(err) != ExitUsage {
			t.Errorf("%s: CheckStdout = %v (code %d)", tc.name, err, CodeOf(err))
		}
	}
}

// TestOpenDirectory: a directory given as an input is named once, as a
// missing file is, not as a failed read or a failed copy to the spool.
func TestOpenDirectory(t *testing.T) {
	dir := t.TempDir()
	want := dir + ": is a directory"
	if _, _, err := Open(dir, nil); err == nil || err.Error() != want || CodeOf(err) != ExitUnreadable {
		t.Errorf("Open(dir) = %v (code %d), want %q, exit 3", err, CodeOf(err), want)
	}
	t.Setenv("TMPDIR", t.TempDir())
	if _, _, _, err := OpenRereadable(dir, nil, nil); err == nil || err.Error() != want || CodeOf(err) != ExitUnreadable {
		t.Errorf("OpenRereadable(dir) = %v (code %d), want %q, exit 3", err, CodeOf(err), want)
	}
}

// Two runs writing one target at once: the second's sweep of stale
// temporary files must not take the first's, which is still being written.
func TestCreateAtomicKeepsALiveRunsTemp(t *testing.T) {
	target := filepath.Join(t.TempDir(), "out.jsonl")
	first, err := CreateAtomic(target)
	if err != nil {
		t.Fatal(err)
	}
	second, err := CreateAtomic(target)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Abort()
	if _, err := first.WriteString("first\n"); err != nil {
		t.Fatal(err)
	}
	if err := first.Commit(); err != nil {
		t.Fatalf("the first run's output was swept away by the second: %v", err)
	}
	if got, err := os.ReadFile(target); err != nil || string(got) != "first\n" {
		t.Errorf("target holds %q (%v)", got, err)
	}
}
