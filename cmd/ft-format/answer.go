package main

import (
	"errors"

	"github.com/ft-tools/ft/cmd/internal/mongoquery"
)

// mongoAnswer rewrites an answer read as a MongoDB query with convert, for
// --answer-format json|mongosh. An answer that is not a query, or has no
// form in the target writing (a script, a JavaScript expression in a JSON
// answer), makes the record bad rather than pass through unchanged.
func mongoAnswer(convert func(*mongoquery.Query) (string, error)) answerFormat {
	return func(raw []byte) (string, *problem) {
		text, p := keepAnswer(raw)
		if p != nil {
			return "", p
		}
		q, err := mongoquery.Parse(text)
		if err != nil {
			probs := mongoquery.Check(q, err, true)
			return "", &problem{Code: probs[0].Code, Message: "the answer is not a MongoDB query: " + probs[0].Message}
		}
		out, err := convert(q)
		if err != nil {
			msg := err.Error()
			if errors.Is(err, mongoquery.ErrScript) {
				msg = "the answer is a script of several statements"
			}
			return "", &problem{Code: mongoquery.CodeUnconvertible, Message: msg}
		}
		return out, nil
	}
}
