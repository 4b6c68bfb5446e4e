package score

import "github.com/ft-tools/ft/tokenize"

// Price is what a model's answers cost, in US dollars per million tokens.
type Price struct {
	Input, CachedInput, Output float64
}

// InferencePrice returns the price of a model's answers from the table in
// tokenize: base models by name or alias, fine-tuned and checkpoint models
// (ft:BASE:…) at the fine-tuned price of their base. Where no cached price
// is published, cached prompt tokens are billed as ordinary ones.
func InferencePrice(model string) (Price, bool) {
	p, ok := tokenize.LookupInferencePrice(model)
	if !ok {
		return Price{}, false
	}
	cached := p.CachedUSDPerMTok
	if cached == 0 {
		cached = p.InputUSDPerMTok
	}
	return Price{Input: p.InputUSDPerMTok, CachedInput: cached, Output: p.OutputUSDPerMTok}, true
}

// Cost is the dollars of one answer's usage; cached prompt tokens are part
// of the prompt tokens and billed at the cached price.
func (p Price) Cost(prompt, cached, completion int) float64 {
	cached = min(cached, prompt)
	return (float64(prompt-cached)*p.Input + float64(cached)*p.CachedInput + float64(completion)*p.Output) / 1e6
}
