package fakeopenai_test

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/ft-tools/ft/cmd/internal/fakeopenai"
	"github.com/ft-tools/ft/cmd/internal/openai"
	"github.com/rogpeppe/go-internal/testscript"
)

// apicall METHOD PATH [JSON] stands for a tool: it reads its configuration
// like the tools do (environment, then .env) and prints "STATUS BODY".
func apicall() int {
	args := os.Args[1:]
	cfg, err := openai.LoadConfig(os.Getenv, ".env")
	if err != nil || len(args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: apicall METHOD PATH [JSON]", err)
		return 2
	}
	var body io.Reader
	if len(args) > 2 {
		body = strings.NewReader(args[2])
	}
	req, _ := http.NewRequest(args[0], strings.TrimSuffix(cfg.BaseURL, "/v1")+args[1], body)
	req.Header.Set("Authorization", "Bearer "+cfg.APIKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintln(os.Stderr, "apicall:", err)
		return 1
	}
	b, _ := io.ReadAll(resp.Body)
	fmt.Printf("%d %s\n", resp.StatusCode, b)
	return 0
}

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"fake-openai": func() { os.Exit(fakeopenai.Main(os.Args[1:], os.Stdout, os.Stderr)) },
		"apicall":     func() { os.Exit(apicall()) },
	})
}

func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		Cmds:                map[string]func(*testscript.TestScript, bool, []string){"fakeopenai": fakeopenai.Cmd},
	})
}

func TestParseFault(t *testing.T) {
	tests := []struct {
		spec string
		want fakeopenai.Fault
		bad  bool
	}{
		{"429 GET /v1/fine_tuning/jobs retry_after=2 nth=3 times=-1", fakeopenai.Fault{Kind: "status", Status: 429, Method: "GET",
			Path: "/v1/fine_tuning/jobs", RetryAfter: "2", Nth: 3, Times: -1}, false},
		{"lost post /v1/fine_tuning/jobs", fakeopenai.Fault{Kind: "lost", Method: "POST", Path: "/v1/fine_tuning/jobs"}, false},
		{"slow * /v1/files delay=2s message=so_slow", fakeopenai.Fault{Kind: "slow", Path: "/v1/files", Delay: fakeopenai.Duration(2e9), Message: "so slow"}, false},
		{"503 GET", fakeopenai.Fault{}, true},
		{"teapot GET /v1/files", fakeopenai.Fault{}, true},
		{"500 GET /v1/files nth=x", fakeopenai.Fault{}, true},
		{"500 GET /v1/files colour=red", fakeopenai.Fault{}, true},
	}
	for _, tt := range tests {
		got, err := fakeopenai.ParseFault(tt.spec)
		if (err != nil) != tt.bad || (!tt.bad && got != tt.want) {
			t.Errorf("ParseFault(%q) = %+v, %v; want %+v (error %v)", tt.spec, got, err, tt.want, tt.bad)
		}
	}
}

// TestFaultCounting shows which requests a fault hits: from the nth
// matching one, for times of them.
func TestFaultCounting(t *testing.T) {
	tests := []struct {
		fault string
		want  string // statuses of six GETs of /v1/files
	}{
		{"500 GET /v1/files", "500 200 200 200 200 200"},
		{"500 GET /v1/files nth=2 times=2", "200 500 500 200 200 200"},
		{"503 * /v1/* nth=5 times=-1", "200 200 200 200 503 503"},
		{"500 POST /v1/files", "200 200 200 200 200 200"},
		{"500 GET /v1/uploads", "200 200 200 200 200 200"},
	}
	for _, tt := range tests {
		f, err := fakeopenai.ParseFault(tt.fault)
		if err != nil {
			t.Fatal(err)
		}
		s := fakeopenai.New(fakeopenai.Options{Faults: []fakeopenai.Fault{f}})
		var got []string
		for range 6 {
			req, _ := http.NewRequest("GET", s.URL()+"/files", nil)
			req.Header.Set("Authorization", "Bearer "+s.Key())
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			got = append(got, fmt.Sprint(resp.StatusCode))
		}
		s.Close()
		if strings.Join(got, " ") != tt.want {
			t.Errorf("%s: got %s, want %s", tt.fault, strings.Join(got, " "), tt.want)
		}
	}
}

func TestAuth(t *testing.T) {
	s := fakeopenai.New(fakeopenai.Options{APIKey: "sk-right-0123456789"})
	defer s.Close()
	for auth, want := range map[string]int{"": 401, "Bearer sk-wrong-0123456789": 401, "sk-right-0123456789": 401, "Bearer sk-right-0123456789": 200} {
		req, _ := http.NewRequest("GET", s.URL()+"/fine_tuning/jobs", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want || strings.Contains(string(b), "sk-wrong-0123456789") {
			t.Errorf("%q: %d %s, want %d without the key", auth, resp.StatusCode, b, want)
		}
	}
}
