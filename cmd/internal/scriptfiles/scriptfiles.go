// Package scriptfiles gives the testscript scripts of the ft-* binaries the
// special files that the file layer must handle: FIFOs (empty, or fed a
// file), device nodes like /dev/null and /dev/full made inside the
// script's work directory (never the machine's own), and checks of a
// file's type and mode.
package scriptfiles

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"

	"github.com/rogpeppe/go-internal/testscript"
)

// Cmds are the script commands:
//
//	bytes FILE "go string" write exact bytes (CR, BOMs, invalid UTF-8, NULs), which txtar cannot hold
//	mkfifo NAME            make a FIFO
//	feed FILE FIFO         make FIFO and write FILE into it once it is opened
//	mknod null|full NAME   make a character device like /dev/null or /dev/full
//	filetype NAME TYPE     NAME (not followed) is regular, symlink, fifo or chardev
//	perm NAME MODE         NAME's permission bits are MODE (octal)
var Cmds = map[string]func(ts *testscript.TestScript, neg bool, args []string){
	"bytes":    writeBytes,
	"mkfifo":   mkfifo,
	"feed":     feed,
	"mknod":    mknod,
	"filetype": filetype,
	"perm":     perm,
}

// Condition answers [mknod]: whether device nodes can be made here (root,
// outside a container that forbids it). Scripts skip the device cases
// otherwise, saying so.
func Condition(cond string) (bool, error) {
	if cond != "mknod" {
		return false, fmt.Errorf("unknown condition %q", cond)
	}
	mknodOnce.Do(func() {
		dir, err := os.MkdirTemp("", "mknod-probe-")
		if err != nil {
			return
		}
		defer os.RemoveAll(dir)
		p := filepath.Join(dir, "null")
		if syscall.Mknod(p, syscall.S_IFCHR|0o666, devNull) != nil {
			return
		}
		// A node on a filesystem mounted nodev opens with EACCES.
		if f, err := os.OpenFile(p, os.O_WRONLY, 0); err == nil {
			f.Close()
			mknodOK = true
		}
	})
	return mknodOK, nil
}

var (
	mknodOnce sync.Once
	mknodOK   bool
)

// Device numbers of /dev/null (1,3) and /dev/full (1,7) on Linux.
const (
	devNull = 1<<8 | 3
	devFull = 1<<8 | 7
)

func writeBytes(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: bytes FILE QUOTED")
	}
	s, err := strconv.Unquote(args[1])
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(s), 0o644))
}

func mkfifo(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: mkfifo NAME")
	}
	ts.Check(syscall.Mkfifo(ts.MkAbs(args[0]), 0o644))
}

func feed(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: feed FILE FIFO")
	}
	data, err := os.ReadFile(ts.MkAbs(args[0]))
	ts.Check(err)
	fifo := ts.MkAbs(args[1])
	if _, err := os.Lstat(fifo); errors.Is(err, fs.ErrNotExist) {
		ts.Check(syscall.Mkfifo(fifo, 0o644))
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		w, err := os.OpenFile(fifo, os.O_WRONLY, 0) // blocks until a reader opens it
		if err != nil {
			return
		}
		w.Write(data) // a reader that stops early gets the rest as EPIPE
		w.Close()
	}()
	ts.Defer(func() {
		// A FIFO nobody opened would keep the writer waiting: open it here.
		if r, err := os.OpenFile(fifo, os.O_RDONLY|syscall.O_NONBLOCK, 0); err == nil {
			io.Copy(io.Discard, r)
			r.Close()
		}
		<-done
	})
}

func mknod(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: mknod null|full NAME")
	}
	dev := map[string]int{"null": devNull, "full": devFull}
	d, ok := dev[args[0]]
	if !ok {
		ts.Fatalf("mknod: %q is not null or full", args[0])
	}
	ts.Check(syscall.Mknod(ts.MkAbs(args[1]), syscall.S_IFCHR|0o666, d))
}

func filetype(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: filetype NAME regular|symlink|fifo|chardev")
	}
	fi, err := os.Lstat(ts.MkAbs(args[0]))
	ts.Check(err)
	var got string
	switch m := fi.Mode(); {
	case m.IsRegular():
		got = "regular"
	case m&fs.ModeSymlink != 0:
		got = "symlink"
	case m&fs.ModeNamedPipe != 0:
		got = "fifo"
	case m&fs.ModeCharDevice != 0:
		got = "chardev"
	default:
		got = m.Type().String()
	}
	if (got == args[1]) == neg {
		ts.Fatalf("%s is a %s", args[0], got)
	}
}

func perm(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: perm NAME MODE")
	}
	want, err := strconv.ParseUint(args[1], 8, 32)
	ts.Check(err)
	fi, err := os.Stat(ts.MkAbs(args[0]))
	ts.Check(err)
	if got := fi.Mode().Perm(); got != fs.FileMode(want) {
		ts.Fatalf("%s has mode %#o, want %#o", args[0], got, want)
	}
}
