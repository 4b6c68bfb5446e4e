package cli

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"golang.org/x/term"
)

// StdinName is how standard input is named in diagnostics.
const StdinName = "<stdin>"

// Inputs returns the file arguments to read, with none meaning stdin.
func Inputs(files []string) []string {
	if len(files) == 0 {
		return []string{"-"}
	}
	return files
}

// Open opens a file argument; "-" is stdin. The returned name is the one to
// use in diagnostics. A missing or unreadable file is an ExitUnreadable error.
func Open(arg string, stdin io.Reader) (rc io.ReadCloser, name string, err error) {
	if arg == "-" {
		if f, ok := stdin.(*os.File); ok {
			// Still a file, so that a reader can tell a regular one.
			return stdinFile{f}, StdinName, nil
		}
		return io.NopCloser(stdin), StdinName, nil
	}
	f, err := os.Open(arg)
	if err != nil {
		return nil, arg, Errorf(ExitUnreadable, "%s: %v", arg, pathErr(err))
	}
	if err := notDir(f, arg); err != nil {
		return nil, arg, err
	}
	return f, arg, nil
}

// notDir closes f and returns an ExitUnreadable error when it is a
// directory: opening one succeeds, and the read (or the copy to a spool)
// that then fails would be reported in words about the read, not the file.
func notDir(f *os.File, arg string) error {
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		f.Close()
		return Errorf(ExitUnreadable, "%s: is a directory", arg)
	}
	return nil
}

// stdinFile is stdin as an input: closing it is left to the process.
type stdinFile struct{ *os.File }

func (stdinFile) Close() error { return nil }

// pathErr drops the operation and path that *fs.PathError repeats, since
// every message already names the file once.
func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// AtomicFile is an output file named by a flag. A regular (or absent)
// target appears whole or not at all: it is written to a temporary file in
// the same directory and renamed over the target on Commit, keeping the
// target's permission bits. A symlink is followed, so the file it points to
// is replaced and the link stays. A device, FIFO, socket or /dev/fd/N is
// written straight through: renaming over it would replace /dev/null with a
// regular file, and a pipe cannot be replaced at all.
type AtomicFile struct {
	*os.File
	path   string // as the user named it
	target string // where the rename goes: path with its symlinks resolved
	direct bool   // written straight through, no temporary file
	done   bool
}

// CreateAtomic starts writing path. A temporary file beside the target left
// by a killed run (".NAME.*.tmp") is removed first.
func CreateAtomic(path string) (*AtomicFile, error) {
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() || throughProc(path) {
		if err == nil && fi.IsDir() {
			return nil, fmt.Errorf("%s: is a directory", path)
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o666)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", path, pathErr(err))
		}
		return &AtomicFile{File: f, path: path, target: path, direct: true}, nil
	}
	target, err := resolve(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, pathErr(err))
	}
	removeStale(target)
	f, err := createTemp(target)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, pathErr(err))
	}
	if fi, err := os.Stat(target); err == nil {
		// The umask applied to a new file; an existing one keeps its mode.
		if err := f.Chmod(fi.Mode().Perm()); err != nil {
			f.Close()
			os.Remove(f.Name())
			return nil, fmt.Errorf("%s: %v", path, pathErr(err))
		}
	}
	a := &AtomicFile{File: f, path: path, target: target}
	track(a)
	return a, nil
}

// Name returns the path as the user named it, for messages.
func (a *AtomicFile) Name() string { return a.path }

// Commit syncs the data and renames the file into place; a target written
// straight through is only closed.
func (a *AtomicFile) Commit() error {
	if a.done {
		return nil
	}
	a.done = true
	if a.direct {
		return a.File.Close()
	}
	defer untrack(a)
	// Renamed while still open, so that its lock (see createTemp) is held
	// until it is in place and no other run's sweep can take it for stale.
	err := a.File.Sync()
	if err == nil {
		err = os.Rename(a.File.Name(), a.target)
	}
	if cerr := a.File.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(a.File.Name())
	}
	return err
}

// Abort removes the temporary file; it does nothing after Commit, so it can
// be deferred. What was written straight through stays written.
func (a *AtomicFile) Abort() {
	if a.done {
		return
	}
	a.done = true
	a.File.Close()
	if !a.direct {
		os.Remove(a.File.Name())
		untrack(a)
	}
}

// throughProc reports whether path is, or leads through symlinks to, a file
// under /proc: /dev/stdout, /dev/fd/3 and /proc/self/fd/3 are links to open
// descriptors, whose own link text ("pipe:[123]") is not a path to rename to.
func throughProc(path string) bool {
	for range 40 {
		if p := filepath.Clean(path); p == "/proc" || strings.HasPrefix(p, "/proc/") {
			return true
		}
		link, err := os.Readlink(path)
		if err != nil {
			return false
		}
		if !filepath.IsAbs(link) {
			link = filepath.Join(filepath.Dir(path), link)
		}
		path = link
	}
	return false
}

// resolve follows path's symlinks, also when the last one dangles (the
// file it names is then created).
func resolve(path string) (string, error) {
	for range 40 {
		fi, err := os.Lstat(path)
		if errors.Is(err, fs.ErrNotExist) {
			return path, nil
		}
		if err != nil {
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			return path, nil
		}
		link, err := os.Readlink(path)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(link) {
			link = filepath.Join(filepath.Dir(path), link)
		}
		path = link
	}
	return "", errors.New("too many levels of symbolic links")
}

func tempPrefix(target string) (dir, prefix string) {
	return filepath.Dir(target), "." + filepath.Base(target) + "."
}

// createTemp is os.CreateTemp with mode 0666 before the umask, as a file made
// by the shell's `>` would have, instead of CreateTemp's 0600. The file is
// locked (flock) while it is written: the lock ends with the process, so a
// sweep of stale files tells a killed run's file from a running one's.
func createTemp(target string) (*os.File, error) {
	dir, prefix := tempPrefix(target)
	for {
		var b [6]byte
		rand.Read(b[:])
		f, err := os.OpenFile(filepath.Join(dir, prefix+hex.EncodeToString(b[:])+".tmp"), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if !errors.Is(err, fs.ErrExist) {
			if err == nil {
				syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
			}
			return f, err
		}
	}
}

// removeStale removes the temporary files of target that a killed run left.
// Only regular files named as createTemp (or an earlier os.CreateTemp, with
// digits) names them are touched.
func removeStale(target string) {
	dir, prefix := tempPrefix(target)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		n := e.Name()
		if !e.Type().IsRegular() || !strings.HasPrefix(n, prefix) || !strings.HasSuffix(n, ".tmp") {
			continue
		}
		if mid := n[len(prefix) : len(n)-len(".tmp")]; mid != "" && strings.Trim(mid, "0123456789abcdef") == "" {
			removeUnlocked(filepath.Join(dir, n))
		}
	}
}

// removeUnlocked removes a temporary file unless a live run holds its lock:
// another ft writing the same target at the same time.
func removeUnlocked(name string) {
	f, err := os.Open(name)
	if err != nil {
		return
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); errors.Is(err, syscall.EWOULDBLOCK) {
		return
	}
	os.Remove(name)
}

// IsTerminal reports whether w is a terminal, for progress bars and colour.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// Color reports whether colour may be written to w: a terminal, and NO_COLOR
// unset (https://no-color.org).
func Color(w io.Writer) bool {
	_, noColor := os.LookupEnv("NO_COLOR")
	return !noColor && IsTerminal(w)
}
