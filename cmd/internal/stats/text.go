package stats

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/ft-tools/ft/cmd/internal/cli"
)

// TextOptions shape the text report.
type TextOptions struct {
	Color bool // colour the histogram bars and headings (a terminal, NO_COLOR unset)
	Width int  // width of the longest histogram bar in cells; 0 means 40
}

// How many lines of a list the text report shows; --json has them all
// (up to the report's own limits).
const textListMax = 10

const (
	ansiBold  = "\x1b[1m"
	ansiCyan  = "\x1b[36m"
	ansiReset = "\x1b[0m"
)

// WriteText writes the report for people: a section per file, a combined
// section when there is more than one training file, the cost table, the
// leakage and the optional sections. The first write error is returned.
func (r *Report) WriteText(w io.Writer, opt TextOptions) error {
	tw := &textWriter{w: w, opt: opt}
	if opt.Width <= 0 {
		tw.opt.Width = 40
	}
	// With one training file, its section is the combined one: it gets the
	// cost table, and no second copy under another title.
	one := r.TrainingFiles <= 1
	for i := range r.Files {
		f := &r.Files[i]
		title := fmt.Sprintf("%s (%s)", f.File, f.Split)
		tw.section(title, f, one && f.Split != Validation)
	}
	if !one {
		tw.section(fmt.Sprintf("all training files (%d)", r.TrainingFiles), &r.Summary, true)
	}
	if r.Leakage != nil {
		tw.leakage(r.Leakage)
	}
	for _, s := range r.sections {
		tw.heading(s.Name())
		if tw.err == nil {
			tw.err = s.WriteText(w)
		}
	}
	return tw.err
}

type textWriter struct {
	w   io.Writer
	opt TextOptions
	err error
	n   int // sections written
}

func (t *textWriter) printf(format string, args ...any) {
	if t.err == nil {
		_, t.err = fmt.Fprintf(t.w, format, args...)
	}
}

func (t *textWriter) heading(s string) {
	if t.n > 0 {
		t.printf("\n")
	}
	t.n++
	if t.opt.Color {
		t.printf("%s%s%s\n", ansiBold, s, ansiReset)
		return
	}
	t.printf("%s\n", s)
}

func (t *textWriter) row(key, format string, args ...any) {
	t.printf("  %-18s %s\n", key, fmt.Sprintf(format, args...))
}

func (t *textWriter) section(title string, s *Summary, full bool) {
	t.heading(title)
	ex := fmt.Sprintf("%s", cli.Thousands(int64(s.Examples)))
	var notes []string
	if s.BadLines > 0 {
		notes = append(notes, cli.Count(s.BadLines, "bad line", "bad lines")+" not counted")
	}
	if s.BlankLines > 0 {
		notes = append(notes, cli.Count(s.BlankLines, "blank line", "blank lines"))
	}
	if len(notes) > 0 {
		ex += "  (" + strings.Join(notes, ", ") + ")"
	}
	t.row("examples", "%s", ex)
	if s.Examples == 0 {
		return
	}
	t.row("messages/example", "%s", distText(s.Messages))
	t.row("tokens/example", "%s", distText(s.Tokens.PerExample))
	t.row("assistant tokens", "%s", distText(s.Tokens.AssistantPerExample))
	tok := fmt.Sprintf("%s total, %s in assistant turns (%s, %s)", cli.Thousands(s.Tokens.Total), cli.Thousands(s.Tokens.Assistant), s.Encoding, s.Model)
	if s.Tokens.ToolDefinitions > 0 {
		tok += fmt.Sprintf(", %s in tool definitions", cli.Thousands(s.Tokens.ToolDefinitions))
	}
	t.row("tokens", "%s", tok)
	if s.Tokens.ImagesNotCounted > 0 {
		t.row("images", "%s not counted (their tokens depend on their size)", cli.Count(int(s.Tokens.ImagesNotCounted), "image part", "image parts"))
	}
	switch {
	case s.ExampleLimit == 0:
		t.row("over limit", "no per-example limit is published for %s", s.Model)
	case s.OverLimit.Examples == 0:
		t.row("over limit", "none over %s tokens", cli.Thousands(int64(s.ExampleLimit)))
	default:
		t.row("over limit", "%s over %s tokens (truncated in training): %s",
			cli.Count(s.OverLimit.Examples, "example", "examples"), cli.Thousands(int64(s.ExampleLimit)), locList(s.OverLimit.Lines))
	}
	if s.Duplicates.Examples == 0 {
		t.row("duplicates", "none")
	} else {
		var gs []string
		for i, g := range s.Duplicates.Groups {
			if i == textListMax {
				gs = append(gs, "…")
				break
			}
			gs = append(gs, sameFileList(g, " = "))
		}
		verb := " repeat"
		if s.Duplicates.Examples == 1 {
			verb = " repeats"
		}
		t.row("duplicates", "%s an earlier one: %s", cli.Count(s.Duplicates.Examples, "example", "examples")+verb, strings.Join(gs, "; "))
	}
	if s.Split == Validation {
		// OpenAI bills training tokens only; a validation file's own epochs and
		// cost would read as money it costs.
		t.row("billing", "not billed (validation data)")
	} else {
		t.row("epochs", "%d (cookbook rule for %s)", s.RecommendedEpochs, cli.Count(s.Examples, "example", "examples"))
		t.row("billed tokens", "%s (%s per epoch, each example capped at its limit, × %d)",
			cli.Thousands(s.BillingTokens), cli.Thousands(s.BillingPerEpoch), s.RecommendedEpochs)
		if s.EstimatedCostUSD != nil {
			date := " (given by --price)" // the built-in prices all have a date
			if s.PriceDate != "" {
				date = " (prices of " + s.PriceDate + ")"
			}
			t.row("cost", "%s on %s at $%.2f per 1M tokens%s", usd(*s.EstimatedCostUSD), s.Model, s.USDPerMTok, date)
		} else {
			t.row("cost", "%s is not priced per training token", s.Model)
		}
	}
	t.histogram(s.Histogram)
	if full && len(s.Costs) > 0 {
		t.costs(s)
	}
}

func distText(d Dist) string {
	return fmt.Sprintf("min %s  max %s  mean %s  p50 %s  p90 %s  p95 %s  p99 %s",
		cli.Thousands(d.Min), cli.Thousands(d.Max), dec(d.Mean), dec(d.P50), dec(d.P90), dec(d.P95), dec(d.P99))
}

var eighths = []string{"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"}

func (t *textWriter) histogram(bins []Bin) {
	if len(bins) == 0 {
		return
	}
	t.printf("  %s\n", "tokens per example")
	most := 0
	labels := make([]string, len(bins))
	wide := 0
	for i, b := range bins {
		most = max(most, b.Count)
		if b.To == 0 {
			labels[i] = cli.Thousands(b.From) + "+"
		} else if b.To-1 == b.From {
			labels[i] = cli.Thousands(b.From)
		} else {
			labels[i] = cli.Thousands(b.From) + "–" + cli.Thousands(b.To-1)
		}
		wide = max(wide, len([]rune(labels[i])))
	}
	for i, b := range bins {
		cells := float64(b.Count) / float64(most) * float64(t.opt.Width)
		full := int(cells)
		bar := strings.Repeat("█", full) + eighths[int((cells-float64(full))*8)]
		if bar == "" && b.Count > 0 {
			bar = "▏"
		}
		if t.opt.Color {
			bar = ansiCyan + bar + ansiReset
		}
		pad := strings.Repeat(" ", wide-len([]rune(labels[i])))
		t.printf("    %s%s │%s %s\n", pad, labels[i], bar, cli.Thousands(int64(b.Count)))
	}
}

func (t *textWriter) costs(s *Summary) {
	note := ""
	for _, c := range s.Costs {
		if !c.Exact {
			note = "; ≈ scaled from a sample"
			break
		}
	}
	t.printf("\n  cost on every fine-tunable model (%s%s)\n", cli.Count(s.RecommendedEpochs, "epoch", "epochs"), note)
	rows := [][]string{{"model", "encoding", "limit", "tokens", "billed tokens", "$/1M", "cost"}}
	for _, c := range s.Costs {
		approx := ""
		if !c.Exact {
			approx = "≈"
		}
		limit := "none"
		if c.ExampleLimit > 0 {
			limit = cli.Thousands(int64(c.ExampleLimit))
		}
		price, cost := "per hour", "-"
		if c.USDPerMTok > 0 {
			price = fmt.Sprintf("%.2f", c.USDPerMTok)
		}
		switch {
		case c.EstimatedCostUSD != nil:
			cost = approx + usd(*c.EstimatedCostUSD)
		case c.Billing == BilledPerToken:
			price = "unpublished"
		}
		rows = append(rows, []string{c.Model, c.Encoding, limit, approx + cli.Thousands(c.Tokens),
			approx + cli.Thousands(c.BillingTokens), price, cost})
	}
	t.table(rows, []bool{false, false, true, true, true, true, true})
}

func (t *textWriter) table(rows [][]string, right []bool) {
	widths := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], len([]rune(c)))
		}
	}
	for _, r := range rows {
		var b strings.Builder
		b.WriteString("  ")
		for i, c := range r {
			pad := strings.Repeat(" ", widths[i]-len([]rune(c)))
			if i > 0 {
				b.WriteString("  ")
			}
			if right[i] {
				b.WriteString(pad + c)
			} else if i < len(r)-1 {
				b.WriteString(c + pad)
			} else {
				b.WriteString(c)
			}
		}
		t.printf("%s\n", strings.TrimRight(b.String(), " "))
	}
}

func (t *textWriter) leakage(l *Leakage) {
	t.heading("leakage between training and validation")
	if l.Turns == 0 {
		t.row("turns", "no user or assistant turn of the validation data occurs in the training data")
		return
	}
	t.row("turns", "%s of the validation data occur in the training data", cli.Count(l.Turns, "turn", "turns"))
	for i, p := range l.Pairs {
		if i == textListMax {
			t.printf("    … and %s more (--json lists them)\n", cli.Thousands(int64(l.Turns-textListMax)))
			break
		}
		t.printf("    %-9s %s = %s\n", p.Role, p.Validation, p.Training)
	}
}

func locList(locs []Loc) string {
	var s []string
	for i, l := range locs {
		if i == textListMax {
			s = append(s, fmt.Sprintf("… and %d more", len(locs)-textListMax))
			break
		}
		s = append(s, l.String())
	}
	return strings.Join(s, ", ")
}

// sameFileList writes "a.jsonl:3 = 7 = b.jsonl:2": the file is named when
// it changes.
func sameFileList(locs []Loc, sep string) string {
	var b strings.Builder
	file := ""
	for i, l := range locs {
		if i > 0 {
			b.WriteString(sep)
		}
		if i == textListMax {
			fmt.Fprintf(&b, "… (%d in all)", len(locs))
			break
		}
		if l.File != file {
			b.WriteString(l.String())
			file = l.File
		} else {
			b.WriteString(strconv.Itoa(l.Line))
		}
	}
	return b.String()
}

// dec writes a whole number as one, anything else with one decimal.
func dec(f float64) string {
	r := math.Round(f*10) / 10
	whole := math.Trunc(r)
	if r == whole {
		return cli.Thousands(int64(whole))
	}
	return cli.Thousands(int64(whole)) + "." + strconv.Itoa(int(math.Round(math.Abs(r-whole)*10)))
}

func usd(f float64) string {
	if f < 1 {
		return fmt.Sprintf("$%.4f", f)
	}
	return "$" + strconv.FormatFloat(f, 'f', 2, 64)
}
