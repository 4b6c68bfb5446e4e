package mongoquery

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"text/tabwriter"
)

// Stats accumulates what a dataset's answers ask of MongoDB. The zero value
// is ready to use.
type Stats struct {
	answers, parsed, scripts, unreadable int
	forms, operations, stages, operators map[string]int
	collections                          map[string]int
	pipelineLength, depth                map[int]int
	unreadableLines                      []UnreadableLine
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
	(*m)[k]++
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
	q, err := Parse(answer)
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
	PipelineLength map[string]int `json:"pipeline_length"`
	Depth          map[string]int `json:"depth"`
}

func orEmpty(m map[string]int) map[string]int {
	if m == nil {
		return map[string]int{}
	}
	return m
}

func histogram(m map[int]int) map[string]int {
	out := make(map[string]int, len(m))
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

// WriteText writes the report as an aligned text section headed "queries".
func (r StatsReport) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "queries\n")
	fmt.Fprintf(tw, "  answers\t%d\n", r.Answers)
	fmt.Fprintf(tw, "  parsed\t%d\t%s\n", r.Parsed, percent(r.Parsed, r.Answers))
	fmt.Fprintf(tw, "  scripts\t%d\t%s\n", r.Scripts, percent(r.Scripts, r.Answers))
	fmt.Fprintf(tw, "  unreadable\t%d\t%s\n", r.Unreadable, percent(r.Unreadable, r.Answers))
	counts := func(title string, m map[string]int, limit int) {
		if len(m) == 0 {
			return
		}
		fmt.Fprintf(tw, "  %s\n", title)
		for i, kv := range byCount(m) {
			if limit > 0 && i == limit {
				fmt.Fprintf(tw, "    … %d more\t\n", len(m)-limit)
				break
			}
			fmt.Fprintf(tw, "    %s\t%d\n", kv.key, kv.n)
		}
	}
	counts("forms", r.Forms, 0)
	counts("operations", r.Operations, 0)
	counts("stages", r.Stages, 0)
	counts("operators", r.Operators, 20)
	counts("collections", r.Collections, 10)
	hist := func(title string, m map[string]int) {
		if len(m) == 0 {
			return
		}
		fmt.Fprintf(tw, "  %s\n", title)
		keys := make([]int, 0, len(m))
		for k := range m {
			n, _ := strconv.Atoi(k)
			keys = append(keys, n)
		}
		sort.Ints(keys)
		for _, k := range keys {
			fmt.Fprintf(tw, "    %d\t%d\n", k, m[strconv.Itoa(k)])
		}
	}
	hist("pipeline length", r.PipelineLength)
	hist("depth", r.Depth)
	if len(r.UnreadableLines) > 0 {
		fmt.Fprintf(tw, "  unreadable answers\n")
		for _, u := range r.UnreadableLines {
			fmt.Fprintf(tw, "    %s:%d\t%s\n", u.File, u.Line, u.Error)
		}
		if more := r.Unreadable - len(r.UnreadableLines); more > 0 {
			fmt.Fprintf(tw, "    … %d more\t\n", more)
		}
	}
	return tw.Flush()
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
