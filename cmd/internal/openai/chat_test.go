package openai

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ft-tools/ft/jsonl"
	"github.com/goccy/go-json"
)

func TestRateLimitOf(t *testing.T) {
	h := http.Header{}
	h.Set("x-ratelimit-limit-requests", "60")
	h.Set("x-ratelimit-remaining-requests", "0")
	h.Set("x-ratelimit-reset-requests", "1s")
	h.Set("x-ratelimit-limit-tokens", "150000")
	h.Set("x-ratelimit-remaining-tokens", "149984")
	h.Set("x-ratelimit-reset-tokens", "6m0s")
	got := RateLimitOf(h)
	want := RateLimit{LimitRequests: 60, RemainingRequests: 0, LimitTokens: 150000, RemainingTokens: 149984,
		ResetRequests: time.Second, ResetTokens: 6 * time.Minute}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	h = http.Header{}
	h.Set("x-ratelimit-reset-requests", "soon")
	h.Set("x-ratelimit-remaining-requests", "many")
	if got := RateLimitOf(h); got.RemainingRequests != -1 || got.LimitTokens != -1 || got.ResetRequests != 0 {
		t.Errorf("absent or unreadable headers: %+v", got)
	}
}

func TestChatResponseText(t *testing.T) {
	tests := []struct {
		body string
		text string
		ok   bool
	}{
		{`{"choices":[{"message":{"content":"db.c.find()"}}]}`, "db.c.find()", true},
		{`{"choices":[{"message":{"content":""}}]}`, "", true},
		{`{"choices":[{"message":{"content":null,"refusal":"I cannot"}}]}`, "I cannot", true},
		{`{"choices":[{"message":{"content":null}}]}`, "", false},
		{`{"choices":[]}`, "", false},
	}
	for _, tt := range tests {
		var r ChatResponse
		if err := json.Unmarshal([]byte(tt.body), &r); err != nil {
			t.Fatal(err)
		}
		if text, ok := r.Text(); text != tt.text || ok != tt.ok {
			t.Errorf("%s: got %q %v", tt.body, text, ok)
		}
	}
}

// A temperature of 0 must reach the server: go-openai would drop it.
func TestChatSendsTemperatureZero(t *testing.T) {
	var got map[string]any
	c, err := New(Config{APIKey: "sk-test", BaseURL: "http://api.test/v1", HTTPClient: &http.Client{Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
		json.NewDecoder(r.Body).Decode(&got)
		return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}}, Request: r,
			Body: http.NoBody}, nil
	})}})
	if err != nil {
		t.Fatal(err)
	}
	zero, seed := 0.0, int64(3)
	c.Chat(context.Background(), ChatRequest{Model: "m", Messages: []jsonl.Message{{Role: "user", Content: jsonl.TextContent("q")}}, Temperature: &zero, Seed: &seed, MaxCompletionTokens: 5})
	b, _ := json.Marshal(got)
	for _, want := range []string{`"temperature":0`, `"seed":3`, `"max_completion_tokens":5`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("request %s lacks %s", b, want)
		}
	}
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
