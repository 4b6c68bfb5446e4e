package score

import (
	"strings"

	"github.com/ft-tools/ft/tokenize"
)

// Price is what a model's answers cost, in US dollars per million tokens.
type Price struct {
	Input, CachedInput, Output float64
}

// inferencePrices are OpenAI's published prices of Chat Completions, by
// snapshot, for the base models and for the models fine-tuned from them
// (price list of 2025-08-10).
var inferencePrices = map[string][2]Price{
	//                          base                  fine-tuned
	"gpt-4.1-2025-04-14":      {{2.00, 0.50, 8.00}, {3.00, 0.75, 12.00}},
	"gpt-4.1-mini-2025-04-14": {{0.40, 0.10, 1.60}, {0.80, 0.20, 3.20}},
	"gpt-4.1-nano-2025-04-14": {{0.10, 0.025, 0.40}, {0.20, 0.05, 0.80}},
	"gpt-4o-2024-08-06":       {{2.50, 1.25, 10.00}, {3.75, 1.875, 15.00}},
	"gpt-4o-mini-2024-07-18":  {{0.15, 0.075, 0.60}, {0.30, 0.15, 1.20}},
	"gpt-3.5-turbo-0125":      {{0.50, 0.50, 1.50}, {3.00, 3.00, 6.00}},
}

// InferencePrice returns the price of a model's answers: base models by
// name or alias, fine-tuned and checkpoint models (ft:BASE:…) at the
// fine-tuned price of their base.
func InferencePrice(model string) (Price, bool) {
	m, err := tokenize.LookupModel(model)
	if err != nil {
		return Price{}, false
	}
	p, ok := inferencePrices[m.Name]
	if !ok {
		return Price{}, false
	}
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(model)), "ft:") {
		return p[1], true
	}
	return p[0], true
}

// Cost is the dollars of one answer's usage; cached prompt tokens are part
// of the prompt tokens and billed at the cached price.
func (p Price) Cost(prompt, cached, completion int) float64 {
	cached = min(cached, prompt)
	return (float64(prompt-cached)*p.Input + float64(cached)*p.CachedInput + float64(completion)*p.Output) / 1e6
}
