package main

import (
	"fmt"

	"github.com/ft-tools/ft/jsonl"
	"github.com/ft-tools/ft/tokenize"
)

// rulesFor turns the flags into validation rules, with the model's token
// limit and a token counter for it. An unknown model is a usage error.
func rulesFor(f *flags) (jsonl.Rules, error) {
	format, err := jsonl.ParseFormat(f.Format)
	if err != nil {
		return jsonl.Rules{}, err
	}
	m, err := tokenize.LookupModel(f.Model)
	if err != nil {
		return jsonl.Rules{}, err
	}
	rules := jsonl.Rules{
		Format:      format,
		AnswerJSON:  f.AnswerJSON,
		MinExamples: jsonl.MinExamples(f.Validation),
		Validation:  f.Validation,
		Strict:      f.Strict,
		Model:       m.Name,
		Limit:       m.ExampleLimit,
		// OpenAI refused "<|fim_suffix|>" for a model whose encoding lacks
		// it, so every known special token is checked, whatever the model.
		SpecialTokens: union(tokenize.SpecialTokens(m.Encoding), jsonl.DefaultSpecialTokens),
	}
	if f.MinExamples != nil {
		if *f.MinExamples < 0 {
			return jsonl.Rules{}, fmt.Errorf("--min-examples %d: must be 0 or more", *f.MinExamples)
		}
		rules.MinExamples = *f.MinExamples
	}
	if m.ExampleLimit > 0 {
		rules.Count = lazyCounter(m.Name)
	}
	return rules, nil
}

// lazyCounter loads the encoding on the first long example: loading takes
// seconds, and most files have no example long enough to need a count.
func lazyCounter(model string) func(*jsonl.Example, int) (int, bool) {
	var counter *tokenize.Counter
	return func(ex *jsonl.Example, limit int) (int, bool) {
		if counter == nil {
			c, err := tokenize.New(model)
			if err != nil {
				// The encodings are embedded in the program: this is a bug.
				panic(fmt.Sprintf("load the %s tokenizer: %v", model, err))
			}
			counter = c
		}
		return counter.ExampleUpTo(ex, limit)
	}
}

func union(a, b []string) []string {
	out := append([]string(nil), a...)
	for _, s := range b {
		found := false
		for _, t := range out {
			found = found || s == t
		}
		if !found {
			out = append(out, s)
		}
	}
	return out
}
