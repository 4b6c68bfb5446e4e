package cli

import (
	"os"
	"testing"

	"github.com/ft-tools/ft/cmd/internal/scriptfiles"
)

// openPTY returns the terminal side of a new pseudo-terminal, so that what
// is meant for people at a terminal can be tested; the test is skipped where
// there are no pseudo-terminals.
func openPTY(t *testing.T) *os.File {
	t.Helper()
	master, tty, err := scriptfiles.OpenPTY()
	if err != nil {
		t.Skip(err)
	}
	t.Cleanup(func() { tty.Close(); master.Close() })
	return tty
}
