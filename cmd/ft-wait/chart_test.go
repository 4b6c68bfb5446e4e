package main

import (
	"math"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestChart(t *testing.T) {
	var pts []point
	for i := 1; i <= 150; i++ {
		pts = append(pts, point{Step: i, Loss: 0.2 + 2*math.Exp(-4*float64(i)/150)})
	}
	var b strings.Builder
	writeChart(&b, "loss", pts)
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 1+chartHeight+1 {
		t.Fatalf("%d lines, want title, %d rows and an axis:\n%s", len(lines), chartHeight, b.String())
	}
	top, bottom := lines[1], lines[chartHeight]
	if !strings.HasPrefix(strings.TrimSpace(top), "2.") || !strings.HasPrefix(strings.TrimSpace(bottom), "0.2") {
		t.Errorf("labels: top %q, bottom %q; want the highest and lowest loss", top, bottom)
	}
	// A decreasing curve: full at the left of the top row, empty at its right.
	_, plot, _ := strings.Cut(top, "│")
	if r, _ := utf8.DecodeRuneInString(plot); r != '█' {
		t.Errorf("top row starts with %q, want a full block", r)
	}
	_, plot, _ = strings.Cut(bottom, "│")
	if n := utf8.RuneCountInString(plot); n != chartWidth {
		t.Errorf("bottom row has %d columns, want %d (every column has its lowest eighth)", n, chartWidth)
	}
	if !strings.Contains(lines[len(lines)-1], "step 1") || !strings.HasSuffix(lines[len(lines)-1], "150") {
		t.Errorf("axis %q: want step 1 … 150", lines[len(lines)-1])
	}
	b.Reset()
	writeChart(&b, "loss", pts[:1])
	if b.Len() != 0 {
		t.Errorf("one point drew a chart:\n%s", b.String())
	}
}
