package tokenize

import (
	"fmt"
	"strconv"
	"strings"
)

// Model is a model that can be fine-tuned, with what it takes to estimate
// the cost of training it.
type Model struct {
	Name     string // dated snapshot name, as OpenAI lists it
	Encoding string // tiktoken encoding: "o200k_base" or "cl100k_base"
	// ExampleLimit is the maximum number of tokens in one training example;
	// longer examples are truncated from the end. 0 means OpenAI publishes
	// no limit for the model (o4-mini): apply no cap.
	ExampleLimit int
	// TrainingUSDPerMTok is the training price per million tokens. 0 means
	// training is not priced per token: o4-mini is billed per hour of
	// training, and gpt-4-0613 has no published price.
	TrainingUSDPerMTok float64
	Methods            []string // fine-tuning method types: "supervised", "dpo", "reinforcement"
	PriceDate          string   // date of the price list the price was read from
	Aliases            []string // undated names that resolve to this snapshot
}

// priceDate is the capture date of the price list the table comes from
// (platform.openai.com/docs/pricing); a 2026 capture repeats the gpt-4.1 and
// o4-mini rows with the same numbers.
const priceDate = "2025-08-10"

var (
	sft      = []string{"supervised"}
	sftDPO   = []string{"supervised", "dpo"}
	rft      = []string{"reinforcement"}
	o200k    = "o200k_base"
	cl100k   = "cl100k_base"
	modelTab = []Model{
		{"gpt-4.1-2025-04-14", o200k, 65536, 25.00, sftDPO, priceDate, []string{"gpt-4.1"}},
		{"gpt-4.1-mini-2025-04-14", o200k, 65536, 5.00, sftDPO, priceDate, []string{"gpt-4.1-mini"}},
		{"gpt-4.1-nano-2025-04-14", o200k, 65536, 1.50, sftDPO, priceDate, []string{"gpt-4.1-nano"}},
		{"gpt-4o-2024-08-06", o200k, 65536, 25.00, sftDPO, priceDate, []string{"gpt-4o"}},
		{"gpt-4o-mini-2024-07-18", o200k, 65536, 3.00, sftDPO, priceDate, []string{"gpt-4o-mini"}},
		{"o4-mini-2025-04-16", o200k, 0, 0, rft, priceDate, []string{"o4-mini"}},
		{"gpt-3.5-turbo-0125", cl100k, 16385, 8.00, sft, priceDate, []string{"gpt-3.5-turbo"}},
		{"gpt-3.5-turbo-1106", cl100k, 16385, 8.00, sft, priceDate, nil},
		{"gpt-3.5-turbo-0613", cl100k, 4096, 8.00, sft, priceDate, nil},
		{"gpt-4-0613", cl100k, 8192, 0, sft, priceDate, []string{"gpt-4"}},
		{"davinci-002", cl100k, 16384, 6.00, sft, priceDate, nil},
		{"babbage-002", cl100k, 16384, 0.40, sft, priceDate, nil},
	}
)

// PriceListDate is the date of the price list the built-in prices are
// from, for --help to state: prices change, and --price overrides them.
func PriceListDate() string { return priceDate }

// WithPrice returns m priced at usdPerMTok per million training tokens
// instead of the table's price, as given on the command line; PriceDate is
// then empty, the price being nobody's list.
func (m Model) WithPrice(usdPerMTok float64) Model {
	m.TrainingUSDPerMTok, m.PriceDate = usdPerMTok, ""
	return m
}

// ParsePrice reads a --price value: US dollars per million training tokens,
// above 0, with or without a leading "$".
func ParsePrice(s string) (float64, error) {
	usd, err := strconv.ParseFloat(strings.TrimPrefix(s, "$"), 64)
	if err != nil || !(usd > 0 && usd <= 1e6) {
		return 0, fmt.Errorf("--price %q: want US dollars per million training tokens, such as 3 or 0.40", s)
	}
	return usd, nil
}

// Models returns every fine-tunable model, newest families first. The
// slice is a copy.
func Models() []Model {
	out := make([]Model, len(modelTab))
	copy(out, modelTab)
	return out
}

// DefaultModel is the model the tools count, check and train for when none
// is named (by flag or BASE_MODEL): the cheapest that fine-tunes well.
const DefaultModel = "gpt-4o-mini-2024-07-18"

// LookupModel finds a model by its snapshot name ("gpt-4o-mini-2024-07-18"),
// its undated alias ("gpt-4o-mini"), or the name of a model fine-tuned from
// it ("ft:gpt-4o-mini-2024-07-18:org::id" resolves to its base, so that
// continuing to train a fine-tuned model is priced and limited as its base).
// Names are matched without regard to case.
func LookupModel(name string) (Model, error) {
	key := strings.ToLower(strings.TrimSpace(name))
	if rest, ok := strings.CutPrefix(key, "ft:"); ok {
		base, _, _ := strings.Cut(rest, ":")
		m, err := lookup(base)
		if err != nil {
			return Model{}, fmt.Errorf("unknown base model %q of fine-tuned model %q; known models: %s", base, name, knownNames())
		}
		return m, nil
	}
	m, err := lookup(key)
	if err != nil {
		return Model{}, fmt.Errorf("unknown model %q; known models: %s", name, knownNames())
	}
	return m, nil
}

func lookup(key string) (Model, error) {
	for _, m := range modelTab {
		if m.Name == key {
			return m, nil
		}
		for _, a := range m.Aliases {
			if a == key {
				return m, nil
			}
		}
	}
	return Model{}, fmt.Errorf("unknown model")
}

func knownNames() string {
	var names []string
	for _, m := range modelTab {
		names = append(names, m.Name)
		names = append(names, m.Aliases...)
	}
	return strings.Join(names, ", ")
}

// InferencePrice is what a model's answers cost, in USD per million tokens.
type InferencePrice struct {
	InputUSDPerMTok  float64
	CachedUSDPerMTok float64 // prompt tokens served from OpenAI's prompt cache; 0 when not published
	OutputUSDPerMTok float64
	Date             string // date of the price list the row was read from
}

// Dates of the inference price lists: fine-tuned models from OpenAI's
// pricing page (the same capture as the training prices); base models from
// copies of it, which a 2026 capture of OpenAI's page has not contradicted.
const (
	ftInferenceDate   = priceDate
	baseInferenceDate = "2026-03"
)

// inferenceTab is keyed by snapshot name; ftInferenceTab by the snapshot a
// fine-tuned model (or checkpoint) was trained from, because a fine-tuned
// model answers at its own, higher price.
var (
	inferenceTab = map[string]InferencePrice{
		"gpt-4.1-2025-04-14":      {2.00, 0, 8.00, baseInferenceDate},
		"gpt-4.1-mini-2025-04-14": {0.40, 0, 1.60, baseInferenceDate},
		"gpt-4.1-nano-2025-04-14": {0.10, 0, 0.40, baseInferenceDate},
		"gpt-4o-2024-08-06":       {2.50, 0, 10.00, baseInferenceDate},
		"gpt-4o-mini-2024-07-18":  {0.15, 0, 0.60, baseInferenceDate},
	}
	ftInferenceTab = map[string]InferencePrice{
		"o4-mini-2025-04-16":      {4.00, 1.00, 16.00, ftInferenceDate},
		"gpt-4.1-2025-04-14":      {3.00, 0.75, 12.00, ftInferenceDate},
		"gpt-4.1-mini-2025-04-14": {0.80, 0.20, 3.20, ftInferenceDate},
		"gpt-4.1-nano-2025-04-14": {0.20, 0.05, 0.80, ftInferenceDate},
		"gpt-4o-2024-08-06":       {3.75, 1.875, 15.00, ftInferenceDate},
		"gpt-4o-mini-2024-07-18":  {0.30, 0.15, 1.20, ftInferenceDate},
		"gpt-3.5-turbo-0125":      {3.00, 0, 6.00, ftInferenceDate},
		"gpt-3.5-turbo-1106":      {3.00, 0, 6.00, ftInferenceDate},
		"gpt-3.5-turbo-0613":      {3.00, 0, 6.00, ftInferenceDate},
		"davinci-002":             {12.00, 0, 12.00, ftInferenceDate},
		"babbage-002":             {1.60, 0, 1.60, ftInferenceDate},
	}
)

// LookupInferencePrice returns the price of a model's answers: a base model
// by snapshot name or alias, a fine-tuned model or checkpoint
// ("ft:gpt-4o-mini-2024-07-18:org::id[:ckpt-step-N]") at the fine-tuned
// price of its base. ok is false when the table has no price for it.
func LookupInferencePrice(name string) (p InferencePrice, ok bool) {
	key := strings.ToLower(strings.TrimSpace(name))
	tab := inferenceTab
	if rest, isFT := strings.CutPrefix(key, "ft:"); isFT {
		key, _, _ = strings.Cut(rest, ":")
		tab = ftInferenceTab
	}
	m, err := lookup(key)
	if err != nil {
		return InferencePrice{}, false
	}
	p, ok = tab[m.Name]
	return p, ok
}

// USD is the cost of an answer at p: prompt tokens, of which cached were
// served from OpenAI's prompt cache (billed as ordinary input where no cached
// price is published), and completion tokens.
func (p InferencePrice) USD(prompt, cached, completion int) float64 {
	cached = min(cached, prompt)
	cachedPrice := p.CachedUSDPerMTok
	if cachedPrice == 0 {
		cachedPrice = p.InputUSDPerMTok
	}
	return (float64(prompt-cached)*p.InputUSDPerMTok + float64(cached)*cachedPrice + float64(completion)*p.OutputUSDPerMTok) / 1e6
}
