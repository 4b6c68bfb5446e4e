package fakeopenai

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/goccy/go-json"
	"github.com/rogpeppe/go-internal/testscript"
)

// ParseFault reads a fault SPEC (see the package doc).
func ParseFault(spec string) (Fault, error) {
	fs := strings.Fields(spec)
	if len(fs) < 3 {
		return Fault{}, fmt.Errorf("fault %q: want KIND METHOD PATH [key=value...]", spec)
	}
	var f Fault
	switch fs[0] {
	case FaultDrop, FaultLost, FaultSlow, FaultCut:
		f.Kind = fs[0]
	case FaultHTML:
		f.Kind = fs[0]
	default:
		n, err := strconv.Atoi(fs[0])
		if err != nil || n < 100 || n > 599 {
			return Fault{}, fmt.Errorf("fault %q: kind must be an HTTP status, drop, lost, slow, cut or html", spec)
		}
		f.Kind, f.Status = FaultStatus, n
	}
	if fs[1] != "*" {
		f.Method = strings.ToUpper(fs[1])
	}
	f.Path = fs[2]
	for _, kv := range fs[3:] {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return Fault{}, fmt.Errorf("fault %q: %q is not key=value", spec, kv)
		}
		var err error
		switch k {
		case "nth":
			f.Nth, err = strconv.Atoi(v)
		case "times":
			f.Times, err = strconv.Atoi(v)
		case "retry_after":
			f.RetryAfter = v
		case "retry_after_ms":
			f.RetryAfterMs = v
		case "should_retry":
			f.ShouldRetry = v
		case "message":
			f.Message = strings.ReplaceAll(v, "_", " ")
		case "code":
			f.Code = v
		case "param":
			f.Param = v
		case "type":
			f.Type = v
		case "status":
			f.Status, err = strconv.Atoi(v)
		case "length":
			f.Length, err = strconv.ParseBool(v)
		case "size":
			f.Size, err = parseSize(v)
		case "delay":
			var d time.Duration
			d, err = time.ParseDuration(v)
			f.Delay = Duration(d)
		default:
			err = errors.New("unknown key")
		}
		if err != nil {
			return Fault{}, fmt.Errorf("fault %q: %s: %v", spec, k, err)
		}
	}
	return f, nil
}

// parseSize reads a byte count with an optional k, M or G (powers of 1024).
func parseSize(v string) (int64, error) {
	mult := int64(1)
	for suffix, m := range map[string]int64{"k": 1 << 10, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30} {
		if t, ok := strings.CutSuffix(v, suffix); ok {
			v, mult = t, m
			break
		}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n * mult, err
}

type faultFlag struct{ faults *[]Fault }

func (f faultFlag) String() string { return "" }
func (f faultFlag) Set(s string) error {
	ft, err := ParseFault(s)
	if err == nil {
		*f.faults = append(*f.faults, ft)
	}
	return err
}

type config struct {
	opts    Options
	envFile string
	urlFile string
	wait    string
}

// parseFlags reads the flags of `start` and Main. A -script is read first
// so that the other flags override it, wherever they stand.
func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	for i, a := range args {
		if (a == "-script" || a == "--script") && i+1 < len(args) {
			data, err := os.ReadFile(args[i+1])
			if err != nil {
				return c, err
			}
			if err := json.Unmarshal(data, &c.opts); err != nil {
				return c, fmt.Errorf("%s: %v", args[i+1], err)
			}
		} else if v, ok := strings.CutPrefix(a, "-script="); ok {
			data, err := os.ReadFile(v)
			if err != nil {
				return c, err
			}
			if err := json.Unmarshal(data, &c.opts); err != nil {
				return c, fmt.Errorf("%s: %v", v, err)
			}
		}
	}
	fs := flag.NewFlagSet("fake-openai", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := &c.opts
	l := &o.Life
	var tick time.Duration
	fs.String("script", "", "Options as JSON")
	fs.StringVar(&o.APIKey, "key", o.APIKey, "the accepted key")
	fs.IntVar(&l.Steps, "steps", l.Steps, "metric events of a job's training")
	fs.IntVar(&l.StepsPerTick, "steps-per-tick", l.StepsPerTick, "metric events per step of a job")
	fs.IntVar(&l.ValidatingTicks, "validating", l.ValidatingTicks, "steps in validating_files")
	fs.IntVar(&l.QueuedTicks, "queued", l.QueuedTicks, "steps in queued")
	fs.StringVar(&l.Outcome, "outcome", l.Outcome, "succeeded or failed")
	fs.IntVar(&l.FailAtStep, "fail-at-step", l.FailAtStep, "a failing job fails after this many training steps")
	fs.Int64Var(&l.TrainedTokens, "trained-tokens", l.TrainedTokens, "trained_tokens of a finished job")
	fs.DurationVar(&tick, "tick", time.Duration(o.Tick), "advance jobs on this timer")
	var lag time.Duration
	fs.DurationVar(&lag, "list-lag", time.Duration(o.ListLag), "keep new jobs and files out of the lists this long")
	fs.StringVar(&o.Misreport, "misreport", o.Misreport, "answer file uploads with wrong bytes, purpose or an error status")
	fs.BoolVar(&o.Manual, "manual", o.Manual, "advance jobs only on request")
	fs.BoolVar(&o.Quirks, "quirks", o.Quirks, "answer like the real API where it departs from its spec")
	fs.Var(faultFlag{&o.Faults}, "fault", "a fault SPEC (repeatable)")
	var latency, window time.Duration
	fs.DurationVar(&latency, "latency", time.Duration(o.Latency), "delay of every chat completion")
	fs.IntVar(&o.RateLimit.Requests, "rate-requests", o.RateLimit.Requests, "chat completions per rate-limit window")
	fs.DurationVar(&window, "rate-window", time.Duration(o.RateLimit.Window), "the rate-limit window")
	fs.IntVar(&o.BatchTicks, "batch-ticks", o.BatchTicks, "retrievals a batch spends in_progress")
	answers := fs.String("answers", "", "a JSON object of chat answers by question")
	fs.StringVar(&c.envFile, "env-file", "", "write OPENAI_BASE_URL and OPENAI_API_KEY to this file")
	fs.StringVar(&c.urlFile, "url-file", "", "write the base URL to this file")
	fs.StringVar(&c.wait, "wait", "", "wait for this file to exist, then exit")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	o.Tick = Duration(tick)
	o.ListLag = Duration(lag)
	o.Latency, o.RateLimit.Window = Duration(latency), Duration(window)
	if *answers != "" {
		data, err := os.ReadFile(*answers)
		if err != nil {
			return c, err
		}
		if err := json.Unmarshal(data, &o.Answers); err != nil {
			return c, fmt.Errorf("%s: want a JSON object of answers by question: %v", *answers, err)
		}
	}
	return c, nil
}

// writeAtomic writes a file whole or not at all, so a reader polling for it
// never sees half of it.
func writeAtomic(name string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), ".fake-openai-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), name)
}

// Main runs the server as a command (see the package doc) and returns its
// exit status.
func Main(args []string, stdout, stderr io.Writer) int {
	c, err := parseFlags(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(stderr, "fake-openai:", err)
		return 2
	}
	if c.wait != "" {
		for range 3000 {
			if _, err := os.Stat(c.wait); err == nil {
				return 0
			}
			time.Sleep(10 * time.Millisecond)
		}
		fmt.Fprintf(stderr, "fake-openai: %s did not appear in 30s\n", c.wait)
		return 1
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	s := New(c.opts)
	defer s.Close()
	if c.urlFile != "" {
		if err := writeAtomic(c.urlFile, []byte(s.URL()+"\n")); err != nil {
			fmt.Fprintln(stderr, "fake-openai:", err)
			return 1
		}
	}
	if c.envFile != "" {
		env := fmt.Sprintf("OPENAI_BASE_URL=%s\nOPENAI_API_KEY=%s\n", s.URL(), s.Key())
		if err := writeAtomic(c.envFile, []byte(env)); err != nil {
			fmt.Fprintln(stderr, "fake-openai:", err)
			return 1
		}
	}
	fmt.Fprintf(stdout, "OPENAI_BASE_URL=%s\n", s.URL())
	<-sig
	for _, r := range s.Requests() {
		fmt.Fprintln(stdout, r)
	}
	fmt.Fprintf(stdout, "jobs_created %d\n", s.JobsCreated())
	return 0
}

var (
	scriptsMu sync.Mutex
	scripts   = map[*testscript.TestScript]*Server{}
)

// Cmd is the testscript command `fakeopenai` (see the package doc).
func Cmd(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) == 0 {
		ts.Fatalf("usage: fakeopenai start|fault|advance|status|jobs|count|log|stop ...")
	}
	scriptsMu.Lock()
	s := scripts[ts]
	scriptsMu.Unlock()
	if args[0] != "start" && s == nil {
		ts.Fatalf("fakeopenai %s: no server; run `fakeopenai start` first", args[0])
	}
	if neg && args[0] != "jobs" && args[0] != "count" && args[0] != "chats" && args[0] != "batches" {
		ts.Fatalf("fakeopenai %s does not support !", args[0])
	}
	switch args[0] {
	case "start":
		if s != nil {
			ts.Fatalf("fakeopenai start: a server is already running")
		}
		// Files are named relative to the script's directory, not the
		// test process's.
		flags := append([]string(nil), args[1:]...)
		for i := range flags {
			if (flags[i] == "-answers" || flags[i] == "-script") && i+1 < len(flags) {
				flags[i+1] = ts.MkAbs(flags[i+1])
			}
		}
		c, err := parseFlags(flags, ts.Stderr())
		ts.Check(err)
		s = New(c.opts)
		scriptsMu.Lock()
		scripts[ts] = s
		scriptsMu.Unlock()
		ts.Defer(func() {
			s.Close()
			scriptsMu.Lock()
			delete(scripts, ts)
			scriptsMu.Unlock()
		})
		ts.Setenv("OPENAI_BASE_URL", s.URL())
		ts.Setenv("OPENAI_API_KEY", s.Key())
	case "fault":
		f, err := ParseFault(strings.Join(args[1:], " "))
		ts.Check(err)
		s.AddFault(f)
	case "advance":
		if len(args) < 2 {
			ts.Fatalf("usage: fakeopenai advance JOB [N]")
		}
		n := 1
		if len(args) > 2 {
			var err error
			n, err = strconv.Atoi(args[2])
			ts.Check(err)
		}
		s.Advance(args[1], n)
	case "status":
		if len(args) != 3 {
			ts.Fatalf("usage: fakeopenai status JOB STATUS")
		}
		s.SetStatus(args[1], args[2])
	case "jobs":
		if len(args) != 2 {
			ts.Fatalf("usage: fakeopenai jobs N")
		}
		want, err := strconv.Atoi(args[1])
		ts.Check(err)
		if got := s.JobsCreated(); (got == want) == neg {
			ts.Fatalf("fakeopenai jobs: %d jobs created, want %s%d", got, map[bool]string{true: "not ", false: ""}[neg], want)
		}
	case "chats", "batches":
		if len(args) != 2 {
			ts.Fatalf("usage: fakeopenai %s N", args[0])
		}
		want, err := strconv.Atoi(args[1])
		ts.Check(err)
		got := s.Chats()
		if args[0] == "batches" {
			got = s.Batches()
		}
		if (got == want) == neg {
			ts.Fatalf("fakeopenai %s: %d, want %s%d", args[0], got, map[bool]string{true: "not ", false: ""}[neg], want)
		}
	case "count":
		if len(args) != 4 {
			ts.Fatalf("usage: fakeopenai count METHOD PATTERN N")
		}
		want, err := strconv.Atoi(args[3])
		ts.Check(err)
		m := args[1]
		if m == "*" {
			m = ""
		}
		if got := s.Count(m, args[2]); (got == want) == neg {
			ts.Fatalf("fakeopenai count: %d requests %s %s, want %s%d", got, args[1], args[2], map[bool]string{true: "not ", false: ""}[neg], want)
		}
	case "log":
		for _, r := range s.Requests() {
			fmt.Fprintln(ts.Stdout(), r)
		}
	case "stop":
		s.Close()
	default:
		ts.Fatalf("fakeopenai: unknown subcommand %q", args[0])
	}
}
