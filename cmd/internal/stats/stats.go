// Package stats measures fine-tuning data: examples, messages and tokens per
// example, examples over a model's limit, duplicates, leakage between the
// training and the validation files, the recommended number of epochs, and
// the billed tokens and training cost on every fine-tunable model.
//
// An Analyzer reads files one after the other. Each file goes through a
// pipeline: one goroutine reads lines and hands them out in batches, one
// worker per core decodes and counts them with its own Counter, and the
// calling goroutine gathers the results in input order, so diagnostics and
// optional Sections see lines in file order.
//
// Memory grows by 26 bytes per example: the example's total and assistant
// tokens (int32 each, kept for exact percentiles), its message count
// (uint16) and a 64-bit hash of its conversation with its line (16 bytes,
// for duplicates). When leakage is checked, each user and assistant turn
// adds 16 bytes (hash and line).
package stats

import (
	"bytes"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"runtime"
	"sync"
	"unicode/utf8"

	"github.com/goccy/go-json"

	"github.com/ft-tools/ft/jsonl"
	"github.com/ft-tools/ft/tokenize"
)

// Counter counts one example's tokens in one encoding. It need not be safe
// for concurrent use: each worker gets its own.
type Counter interface {
	Example(*jsonl.Example) tokenize.Counts
}

// Section is an optional part of the report that sees every decoded example
// in input order (one goroutine at a time), such as statistics of the
// queries in the assistant turns.
type Section interface {
	// Name is the section's key in the JSON report and its heading.
	Name() string
	Add(file string, line int, ex *jsonl.Example)
	// Report returns the section's JSON value, or nil when the section has
	// nothing to say (it is then left out of both reports).
	Report() any
	// WriteText writes the section's body; the report writes its heading.
	WriteText(w io.Writer) error
}

// A Forker is a Section whose work can be spread over the workers, so
// that it does not run on one core while the counting runs on all.
type Forker interface {
	Section
	// Fork returns an empty section of the same kind for one worker. It is
	// fed that worker's examples in input order (a worker takes batches of
	// lines in order; other workers take the batches in between).
	Fork() Section
	// Join adds the findings of all the forks of one file into the
	// section, once at the end of each file. The result must not depend on
	// how the lines were shared out (merge lists by line).
	Join(forks []Section)
}

// Split says what a file is for.
type Split string

// The splits. Only training files are billed; user and assistant turns of
// validation files are looked up in the training files (leakage).
const (
	Training   Split = "training"
	Validation Split = "validation"
)

// Config sets up an Analyzer.
type Config struct {
	// Model is the model the data is measured for: its encoding counts the
	// tokens, its limit caps them, its price gives the cost.
	Model tokenize.Model
	// Models are the rows of the cost table; none means no table.
	Models []tokenize.Model
	// Counters makes a Counter for an encoding, one per worker. It must
	// know Model's encoding, and the encodings of Models.
	Counters map[string]func() Counter
	// ExactCosts counts every example in every encoding of the cost table.
	// Otherwise the other encodings count the first SampleHead examples of
	// each file and one in SampleEvery after that, and the rest is scaled
	// by the ratio measured on the sample (the rows say so).
	ExactCosts bool
	// Leakage keeps the hashes of user and assistant turns, to look the
	// validation turns up in the training files.
	Leakage bool
	// Workers is the number of decoding and counting goroutines; 0 means
	// one per core.
	Workers int
	// Sections are extra parts of the report.
	Sections []Section
	// BadLine is called, in input order, for each line that cannot be
	// measured. The line is counted in the report's BadLines.
	BadLine func(*jsonl.LineError)
}

// Sampling of the other encodings when costs are not exact.
const (
	SampleHead  = 1024
	SampleEvery = 16
)

// Analyzer gathers the statistics of the files it reads.
type Analyzer struct {
	cfg   Config
	encs  []string // encodings counted; encs[0] is the model's
	seed  maphash.Seed
	files []*fileAcc
}

// New returns an Analyzer for cfg.
func New(cfg Config) (*Analyzer, error) {
	a := &Analyzer{cfg: cfg, encs: []string{cfg.Model.Encoding}, seed: maphash.MakeSeed()}
	for _, m := range cfg.Models {
		if !contains(a.encs, m.Encoding) {
			a.encs = append(a.encs, m.Encoding)
		}
	}
	for _, e := range a.encs {
		if cfg.Counters[e] == nil {
			return nil, fmt.Errorf("no token counter for encoding %q", e)
		}
	}
	if a.cfg.Workers <= 0 {
		a.cfg.Workers = runtime.GOMAXPROCS(0)
	}
	return a, nil
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// Batches of lines go to the workers; their size keeps channel traffic low
// and the lines in flight to a few MB.
const (
	batchLines = 256
	batchBytes = 1 << 20
)

type batch struct {
	seq   int
	data  []byte
	ends  []int // line i is data[ends[i-1]:ends[i]]
	lines []int
	trunc int                      // index of a line that lacks its final newline, or -1
	long  map[int]*jsonl.LineError // lines over the reader's limit, kept empty
	ord   int                      // ordinal of the first line's example candidate in the file

	// results
	recs    []record
	other   []int32 // counts in encs[1:], len(encs)-1 per record
	turns   []entry
	bad     []*jsonl.LineError
	badAt   []int // index of the line each bad entry belongs to
	exs     []jsonl.Example
	keptExs bool // exs holds the decoded examples, for sections fed in order
}

type record struct {
	line      int
	idx       int // index of the line in the batch
	total     int32
	assistant int32
	messages  int
	images    int
	toolDefs  int
	sampled   bool
	hash      uint64
}

func (b *batch) line(i int) []byte {
	start := 0
	if i > 0 {
		start = b.ends[i-1]
	}
	return b.data[start:b.ends[i]]
}

func (b *batch) reset() {
	b.data, b.ends, b.lines = b.data[:0], b.ends[:0], b.lines[:0]
	b.trunc = -1
	b.recs, b.other, b.turns = b.recs[:0], b.other[:0], b.turns[:0]
	b.bad, b.badAt = b.bad[:0], b.badAt[:0]
	clear(b.long)
}

// ReadFile reads one JSONL input named name. Lines that cannot be measured
// go to Config.BadLine and are counted (a line too long to hold among
// them); the error returned is a read error, or a text that is not UTF-8.
func (a *Analyzer) ReadFile(r io.Reader, name string, split Split) error {
	acc := newFileAcc(name, split, len(a.encs), a.cfg.Model.ExampleLimit)
	acc.index = len(a.files)
	a.files = append(a.files, acc)

	free := make(chan *batch, 4*a.cfg.Workers)
	for range cap(free) {
		free <- &batch{}
	}
	work := make(chan *batch, 2*a.cfg.Workers)
	done := make(chan *batch, 4*a.cfg.Workers)
	var readErr error
	go func() {
		acc.blank, readErr = a.readBatches(r, name, free, work)
		close(work)
	}()
	var wg sync.WaitGroup
	workers := make([]*worker, a.cfg.Workers)
	for i := range workers {
		workers[i] = a.newWorker(name)
	}
	for _, w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range work {
				w.do(b)
				done <- b
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()

	// Gather in input order.
	pending := map[int]*batch{}
	next := 0
	for b := range done {
		pending[b.seq] = b
		for {
			b, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			a.gather(acc, b)
			next++
			free <- b
		}
	}
	for i, s := range a.cfg.Sections {
		if f, ok := s.(Forker); ok {
			forks := make([]Section, len(workers))
			for j, w := range workers {
				forks[j] = w.forks[i]
			}
			f.Join(forks)
		}
	}
	return readErr
}

func (a *Analyzer) readBatches(r io.Reader, name string, free <-chan *batch, work chan<- *batch) (blank int, err error) {
	in := jsonl.NewReader(r, name)
	seq := 0
	var b *batch
	for in.Next() {
		if b == nil {
			b = <-free
			b.reset()
			b.seq = seq
			seq++
		}
		if le := in.TooLong(); le != nil {
			if b.long == nil {
				b.long = map[int]*jsonl.LineError{}
			}
			b.long[len(b.lines)] = le
		}
		b.data = append(b.data, in.Bytes()...)
		b.ends = append(b.ends, len(b.data))
		b.lines = append(b.lines, in.Line())
		if in.Truncated() {
			b.trunc = len(b.lines) - 1
		}
		if len(b.lines) >= batchLines || len(b.data) >= batchBytes {
			work <- b
			b = nil
		}
	}
	if b != nil {
		work <- b
	}
	return in.Blank(), in.Err()
}

type worker struct {
	a        *Analyzer
	name     string
	counters []Counter
	forks    []Section // by section; nil for a section that is fed in order
	h        maphash.Hash
}

func (a *Analyzer) newWorker(name string) *worker {
	w := &worker{a: a, name: name}
	for _, s := range a.cfg.Sections {
		var fork Section
		if f, ok := s.(Forker); ok {
			fork = f.Fork()
		}
		w.forks = append(w.forks, fork)
	}
	for _, e := range a.encs {
		w.counters = append(w.counters, a.cfg.Counters[e]())
	}
	w.h.SetSeed(a.seed)
	return w
}

func (w *worker) do(b *batch) {
	keep := false
	for _, f := range w.forks {
		keep = keep || f == nil
	}
	b.keptExs = keep
	if keep {
		if cap(b.exs) < len(b.lines) {
			b.exs = make([]jsonl.Example, len(b.lines))
		}
		b.exs = b.exs[:len(b.lines)]
	}
	var scratch jsonl.Example
	for i := range b.lines {
		ex := &scratch
		if keep {
			ex = &b.exs[i]
		}
		*ex = jsonl.Example{}
		if err := w.decode(b, i, ex); err != nil {
			b.bad = append(b.bad, err)
			b.badAt = append(b.badAt, i)
			continue
		}
		w.measure(b, i, ex)
		for _, f := range w.forks {
			if f != nil {
				f.Add(w.name, b.lines[i], ex)
			}
		}
	}
}

func (w *worker) decode(b *batch, i int, ex *jsonl.Example) *jsonl.LineError {
	if le := b.long[i]; le != nil {
		return le
	}
	data := b.line(i)
	lineErr := func(code, format string, args ...any) *jsonl.LineError {
		return &jsonl.LineError{File: w.name, Line: b.lines[i], Code: code, Err: fmt.Errorf(format, args...)}
	}
	if !utf8.Valid(data) {
		return lineErr("invalid_utf8", "not valid UTF-8")
	}
	if t := bytes.TrimLeft(data, " \t"); len(t) > 0 && t[0] != '{' {
		if json.Valid(data) {
			return lineErr("data_type", "the line is JSON but not an object")
		}
	}
	if err := json.Unmarshal(data, ex); err != nil {
		code, path, msg := jsonl.DecodeProblem(err)
		if code == jsonl.CodeInvalidJSON && i == b.trunc {
			msg += " (the last line has no newline: is the file truncated?)"
		}
		le := lineErr(code, "%s", msg)
		le.Path = path
		return le
	}
	if len(ex.Messages) == 0 && ex.Input == nil && ex.Prompt == nil && ex.Completion == nil {
		return &jsonl.LineError{File: w.name, Line: b.lines[i], Code: "missing_messages_list", Path: "messages",
			Err: errors.New("no messages to count")}
	}
	return nil
}

func (w *worker) measure(b *batch, i int, ex *jsonl.Example) {
	c := w.counters[0].Example(ex)
	rec := record{
		line:      b.lines[i],
		idx:       i,
		total:     int32(c.Total),
		assistant: int32(c.Assistant),
		messages:  c.Messages,
		images:    c.Images,
		toolDefs:  c.ToolDefinitions,
		hash:      w.hashExample(ex),
	}
	if len(w.counters) > 1 {
		// The ordinal of this example in the file is not known until the
		// batch is gathered (bad lines do not count), so sample on the line
		// number, which tracks it closely.
		rec.sampled = w.a.sampled(rec.line)
		for _, oc := range w.counters[1:] {
			n := int32(-1)
			if rec.sampled {
				n = int32(oc.Example(ex).Total)
			}
			b.other = append(b.other, n)
		}
	}
	b.recs = append(b.recs, rec)
	if w.a.cfg.Leakage {
		for _, m := range ex.Conversation() {
			if m.Role != "user" && m.Role != "assistant" {
				continue
			}
			var kind uint8
			if m.Role == "assistant" {
				kind = 1
			}
			b.turns = append(b.turns, entry{hash: w.hashTurn(&m), line: uint32(rec.line), kind: kind})
		}
	}
}

// hashExample hashes what the model sees of an example, so that the same
// example written with other spacing or key order is still a duplicate.
func (w *worker) hashExample(ex *jsonl.Example) uint64 {
	h := &w.h
	h.Reset()
	for _, m := range ex.Conversation() {
		writeMessage(h, &m)
	}
	h.WriteByte(1)
	for _, m := range ex.NonPreferredOutput {
		writeMessage(h, &m)
	}
	h.WriteByte(1)
	for _, t := range ex.Tools {
		writeField(h, t.Function.Name)
		writeField(h, t.Function.Description)
		h.Write(t.Function.Parameters)
		h.WriteByte(0)
	}
	for _, f := range ex.Functions {
		writeField(h, f.Name)
		writeField(h, f.Description)
		h.Write(f.Parameters)
		h.WriteByte(0)
	}
	if ex.Prompt != nil {
		writeField(h, "prompt:"+*ex.Prompt)
	}
	if ex.Completion != nil {
		writeField(h, "completion:"+*ex.Completion)
	}
	return h.Sum64()
}

func writeMessage(h *maphash.Hash, m *jsonl.Message) {
	writeField(h, m.Role)
	writeField(h, m.Name)
	writeContent(h, m.Content)
	for _, tc := range m.ToolCalls {
		writeField(h, tc.Function.Name)
		writeField(h, tc.Function.Arguments)
	}
	if m.FunctionCall != nil {
		writeField(h, m.FunctionCall.Name)
		writeField(h, m.FunctionCall.Arguments)
	}
	if m.Weight != nil {
		fmt.Fprint(h, *m.Weight)
	}
	h.WriteByte(2)
}

func writeContent(h *maphash.Hash, c jsonl.Content) {
	if c.Parts == nil {
		writeField(h, c.Text)
		return
	}
	for _, p := range c.Parts {
		writeField(h, p.Type)
		writeField(h, p.Text)
		if p.ImageURL != nil {
			writeField(h, p.ImageURL.URL)
		}
	}
}

// writeField writes s and a separator that cannot occur in JSON text
// decoded to a string other than by an escaped NUL, which is good enough
// for telling fields apart.
func writeField(h *maphash.Hash, s string) {
	h.WriteString(s)
	h.WriteByte(0)
}

// hashTurn hashes a turn's role and text: a user question asked again in
// the validation file is leakage whatever else its example holds.
func (w *worker) hashTurn(m *jsonl.Message) uint64 {
	h := &w.h
	h.Reset()
	writeField(h, m.Role)
	h.WriteString(m.Content.String())
	return h.Sum64()
}

// sampled reports whether the example at line is counted in every encoding.
func (a *Analyzer) sampled(line int) bool {
	return a.cfg.ExactCosts || line <= SampleHead || line%SampleEvery == 0
}

func (a *Analyzer) gather(acc *fileAcc, b *batch) {
	bi := 0
	nOther := len(a.encs) - 1
	for ri, rec := range b.recs {
		for bi < len(b.bad) && b.badAt[bi] < rec.idx {
			a.badLine(acc, b.bad[bi])
			bi++
		}
		a.add(acc, &rec, b.other[ri*nOther:(ri+1)*nOther])
		if b.keptExs {
			for _, s := range a.cfg.Sections {
				if _, forked := s.(Forker); !forked {
					s.Add(acc.name, rec.line, &b.exs[rec.idx])
				}
			}
		}
	}
	for ; bi < len(b.bad); bi++ {
		a.badLine(acc, b.bad[bi])
	}
	for _, t := range b.turns {
		t.file = uint16(acc.index)
		acc.turns = append(acc.turns, t)
	}
	if b.keptExs {
		clear(b.exs) // let go of the decoded strings
	}
}

func (a *Analyzer) badLine(acc *fileAcc, e *jsonl.LineError) {
	acc.bad++
	if a.cfg.BadLine != nil {
		a.cfg.BadLine(e)
	}
}
