package ask

import (
	"github.com/ft-tools/ft/tokenize"
)

// Cost is the worst case of what the requests to one model can cost: every
// prompt token, and every answer as long as its cap.
type Cost struct {
	Model        string
	Requests     int // to be sent (cached ones are not)
	Cached       int
	PromptTokens int
	MaxOutput    int // the sum of the answers' caps
	Price        tokenize.InferencePrice
	Known        bool // the price is known
	USD          float64
}

// Prices overrides the table; zero fields keep it.
type Prices struct {
	In, Out float64 // USD per million tokens
}

// Estimate adds up, per model in the order first seen, what the tasks not
// in the cache would cost. batch halves the price, as the Batch API does.
func Estimate(tasks []Task, cache *Cache, baseURL string, override Prices, batch bool) []Cost {
	var out []Cost
	at := map[string]int{}
	for i := range tasks {
		t := &tasks[i]
		m := t.Request.Model
		j, ok := at[m]
		if !ok {
			j = len(out)
			at[m] = j
			c := Cost{Model: m}
			c.Price, c.Known = tokenize.LookupInferencePrice(m)
			if override.In > 0 {
				c.Price.InputUSDPerMTok = override.In
			}
			if override.Out > 0 {
				c.Price.OutputUSDPerMTok = override.Out
			}
			if override.In > 0 && override.Out > 0 {
				c.Known = true
			}
			out = append(out, c)
		}
		c := &out[j]
		if _, hit := cache.Get(Key(baseURL, &t.Request)); hit {
			c.Cached++
			continue
		}
		c.Requests++
		c.PromptTokens += t.PromptTokens
		c.MaxOutput += t.Request.MaxCompletionTokens
	}
	for i := range out {
		c := &out[i]
		c.USD = c.Price.USD(c.PromptTokens, 0, c.MaxOutput)
		if batch {
			c.USD /= 2
		}
	}
	return out
}
