package jsonl

import "github.com/goccy/go-json"

// Answer is one model's answer to one example: the line ft-ask writes and
// ft-score reads and extends. One type serves both, so that saved answers can
// be scored again by other rules without asking the models again.
type Answer struct {
	Model    string `json:"model"`
	File     string `json:"file"`
	Line     int    `json:"line"` // the example's 1-based line in File
	Question string `json:"question"`
	Expected string `json:"expected"`
	// Answer is nil, with Error set, when the API refused this one request.
	Answer *string      `json:"answer"`
	Error  *AnswerError `json:"error,omitempty"`
	// Messages is the prompt that was sent: the conversation up to its last
	// assistant turn. ft-score --pairs turns it into a preference example.
	Messages  []Message    `json:"messages,omitempty"`
	Usage     *AnswerUsage `json:"usage,omitempty"`
	LatencyMS int64        `json:"latency_ms"`
	Cached    bool         `json:"cached"`
	// Metadata is carried from the example (ft-format --keep), so that a
	// scorer can take, say, the database of each example from it.
	Metadata json.RawMessage `json:"metadata,omitempty"`
}

// AnswerError says why the API gave no answer to one request.
type AnswerError struct {
	Status  int    `json:"status,omitempty"` // the HTTP status, 0 for a network failure
	Code    string `json:"code,omitempty"`
	Message string `json:"message"`
}

// AnswerUsage is the token usage the API reported for one answer.
type AnswerUsage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	CachedTokens     int `json:"cached_tokens,omitempty"`
}
