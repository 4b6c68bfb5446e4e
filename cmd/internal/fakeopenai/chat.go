package fakeopenai

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-json"
)

// NoAnswer is the answer to a question the script does not know.
const NoAnswer = "I do not know."

// chatFields are the request fields the fake accepts; the real API has many
// more, and a client sending one of those here is sending something this
// toolkit never meant to.
var chatFields = []string{"model", "messages", "tools", "temperature", "seed", "max_completion_tokens", "max_tokens", "n", "top_p", "metadata", "store", "response_format"}

// messageFields are the fields a request's message may have; a training
// file's weight is not one of them.
var messageFields = []string{"role", "content", "name", "tool_calls", "tool_call_id", "refusal", "function_call"}

type chatMessage struct {
	Role    string          `json:"role"`
	Content json.RawMessage `json:"content"`
}

type chatRequest struct {
	Model               string        `json:"model"`
	Messages            []chatMessage `json:"messages"`
	MaxCompletionTokens *int          `json:"max_completion_tokens"`
	MaxTokens           *int          `json:"max_tokens"`
	Temperature         *float64      `json:"temperature"`
}

// text is a message's content as text: a string, or its text parts joined.
func (m chatMessage) text() string {
	var s string
	if json.Unmarshal(m.Content, &s) == nil {
		return s
	}
	var parts []struct {
		Text string `json:"text"`
	}
	json.Unmarshal(m.Content, &parts)
	var b strings.Builder
	for _, p := range parts {
		b.WriteString(p.Text)
	}
	return b.String()
}

// question is the last user turn, by which answers are scripted.
func (r *chatRequest) question() string {
	for i := len(r.Messages) - 1; i >= 0; i-- {
		if r.Messages[i].Role == "user" {
			return r.Messages[i].text()
		}
	}
	return ""
}

// answerFor is the scripted answer of model to question; the caller holds
// s.mu.
func (s *Server) answerFor(model, question string) string {
	if a, ok := s.opts.ModelAnswers[model][question]; ok {
		return a
	}
	if a, ok := s.opts.Answers[question]; ok {
		return a
	}
	return NoAnswer
}

// tokens is the fake's token count: about one per four bytes, as OpenAI
// says of English text; never 0 for a non-empty text.
func tokens(s string) int { return (len(s) + 3) / 4 }

// completion answers one request body as POST /v1/chat/completions would,
// returning the status and the answer object; the batch runner uses it for
// each line of an input file. The caller holds s.mu.
func (s *Server) completion(body []byte) (int, map[string]any) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return 400, errorObject("invalid_request_error", "", "", "We could not parse the JSON body of your request: "+err.Error())
	}
	for k := range fields {
		if !contains(chatFields, k) {
			return 400, errorObject("invalid_request_error", "", k, "Unrecognized request argument supplied: "+k)
		}
	}
	var raw struct {
		Messages []map[string]json.RawMessage `json:"messages"`
	}
	json.Unmarshal(body, &raw)
	for i, m := range raw.Messages {
		for k := range m {
			if !contains(messageFields, k) {
				return 400, errorObject("invalid_request_error", "", fmt.Sprintf("messages[%d]", i),
					fmt.Sprintf("Additional properties are not allowed ('%s' was unexpected) - 'messages.%d'", k, i))
			}
		}
	}
	var req chatRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return 400, errorObject("invalid_request_error", "", "", "Invalid type in request body: "+err.Error())
	}
	if req.Model == "" {
		return 400, errorObject("invalid_request_error", "", "model", "you must provide a model parameter")
	}
	if len(req.Messages) == 0 {
		return 400, errorObject("invalid_request_error", "", "messages", "[] is too short - 'messages'")
	}
	if t := req.Temperature; t != nil && (*t < 0 || *t > 2) {
		return 400, errorObject("invalid_request_error", "", "temperature", fmt.Sprintf("%v is greater than the maximum of 2 - 'temperature'", *t))
	}
	if strings.HasSuffix(req.Model, ":missing") {
		return 404, errorObject("invalid_request_error", "model_not_found", "model", fmt.Sprintf("The model `%s` does not exist or you do not have access to it.", req.Model))
	}
	answer := s.answerFor(req.Model, req.question())
	finish := "stop"
	limit := req.MaxCompletionTokens
	if limit == nil {
		limit = req.MaxTokens
	}
	if limit != nil && *limit > 0 && tokens(answer) > *limit {
		answer, finish = answer[:*limit*4], "length"
	}
	prompt := 3
	for _, m := range req.Messages {
		prompt += 3 + tokens(m.Role) + tokens(m.text())
	}
	completion := tokens(answer)
	return 200, map[string]any{
		"id": s.nextID("chatcmpl-fake"), "object": "chat.completion", "created": s.now(), "model": req.Model,
		"choices": []any{map[string]any{"index": 0, "finish_reason": finish, "logprobs": nil,
			"message": map[string]any{"role": "assistant", "content": answer, "refusal": nil}}},
		"usage": map[string]any{"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion},
	}
}

func errorObject(typ, code, param, msg string) map[string]any {
	var c, p any
	if code != "" {
		c = code
	}
	if param != "" {
		p = param
	}
	return map[string]any{"error": map[string]any{"message": msg, "type": typ, "param": p, "code": c}}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// rateLimit counts a request against the window and sets the
// x-ratelimit-* headers; it reports false, having answered 429, when the
// window's requests are used up. The caller holds s.mu.
func (s *Server) rateLimit(w http.ResponseWriter) bool {
	rl := s.opts.RateLimit
	limit := rl.Requests
	if limit <= 0 {
		limit = 10000
	}
	window := time.Duration(rl.Window)
	if window <= 0 {
		window = time.Minute
	}
	now := time.Now()
	if now.Sub(s.windowStart) >= window {
		s.windowStart, s.windowUsed = now, 0
	}
	reset := window - now.Sub(s.windowStart)
	h := w.Header()
	h.Set("x-ratelimit-limit-requests", strconv.Itoa(limit))
	h.Set("x-ratelimit-reset-requests", reset.Round(time.Millisecond).String())
	h.Set("x-ratelimit-limit-tokens", "2000000")
	h.Set("x-ratelimit-remaining-tokens", "1999000")
	h.Set("x-ratelimit-reset-tokens", "30ms")
	if s.windowUsed >= limit {
		h.Set("x-ratelimit-remaining-requests", "0")
		h.Set("retry-after-ms", strconv.FormatInt(max(reset.Milliseconds(), 1), 10))
		writeJSON(w, http.StatusTooManyRequests, errorObject("requests", "rate_limit_exceeded", "",
			fmt.Sprintf("Rate limit reached for requests: Limit %d, Used %d, Requested 1.", limit, s.windowUsed)))
		return false
	}
	s.windowUsed++
	h.Set("x-ratelimit-remaining-requests", strconv.Itoa(limit-s.windowUsed))
	return true
}

func (s *Server) chatCompletions(w http.ResponseWriter, r *http.Request) {
	var body bytes.Buffer
	body.ReadFrom(r.Body)
	if d := time.Duration(s.opts.Latency); d > 0 {
		select {
		case <-time.After(d):
		case <-r.Context().Done():
			return
		case <-s.stop:
			return
		}
	}
	s.mu.Lock()
	if !s.rateLimit(w) {
		s.mu.Unlock()
		return
	}
	s.chats++
	status, obj := s.completion(body.Bytes())
	s.mu.Unlock()
	writeJSON(w, status, obj)
}

// Chats returns how many chat completion requests got past the rate limit
// (answered or refused): a rerun whose answers are all cached adds none.
func (s *Server) Chats() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.chats
}
