package openai

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goccy/go-json"
)

func TestParseDotenv(t *testing.T) {
	in := "# comment\n\nexport OPENAI_API_KEY=sk-abc\nA = 'x # y'\nB=\"q\\\"uote\\n\" # trailing\nC=bare # comment\nD=\nE=has=equals\n"
	got, err := ParseDotenv([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"OPENAI_API_KEY": "sk-abc", "A": "x # y", "B": "q\"uote\n", "C": "bare", "D": "", "E": "has=equals"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d keys, want %d: %v", len(got), len(want), got)
	}
	for _, bad := range []string{"NOEQUALS\n", "K='open\n", "K=\"open\n", "BAD KEY=1\n"} {
		_, err := ParseDotenv([]byte(bad))
		if err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	_, err = ParseDotenv([]byte("SECRET='sk-leak\n"))
	if err == nil || strings.Contains(err.Error(), "sk-leak") {
		t.Errorf("error must name the line, not the value: %v", err)
	}
}

func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()
	dotenv := filepath.Join(dir, ".env")
	os.WriteFile(dotenv, []byte("OPENAI_API_KEY=sk-file\nOPENAI_ORG_ID=org-file\nBASE_MODEL=gpt-file\n"), 0o600)
	tests := []struct {
		name string
		env  map[string]string
		path string
		want Config
	}{
		{"file only", nil, dotenv, Config{APIKey: "sk-file", BaseURL: DefaultBaseURL, OrgID: "org-file", BaseModel: "gpt-file", MaxRetries: DefaultMaxRetries}},
		{"env wins", map[string]string{"OPENAI_API_KEY": "sk-env", "OPENAI_BASE_URL": "http://127.0.0.1:1/v1", "OPENAI_PROJECT_ID": "proj"}, dotenv,
			Config{APIKey: "sk-env", BaseURL: "http://127.0.0.1:1/v1", OrgID: "org-file", ProjectID: "proj", BaseModel: "gpt-file", MaxRetries: DefaultMaxRetries}},
		{"missing file", map[string]string{"OPENAI_API_KEY": "sk-env"}, filepath.Join(dir, "none"), Config{APIKey: "sk-env", BaseURL: DefaultBaseURL, MaxRetries: DefaultMaxRetries}},
		{"no file", nil, "", Config{BaseURL: DefaultBaseURL, MaxRetries: DefaultMaxRetries}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := LoadConfig(func(k string) string { return tt.env[k] }, tt.path)
			if err != nil {
				t.Fatal(err)
			}
			if got.APIKey != tt.want.APIKey || got.BaseURL != tt.want.BaseURL || got.OrgID != tt.want.OrgID ||
				got.ProjectID != tt.want.ProjectID || got.BaseModel != tt.want.BaseModel || got.MaxRetries != tt.want.MaxRetries {
				t.Errorf("got %s key %q, want %s key %q", got, got.APIKey, tt.want, tt.want.APIKey)
			}
		})
	}
	if _, err := New(Config{}); err != ErrNoAPIKey {
		t.Errorf("New without key: %v, want ErrNoAPIKey", err)
	}
	if _, err := New(Config{APIKey: "k", BaseURL: "api.openai.com"}); err == nil {
		t.Error("New accepted a base URL without scheme")
	}
}

func TestConfigNeverShowsKey(t *testing.T) {
	const key = "sk-proj-SECRET0123456789"
	cfg := Config{APIKey: key, BaseURL: "http://127.0.0.1:9/v1", MaxRetries: 2}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		fmt.Fprintf(&b, verb+"\n", cfg)
		fmt.Fprintf(&b, verb+"\n", &cfg)
		fmt.Fprintf(&b, verb+"\n", c)
		fmt.Fprintf(&b, verb+"\n", c.do)
	}
	fmt.Fprintln(&b, []any{cfg, c})
	j, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	b.Write(j)
	if strings.Contains(b.String(), key) || strings.Contains(b.String(), fmt.Sprintf("%x", key)) {
		t.Fatalf("the key shows in:\n%s", b.String())
	}
	if !strings.Contains(b.String(), "127.0.0.1:9") {
		t.Fatalf("the dump shows nothing useful:\n%s", b.String())
	}
}
