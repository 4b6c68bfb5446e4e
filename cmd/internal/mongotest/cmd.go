package mongotest

import (
	"flag"
	"fmt"
	"strings"
	"sync"

	"github.com/rogpeppe/go-internal/testscript"
)

// scripts holds each running script's server.
var (
	scriptsMu sync.Mutex
	scripts   = map[*testscript.TestScript]*Server{}
)

// Cmd is the testscript command mongo, one server per script:
//
//	mongo start [-load DB.COLL=FILE]... [-stop-after N]   sets MONGODB_URI
//	mongo commands        the names of the commands received, one a line, on stdout
//	mongo readonly        fails unless only reads were sent (see CheckReadOnly)
//	mongo stop            the server goes away
//
// FILE is relative to the script's working directory.
func Cmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("mongo cannot be negated")
	}
	if len(args) == 0 {
		ts.Fatalf("usage: mongo start|commands|stop")
	}
	scriptsMu.Lock()
	s := scripts[ts]
	scriptsMu.Unlock()
	switch args[0] {
	case "start":
		if s != nil {
			ts.Fatalf("mongo: already started")
		}
		fs := flag.NewFlagSet("mongo start", flag.ContinueOnError)
		var opts Options
		fs.Func("load", "DB.COLL=FILE", func(v string) error {
			target, file, _ := strings.Cut(v, "=")
			opts.Load = append(opts.Load, target+"="+ts.MkAbs(file))
			return nil
		})
		fs.IntVar(&opts.StopAfter, "stop-after", 0, "go away after N commands")
		ts.Check(fs.Parse(args[1:]))
		s, err := Start(opts)
		ts.Check(err)
		scriptsMu.Lock()
		scripts[ts] = s
		scriptsMu.Unlock()
		ts.Defer(func() {
			s.Close()
			scriptsMu.Lock()
			delete(scripts, ts)
			scriptsMu.Unlock()
		})
		ts.Setenv("MONGODB_URI", s.URI())
	case "commands":
		if s == nil {
			ts.Fatalf("mongo: not started")
		}
		var b strings.Builder
		for _, c := range s.Commands() {
			fmt.Fprintln(&b, c.Name)
		}
		ts.Stdout().Write([]byte(b.String()))
	case "readonly":
		if s == nil {
			ts.Fatalf("mongo: not started")
		}
		ts.Check(CheckReadOnly(s.Commands()))
	case "stop":
		if s == nil {
			ts.Fatalf("mongo: not started")
		}
		s.Stop()
	default:
		ts.Fatalf("mongo: unknown subcommand %s", args[0])
	}
}
