package ask

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"

	"github.com/ft-tools/ft/cmd/internal/openai"
	"github.com/ft-tools/ft/jsonl"
	"github.com/goccy/go-json"
)

// Task is one example to be asked of one model.
type Task struct {
	File     string
	Line     int
	Question string // the last user turn of the prompt
	Expected string // the last assistant turn of the example
	Metadata json.RawMessage
	Request  openai.ChatRequest
	// PromptTokens is the exact prompt size by the tokenize package, for
	// the cost estimate.
	PromptTokens int
}

// ErrNoAnswer is returned by Prompt for an example with nothing to ask:
// no assistant turn, or no user turn before it.
var ErrNoAnswer = errors.New("no assistant turn after a user turn to compare an answer with")

// Prompt splits a chat example into what is sent (the conversation before
// its last assistant turn), the question (the last user turn in it) and
// the expected answer (the last assistant turn).
func Prompt(ex *jsonl.Example) (prompt []jsonl.Message, question, expected string, err error) {
	msgs := ex.Conversation()
	last := -1
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Role == "assistant" {
			last = i
			break
		}
	}
	if last < 0 {
		return nil, "", "", ErrNoAnswer
	}
	// A copy without the training weights: Chat Completions refuses a
	// message with a field it does not know.
	prompt = make([]jsonl.Message, last)
	copy(prompt, msgs[:last])
	for i := range prompt {
		prompt[i].Weight = nil
	}
	for i := len(prompt) - 1; i >= 0; i-- {
		if prompt[i].Role == "user" {
			return prompt, prompt[i].Content.String(), msgs[last].Content.String(), nil
		}
	}
	return nil, "", "", ErrNoAnswer
}

// Key is the cache key of a request sent to baseURL: a hash of everything
// that makes the answer what it is. The server is part of it, so that a
// test server's answers never stand in for OpenAI's.
func Key(baseURL string, r *openai.ChatRequest) string {
	b, _ := json.Marshal(struct {
		V    int                 `json:"v"`
		Base string              `json:"base"`
		Req  *openai.ChatRequest `json:"req"`
	}{1, baseURL, r})
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
