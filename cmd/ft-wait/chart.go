package main

import (
	"fmt"
	"io"
	"math"
	"strings"
)

// point is one training-loss measurement from a metrics event.
type point struct {
	Step int
	Loss float64
}

// Chart size: small enough to sit under a job summary in an 80-column terminal.
const (
	chartWidth  = 60
	chartHeight = 8
)

var blocks = []rune(" ▁▂▃▄▅▆▇█")

// writeChart draws the loss curve as columns of block characters, one column
// per group of steps (the mean of the group), with the highest and lowest
// loss labelled on the left and the step range underneath.
func writeChart(w io.Writer, title string, pts []point) {
	if len(pts) < 2 {
		return
	}
	cols := bucket(pts, chartWidth)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range cols {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	span := hi - lo
	label := func(v float64) string { return fmt.Sprintf("%8.4f", v) }
	fmt.Fprintf(w, "%s\n", title)
	levels := chartHeight * (len(blocks) - 1)
	for row := chartHeight - 1; row >= 0; row-- {
		var b strings.Builder
		switch row {
		case chartHeight - 1:
			b.WriteString(label(hi))
		case 0:
			b.WriteString(label(lo))
		default:
			b.WriteString(strings.Repeat(" ", 8))
		}
		b.WriteString(" │")
		for _, v := range cols {
			// Every column gets at least one eighth of a row, so the lowest
			// point is still visible.
			h := levels
			if span > 0 {
				h = 1 + int(math.Round((v-lo)/span*float64(levels-1)))
			}
			fill := h - row*(len(blocks)-1)
			fill = max(0, min(fill, len(blocks)-1))
			b.WriteRune(blocks[fill])
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
	first, last := fmt.Sprintf("step %d", pts[0].Step), fmt.Sprintf("%d", pts[len(pts)-1].Step)
	gap := max(1, len(cols)-len(first)-len(last))
	fmt.Fprintf(w, "%s  %s%s%s\n", strings.Repeat(" ", 8), first, strings.Repeat(" ", gap), last)
}

// bucket reduces pts to at most n values, each the mean loss of a run of
// consecutive points.
func bucket(pts []point, n int) []float64 {
	if len(pts) <= n {
		out := make([]float64, len(pts))
		for i, p := range pts {
			out[i] = p.Loss
		}
		return out
	}
	out := make([]float64, n)
	for i := range n {
		from, to := i*len(pts)/n, (i+1)*len(pts)/n
		sum := 0.0
		for _, p := range pts[from:to] {
			sum += p.Loss
		}
		out[i] = sum / float64(to-from)
	}
	return out
}
