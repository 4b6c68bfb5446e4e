package mongotest

import (
	"errors"
	"fmt"
	"strings"
)

// Allowed are the commands a read-only run may send: the reads, the cursor
// commands that continue and close them, and the driver's handshake and
// session cleanup.
var Allowed = map[string]bool{
	"find": true, "aggregate": true, "count": true, "distinct": true,
	"getMore": true, "killCursors": true,
	"isMaster": true, "ismaster": true, "hello": true, "endSessions": true,
}

// CheckReadOnly proves from a server's record that only allowed commands
// were sent, each read with maxTimeMS, and no pipeline with $out or $merge.
// An empty record is an error: it proves nothing.
func CheckReadOnly(cmds []Command) error {
	if len(cmds) == 0 {
		return errors.New("the server received no command")
	}
	var errs []error
	for _, c := range cmds {
		if !Allowed[c.Name] {
			errs = append(errs, fmt.Errorf("the server received %s: %s", c.Name, c.Doc))
			continue
		}
		switch c.Name {
		case "find", "aggregate", "count", "distinct":
			if _, err := c.Doc.LookupErr("maxTimeMS"); err != nil {
				errs = append(errs, fmt.Errorf("%s sent without maxTimeMS: %s", c.Name, c.Doc))
			}
		}
		if c.Name == "aggregate" {
			s := c.Doc.String()
			for _, op := range []string{`"$out"`, `"$merge"`} {
				if strings.Contains(s, op) {
					errs = append(errs, fmt.Errorf("a pipeline with %s was sent: %s", op, s))
				}
			}
		}
	}
	return errors.Join(errs...)
}
