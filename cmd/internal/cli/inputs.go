package cli

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// Output is a file named by a flag, as CheckOutputs sees it.
type Output struct {
	Flag string // "--rejects"
	Path string // empty when the flag is not given
}

// CheckOutputs refuses, with ExitUsage and before anything is read or
// written, an output that is the same file as an input (same device and
// inode: also through a symlink or a hard link, and stdin redirected from
// it) or as another output. Replacing it would destroy the input, and the
// rename of the second output would destroy the first. Devices, FIFOs and
// sockets are not files that can be destroyed and are let through
// (`--rejects /dev/null --val /dev/null`).
func CheckOutputs(inputs []string, stdin io.Reader, outputs ...Output) error {
	type seen struct {
		what string
		fi   fs.FileInfo
		path string // absolute, symlinks resolved; for a target not there yet
	}
	var ins []seen
	for _, arg := range inputs {
		var fi fs.FileInfo
		what := arg
		if arg == "-" {
			f, ok := stdin.(*os.File)
			if !ok {
				continue
			}
			fi, _ = f.Stat()
			what = "stdin"
		} else {
			fi, _ = os.Stat(arg)
		}
		if fi != nil && fi.Mode().IsRegular() {
			ins = append(ins, seen{what: what, fi: fi})
		}
	}
	var outs []seen
	for _, o := range outputs {
		if o.Path == "" {
			continue
		}
		fi, err := os.Stat(o.Path)
		if err == nil && !fi.Mode().IsRegular() {
			continue
		}
		cur := seen{what: o.Flag + " " + o.Path}
		if err == nil {
			cur.fi = fi
		} else if p, err := resolve(o.Path); err == nil {
			if abs, err := filepath.Abs(p); err == nil {
				cur.path = abs
			}
		}
		for _, in := range ins {
			if cur.fi != nil && os.SameFile(cur.fi, in.fi) {
				if in.what == "stdin" {
					return Errorf(ExitUsage, "%s is the file on stdin; writing it would destroy the input", cur.what)
				}
				return Errorf(ExitUsage, "%s is the input %s; writing it would destroy the input", cur.what, in.what)
			}
		}
		for _, prev := range outs {
			if cur.fi != nil && prev.fi != nil && os.SameFile(cur.fi, prev.fi) || cur.path != "" && cur.path == prev.path {
				return Errorf(ExitUsage, "%s and %s are the same file", prev.what, cur.what)
			}
		}
		outs = append(outs, cur)
	}
	return nil
}

// CheckStdout refuses, with ExitUsage, a stdout that is a regular file
// which is also an input (`ft-validate d.jsonl >> d.jsonl`): a filter would
// read its own output back without end, as cat refuses to.
func CheckStdout(inputs []string, stdout io.Writer) error {
	f, ok := stdout.(*os.File)
	if !ok {
		return nil
	}
	out, err := f.Stat()
	if err != nil || !out.Mode().IsRegular() {
		return nil
	}
	for _, arg := range inputs {
		if arg == "-" {
			continue // stdin and stdout one regular file: `<>` is not done by accident
		}
		if fi, err := os.Stat(arg); err == nil && os.SameFile(fi, out) {
			return Errorf(ExitUsage, "stdout is the input %s; writing it would destroy the input", arg)
		}
	}
	return nil
}

// OpenRereadable opens a file argument so that it can be read more than
// once, with Seek: a regular file is opened as it is (stdin too, when it is
// one, read from its start); stdin, a pipe, a FIFO,
// `<(...)` or a device can be read only once, so it is copied to a temporary
// file in $TMPDIR first. The copy is unlinked as soon as it is created, so
// that nothing is left behind however the process ends; it goes away when
// the returned file is closed. tee, when not nil, also receives the bytes
// of a copy as they are read; spooled tells whether a copy was made.
func OpenRereadable(arg string, stdin io.Reader, tee io.Writer) (f *os.File, name string, spooled bool, err error) {
	in := stdin
	name = StdinName
	if f, ok := stdin.(*os.File); ok && arg == "-" {
		// Stdin redirected from a regular file (`< data.jsonl`) is read
		// again in place, through a descriptor of its own, not copied.
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			if off, err := f.Seek(0, io.SeekCurrent); err == nil && off == 0 {
				if fd, err := syscall.Dup(int(f.Fd())); err == nil {
					return os.NewFile(uintptr(fd), StdinName), StdinName, false, nil
				}
			}
		}
	}
	if arg != "-" {
		name = arg
		file, err := os.Open(arg)
		if err != nil {
			return nil, arg, false, Errorf(ExitUnreadable, "%s: %v", arg, pathErr(err))
		}
		if err := notDir(file, arg); err != nil {
			return nil, arg, false, err
		}
		if fi, err := file.Stat(); err == nil && fi.Mode().IsRegular() {
			return file, arg, false, nil
		}
		defer file.Close()
		in = file
	}
	spool, err := os.CreateTemp("", "ft-spool-*")
	if err != nil {
		return nil, name, false, fmt.Errorf("copying %s to read it again: %w", name, err)
	}
	os.Remove(spool.Name())
	w := io.Writer(spool)
	if tee != nil {
		w = io.MultiWriter(spool, tee)
	}
	if _, err := io.Copy(w, in); err != nil {
		spool.Close()
		return nil, name, false, WithCode(ExitUnreadable, fmt.Errorf("copying %s to read it again: %w", name, err))
	}
	if _, err := spool.Seek(0, io.SeekStart); err != nil {
		spool.Close()
		return nil, name, false, err
	}
	return spool, name, true, nil
}
