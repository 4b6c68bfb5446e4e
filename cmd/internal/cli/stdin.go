package cli

import (
	"fmt"
	"io"
	"os"
	"slices"
)

// ReadsTerminal reports whether a tool given these file arguments is going
// to read stdin, and stdin is a terminal: someone ran it bare and is
// waiting. ft-train and ft-wait stop there; the filters say so and read on,
// so that text can still be pasted.
func ReadsTerminal(files []string, stdin io.Reader) bool {
	if len(files) > 0 && !slices.Contains(files, "-") {
		return false
	}
	f, ok := stdin.(*os.File)
	return ok && IsTerminal(f)
}

// HintStdin tells someone at a terminal what a filter started with no file
// is waiting for, instead of a silent wait; what names the input, such as
// "JSONL examples".
func HintStdin(stderr io.Writer, name, what string, files []string, stdin io.Reader) {
	if ReadsTerminal(files, stdin) {
		fmt.Fprintf(stderr, "%s: reading %s from stdin (the terminal); end with Ctrl-D, or give a file (see %s --help)\n", name, what, name)
	}
}
