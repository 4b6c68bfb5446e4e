package stats

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ft-tools/ft/jsonl"
)

// Report is the whole analysis: the combined training data at the top
// level, and each file under Files.
type Report struct {
	Summary
	// TrainingFiles is how many files the combined figures cover.
	TrainingFiles int       `json:"training_files"`
	Files         []Summary `json:"files"`
	// Leakage is present when validation files were read.
	Leakage *Leakage `json:"leakage,omitempty"`
	// Sections holds the optional sections' reports by name; in JSON each
	// is a top-level key ("queries") beside the built-in ones.
	Sections map[string]any `json:"-"`

	sections []Section
}

// Summary is the measure of one file, or of the training files together.
// The epochs, billed tokens and cost are those of training on exactly this
// data.
type Summary struct {
	File              string      `json:"file,omitempty"`
	Split             Split       `json:"split,omitempty"`
	Model             string      `json:"model"`
	Encoding          string      `json:"encoding"`
	ExampleLimit      int         `json:"example_limit"`
	Examples          int         `json:"examples"`
	BadLines          int         `json:"bad_lines"`
	BlankLines        int         `json:"blank_lines"`
	Messages          Dist        `json:"messages_per_example"`
	Tokens            Tokens      `json:"tokens"`
	Histogram         []Bin       `json:"histogram"`
	OverLimit         OverLimit   `json:"over_limit"`
	Duplicates        Duplicates  `json:"duplicates"`
	RecommendedEpochs int         `json:"recommended_epochs"`
	BillingPerEpoch   int64       `json:"billing_tokens_per_epoch"`
	BillingTokens     int64       `json:"billing_tokens"`
	EstimatedCostUSD  *float64    `json:"estimated_cost_usd"`
	USDPerMTok        float64     `json:"training_usd_per_1m_tokens"`
	PriceDate         string      `json:"price_date,omitempty"`
	Costs             []ModelCost `json:"costs,omitempty"`
}

// Tokens are token counts by the cookbook formula in the model's encoding.
type Tokens struct {
	Total               int64 `json:"total"`
	Assistant           int64 `json:"assistant"`
	ToolDefinitions     int64 `json:"tool_definitions"`
	ImagesNotCounted    int64 `json:"images_not_counted"`
	PerExample          Dist  `json:"per_example"`
	AssistantPerExample Dist  `json:"assistant_per_example"`
}

// Loc is a line of a file.
type Loc struct {
	File string `json:"file"`
	Line int    `json:"line"`
}

func (l Loc) String() string { return fmt.Sprintf("%s:%d", l.File, l.Line) }

// OverLimit lists the examples longer than the model's per-example limit
// (OpenAI truncates them).
type OverLimit struct {
	Limit    int   `json:"limit"`
	Examples int   `json:"examples"`
	Lines    []Loc `json:"lines"`
}

// Duplicates are examples whose conversation repeats an earlier one.
// Examples counts the repeats (a group of 3 identical examples counts 2).
type Duplicates struct {
	Examples  int     `json:"examples"`
	Groups    [][]Loc `json:"groups"`
	Truncated bool    `json:"truncated,omitempty"` // more groups than listed
}

// Leakage lists validation turns (user or assistant) whose text also occurs
// in a training file, with the first training line that has it.
type Leakage struct {
	Turns     int    `json:"turns"`
	Pairs     []Leak `json:"pairs"`
	Truncated bool   `json:"truncated,omitempty"`
}

// Leak is one validation turn found in the training data.
type Leak struct {
	Role       string `json:"role"`
	Validation Loc    `json:"validation"`
	Training   Loc    `json:"training"`
}

// ModelCost is one row of the cost table. Exact is false when the tokens of
// a model of another encoding were scaled from a sample.
type ModelCost struct {
	Model            string   `json:"model"`
	Encoding         string   `json:"encoding"`
	ExampleLimit     int      `json:"example_limit"`
	Tokens           int64    `json:"tokens"`
	BillingTokens    int64    `json:"billing_tokens"`
	USDPerMTok       float64  `json:"training_usd_per_1m_tokens"`
	EstimatedCostUSD *float64 `json:"estimated_cost_usd"`
	Exact            bool     `json:"exact"`
	// Billing is "tokens", or "hours" for reinforcement fine-tuning, which
	// is billed per hour of training (no estimate from tokens).
	Billing string `json:"billing"`
}

// How a model's training is billed.
const (
	BilledPerToken = "tokens"
	BilledPerHour  = "hours"
)

// Lists in the report stop at these lengths; the counts stay complete.
const (
	maxGroups = 1000
	maxLeaks  = 1000
)

// Report finishes the analysis. It sorts what it kept, so call it once,
// after the last ReadFile.
func (a *Analyzer) Report() *Report {
	rep := &Report{Files: []Summary{}}
	var train []*fileAcc
	rows := make([][]rowSums, len(a.files))
	for i, f := range a.files {
		rows[i] = a.costRows(f)
		f.finish()
		if f.split != Validation {
			train = append(train, f)
		}
	}
	for i, f := range a.files {
		s := a.summary([]*fileAcc{f}, [][]rowSums{rows[i]})
		s.File, s.Split = f.name, f.split
		rep.Files = append(rep.Files, s)
	}
	var trainRows [][]rowSums
	for i, f := range a.files {
		if f.split != Validation {
			trainRows = append(trainRows, rows[i])
		}
	}
	rep.TrainingFiles = len(train)
	if len(train) == 1 {
		rep.Summary = rep.Files[slicesIndex(a.files, train[0])]
		rep.Summary.File, rep.Summary.Split = "", ""
	} else {
		rep.Summary = a.summary(train, trainRows)
	}
	if a.cfg.Leakage {
		rep.Leakage = leakage(a.files)
	}
	for _, s := range a.cfg.Sections {
		r := s.Report()
		if r == nil {
			continue
		}
		if rep.Sections == nil {
			rep.Sections = map[string]any{}
		}
		rep.Sections[s.Name()] = r
		rep.sections = append(rep.sections, s)
	}
	return rep
}

// MarshalJSON writes the report with the combined training figures and each
// optional section at the top level, so that a section reads as
// `.queries`, like every built-in figure.
func (r Report) MarshalJSON() ([]byte, error) {
	// Summary's own MarshalJSON would be promoted to a type that embeds it,
	// so the parts are written one by one and joined.
	parts := []any{r.Summary, struct {
		TrainingFiles int       `json:"training_files"`
		Files         []Summary `json:"files"`
		Leakage       *Leakage  `json:"leakage,omitempty"`
	}{r.TrainingFiles, r.Files, r.Leakage}}
	if len(r.Sections) > 0 {
		parts = append(parts, r.Sections)
	}
	var b []byte
	for _, p := range parts {
		o, err := jsonl.Marshal(p)
		if err != nil {
			return nil, err
		}
		if b == nil {
			b = o
			continue
		}
		// Both are objects: join {…} and {…} into one.
		b = append(append(b[:len(b)-1], ','), o[1:]...)
	}
	return b, nil
}

// MarshalJSON writes a validation file's epochs, billed tokens and costs as
// null, with "billed": false, as the text report says "not billed": OpenAI
// bills training tokens only, and a cost there would read as money spent.
func (s Summary) MarshalJSON() ([]byte, error) {
	type plain Summary
	if s.Split != Validation {
		return jsonl.Marshal(struct {
			plain
			Billed bool `json:"billed"`
		}{plain(s), true})
	}
	return jsonl.Marshal(struct {
		plain
		Billed            bool        `json:"billed"`
		RecommendedEpochs *int        `json:"recommended_epochs"`
		BillingPerEpoch   *int64      `json:"billing_tokens_per_epoch"`
		BillingTokens     *int64      `json:"billing_tokens"`
		EstimatedCostUSD  *float64    `json:"estimated_cost_usd"`
		USDPerMTok        *float64    `json:"training_usd_per_1m_tokens"`
		PriceDate         string      `json:"price_date,omitempty"`
		Costs             []ModelCost `json:"costs,omitempty"`
	}{plain: plain(s)})
}

func slicesIndex(s []*fileAcc, f *fileAcc) int {
	for i, x := range s {
		if x == f {
			return i
		}
	}
	return -1
}

func (a *Analyzer) summary(files []*fileAcc, rows [][]rowSums) Summary {
	m := a.cfg.Model
	s := Summary{Model: m.Name, Encoding: m.Encoding, ExampleLimit: m.ExampleLimit,
		USDPerMTok: m.TrainingUSDPerMTok, PriceDate: m.PriceDate,
		OverLimit: OverLimit{Limit: m.ExampleLimit, Lines: []Loc{}}}
	var total, assistant sorted[int32]
	var messages sorted[uint16]
	var sumMessages int64
	for _, f := range files {
		s.Examples += f.examples
		s.BadLines += f.bad
		s.BlankLines += f.blank
		s.Tokens.Total += f.sumTotal
		s.Tokens.Assistant += f.sumAssistant
		s.Tokens.ToolDefinitions += f.toolDefs
		s.Tokens.ImagesNotCounted += f.images
		sumMessages += f.sumMessages
		total = append(total, f.total)
		assistant = append(assistant, f.assistant)
		messages = append(messages, f.messages)
		for _, l := range f.over {
			s.OverLimit.Lines = append(s.OverLimit.Lines, Loc{f.name, l})
		}
	}
	s.OverLimit.Examples = len(s.OverLimit.Lines)
	s.Messages = dist(messages, sumMessages)
	s.Tokens.PerExample = dist(total, s.Tokens.Total)
	s.Tokens.AssistantPerExample = dist(assistant, s.Tokens.Assistant)
	s.Histogram = histogram(total)
	if s.Histogram == nil {
		s.Histogram = []Bin{}
	}
	s.Duplicates = a.duplicates(files)

	s.RecommendedEpochs = RecommendedEpochs(s.Examples)
	for _, f := range files {
		for _, x := range f.total {
			s.BillingPerEpoch += capAt(m.ExampleLimit, int64(x))
		}
	}
	s.BillingTokens = s.BillingPerEpoch * int64(s.RecommendedEpochs)
	s.EstimatedCostUSD = Cost(s.BillingTokens, m.TrainingUSDPerMTok)

	for i, mm := range a.cfg.Models {
		c := ModelCost{Model: mm.Name, Encoding: mm.Encoding, ExampleLimit: mm.ExampleLimit,
			USDPerMTok: mm.TrainingUSDPerMTok, Exact: true, Billing: BilledPerToken}
		if slices.Equal(mm.Methods, []string{"reinforcement"}) {
			c.Billing = BilledPerHour
		}
		var capped int64
		for _, r := range rows {
			c.Tokens += r[i].tokens
			capped += r[i].capped
			c.Exact = c.Exact && r[i].exact
		}
		c.BillingTokens = capped * int64(s.RecommendedEpochs)
		c.EstimatedCostUSD = Cost(c.BillingTokens, mm.TrainingUSDPerMTok)
		s.Costs = append(s.Costs, c)
	}
	return s
}

func (a *Analyzer) duplicates(files []*fileAcc) Duplicates {
	d := Duplicates{Groups: [][]Loc{}}
	var entries []entry
	if len(files) == 1 {
		entries = files[0].ex
	} else {
		n := 0
		for _, f := range files {
			n += len(f.ex)
		}
		entries = make([]entry, 0, n)
		for _, f := range files {
			entries = append(entries, f.ex...)
		}
		sortEntries(entries)
	}
	// Groups are listed in the order of their first line (entries with one
	// hash are sorted by file and line), not in hash order, which changes
	// from run to run.
	type span struct{ i, j int }
	var groups []span
	for i := 0; i < len(entries); {
		j := i + 1
		for j < len(entries) && entries[j].hash == entries[i].hash {
			j++
		}
		if j-i > 1 {
			d.Examples += j - i - 1
			groups = append(groups, span{i, j})
		}
		i = j
	}
	slices.SortFunc(groups, func(x, y span) int {
		a, b := entries[x.i], entries[y.i]
		if a.file != b.file {
			return int(a.file) - int(b.file)
		}
		return int(a.line) - int(b.line)
	})
	if len(groups) > maxGroups {
		groups, d.Truncated = groups[:maxGroups], true
	}
	for _, g := range groups {
		locs := make([]Loc, 0, g.j-g.i)
		for _, e := range entries[g.i:g.j] {
			locs = append(locs, Loc{a.files[e.file].name, int(e.line)})
		}
		d.Groups = append(d.Groups, locs)
	}
	return d
}

// leakage looks every validation turn up in the training files' turns
// (all sorted by hash), in the order of the validation files and lines.
func leakage(files []*fileAcc) *Leakage {
	l := &Leakage{Pairs: []Leak{}}
	for _, v := range files {
		if v.split != Validation {
			continue
		}
		var found []Leak
		for _, e := range v.turns {
			var first *entry
			for _, t := range files {
				if t.split == Validation {
					continue
				}
				k := searchHash(t.turns, e.hash)
				for ; k < len(t.turns) && t.turns[k].hash == e.hash; k++ {
					if t.turns[k].kind == e.kind {
						first = &t.turns[k]
						break
					}
				}
				if first != nil {
					break
				}
			}
			if first == nil {
				continue
			}
			role := "user"
			if e.kind == 1 {
				role = "assistant"
			}
			found = append(found, Leak{Role: role, Validation: Loc{v.name, int(e.line)},
				Training: Loc{files[first.file].name, int(first.line)}})
		}
		sortLeaks(found)
		l.Turns += len(found)
		for _, f := range found {
			if len(l.Pairs) >= maxLeaks {
				l.Truncated = true
				break
			}
			l.Pairs = append(l.Pairs, f)
		}
	}
	return l
}

func searchHash(s []entry, h uint64) int {
	lo, hi := 0, len(s)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if s[m].hash < h {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

func sortLeaks(s []Leak) {
	slices.SortStableFunc(s, func(x, y Leak) int {
		if x.Validation.Line != y.Validation.Line {
			return x.Validation.Line - y.Validation.Line
		}
		return -strings.Compare(x.Role, y.Role) // user before assistant
	})
}
