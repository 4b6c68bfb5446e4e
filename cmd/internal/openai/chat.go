package openai

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ft-tools/ft/jsonl"
)

// ChatRequest is a Chat Completions request. It is typed here rather than
// taken from go-openai because go-openai drops a temperature of 0 (its
// field is omitempty, and the API's default is 1), and an evaluation must
// be deterministic.
type ChatRequest struct {
	Model       string          `json:"model"`
	Messages    []jsonl.Message `json:"messages"`
	Tools       []jsonl.Tool    `json:"tools,omitempty"`
	Temperature *float64        `json:"temperature,omitempty"`
	Seed        *int64          `json:"seed,omitempty"`
	// MaxCompletionTokens caps the answer; max_tokens is deprecated.
	MaxCompletionTokens int `json:"max_completion_tokens,omitempty"`
}

// ChatResponse is the part of a chat.completion the toolkit reads.
type ChatResponse struct {
	ID      string `json:"id"`
	Model   string `json:"model"`
	Choices []struct {
		Message struct {
			Content *string `json:"content"`
			Refusal *string `json:"refusal"`
		} `json:"message"`
		FinishReason string `json:"finish_reason"`
	} `json:"choices"`
	Usage ChatUsage `json:"usage"`
}

// ChatUsage is the token usage of one answer.
type ChatUsage struct {
	PromptTokens        int `json:"prompt_tokens"`
	CompletionTokens    int `json:"completion_tokens"`
	TotalTokens         int `json:"total_tokens"`
	PromptTokensDetails *struct {
		CachedTokens int `json:"cached_tokens"`
	} `json:"prompt_tokens_details,omitempty"`
}

// Text returns the first choice's content, or its refusal, and whether
// there was either.
func (r *ChatResponse) Text() (string, bool) {
	if len(r.Choices) == 0 {
		return "", false
	}
	m := r.Choices[0].Message
	if m.Content != nil {
		return *m.Content, true
	}
	if m.Refusal != nil {
		return *m.Refusal, true
	}
	return "", false
}

// RateLimit is what the x-ratelimit-* headers of an answer say. A field
// is -1 (or 0 for a duration) when its header is absent or unreadable.
type RateLimit struct {
	LimitRequests, RemainingRequests int
	LimitTokens, RemainingTokens     int
	ResetRequests, ResetTokens       time.Duration
}

// RateLimitOf reads the x-ratelimit-* headers.
func RateLimitOf(h http.Header) RateLimit {
	num := func(k string) int {
		n, err := strconv.Atoi(strings.TrimSpace(h.Get(k)))
		if err != nil {
			return -1
		}
		return n
	}
	dur := func(k string) time.Duration {
		// The API writes Go-style durations ("1s", "6m0s", "12ms").
		d, err := time.ParseDuration(strings.TrimSpace(h.Get(k)))
		if err != nil || d < 0 {
			return 0
		}
		return d
	}
	return RateLimit{
		LimitRequests: num("x-ratelimit-limit-requests"), RemainingRequests: num("x-ratelimit-remaining-requests"),
		LimitTokens: num("x-ratelimit-limit-tokens"), RemainingTokens: num("x-ratelimit-remaining-tokens"),
		ResetRequests: dur("x-ratelimit-reset-requests"), ResetTokens: dur("x-ratelimit-reset-tokens"),
	}
}

// Chat sends one Chat Completions request under the retry policy. The
// request is idempotent for the toolkit's purpose: a lost answer costs a
// second answer, never a second object on the server.
func (c *Client) Chat(ctx context.Context, r ChatRequest) (ChatResponse, error) {
	var out ChatResponse
	err := c.Call(ctx, Call{Method: http.MethodPost, Path: "/chat/completions", JSON: r, Out: &out})
	return out, err
}
