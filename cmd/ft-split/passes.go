package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
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
	files              []*os.File // the inputs, each open once; nil for stdin named again
	names              []string   // their names in diagnostics
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
	if err := cli.CheckOutputs(inputs, stdin, cli.Output{Flag: "--val", Path: j.valPath}, cli.Output{Flag: "--train", Path: j.trainPath}); err != nil {
		return err
	}
	if j.trainPath == "" {
		if err := cli.CheckStdout(inputs, stdout); err != nil {
			return err
		}
	}
	defer func() {
		for _, f := range j.files {
			if f != nil {
				f.Close()
			}
		}
	}()
	// The outputs are opened first so that a bad path fails before a long pass 1.
	val, err := cli.CreateAtomic(j.valPath)
	if err != nil {
		return fmt.Errorf("--val %w", err)
	}
	defer val.Abort()
	var train *cli.AtomicFile
	if j.trainPath != "" {
		if train, err = cli.CreateAtomic(j.trainPath); err != nil {
			return fmt.Errorf("--train %w", err)
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
	err = j.each(func(r *jsonl.Reader) error {
		if le := r.TooLong(); le != nil {
			bad++
			j.report(le)
			return nil
		}
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
		return cli.Errorf(cli.ExitUnreadable, "not JSON lines: none of its %d %s is a JSON object; nothing written", bad, cli.Plural(bad, "line"))
	}
	if bad > 0 {
		return cli.Errorf(cli.ExitDataError, "%d bad %s of %d; nothing written", bad, cli.Plural(bad, "line"), g.Len()+bad)
	}
	plan := g.Assign(j.ratio, j.seed)
	// The counts are printed once both parts are in place: a summary
	// followed by a failed write would read as a success.
	err = j.write(plan, stdout, val, train)
	if err == nil || cli.IsBrokenPipe(err) {
		j.explain(plan)
	}
	return err
}

// explain prints the achieved split and what kept it from the target.
func (j *job) explain(p *split.Plan) {
	if p.N == 0 {
		j.notice("no examples in the input; both parts are empty")
		return
	}
	target := split.Target(p.N, j.ratio)
	if p.RawGrouped > 0 {
		j.notice("warning: %d %s no user or assistant turn that can be read; each is kept with lines of the same bytes",
			p.RawGrouped, cli.Plural(p.RawGrouped, "example has", "examples have"))
	}
	if p.Largest > 1 && (p.Largest > p.N-target || p.Largest > target) {
		j.notice("warning: one group has %d examples, more than the training target (%d) or the validation target (%d) allows; the split cannot reach the ratio (see --group-by, --no-group)",
			p.Largest, target, p.N-target)
	}
	achieved := float64(p.TrainN) / float64(p.N)
	j.notice("%s training and %s validation %s (ratio %.4f, asked %g); %s %s, the largest of %s",
		cli.Thousands(int64(p.TrainN)), cli.Thousands(int64(p.ValN)), "examples", achieved, j.ratio,
		cli.Thousands(int64(p.Groups)), cli.Plural(p.Groups, "group"), cli.Thousands(int64(p.Largest)))
}

// write is pass 2: each line goes to its side, in input order. When stdout
// is closed early the validation file is still finished.
func (j *job) write(p *split.Plan, stdout io.Writer, val, trainFile *cli.AtomicFile) error {
	if trainFile != nil {
		stdout = trainFile
	}
	tw, vw := jsonl.NewWriter(stdout), jsonl.NewWriter(val)
	i := 0
	err := j.each(func(r *jsonl.Reader) error {
		if i >= p.N {
			return errors.New("the input changed between the two passes")
		}
		if p.Train(i) {
			tw.WriteLine(r.Bytes()) // its error sticks and is seen at Flush
		} else if err := vw.WriteLine(r.Bytes()); err != nil {
			return outputError("--val", val, err)
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
		return outputError("--val", val, err)
	}
	terr := tw.Flush()
	if terr != nil && trainFile != nil {
		return outputError("--train", trainFile, terr)
	}
	if terr != nil && !cli.IsBrokenPipe(terr) {
		return terr
	}
	if err := val.Commit(); err != nil {
		return fmt.Errorf("--val %s: %w", val.Name(), err)
	}
	if trainFile != nil {
		if err := trainFile.Commit(); err != nil {
			return fmt.Errorf("--train %s: %w", trainFile.Name(), err)
		}
	}
	return terr
}

// outputError names the flag of the output a write failed on, and the path
// once: "--val v.jsonl: no space left on device".
func outputError(flag string, f *cli.AtomicFile, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Errorf("%s %s: %w", flag, f.Name(), err)
}

// prepare opens every input once, copying stdin and any other input that
// can be read only once (a pipe, a FIFO, `<(...)`) to a temporary file so
// that it can be read twice, and counts the lines of all the inputs, which
// lets pass 1 allocate its memory once. Stdin named twice is empty the
// second time, as it is when read.
func (j *job) prepare(inputs []string, stdin io.Reader) (lines int, err error) {
	stdinSeen := false
	for _, arg := range inputs {
		if arg == "-" && stdinSeen {
			j.files, j.names = append(j.files, nil), append(j.names, cli.StdinName)
			continue
		}
		stdinSeen = stdinSeen || arg == "-"
		c := &lineCounter{w: io.Discard}
		f, name, spooled, err := cli.OpenRereadable(arg, stdin, c)
		if err != nil {
			return 0, err
		}
		j.files, j.names = append(j.files, f), append(j.names, name)
		if !spooled {
			if _, err := io.Copy(c, f); err != nil {
				return 0, cli.WithCode(cli.ExitUnreadable, fmt.Errorf("%s: %w", name, err))
			}
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

// each calls fn for every non-blank line of the inputs, in order.
func (j *job) each(fn func(*jsonl.Reader) error) error {
	for i, f := range j.files {
		if f == nil {
			continue
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		r := jsonl.NewReader(f, j.names[i])
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
