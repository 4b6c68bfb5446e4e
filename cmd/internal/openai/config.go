package openai

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"strings"
	"time"
)

// Defaults of the client. DefaultMaxRetries is larger than the official SDKs'
// 2 because the toolkit runs unattended for hours (a job takes minutes to
// days): 8 retries with the backoff capped at MaxBackoff ride out about a
// minute and a half of 5xx or rate limiting per call, yet a service that is
// really down still fails the command within about two minutes.
const (
	DefaultBaseURL    = "https://api.openai.com/v1"
	DefaultMaxRetries = 8
	DefaultTimeout    = 2 * time.Minute // one attempt, plus 1 s per 256 KiB of request body
	MaxBackoff        = 30 * time.Second
	MaxRetryAfter     = 2 * time.Minute // a server asking for a longer wait is not retried
)

// ErrNoAPIKey is returned by New when Config.APIKey is empty.
var ErrNoAPIKey = errors.New("OPENAI_API_KEY is not set (in the environment or .env)")

// Config is what a client needs. It is printed, formatted and marshalled
// without its key.
type Config struct {
	APIKey    string `json:"-"`
	BaseURL   string `json:"base_url"`
	OrgID     string `json:"org_id,omitempty"`
	ProjectID string `json:"project_id,omitempty"`
	BaseModel string `json:"base_model,omitempty"` // BASE_MODEL: the default model of ft-train

	// MaxRetries is the number of retries after the first attempt; 0 means
	// none. LoadConfig sets DefaultMaxRetries.
	MaxRetries int `json:"max_retries"`
	// Timeout bounds one attempt (0: DefaultTimeout plus 1 s per 256 KiB
	// of request body, so that a big upload on a slow link is not cut).
	Timeout time.Duration `json:"-"`
	// Log receives one line per retry, written with a single Write call,
	// prefixed by Name and ": " when Name is set. Nil: no log.
	Log  io.Writer `json:"-"`
	Name string    `json:"-"`
	// Sleep waits between attempts; nil waits on a timer. Tests inject a
	// recorder so that no test waits.
	Sleep func(ctx context.Context, d time.Duration) error `json:"-"`
	// UserAgent is sent with every request; "" sends ft/VERSION.
	UserAgent string `json:"-"`
	// HTTPClient sends single attempts; nil uses a client with sane dial
	// and TLS timeouts.
	HTTPClient *http.Client `json:"-"`
}

// String describes c without its key.
func (c Config) String() string {
	key := "unset"
	if c.APIKey != "" {
		key = "set"
	}
	return fmt.Sprintf("openai.Config{BaseURL: %q, OrgID: %q, ProjectID: %q, BaseModel: %q, APIKey: %s, MaxRetries: %d}",
		c.BaseURL, c.OrgID, c.ProjectID, c.BaseModel, key, c.MaxRetries)
}

// GoString is String: %#v must not print the key either.
func (c Config) GoString() string { return c.String() }

// LoadConfig reads OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_ORG_ID,
// OPENAI_PROJECT_ID and BASE_MODEL from getenv and from the dotenv file at
// dotenvPath (skipped when empty or missing); a non-empty environment value
// wins over the file. MaxRetries is set to DefaultMaxRetries. A missing key
// is not an error here (a dry run needs none); New refuses it.
func LoadConfig(getenv func(string) string, dotenvPath string) (Config, error) {
	file := map[string]string{}
	if dotenvPath != "" {
		data, err := os.ReadFile(dotenvPath)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return Config{}, err
		default:
			file, err = ParseDotenv(data)
			if err != nil {
				return Config{}, fmt.Errorf("%s: %w", dotenvPath, err)
			}
		}
	}
	get := func(k string) string {
		if getenv != nil {
			if v := getenv(k); v != "" {
				return v
			}
		}
		return file[k]
	}
	c := Config{
		APIKey:     strings.TrimSpace(get("OPENAI_API_KEY")),
		BaseURL:    strings.TrimSpace(get("OPENAI_BASE_URL")),
		OrgID:      strings.TrimSpace(get("OPENAI_ORG_ID")),
		ProjectID:  strings.TrimSpace(get("OPENAI_PROJECT_ID")),
		BaseModel:  strings.TrimSpace(get("BASE_MODEL")),
		MaxRetries: DefaultMaxRetries,
	}
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	return c, nil
}

// ParseDotenv parses the usual .env syntax: KEY=VALUE lines, blank lines and
// # comments, an optional `export ` prefix, values in single quotes (taken
// literally), double quotes (with \n, \", \\ escapes) or bare (a ` #` starts
// a comment). Errors name the line but never its value, which may be a key.
func ParseDotenv(data []byte) (map[string]string, error) {
	out := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff"))
		if line == "" || line[0] == '#' {
			continue
		}
		line = strings.TrimSpace(strings.TrimPrefix(line, "export "))
		k, v, ok := strings.Cut(line, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" || strings.ContainsAny(k, " \t\"'") {
			return nil, fmt.Errorf("line %d: want KEY=VALUE", n)
		}
		v = strings.TrimSpace(v)
		switch {
		case strings.HasPrefix(v, "'"):
			end := strings.IndexByte(v[1:], '\'')
			if end < 0 {
				return nil, fmt.Errorf("line %d: %s: unterminated quote", n, k)
			}
			v = v[1 : 1+end]
		case strings.HasPrefix(v, `"`):
			var b strings.Builder
			closed := false
			for i := 1; i < len(v); i++ {
				c := v[i]
				if c == '"' {
					closed = true
					break
				}
				if c == '\\' && i+1 < len(v) {
					i++
					switch v[i] {
					case 'n':
						b.WriteByte('\n')
					case 't':
						b.WriteByte('\t')
					default:
						b.WriteByte(v[i])
					}
					continue
				}
				b.WriteByte(c)
			}
			if !closed {
				return nil, fmt.Errorf("line %d: %s: unterminated quote", n, k)
			}
			v = b.String()
		default:
			if i := strings.Index(v, " #"); i >= 0 {
				v = strings.TrimSpace(v[:i])
			}
		}
		out[k] = v
	}
	return out, sc.Err()
}

// EnvironmentHelp describes, for --help, the variables LoadConfig reads.
var EnvironmentHelp = []string{
	"OPENAI_API_KEY     API key (also read from ./.env; never printed)",
	"OPENAI_BASE_URL    API base URL (default https://api.openai.com/v1)",
	"OPENAI_ORG_ID, OPENAI_PROJECT_ID  organization and project",
}
