package main

import (
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
		MinExamples: f.MinExamples,
		Strict:      f.Strict,
		Model:       m.Name,
		Limit:       m.ExampleLimit,
		// OpenAI refused "<|fim_suffix|>" for a model whose encoding lacks
		// it, so every known special token is checked, whatever the model.
		SpecialTokens: union(tokenize.SpecialTokens(m.Encoding), jsonl.DefaultSpecialTokens),
	}
	if m.ExampleLimit > 0 {
		counter, err := tokenize.New(m.Name)
		if err != nil {
			return jsonl.Rules{}, err
		}
		rules.Count = func(ex *jsonl.Example) int { return counter.Example(ex).Total }
	}
	return rules, nil
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
