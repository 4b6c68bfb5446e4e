package mongoquery

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/ft-tools/ft/cmd/internal/cli"
)

// Stats accumulates what a dataset's answers ask of MongoDB. The zero value
// is ready to use.
type Stats struct {
	answers, parsed, scripts, unreadable int
	forms, operations, stages, operators map[string]int
	collections                          map[string]int
	pipelineLength, depth                map[int]int
	unreadableLines                      []UnreadableLine
	ar                                   *arena // reused from answer to answer
}

// UnreadableLine is an answer that is not a query.
type UnreadableLine struct {
	File  string `json:"file"`
	Line  int    `json:"line"`
	Error string `json:"error"`
}

// MaxUnreadableLines bounds how many unreadable answers a report lists; the
// count covers them all.
const MaxUnreadableLines = 100

func inc(m *map[string]int, k string) {
	if *m == nil {
		*m = make(map[string]int)
	}
	if n, ok := (*m)[k]; ok {
		(*m)[k] = n + 1
		return
	}
	// Names are slices of their answer: a copy keeps the answer out of
	// the report.
	(*m)[strings.Clone(k)] = 1
}

func incInt(m *map[int]int, k int) {
	if *m == nil {
		*m = make(map[int]int)
	}
	(*m)[k]++
}

// Add reads one answer, found at line of file.
func (s *Stats) Add(file string, line int, answer string) {
	s.answers++
	if s.ar == nil {
		s.ar = new(arena)
	}
	q, err := parse(answer, s.ar)
	if err != nil {
		s.unreadable++
		if len(s.unreadableLines) < MaxUnreadableLines {
			s.unreadableLines = append(s.unreadableLines, UnreadableLine{File: file, Line: line, Error: err.Error()})
		}
		return
	}
	inc(&s.forms, string(q.Form))
	if q.Form == FormScript {
		s.scripts++
	} else {
		s.parsed++
	}
	if q.Operation != "" {
		inc(&s.operations, q.Operation)
	}
	if q.Collection != "" {
		inc(&s.collections, q.Collection)
	}
	for _, st := range q.AllStages {
		inc(&s.stages, st)
	}
	for _, op := range q.Operators {
		inc(&s.operators, op)
	}
	if q.Operation == "aggregate" {
		incInt(&s.pipelineLength, len(q.Stages))
	}
	if q.Operation != "error" {
		incInt(&s.depth, q.Depth)
	}
}

// StatsReport is the "queries" part of ft-stats' report. Parsed, Scripts and
// Unreadable add up to Answers.
type StatsReport struct {
	Answers         int              `json:"answers"`
	Parsed          int              `json:"parsed"`     // single queries read
	Scripts         int              `json:"scripts"`    // answers of several statements
	Unreadable      int              `json:"unreadable"` // answers that are not queries
	UnreadableLines []UnreadableLine `json:"unreadable_lines"`
	Forms           map[string]int   `json:"forms"`
	Operations      map[string]int   `json:"operations"`
	Stages          map[string]int   `json:"stages"` // counted wherever they occur
	Operators       map[string]int   `json:"operators"`
	Collections     map[string]int   `json:"collections"`
	// PipelineLength maps a number of top-level stages to the number of
	// aggregate answers that have it; Depth maps a nesting depth to the
	// number of answers.
	PipelineLength NumberCounts `json:"pipeline_length"`
	Depth          NumberCounts `json:"depth"`
}

// NumberCounts are counts keyed by a number. JSON object keys are strings,
// which would put "10" before "2"; they are written in numeric order, as a
// reader scans a histogram.
type NumberCounts map[string]int

// MarshalJSON writes the counts in numeric order of their keys.
func (m NumberCounts) MarshalJSON() ([]byte, error) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		x, errx := strconv.Atoi(a)
		y, erry := strconv.Atoi(b)
		if errx != nil || erry != nil || x == y {
			return strings.Compare(a, b)
		}
		return cmp.Compare(x, y)
	})
	b := []byte{'{'}
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendQuote(b, k)
		b = append(b, ':')
		b = strconv.AppendInt(b, int64(m[k]), 10)
	}
	return append(b, '}'), nil
}

func orEmpty(m map[string]int) map[string]int {
	if m == nil {
		return map[string]int{}
	}
	return m
}

func histogram(m map[int]int) NumberCounts {
	out := make(NumberCounts, len(m))
	for k, v := range m {
		out[strconv.Itoa(k)] = v
	}
	return out
}

// Report returns what was added so far.
func (s *Stats) Report() StatsReport {
	lines := s.unreadableLines
	if lines == nil {
		lines = []UnreadableLine{}
	}
	return StatsReport{
		Answers:         s.answers,
		Parsed:          s.parsed,
		Scripts:         s.scripts,
		Unreadable:      s.unreadable,
		UnreadableLines: lines,
		Forms:           orEmpty(s.forms),
		Operations:      orEmpty(s.operations),
		Stages:          orEmpty(s.stages),
		Operators:       orEmpty(s.operators),
		Collections:     orEmpty(s.collections),
		PipelineLength:  histogram(s.pipelineLength),
		Depth:           histogram(s.depth),
	}
}

// Queries reports whether the answers look like MongoDB queries: most of them
// are read as queries.
func (r StatsReport) Queries() bool {
	return r.Answers > 0 && r.Parsed+r.Scripts > r.Unreadable
}

// WriteText writes the body of the "queries" section for people: rows of a
// key padded to 18 characters after two spaces, and lists indented by four,
// as the rest of ft-stats' report. The caller writes the heading.
func (r StatsReport) WriteText(w io.Writer) error {
	ew := &errWriter{w: w}
	row := func(key, format string, args ...any) {
		ew.printf("  %-18s %s\n", key, fmt.Sprintf(format, args...))
	}
	row("answers", "%s", thousands(r.Answers))
	if r.Answers == 0 {
		return ew.err
	}
	row("read", "%s single queries (%s), %s scripts, %s unreadable",
		thousands(r.Parsed), percent(r.Parsed, r.Answers), thousands(r.Scripts), thousands(r.Unreadable))
	if !r.Queries() {
		row("note", "most answers are not MongoDB queries")
		return ew.err
	}
	row("forms", "%s", inline(r.Forms, 0))
	row("operations", "%s", inline(r.Operations, 0))
	if len(r.Collections) > 0 {
		row("collections", "%d: %s", len(r.Collections), inline(r.Collections, 8))
	}
	if d := summarize(r.PipelineLength); d != "" {
		row("pipeline length", "%s", d)
	}
	if d := summarize(r.Depth); d != "" {
		row("depth", "%s", d)
	}
	list := func(title string, m map[string]int, limit int) {
		if len(m) == 0 {
			return
		}
		ew.printf("  %s\n", title)
		width := 0
		for k := range m {
			width = max(width, len(k))
		}
		for i, kv := range byCount(m) {
			if limit > 0 && i == limit {
				ew.printf("    … %d more\n", len(m)-limit)
				break
			}
			ew.printf("    %-*s %7s\n", width, kv.key, thousands(kv.n))
		}
	}
	list("stages (wherever they occur)", r.Stages, 0)
	list("operators", r.Operators, 25)
	if len(r.UnreadableLines) > 0 {
		ew.printf("  unreadable answers\n")
		for _, u := range r.UnreadableLines {
			ew.printf("    %s:%d: %s\n", u.File, u.Line, u.Error)
		}
		if more := r.Unreadable - len(r.UnreadableLines); more > 0 {
			ew.printf("    … %d more\n", more)
		}
	}
	return ew.err
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}

// inline lists counts on one line, largest first.
func inline(m map[string]int, limit int) string {
	if len(m) == 0 {
		return "none"
	}
	var parts []string
	for i, kv := range byCount(m) {
		if limit > 0 && i == limit {
			parts = append(parts, fmt.Sprintf("… %d more", len(m)-limit))
			break
		}
		parts = append(parts, kv.key+" "+thousands(kv.n))
	}
	return strings.Join(parts, ", ")
}

// summarize describes a histogram: min, max, mean and median, then the
// counts of each value.
func summarize(h map[string]int) string {
	if len(h) == 0 {
		return ""
	}
	keys := make([]int, 0, len(h))
	n, sum := 0, 0
	for k, c := range h {
		v, _ := strconv.Atoi(k)
		keys = append(keys, v)
		n += c
		sum += v * c
	}
	sort.Ints(keys)
	median, seen := 0, 0
	var counts []string
	for _, k := range keys {
		c := h[strconv.Itoa(k)]
		if seen < (n+1)/2 && seen+c >= (n+1)/2 {
			median = k
		}
		seen += c
		counts = append(counts, fmt.Sprintf("%d:%d", k, c))
	}
	return fmt.Sprintf("min %d  max %d  mean %.1f  p50 %d  (%s)", keys[0], keys[len(keys)-1],
		float64(sum)/float64(n), median, strings.Join(counts, " "))
}

func percent(n, total int) string {
	if total == 0 {
		return ""
	}
	return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(total))
}

type keyCount struct {
	key string
	n   int
}

func byCount(m map[string]int) []keyCount {
	out := make([]keyCount, 0, len(m))
	for k, v := range m {
		out = append(out, keyCount{k, v})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].n != out[j].n {
			return out[i].n > out[j].n
		}
		return out[i].key < out[j].key
	})
	return out
}

func thousands(n int) string { return cli.Thousands(int64(n)) }
