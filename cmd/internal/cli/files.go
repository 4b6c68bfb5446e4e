package cli

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"

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
		return io.NopCloser(stdin), StdinName, nil
	}
	f, err := os.Open(arg)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, arg, Errorf(ExitUnreadable, "%s: %v", arg, err)
	}
	return f, arg, nil
}

// AtomicFile is an output file that appears whole or not at all: it is
// written to a temporary file in the same directory and renamed on Commit.
type AtomicFile struct {
	*os.File
	path string
	done bool
}

// CreateAtomic starts writing path.
func CreateAtomic(path string) (*AtomicFile, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, err
	}
	return &AtomicFile{File: f, path: path}, nil
}

// Commit syncs the data and renames the file into place.
func (a *AtomicFile) Commit() error {
	if a.done {
		return nil
	}
	a.done = true
	err := a.File.Sync()
	if cerr := a.File.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		// CreateTemp makes files 0600; outputs should be as readable as any other file.
		err = os.Chmod(a.File.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(a.File.Name(), a.path)
	}
	if err != nil {
		os.Remove(a.File.Name())
	}
	return err
}

// Abort removes the temporary file; it does nothing after Commit, so it can
// be deferred.
func (a *AtomicFile) Abort() {
	if a.done {
		return
	}
	a.done = true
	a.File.Close()
	os.Remove(a.File.Name())
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
