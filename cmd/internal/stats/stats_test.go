package stats

import (
	"strings"

	"github.com/ft-tools/ft/jsonl"
	"github.com/ft-tools/ft/tokenize"
)

// wordCounter counts a string as its number of space-separated words,
// with the cookbook's frame (3 per message, +1 per name, +3 per example),
// so that expected totals can be worked out by hand.
type wordCounter struct{ perWord int }

func (w wordCounter) words(s string) int {
	n := len(strings.Fields(s))
	if w.perWord > 0 {
		n *= w.perWord
	}
	return n
}

func (w wordCounter) Example(ex *jsonl.Example) tokenize.Counts {
	c := tokenize.Counts{Total: 3}
	for _, m := range ex.Conversation() {
		c.Messages++
		c.Total += 3 + w.words(m.Role) + w.words(m.Content.String())
		if m.Name != "" {
			c.Total += 1 + w.words(m.Name)
		}
		if m.Trained() {
			c.Assistant += w.words(m.Content.String())
		}
	}
	return c
}

// twiceCounter counts every example as twice what its inner counter says:
// an "other encoding" whose ratio to the first is exactly 2, so that the
// sampled estimate of the cost table must come out exact.
type twiceCounter struct{ wordCounter }

func (t twiceCounter) Example(ex *jsonl.Example) tokenize.Counts {
	c := t.wordCounter.Example(ex)
	c.Total *= 2
	return c
}
