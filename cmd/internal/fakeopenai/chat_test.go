package fakeopenai_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ft-tools/ft/cmd/internal/fakeopenai"
	"github.com/goccy/go-json"
)

func post(t *testing.T, s *fakeopenai.Server, body string) (int, http.Header, map[string]any) {
	req, _ := http.NewRequest("POST", s.URL()+"/chat/completions", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+s.Key())
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var v map[string]any
	json.Unmarshal(b, &v)
	return resp.StatusCode, resp.Header, v
}

func TestChatCompletions(t *testing.T) {
	s := fakeopenai.New(fakeopenai.Options{
		Answers:      map[string]string{"q": "db.a.find()"},
		ModelAnswers: map[string]map[string]string{"m2": {"q": "db.b.find()"}},
		RateLimit:    fakeopenai.RateLimit{Requests: 3, Window: fakeopenai.Duration(time.Hour)},
	})
	defer s.Close()
	answer := func(v map[string]any) string {
		c, _ := v["choices"].([]any)
		if len(c) == 0 {
			return ""
		}
		m := c[0].(map[string]any)["message"].(map[string]any)
		s, _ := m["content"].(string)
		return s
	}
	tests := []struct {
		body   string
		status int
		answer string
	}{
		{`{"model":"m","messages":[{"role":"system","content":"s"},{"role":"user","content":"q"}]}`, 200, "db.a.find()"},
		{`{"model":"m2","messages":[{"role":"user","content":[{"type":"text","text":"q"}]}]}`, 200, "db.b.find()"},
		{`{"model":"m","messages":[{"role":"user","content":"other"}],"max_completion_tokens":1}`, 200, fakeopenai.NoAnswer[:4]},
		{`{"model":"m","messages":[{"role":"user","content":"q","weight":1}]}`, 429, ""}, // over the limit before it is read
	}
	for i, tt := range tests {
		status, h, v := post(t, s, tt.body)
		if status != tt.status || answer(v) != tt.answer {
			t.Errorf("%d: %d %q, want %d %q (%v)", i, status, answer(v), tt.status, tt.answer, v)
		}
		if h.Get("x-ratelimit-limit-requests") != "3" || h.Get("x-ratelimit-reset-requests") == "" {
			t.Errorf("%d: rate-limit headers %v", i, h)
		}
	}
	if s.Chats() != 3 {
		t.Errorf("Chats() = %d, want 3 (the 429 is not one)", s.Chats())
	}

	// Refusals, as the real API refuses them.
	s2 := fakeopenai.New(fakeopenai.Options{})
	defer s2.Close()
	for _, body := range []string{
		`{"model":"m","messages":[{"role":"user","content":"q","weight":1}]}`,
		`{"model":"m","messages":[]}`,
		`{"messages":[{"role":"user","content":"q"}]}`,
		`{"model":"m","messages":[{"role":"user","content":"q"}],"temperature":3}`,
		`{"model":"m","messages":[{"role":"user","content":"q"}],"frobnicate":1}`,
		`not json`,
	} {
		if status, _, v := post(t, s2, body); status != 400 {
			t.Errorf("%s: %d %v, want 400", body, status, v)
		}
	}
	if status, _, _ := post(t, s2, `{"model":"ft:x:o::missing","messages":[{"role":"user","content":"q"}]}`); status != 404 {
		t.Errorf("missing model: %d", status)
	}
}
