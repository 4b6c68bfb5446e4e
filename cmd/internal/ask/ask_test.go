package ask

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ft-tools/ft/cmd/internal/openai"
	"github.com/ft-tools/ft/jsonl"
	"github.com/goccy/go-json"
)

func msgs(roles ...string) []jsonl.Message {
	var out []jsonl.Message
	for i, r := range roles {
		out = append(out, jsonl.Message{Role: r, Content: jsonl.TextContent(fmt.Sprintf("%s%d", r, i))})
	}
	return out
}

func TestPrompt(t *testing.T) {
	tests := []struct {
		name           string
		ex             jsonl.Example
		sent           int
		question, want string
		err            bool
	}{
		{"plain", jsonl.Example{Messages: msgs("system", "user", "assistant")}, 2, "user1", "assistant2", false},
		{"multi-turn: the last assistant turn", jsonl.Example{Messages: msgs("user", "assistant", "user", "assistant")}, 3, "user2", "assistant3", false},
		{"a trailing user turn is not asked", jsonl.Example{Messages: msgs("user", "assistant", "user")}, 1, "user0", "assistant1", false},
		{"preference: input and preferred output", jsonl.Example{Input: &jsonl.PreferenceInput{Messages: msgs("user")}, PreferredOutput: msgs("assistant")}, 1, "user0", "assistant0", false},
		{"no assistant", jsonl.Example{Messages: msgs("system", "user")}, 0, "", "", true},
		{"no user before the assistant", jsonl.Example{Messages: msgs("system", "assistant")}, 0, "", "", true},
		{"empty", jsonl.Example{}, 0, "", "", true},
	}
	for _, tt := range tests {
		p, q, want, err := Prompt(&tt.ex)
		if (err != nil) != tt.err || len(p) != tt.sent || q != tt.question || want != tt.want {
			t.Errorf("%s: got %d messages, %q, %q, %v", tt.name, len(p), q, want, err)
		}
		if err == nil && p[len(p)-1].Role == "assistant" && tt.name == "plain" {
			t.Errorf("%s: the expected answer is in the prompt", tt.name)
		}
	}
	// The prompt must not share its end with the example: appending to it
	// would overwrite the expected answer.
	ex := jsonl.Example{Messages: msgs("user", "assistant")}
	p, _, _, _ := Prompt(&ex)
	_ = append(p, jsonl.Message{Role: "x"})
	if ex.Messages[1].Role != "assistant" {
		t.Error("Prompt's slice aliases the example's assistant turn")
	}
	// Training weights are not sent, and the example keeps its own.
	zero := 0.0
	ex = jsonl.Example{Messages: msgs("user", "assistant", "user", "assistant")}
	ex.Messages[1].Weight = &zero
	p, _, _, _ = Prompt(&ex)
	if p[1].Weight != nil || ex.Messages[1].Weight == nil {
		t.Error("a weight is sent, or taken from the example")
	}
}

func req(model, q string) openai.ChatRequest {
	zero, seed := 0.0, int64(1)
	return openai.ChatRequest{Model: model, Messages: []jsonl.Message{{Role: "user", Content: jsonl.TextContent(q)}},
		Temperature: &zero, Seed: &seed, MaxCompletionTokens: 64}
}

func TestKey(t *testing.T) {
	base := req("m", "q")
	k := Key("http://a/v1", &base)
	if k2 := Key("http://a/v1", &base); k2 != k || len(k) != 64 {
		t.Fatalf("key not stable: %s %s", k, k2)
	}
	seed := int64(2)
	temp := 0.5
	variants := map[string]func(r *openai.ChatRequest){
		"model":    func(r *openai.ChatRequest) { r.Model = "m2" },
		"question": func(r *openai.ChatRequest) { r.Messages[0].Content = jsonl.TextContent("q2") },
		"role":     func(r *openai.ChatRequest) { r.Messages[0].Role = "system" },
		"seed":     func(r *openai.ChatRequest) { r.Seed = &seed },
		"temp":     func(r *openai.ChatRequest) { r.Temperature = &temp },
		"cap":      func(r *openai.ChatRequest) { r.MaxCompletionTokens = 65 },
		"tools":    func(r *openai.ChatRequest) { r.Tools = []jsonl.Tool{{Type: "function"}} },
	}
	for name, change := range variants {
		r := req("m", "q")
		change(&r)
		if Key("http://a/v1", &r) == k {
			t.Errorf("%s: same key for another request", name)
		}
	}
	if Key("http://b/v1", &base) == k {
		t.Error("same key on another server")
	}
}

func TestCache(t *testing.T) {
	c := &Cache{Dir: t.TempDir()}
	r := req("m", "q")
	k := Key("", &r)
	if _, ok := c.Get(k); ok {
		t.Fatal("hit in an empty cache")
	}
	want := Entry{Model: "m", Answer: "db.c.find()", Usage: &jsonl.AnswerUsage{PromptTokens: 3, CompletionTokens: 4}, LatencyMS: 12}
	if err := c.Put(k, want); err != nil {
		t.Fatal(err)
	}
	got, ok := c.Get(k)
	if !ok || got.Answer != want.Answer || got.Usage.CompletionTokens != 4 || got.LatencyMS != 12 {
		t.Fatalf("got %+v %v", got, ok)
	}
	// No temporary file is left behind.
	files, _ := filepath.Glob(filepath.Join(c.Dir, k[:2], "*"))
	if len(files) != 1 {
		t.Errorf("files in the cache: %v", files)
	}
	// Bounded: an answer above MaxEntry is not kept, a file above it not trusted.
	if err := c.Put(k+"x", Entry{Answer: strings.Repeat("a", MaxEntry)}); !errors.Is(err, ErrTooBig) {
		t.Errorf("big entry: %v", err)
	}
	os.WriteFile(c.path(k), []byte(`{"answer":"`+strings.Repeat("a", MaxEntry)+`"}`), 0o644)
	if _, ok := c.Get(k); ok {
		t.Error("an oversized file was trusted")
	}
	os.WriteFile(c.path(k), []byte(`{"answer":`), 0o644)
	if _, ok := c.Get(k); ok {
		t.Error("a torn file was trusted")
	}
	var none *Cache
	if _, ok := none.Get(k); ok || none.Put(k, want) != nil {
		t.Error("a nil cache must keep nothing, quietly")
	}
}

func TestThrottle(t *testing.T) {
	now := time.Unix(1000, 0)
	th := NewThrottle(8)
	th.now = func() time.Time { return now }
	h := http.Header{}
	h.Set("retry-after-ms", "1500")
	th.Observe(429, h)
	if th.Limit() != 4 || !th.until.Equal(now.Add(1500*time.Millisecond)) {
		t.Fatalf("after a 429: limit %d, until %v", th.Limit(), th.until.Sub(now))
	}
	th.Observe(429, http.Header{})
	if th.Limit() != 2 || th.until.Sub(now) != 1500*time.Millisecond {
		t.Fatalf("a second 429 without a wait: limit %d, hold %v (the longer hold stays)", th.Limit(), th.until.Sub(now))
	}
	for range 3 {
		th.Observe(429, http.Header{})
	}
	if th.Limit() != 1 {
		t.Fatalf("limit %d, want at least 1", th.Limit())
	}
	// Successes win slots back, one per `limit` successes, up to the maximum.
	for range 200 {
		th.Observe(200, http.Header{})
	}
	if th.Limit() != 8 {
		t.Fatalf("after successes: limit %d, want 8", th.Limit())
	}
	// Remaining requests at 0 hold attempts until the reset.
	now = now.Add(time.Hour)
	h = http.Header{}
	h.Set("x-ratelimit-remaining-requests", "0")
	h.Set("x-ratelimit-reset-requests", "6m0s")
	th.Observe(200, h)
	if th.until.Sub(now) != 6*time.Minute {
		t.Fatalf("hold %v, want 6m", th.until.Sub(now))
	}
	// Fewer requests left than in flight: held too; more: not.
	now = now.Add(time.Hour)
	h.Set("x-ratelimit-remaining-requests", "5")
	th.inflight = 3
	th.Observe(200, h)
	if th.until.After(now) {
		t.Fatalf("held with 5 requests left and 3 in flight")
	}
	th.inflight = 6
	th.Observe(200, h)
	if th.until.Sub(now) != 6*time.Minute {
		t.Fatalf("hold %v with 5 requests left and 6 in flight, want 6m", th.until.Sub(now))
	}
	th.inflight = 0
	h = http.Header{}
	h.Set("x-ratelimit-remaining-tokens", "0")
	h.Set("x-ratelimit-reset-tokens", "7m")
	th.Observe(200, h)
	if th.until.Sub(now) != 7*time.Minute {
		t.Fatalf("hold %v, want 7m", th.until.Sub(now))
	}
	// Acquire respects the limit and ctx.
	th2 := NewThrottle(1)
	ctx := context.Background()
	if err := th2.Acquire(ctx); err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if err := th2.Acquire(cctx); err == nil {
		t.Fatal("a second slot of one")
	}
	th2.Release()
	if err := th2.Acquire(ctx); err != nil {
		t.Fatal(err)
	}
}

// stub answers after a random delay, and counts what is in flight.
type stub struct {
	calls, inflight, peak atomic.Int32
	fail                  func(q string) error
}

func (s *stub) Chat(ctx context.Context, r openai.ChatRequest) (openai.ChatResponse, error) {
	s.calls.Add(1)
	n := s.inflight.Add(1)
	defer s.inflight.Add(-1)
	for {
		p := s.peak.Load()
		if n <= p || s.peak.CompareAndSwap(p, n) {
			break
		}
	}
	time.Sleep(time.Duration(rand.IntN(3000)) * time.Microsecond)
	q := r.Messages[len(r.Messages)-1].Content.String()
	if s.fail != nil {
		if err := s.fail(q); err != nil {
			return openai.ChatResponse{}, err
		}
	}
	var resp openai.ChatResponse
	json.Unmarshal([]byte(`{"model":"`+r.Model+`","choices":[{"message":{"content":"answer to `+q+`"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":2}}`), &resp)
	return resp, nil
}

func tasks(n int, models ...string) []Task {
	var out []Task
	for i := range n {
		for _, m := range models {
			q := fmt.Sprintf("q%d", i)
			out = append(out, Task{File: "f", Line: i + 1, Question: q, Request: req(m, q)})
		}
	}
	return out
}

func TestRunOrderAndCache(t *testing.T) {
	ts := tasks(60, "a", "b")
	s := &stub{}
	cache := &Cache{Dir: t.TempDir()}
	r := &Runner{Client: s, Cache: cache, Throttle: NewThrottle(8), Window: 10}
	var got []jsonl.Answer
	st, err := r.Run(context.Background(), ts, func(a *jsonl.Answer) error { got = append(got, *a); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 120 || st.Sent != 120 || st.Cached != 0 || st.Usage.PromptTokens != 600 {
		t.Fatalf("%d answers, %+v", len(got), st)
	}
	for i, a := range got {
		if a.Line != ts[i].Line || a.Model != ts[i].Request.Model || *a.Answer != "answer to "+ts[i].Question || a.Cached {
			t.Fatalf("answer %d out of order: %+v", i, a)
		}
	}
	if p := s.peak.Load(); p < 2 || p > 8 {
		t.Errorf("peak in flight %d, want 2..8", p)
	}
	// A rerun asks nothing.
	got = got[:0]
	st, err = r.Run(context.Background(), ts, func(a *jsonl.Answer) error { got = append(got, *a); return nil })
	if err != nil || st.Cached != 120 || st.Sent != 0 || s.calls.Load() != 120 || !got[7].Cached || *got[7].Answer != "answer to q3" {
		t.Fatalf("rerun: %+v, %v, %d calls", st, err, s.calls.Load())
	}
}

func TestRunStopsOnFailure(t *testing.T) {
	ts := tasks(40, "a")
	down := &openai.UnavailableError{Method: "POST", Path: "/v1/chat/completions", Attempts: 9, Err: errors.New("503")}
	s := &stub{fail: func(q string) error {
		switch q {
		case "q5":
			return &openai.APIError{Status: 400, Code: "bad", Message: "no"}
		case "q20":
			return down
		}
		return nil
	}}
	cache := &Cache{Dir: t.TempDir()}
	r := &Runner{Client: s, Cache: cache, Throttle: NewThrottle(4)}
	var got []jsonl.Answer
	st, err := r.Run(context.Background(), ts, func(a *jsonl.Answer) error { got = append(got, *a); return nil })
	if !errors.Is(err, down) && !errors.As(err, new(*openai.UnavailableError)) {
		t.Fatalf("err %v", err)
	}
	if len(got) != 20 || st.Refused != 1 || got[5].Answer != nil || got[5].Error == nil || got[5].Error.Code != "bad" {
		t.Fatalf("%d answers before the failure, %+v, %+v", len(got), st, got[5])
	}
	for i, a := range got {
		if a.Line != i+1 {
			t.Fatalf("line %d at %d", a.Line, i)
		}
	}
	// Resumed: what was answered is not asked again, the refusal is.
	calls := s.calls.Load()
	s.fail = nil
	got = got[:0]
	st, err = r.Run(context.Background(), ts, func(a *jsonl.Answer) error { got = append(got, *a); return nil })
	if err != nil || len(got) != 40 {
		t.Fatalf("resume: %v, %d answers", err, len(got))
	}
	if sent := s.calls.Load() - calls; int(sent) != st.Sent || st.Sent > 40-19 || st.Sent < 2 {
		t.Fatalf("resume sent %d (stats %+v): answers received before the failure must not be asked again", sent, st)
	}
}

// A question repeated in the input is paid for once, even with both
// copies in flight together.
func TestRunSendsARepeatOnce(t *testing.T) {
	var ts []Task
	for i := range 30 {
		q := fmt.Sprintf("q%d", i%3)
		ts = append(ts, Task{Line: i + 1, Question: q, Request: req("a", q)})
	}
	s := &stub{}
	r := &Runner{Client: s, Cache: &Cache{Dir: t.TempDir()}, Throttle: NewThrottle(8)}
	var got []jsonl.Answer
	st, err := r.Run(context.Background(), ts, func(a *jsonl.Answer) error { got = append(got, *a); return nil })
	if err != nil || len(got) != 30 {
		t.Fatalf("%v, %d answers", err, len(got))
	}
	if s.calls.Load() != 3 || st.Sent != 3 || st.Repeats+st.Cached != 27 {
		t.Fatalf("%d calls, %+v", s.calls.Load(), st)
	}
	for i, a := range got {
		if a.Line != i+1 || a.Answer == nil || *a.Answer != "answer to "+ts[i].Question {
			t.Fatalf("answer %d: %+v", i, a)
		}
	}
}
