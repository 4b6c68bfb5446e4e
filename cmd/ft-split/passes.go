package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/ft-tools/ft/cmd/internal/cli"
	"github.com/ft-tools/ft/cmd/internal/fieldpath"
	"github.com/ft-tools/ft/cmd/internal/split"
	"github.com/ft-tools/ft/jsonl"
)

var memoryNote = fmt.Sprintf("%d bytes per example in memory, plus the longest line (a 1 GB file of 1.5 million examples needs about %d MB)",
	split.BytesPerExample, 1_500_000*split.BytesPerExample/1_000_000)

// job is one run of ft-split: pass 1 groups the examples, pass 2 reads the
// input again and writes each line to its side.
type job struct {
	groupBy            []fieldpath.Path
	noGroup            bool
	ratio              float64
	seed               uint64
	trainPath, valPath string
	report             func(error)
	notice             func(format string, args ...any)
	spool              *os.File // a copy of stdin for the second pass
}

func newJob(f *flags) (*job, error) {
	if math.IsNaN(f.Ratio) || f.Ratio <= 0 || f.Ratio >= 1 {
		return nil, cli.Errorf(cli.ExitUsage, "--ratio %v: must be between 0 and 1", f.Ratio)
	}
	if f.Train != "" && f.Train == f.Val {
		return nil, cli.Errorf(cli.ExitUsage, "--train and --val name the same file %q", f.Val)
	}
	j := &job{noGroup: f.NoGroup, ratio: f.Ratio, seed: f.Seed, trainPath: f.Train, valPath: f.Val}
	for _, s := range f.GroupBy {
		p, err := fieldpath.Parse(s)
		if err != nil {
			return nil, cli.Errorf(cli.ExitUsage, "--group-by: %v", err)
		}
		j.groupBy = append(j.groupBy, p)
	}
	return j, nil
}

func (j *job) run(inputs []string, stdin io.Reader, stdout io.Writer) error {
	defer func() {
		if j.spool != nil {
			j.spool.Close()
			os.Remove(j.spool.Name())
		}
	}()
	// The outputs are opened first so that a bad path fails before a long pass 1.
	val, err := cli.CreateAtomic(j.valPath)
	if err != nil {
		return fmt.Errorf("--val: %w", err)
	}
	defer val.Abort()
	var train *cli.AtomicFile
	if j.trainPath != "" {
		if train, err = cli.CreateAtomic(j.trainPath); err != nil {
			return fmt.Errorf("--train: %w", err)
		}
		defer train.Abort()
	}
	lines, err := j.prepare(inputs, stdin)
	if err != nil {
		return err
	}
	g := split.NewGrouper(j.groupBy, j.noGroup)
	g.Grow(lines + 1) // +1: a last line without its newline
	bad := 0
	err = j.each(inputs, func(r *jsonl.Reader) error {
		err := g.Add(r.Bytes())
		var p *split.Problem
		if errors.As(err, &p) {
			bad++
			j.report(r.Errorf(p.Code, "", "%s", p.Message))
			return nil
		}
		return err
	})
	if err != nil {
		return err
	}
	if bad > 0 && g.Len() == 0 {
		return cli.Errorf(cli.ExitUnreadable, "not JSON lines: none of its %d %s is a JSON object; nothing written", bad, plural(bad, "line"))
	}
	if bad > 0 {
		return cli.Errorf(cli.ExitDataError, "%d bad %s of %d; nothing written", bad, plural(bad, "line"), g.Len()+bad)
	}
	plan := g.Assign(j.ratio, j.seed)
	j.explain(plan)
	return j.write(plan, inputs, stdout, val, train)
}

// explain prints the achieved split and what kept it from the target.
func (j *job) explain(p *split.Plan) {
	if p.N == 0 {
		j.notice("no examples in the input; both parts are empty")
		return
	}
	target := split.Target(p.N, j.ratio)
	if p.RawGrouped > 0 {
		j.notice("warning: %d %s no user or assistant turn; each is kept with lines of the same bytes",
			p.RawGrouped, plural(p.RawGrouped, "example has", "examples have"))
	}
	if p.Largest > 1 && (p.Largest > p.N-target || p.Largest > target) {
		j.notice("warning: one group has %d examples, more than the training target (%d) or the validation target (%d) allows; the split cannot reach the ratio (see --group-by, --no-group)",
			p.Largest, target, p.N-target)
	}
	achieved := float64(p.TrainN) / float64(p.N)
	j.notice("%s training and %s validation %s (ratio %.4f, asked %g); %s %s, the largest of %s",
		cli.Thousands(int64(p.TrainN)), cli.Thousands(int64(p.ValN)), "examples", achieved, j.ratio,
		cli.Thousands(int64(p.Groups)), plural(p.Groups, "group"), cli.Thousands(int64(p.Largest)))
}

// write is pass 2: each line goes to its side, in input order. When stdout
// is closed early the validation file is still finished.
func (j *job) write(p *split.Plan, inputs []string, stdout io.Writer, val, trainFile *cli.AtomicFile) error {
	if trainFile != nil {
		stdout = trainFile
	}
	tw, vw := jsonl.NewWriter(stdout), jsonl.NewWriter(val)
	i := 0
	err := j.each(inputs, func(r *jsonl.Reader) error {
		if i >= p.N {
			return errors.New("the input changed between the two passes")
		}
		if p.Train(i) {
			tw.WriteLine(r.Bytes()) // its error sticks and is seen at Flush
		} else if err := vw.WriteLine(r.Bytes()); err != nil {
			return err
		}
		i++
		return nil
	})
	if err == nil && i != p.N {
		err = errors.New("the input changed between the two passes")
	}
	if err != nil {
		return err
	}
	if err := vw.Flush(); err != nil {
		return err
	}
	terr := tw.Flush()
	if terr != nil && !cli.IsBrokenPipe(terr) {
		return terr
	}
	if err := val.Commit(); err != nil {
		return err
	}
	if trainFile != nil {
		if err := trainFile.Commit(); err != nil {
			return err
		}
	}
	return terr
}

// prepare copies stdin, if it is among the inputs, to a temporary file so
// that it can be read twice, and counts the lines of all the inputs, which
// lets pass 1 allocate its memory once.
func (j *job) prepare(inputs []string, stdin io.Reader) (lines int, err error) {
	for _, arg := range inputs {
		if arg == "-" {
			if j.spool != nil {
				continue
			}
			if j.spool, err = os.CreateTemp("", "ft-split-stdin-*.jsonl"); err != nil {
				return 0, fmt.Errorf("copying stdin for the second pass: %w", err)
			}
			c := &lineCounter{w: j.spool}
			if _, err := io.Copy(c, stdin); err != nil {
				return 0, fmt.Errorf("copying stdin for the second pass: %w", err)
			}
			lines += c.lines
			continue
		}
		rc, _, err := cli.Open(arg, nil)
		if err != nil {
			return 0, err
		}
		c := &lineCounter{w: io.Discard}
		_, err = io.Copy(c, rc)
		rc.Close()
		if err != nil {
			return 0, cli.WithCode(cli.ExitUnreadable, fmt.Errorf("%s: %w", arg, err))
		}
		lines += c.lines
	}
	return lines, nil
}

type lineCounter struct {
	w     io.Writer
	lines int
}

func (c *lineCounter) Write(p []byte) (int, error) {
	c.lines += bytes.Count(p, []byte{'\n'})
	return c.w.Write(p)
}

// each calls fn for every non-blank line of the inputs, in order. Stdin is
// read from its copy; named twice, it is empty the second time, as it is
// when read.
func (j *job) each(inputs []string, fn func(*jsonl.Reader) error) error {
	stdinSeen := false
	for _, arg := range inputs {
		var in io.Reader
		name := arg
		if arg == "-" {
			if stdinSeen {
				continue
			}
			stdinSeen = true
			if _, err := j.spool.Seek(0, io.SeekStart); err != nil {
				return err
			}
			in, name = j.spool, cli.StdinName
		} else {
			rc, _, err := cli.Open(arg, nil)
			if err != nil {
				return err
			}
			defer rc.Close()
			in = rc
		}
		r := jsonl.NewReader(in, name)
		for r.Next() {
			if err := fn(r); err != nil {
				return err
			}
		}
		if err := r.Err(); err != nil {
			return cli.WithCode(cli.ExitUnreadable, err)
		}
	}
	return nil
}

func plural(n int, one string, many ...string) string {
	if n == 1 {
		return one
	}
	if len(many) > 0 {
		return many[0]
	}
	return one + "s"
}
