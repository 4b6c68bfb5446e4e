package mongoquery

import "sort"

// Merge adds what parts counted into s, as if s had been given their
// answers itself. The parts read the lines of one file between them (as
// ft-stats' workers do), so their unreadable lines are merged in line
// order after the ones s already holds, still bounded by
// MaxUnreadableLines.
func (s *Stats) Merge(parts ...*Stats) {
	var lines []UnreadableLine
	for _, p := range parts {
		s.answers += p.answers
		s.parsed += p.parsed
		s.scripts += p.scripts
		s.unreadable += p.unreadable
		mergeCounts(&s.forms, p.forms)
		mergeCounts(&s.operations, p.operations)
		mergeCounts(&s.stages, p.stages)
		mergeCounts(&s.operators, p.operators)
		mergeCounts(&s.collections, p.collections)
		mergeIntCounts(&s.pipelineLength, p.pipelineLength)
		mergeIntCounts(&s.depth, p.depth)
		lines = append(lines, p.unreadableLines...)
	}
	sort.SliceStable(lines, func(i, j int) bool { return lines[i].Line < lines[j].Line })
	for _, l := range lines {
		if len(s.unreadableLines) >= MaxUnreadableLines {
			break
		}
		s.unreadableLines = append(s.unreadableLines, l)
	}
}

func mergeCounts(dst *map[string]int, src map[string]int) {
	for k, v := range src {
		if *dst == nil {
			*dst = make(map[string]int, len(src))
		}
		(*dst)[k] += v
	}
}

func mergeIntCounts(dst *map[int]int, src map[int]int) {
	for k, v := range src {
		if *dst == nil {
			*dst = make(map[int]int, len(src))
		}
		(*dst)[k] += v
	}
}
