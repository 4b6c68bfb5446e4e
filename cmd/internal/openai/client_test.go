package openai

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ft-tools/ft/cmd/internal/cli"
	"github.com/ft-tools/ft/cmd/internal/fakeopenai"
	"github.com/goccy/go-json"
)

// sleeps records the waits a client asks for instead of waiting.
type sleeps struct{ d []time.Duration }

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.d = append(s.d, d)
	return ctx.Err()
}

type env struct {
	srv    *fakeopenai.Server
	c      *Client
	sleeps *sleeps
	log    *bytes.Buffer
}

func newEnv(t *testing.T, opts fakeopenai.Options, retries int) *env {
	t.Helper()
	srv := fakeopenai.New(opts)
	t.Cleanup(srv.Close)
	e := &env{srv: srv, sleeps: &sleeps{}, log: &bytes.Buffer{}}
	c, err := New(Config{APIKey: srv.Key(), BaseURL: srv.URL(), MaxRetries: retries, Log: e.log, Name: "ft-test",
		Sleep: e.sleeps.sleep, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	e.c = c
	return e
}

const trainJSONL = `{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]}` + "\n"

// newJob uploads a training file and creates a job through a client
// without faults on the same server.
func (e *env) upload(t *testing.T) File {
	t.Helper()
	f, err := e.c.UploadFile(context.Background(), "dir/train.jsonl", []byte(trainJSONL), "fine-tune")
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestRetries(t *testing.T) {
	jobsPath := "/v1/fine_tuning/jobs"
	tests := []struct {
		name      string
		fault     string
		call      string // get, list, upload, events
		retries   int
		attempts  int             // requests the server saw on the path
		sleeps    []time.Duration // exact waits asked for; nil: backoff ranges
		wantCode  int             // 0: success
		wantInErr string
	}{
		{"429 Retry-After seconds", "429 GET /v1/fine_tuning/jobs retry_after=3", "list", 8, 2, []time.Duration{3 * time.Second}, 0, ""},
		{"429 retry-after-ms wins", "429 GET /v1/fine_tuning/jobs retry_after=7 retry_after_ms=1500", "list", 8, 2, []time.Duration{1500 * time.Millisecond}, 0, ""},
		{"500 twice", "500 GET /v1/fine_tuning/jobs times=2", "list", 8, 3, nil, 0, ""},
		// An upload is sent once: a 5xx may hide a stored file, which the
		// caller looks up by its content (ft-upload) before sending again.
		{"503 on upload", "503 POST /v1/files times=3", "upload", 8, 1, nil, cli.ExitUnavailable, "may have succeeded"},
		{"429 on upload", "429 POST /v1/files times=2", "upload", 8, 3, nil, 0, ""},
		{"502 on events", "502 GET /v1/fine_tuning/jobs/*/events", "events", 8, 2, nil, 0, ""},
		{"408", "408 GET /v1/fine_tuning/jobs", "list", 8, 2, nil, 0, ""},
		{"409", "409 GET /v1/fine_tuning/jobs", "list", 8, 2, nil, 0, ""},
		{"dropped connection", "drop GET /v1/fine_tuning/jobs times=2", "list", 8, 3, nil, 0, ""},
		{"lost answer on read", "lost GET /v1/fine_tuning/jobs/*", "get", 8, 2, nil, 0, ""},
		{"slow answer times out", "slow GET /v1/fine_tuning/jobs delay=1m", "list", 8, 2, nil, 0, ""},
		{"x-should-retry true on 400", "400 GET /v1/fine_tuning/jobs should_retry=true", "list", 8, 2, nil, 0, ""},
		{"x-should-retry false on 503", "503 GET /v1/fine_tuning/jobs should_retry=false message=down", "list", 8, 1, []time.Duration{}, cli.ExitUnavailable, "down"},
		{"exhausted", "503 GET /v1/fine_tuning/jobs times=-1 message=still_down", "list", 3, 4, nil, cli.ExitUnavailable, "after 4 attempts"},
		{"no retries", "500 GET /v1/fine_tuning/jobs", "list", 0, 1, []time.Duration{}, cli.ExitUnavailable, "after 1 attempt:"},
		{"Retry-After over the cap", "429 GET /v1/fine_tuning/jobs retry_after=600", "list", 8, 1, []time.Duration{}, cli.ExitUnavailable, "retry after 10m0s"},
		{"404 not retried", "404 GET /v1/fine_tuning/jobs message=nope", "list", 8, 1, []time.Duration{}, cli.ExitAPIRefused, "nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, fakeopenai.Options{}, tt.retries)
			f, err := fakeopenai.ParseFault(tt.fault)
			if err != nil {
				t.Fatal(err)
			}
			var jobID string
			if tt.call == "get" || tt.call == "events" {
				j, err := e.c.CreateJob(context.Background(), JobRequest{Model: "gpt-4o-mini-2024-07-18", TrainingFile: e.upload(t).ID})
				if err != nil {
					t.Fatal(err)
				}
				jobID = j.ID
			}
			if tt.name == "slow answer times out" {
				e.c.do.cfg.Timeout = 100 * time.Millisecond
			}
			e.srv.AddFault(f)
			ctx := context.Background()
			switch tt.call {
			case "list":
				_, err = e.c.ListJobs(ctx, ListJobsParams{})
			case "get":
				_, err = e.c.GetJob(ctx, jobID)
			case "events":
				_, err = e.c.ListEvents(ctx, jobID, "", 0)
			case "upload":
				_, err = e.c.UploadFile(ctx, "t.jsonl", []byte(trainJSONL), "fine-tune")
			}
			path := jobsPath
			switch tt.call {
			case "get":
				path = jobsPath + "/" + jobID
			case "events":
				path = jobsPath + "/" + jobID + "/events"
			case "upload":
				path = "/v1/files"
			}
			method := "GET"
			if tt.call == "upload" {
				method = "POST"
			}
			if got := e.srv.Count(method, path); got != tt.attempts {
				t.Errorf("server saw %d attempts, want %d\n%v", got, tt.attempts, e.srv.Requests())
			}
			if got := cli.CodeOf(err); got != tt.wantCode {
				t.Fatalf("exit code %d (err %v), want %d", got, err, tt.wantCode)
			}
			if tt.wantInErr != "" && !strings.Contains(err.Error(), tt.wantInErr) {
				t.Errorf("error %q lacks %q", err, tt.wantInErr)
			}
			if tt.sleeps != nil {
				if fmt.Sprint(e.sleeps.d) != fmt.Sprint(tt.sleeps) {
					t.Errorf("slept %v, want %v", e.sleeps.d, tt.sleeps)
				}
			} else {
				// net/http itself resends a GET whose reused connection
				// closed without an answer, so that one costs no wait.
				if len(e.sleeps.d) != tt.attempts-1 && !(tt.name == "lost answer on read" && len(e.sleeps.d) == 0) {
					t.Errorf("slept %d times, want %d", len(e.sleeps.d), tt.attempts-1)
				}
				for n, d := range e.sleeps.d {
					hi := min(500*time.Millisecond<<n, MaxBackoff)
					if d > hi || d <= hi*3/4 {
						t.Errorf("wait %d = %v, want in (%v, %v]", n, d, hi*3/4, hi)
					}
				}
			}
			if lines := strings.Count(e.log.String(), "\n"); lines != len(e.sleeps.d) {
				t.Errorf("%d log lines for %d retries:\n%s", lines, len(e.sleeps.d), e.log)
			}
			if len(e.sleeps.d) > 0 && (!strings.HasPrefix(e.log.String(), "ft-test: "+method+" "+path+": ") ||
				!strings.Contains(e.log.String(), "; retrying in ") || strings.Count(e.log.String(), path) != len(e.sleeps.d)) {
				t.Errorf("log line %q", e.log.String())
			}
		})
	}
}

func TestRetryAfterDate(t *testing.T) {
	e := newEnv(t, fakeopenai.Options{}, 8)
	when := time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)
	e.srv.AddFault(fakeopenai.Fault{Method: "GET", Status: 503, RetryAfter: when})
	if _, err := e.c.ListJobs(context.Background(), ListJobsParams{}); err != nil {
		t.Fatal(err)
	}
	if len(e.sleeps.d) != 1 || e.sleeps.d[0] < 80*time.Second || e.sleeps.d[0] > 90*time.Second {
		t.Errorf("slept %v, want about 90s", e.sleeps.d)
	}
}

func TestBackoff(t *testing.T) {
	for n := range 12 {
		hi := min(500*time.Millisecond<<n, MaxBackoff)
		for range 100 {
			if d := Backoff(n); d > hi || d <= hi*3/4 {
				t.Fatalf("Backoff(%d) = %v, want in (%v, %v]", n, d, hi*3/4, hi)
			}
		}
	}
	if Backoff(100) > MaxBackoff {
		t.Error("Backoff overflows its cap")
	}
}

func TestRefused(t *testing.T) {
	e := newEnv(t, fakeopenai.Options{}, 8)
	ctx := context.Background()
	file := e.upload(t)
	tests := []struct {
		req       JobRequest
		wantParam string
		wantMsg   string
	}{
		{JobRequest{Model: "m", TrainingFile: "file-nope"}, "training_file", "invalid training_file: file-nope"},
		{JobRequest{Model: "m", TrainingFile: file.ID, Method: &Method{Type: "supervised",
			Supervised: &MethodParams{Hyperparameters: &Hyperparameters{NEpochs: Num(99)}}}},
			"method.supervised.hyperparameters.n_epochs", "Invalid value"},
		{JobRequest{Model: "m", TrainingFile: file.ID, Method: &Method{Type: "dpo",
			DPO: &MethodParams{Hyperparameters: &Hyperparameters{Beta: Num(3)}}}},
			"method.dpo.hyperparameters.beta", "Invalid value"},
	}
	for _, tt := range tests {
		_, err := e.c.CreateJob(ctx, tt.req)
		var ae *APIError
		if !errors.As(err, &ae) {
			t.Fatalf("%+v: %v is not an *APIError", tt.req, err)
		}
		if ae.Status != 400 || ae.Param != tt.wantParam || !strings.Contains(ae.Message, tt.wantMsg) || cli.CodeOf(err) != cli.ExitAPIRefused {
			t.Errorf("got status %d param %q message %q code %d; want 400 %q %q 4", ae.Status, ae.Param, ae.Message, cli.CodeOf(err), tt.wantParam, tt.wantMsg)
		}
		if !strings.Contains(err.Error(), "param: "+tt.wantParam) {
			t.Errorf("error text %q lacks the param", err)
		}
	}
	if len(e.sleeps.d) != 0 {
		t.Errorf("a 400 was retried: %v", e.sleeps.d)
	}
	if e.srv.JobsCreated() != 0 {
		t.Errorf("%d jobs created", e.srv.JobsCreated())
	}
}

func TestCreateJobNeverTwice(t *testing.T) {
	tests := []struct {
		fault       string
		maybe       bool // the error must be ErrMaybeCreated
		created     int  // jobs on the server afterwards
		attempts    int
		findTagged  int // jobs found by the tag
		wantSuccess bool
	}{
		{"lost POST /v1/fine_tuning/jobs", true, 1, 1, 1, false},
		{"drop POST /v1/fine_tuning/jobs", true, 0, 1, 0, false},
		{"500 POST /v1/fine_tuning/jobs", true, 0, 1, 0, false},
		{"503 POST /v1/fine_tuning/jobs should_retry=true", true, 0, 1, 0, false},
		{"409 POST /v1/fine_tuning/jobs", true, 0, 1, 0, false},
		{"slow POST /v1/fine_tuning/jobs delay=1m", true, 0, 1, 0, false},
		{"429 POST /v1/fine_tuning/jobs retry_after=1 times=2", false, 1, 3, 1, true},
		{"408 POST /v1/fine_tuning/jobs", false, 1, 2, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.fault, func(t *testing.T) {
			e := newEnv(t, fakeopenai.Options{}, 8)
			ctx := context.Background()
			file := e.upload(t)
			// Another job, untagged, to show the lookup filters.
			if _, err := e.c.CreateJob(ctx, JobRequest{Model: "m", TrainingFile: file.ID}); err != nil {
				t.Fatal(err)
			}
			f, err := fakeopenai.ParseFault(tt.fault)
			if err != nil {
				t.Fatal(err)
			}
			e.srv.AddFault(f)
			e.c.do.cfg.Timeout = 200 * time.Millisecond
			tag := map[string]string{"ft_request": "abc123"}
			j, err := e.c.CreateJob(ctx, JobRequest{Model: "m", TrainingFile: file.ID, Metadata: tag})
			if tt.wantSuccess != (err == nil) || errors.Is(err, ErrMaybeCreated) != tt.maybe {
				t.Fatalf("err = %v; want success %v, maybe-created %v", err, tt.wantSuccess, tt.maybe)
			}
			if err != nil && cli.CodeOf(err) != cli.ExitUnavailable {
				t.Errorf("exit code %d, want 5", cli.CodeOf(err))
			}
			if got := e.srv.JobsCreated() - 1; got != tt.created {
				t.Errorf("%d jobs created, want %d", got, tt.created)
			}
			if got := e.srv.Count("POST", "/v1/fine_tuning/jobs") - 1; got != tt.attempts {
				t.Errorf("%d create requests, want %d", got, tt.attempts)
			}
			e.c.do.cfg.Timeout = 5 * time.Second
			found, err := e.c.FindJobs(ctx, tag)
			if err != nil {
				t.Fatal(err)
			}
			if len(found) != tt.findTagged {
				t.Fatalf("found %d tagged jobs, want %d", len(found), tt.findTagged)
			}
			if tt.findTagged > 0 && !bytes.Contains(found[0].Raw, []byte(`"id":"`+found[0].ID+`"`)) {
				t.Errorf("listed job keeps raw %s", found[0].Raw)
			}
			if tt.wantSuccess && found[0].ID != j.ID {
				t.Errorf("found %s, created %s", found[0].ID, j.ID)
			}
		})
	}
}

func TestCreateRetriedWhenNeverSent(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens: connection refused, the request never left
	s := &sleeps{}
	c, err := New(Config{APIKey: "sk-x", BaseURL: "http://" + addr + "/v1", MaxRetries: 2, Sleep: s.sleep})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateJob(context.Background(), JobRequest{Model: "m", TrainingFile: "f"})
	var ue *UnavailableError
	if !errors.As(err, &ue) || errors.Is(err, ErrMaybeCreated) || ue.Attempts != 3 || len(s.d) != 2 {
		t.Fatalf("err = %v (attempts %d, sleeps %v); want unavailable after 3 attempts", err, ue.Attempts, s.d)
	}
	if cli.CodeOf(err) != cli.ExitUnavailable {
		t.Errorf("exit code %d", cli.CodeOf(err))
	}
}

func TestKeyNeverShown(t *testing.T) {
	e := newEnv(t, fakeopenai.Options{}, 2)
	key := e.srv.Key()
	ctx := context.Background()
	var texts []string
	add := func(err error) {
		if err == nil {
			t.Fatal("want an error")
		}
		texts = append(texts, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
		for u := errors.Unwrap(err); u != nil; u = errors.Unwrap(u) {
			texts = append(texts, u.Error())
		}
	}
	// A wrong key: the 401 must not show the key the client sent either.
	c2, _ := New(Config{APIKey: "sk-wrong-0123456789", BaseURL: e.srv.URL()})
	_, err := c2.ListJobs(ctx, ListJobsParams{})
	add(err)
	if !strings.Contains(err.Error(), "401") || cli.CodeOf(err) != cli.ExitAPIRefused {
		t.Errorf("wrong key: %v (exit %d)", err, cli.CodeOf(err))
	}
	// A server that echoes the key in a message, refused and retried.
	e.srv.AddFault(fakeopenai.Fault{Method: "GET", Status: 400, Message: "bad key {key}", Times: 1})
	_, err = e.c.ListJobs(ctx, ListJobsParams{})
	add(err)
	e.srv.AddFault(fakeopenai.Fault{Method: "GET", Status: 503, Message: "down for {key}", Code: "{key}", Times: -1})
	_, err = e.c.GetJob(ctx, "x")
	add(err)
	e.srv.AddFault(fakeopenai.Fault{Method: "POST", Status: 500, Message: "{key}", Times: -1})
	_, err = e.c.UploadFile(ctx, "t.jsonl", []byte(trainJSONL), "fine-tune")
	add(err)
	all := strings.Join(texts, "\n") + e.log.String()
	if strings.Contains(all, key) || strings.Contains(all, "sk-wrong-0123456789") {
		t.Fatalf("the key shows in:\n%s", all)
	}
	if !strings.Contains(all, "[redacted]") {
		t.Fatalf("the echoed key was not seen at all:\n%s", all)
	}
}

func TestLenientJob(t *testing.T) {
	tests := []struct {
		body       string
		status     string
		err        *JobError
		epochs     string
		tokens     int64
		metadataOK bool
	}{
		{`{"id":"ftjob-1","object":"fine_tuning.job","status":"running","error":{},"hyperparameters":{"n_epochs":"auto","batch_size":"auto","learning_rate_multiplier":"auto"},"trained_tokens":null,"finished_at":null,"fine_tuned_model":null}`,
			"running", nil, "auto", 0, false},
		{`{"id":"ftjob-2","status":"paused","error":null,"method":{"type":"supervised","supervised":{"hyperparameters":{"n_epochs":3,"batch_size":"1","learning_rate_multiplier":1.8}}},"trained_tokens":1234,"metadata":{"ft_request":"abc"}}`,
			"paused", nil, "3", 1234, true},
		{`{"id":"ftjob-3","status":"failed","error":{"code":"invalid_training_file","message":"bad","param":"training_file"},"seed":"7","new_field":[1,2]}`,
			"failed", &JobError{Code: "invalid_training_file", Message: "bad", Param: "training_file"}, "", 0, false},
		{`{"id":"ftjob-4","status":"failed","error":"boom","hyperparameters":"weird","metadata":{"n":1}}`,
			"failed", &JobError{Message: "boom"}, "", 0, false},
	}
	for _, tt := range tests {
		var j Job
		if err := json.Unmarshal([]byte(tt.body), &j); err != nil {
			t.Fatalf("%s: %v", tt.body, err)
		}
		if j.Status != tt.status || fmt.Sprint(j.Error) != fmt.Sprint(tt.err) || j.TrainedTokens != tt.tokens {
			t.Errorf("%s: got status %q error %v tokens %d", tt.body, j.Status, j.Error, j.TrainedTokens)
		}
		h := j.EffectiveHyperparameters()
		got := ""
		if h != nil && h.NEpochs != nil {
			got = h.NEpochs.String()
		}
		if got != tt.epochs {
			t.Errorf("%s: n_epochs %q, want %q", tt.body, got, tt.epochs)
		}
		if tt.metadataOK && j.Metadata["ft_request"] != "abc" {
			t.Errorf("metadata %v", j.Metadata)
		}
		out, _ := json.Marshal(j)
		if string(out) != tt.body {
			t.Errorf("marshalled back as\n%s\nwant the raw object\n%s", out, tt.body)
		}
	}
	var v Value
	for in, want := range map[string]string{`"auto"`: "auto", `3`: "3", `"0.5"`: "0.5", `1.8`: "1.8"} {
		if err := json.Unmarshal([]byte(in), &v); err != nil || v.String() != want {
			t.Errorf("Value %s = %q, %v", in, v.String(), err)
		}
		out, _ := json.Marshal(v)
		if in == `"0.5"` {
			in = "0.5"
		}
		if string(out) != in {
			t.Errorf("Value %s marshals as %s", in, out)
		}
	}
}

func TestLenientOverTheWire(t *testing.T) {
	// A job pretty-printed on several lines, as a proxy might send it.
	body := "{\n  \"id\": \"ftjob-x\",\n  \"status\": \"paused\",\n  \"error\": {},\n  \"hyperparameters\": {\"n_epochs\": \"auto\"}\n}\n"
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(body)) }))
	defer hs.Close()
	c, _ := New(Config{APIKey: "sk-x", BaseURL: hs.URL + "/v1"})
	j, err := c.GetJob(context.Background(), "ftjob-x")
	if err != nil {
		t.Fatal(err)
	}
	if j.Status != "paused" || j.Error != nil || !j.Hyperparameters.NEpochs.Auto || bytes.ContainsRune(j.Raw, '\n') {
		t.Fatalf("got %+v raw %s", j, j.Raw)
	}
	// With the fake's real-API quirks.
	e := newEnv(t, fakeopenai.Options{Quirks: true, Manual: true}, 0)
	created, err := e.c.CreateJob(context.Background(), JobRequest{Model: "m", TrainingFile: e.upload(t).ID, Suffix: "s"})
	if err != nil {
		t.Fatal(err)
	}
	e.srv.Advance(created.ID, 2)
	e.srv.SetStatus(created.ID, "paused")
	j, err = e.c.GetJob(context.Background(), created.ID)
	if err != nil || j.Error != nil || j.Status != "paused" || !bytes.Contains(j.Raw, []byte(`"error":{}`)) {
		t.Fatalf("got %+v (%v) raw %s", j, err, j.Raw)
	}
}

func TestUnreadableAnswer(t *testing.T) {
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<html>oops")) }))
	defer hs.Close()
	c, _ := New(Config{APIKey: "sk-x", BaseURL: hs.URL + "/v1"})
	_, err := c.GetJob(context.Background(), "j")
	var ae *APIError
	if !errors.As(err, &ae) || cli.CodeOf(err) != cli.ExitUnavailable {
		t.Fatalf("err = %v (exit %d)", err, cli.CodeOf(err))
	}
	_, err = c.GetFile(context.Background(), "f")
	if !errors.As(err, &ae) || cli.CodeOf(err) != cli.ExitUnavailable {
		t.Fatalf("GetFile: err = %v (exit %d)", err, cli.CodeOf(err))
	}
}

func TestJobLife(t *testing.T) {
	for _, outcome := range []string{"succeeded", "failed"} {
		t.Run(outcome, func(t *testing.T) {
			e := newEnv(t, fakeopenai.Options{Life: fakeopenai.Life{Steps: 50, StepsPerTick: 23, Outcome: outcome, FailAtStep: 30}}, 8)
			ctx := context.Background()
			f := e.upload(t)
			if f.Filename != "train.jsonl" || f.Purpose != "fine-tune" || f.Bytes != int64(len(trainJSONL)) {
				t.Errorf("file %+v", f)
			}
			if got, err := e.c.GetFile(ctx, f.ID); err != nil || got != f {
				t.Errorf("GetFile = %+v, %v; want %+v", got, err, f)
			}
			files, err := e.c.ListFiles(ctx, "fine-tune")
			if err != nil || len(files) != 1 || files[0].ID != f.ID {
				t.Errorf("ListFiles = %v, %v", files, err)
			}
			seed := int64(7)
			j, err := e.c.CreateJob(ctx, JobRequest{Model: "gpt-4o-mini-2024-07-18", TrainingFile: f.ID, Seed: &seed, Suffix: "demo",
				Method: &Method{Type: "supervised", Supervised: &MethodParams{Hyperparameters: &Hyperparameters{NEpochs: Num(2), BatchSize: Auto()}}}})
			if err != nil {
				t.Fatal(err)
			}
			if j.Status != StatusValidatingFiles || j.Seed != 7 || j.Method.Hyperparameters().NEpochs.N != 2 {
				t.Errorf("created %s", j.Raw)
			}
			var events []Event
			last := ""
			for polls := 0; !Terminal(j.Status); polls++ {
				if polls > 20 {
					t.Fatal("the job never ended")
				}
				if j, err = e.c.GetJob(ctx, j.ID); err != nil {
					t.Fatal(err)
				}
				got, err := e.c.EventsSince(ctx, j.ID, last, 7)
				if err != nil {
					t.Fatal(err)
				}
				if len(got) > 0 {
					last = got[len(got)-1].ID
				}
				events = append(events, got...)
			}
			seen := map[string]bool{}
			steps := 0
			for i, ev := range events {
				if seen[ev.ID] {
					t.Errorf("event %s twice", ev.ID)
				}
				seen[ev.ID] = true
				var back Event
				if err := json.Unmarshal(ev.Raw, &back); err != nil || back.ID != ev.ID || bytes.ContainsRune(ev.Raw, '\n') {
					t.Errorf("event %s keeps raw %s", ev.ID, ev.Raw)
				}
				if i > 0 && ev.ID < events[i-1].ID {
					t.Errorf("events out of order: %s after %s", ev.ID, events[i-1].ID)
				}
				if m, ok := ev.Metrics(); ok {
					steps++
					if m.Step != int64(steps) || m.TrainLoss == nil || !strings.HasPrefix(ev.Message, fmt.Sprintf("Step %d/50: training loss=", steps)) {
						t.Errorf("metric event %s", ev.Raw)
					}
				}
			}
			all, err := e.c.EventsSince(ctx, j.ID, "", 0)
			if err != nil || len(all) != len(events) {
				t.Errorf("polled %d events, the full history has %d (%v)", len(events), len(all), err)
			}
			wantSteps := 50
			if outcome == "failed" {
				wantSteps = 30
				if j.Status != StatusFailed || j.Error == nil || j.Error.Param != "training_file" {
					t.Errorf("failed job %s", j.Raw)
				}
			} else if j.Status != StatusSucceeded || j.FineTunedModel == "" || len(j.ResultFiles) != 1 || j.TrainedTokens == 0 || j.Error != nil {
				t.Errorf("succeeded job %s", j.Raw)
			}
			if steps != wantSteps {
				t.Errorf("%d metric events, want %d", steps, wantSteps)
			}
			cps, err := e.c.ListCheckpoints(ctx, j.ID, "", 0)
			if err != nil {
				t.Fatal(err)
			}
			if outcome == "succeeded" && (len(cps.Data) != 2 || cps.Data[0].StepNumber != 50 || cps.Data[0].Metrics.TrainLoss == nil) {
				t.Errorf("checkpoints %+v", cps)
			}
		})
	}
}

func TestCancelPause(t *testing.T) {
	e := newEnv(t, fakeopenai.Options{Manual: true}, 0)
	ctx := context.Background()
	j, err := e.c.CreateJob(ctx, JobRequest{Model: "m", TrainingFile: e.upload(t).ID})
	if err != nil {
		t.Fatal(err)
	}
	e.srv.Advance(j.ID, 2)
	if j, err = e.c.PauseJob(ctx, j.ID); err != nil || j.Status != StatusPaused {
		t.Fatalf("pause: %v %v", j.Status, err)
	}
	if j, err = e.c.ResumeJob(ctx, j.ID); err != nil || j.Status != StatusRunning {
		t.Fatalf("resume: %v %v", j.Status, err)
	}
	if j, err = e.c.CancelJob(ctx, j.ID); err != nil || j.Status != StatusCancelled || !Terminal(j.Status) {
		t.Fatalf("cancel: %v %v", j.Status, err)
	}
	if _, err = e.c.CancelJob(ctx, j.ID); cli.CodeOf(err) != cli.ExitAPIRefused {
		t.Fatalf("cancelling twice: %v", err)
	}
}

func TestUploads(t *testing.T) {
	data := bytes.Repeat([]byte(trainJSONL), 1000)
	sum := md5.Sum(data)
	good := hex.EncodeToString(sum[:])
	tests := []struct {
		name      string
		size      int64
		md5       string
		faults    []string
		wantParam string
	}{
		{"ok", int64(len(data)), good, nil, ""},
		{"retried parts and lost completion", int64(len(data)), good,
			[]string{"503 POST /v1/uploads/*/parts nth=2", "drop POST /v1/uploads/*/parts nth=3", "lost POST /v1/uploads/*/complete"}, ""},
		{"bad md5", int64(len(data)), strings.Repeat("0", 32), nil, "md5"},
		{"bad size", int64(len(data)) + 1, good, nil, "bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, fakeopenai.Options{}, 8)
			for _, s := range tt.faults {
				f, err := fakeopenai.ParseFault(s)
				if err != nil {
					t.Fatal(err)
				}
				e.srv.AddFault(f)
			}
			ctx := context.Background()
			u, err := e.c.CreateUpload(ctx, UploadRequest{Filename: "/tmp/big.jsonl", Purpose: "fine-tune", Bytes: tt.size})
			if err != nil {
				t.Fatal(err)
			}
			if u.Status != "pending" || u.Filename != "big.jsonl" || u.ExpiresAt != u.CreatedAt+3600 {
				t.Errorf("upload %+v", u)
			}
			var ids []string
			for off := 0; off < len(data); off += 10000 {
				p, err := e.c.AddUploadPart(ctx, u.ID, data[off:min(off+10000, len(data))])
				if err != nil {
					t.Fatal(err)
				}
				if p.UploadID != u.ID {
					t.Errorf("part %+v", p)
				}
				ids = append(ids, p.ID)
			}
			done, err := e.c.CompleteUpload(ctx, u.ID, ids, tt.md5)
			if tt.wantParam != "" {
				var ae *APIError
				if !errors.As(err, &ae) || ae.Param != tt.wantParam || cli.CodeOf(err) != cli.ExitAPIRefused {
					t.Fatalf("err = %v, want a 400 on %s", err, tt.wantParam)
				}
				if c, err := e.c.CancelUpload(ctx, u.ID); err != nil || c.Status != "cancelled" {
					t.Errorf("cancel: %+v %v", c, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if done.Status != "completed" || done.File == nil || done.File.Bytes != int64(len(data)) {
				t.Fatalf("completed %+v", done)
			}
			if got, _ := e.srv.FileContent(done.File.ID); !bytes.Equal(got, data) {
				t.Error("the server holds other bytes")
			}
		})
	}
}

func TestInterruptedCreate(t *testing.T) {
	e := newEnv(t, fakeopenai.Options{}, 8)
	file := e.upload(t)
	e.srv.AddFault(fakeopenai.Fault{Method: "POST", Path: "/v1/fine_tuning/jobs", Kind: fakeopenai.FaultSlow})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for e.srv.Count("POST", "/v1/fine_tuning/jobs") == 0 {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	_, err := e.c.CreateJob(ctx, JobRequest{Model: "m", TrainingFile: file.ID})
	if !errors.Is(err, ErrMaybeCreated) || !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v; want maybe-created and canceled", err)
	}
	// Interrupted while waiting to retry a read: just the cancellation.
	ctx, cancel = context.WithCancel(context.Background())
	e.c.do.cfg.Sleep = func(context.Context, time.Duration) error { cancel(); return context.Canceled }
	e.srv.AddFault(fakeopenai.Fault{Method: "GET", Status: 503})
	_, err = e.c.ListJobs(ctx, ListJobsParams{})
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrMaybeCreated) {
		t.Fatalf("err = %v; want canceled", err)
	}
}

func TestListFilesPages(t *testing.T) {
	e := newEnv(t, fakeopenai.Options{}, 0)
	defer func(n int) { listFilesLimit = n }(listFilesLimit)
	listFilesLimit = 2
	var want []string
	for i := range 5 {
		f, err := e.c.UploadFile(context.Background(), fmt.Sprintf("t%d.jsonl", i), []byte(trainJSONL), "fine-tune")
		if err != nil {
			t.Fatal(err)
		}
		want = append([]string{f.ID}, want...)
	}
	e.c.UploadFile(context.Background(), "other.jsonl", []byte(trainJSONL), "batch")
	files, err := e.c.ListFiles(context.Background(), "fine-tune")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range files {
		got = append(got, f.ID)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) || e.srv.Count("GET", "/v1/files") != 3 {
		t.Errorf("got %v in %d requests, want %v in 3", got, e.srv.Count("GET", "/v1/files"), want)
	}
}

// Hostile answers are read bounded, named in one short line, and the 2xx
// ones that are not the JSON expected are retried like a 5xx.
func TestHostileAnswers(t *testing.T) {
	const huge = 50 << 20
	tests := []struct {
		name     string
		fault    string
		retries  int
		maxBody  int64
		wantErr  string // "" for success after the retries
		attempts int
		maxSent  int64 // bytes the server may have written, over all attempts
	}{
		{"500 with a 50 MB message", fmt.Sprintf("500 GET /v1/fine_tuning/jobs times=-1 size=%d message=overloaded", huge), 2, 0,
			"GET /v1/fine_tuning/jobs: 500: overloaded and so on", 3, 3 * 8 << 20},
		{"502 HTML page", "html GET /v1/fine_tuning/jobs times=-1 size=1M", 1, 0, `an HTML page titled "502 Bad Gateway"`, 2, 2 * 8 << 20},
		{"200 HTML page, then the answer", "html GET /v1/fine_tuning/jobs status=200 times=2", 8, 0, "", 3, 1 << 20},
		{"200 HTML page, retries run out", "html GET /v1/fine_tuning/jobs status=200 times=-1", 1, 0,
			`200: answer is not the JSON expected (`, 2, 1 << 20},
		{"truncated JSON, then the answer", "cut GET /v1/fine_tuning/jobs times=2", 8, 0, "", 3, 1 << 20},
		{"200 far too large", fmt.Sprintf("html GET /v1/fine_tuning/jobs status=200 times=-1 size=%d", huge), 1, 1 << 20,
			"answer larger than 1 MiB", 2, 2 * 9 << 20},
		{"200 announced far too large", "html GET /v1/fine_tuning/jobs status=200 times=-1 size=5M length=1", 1, 1 << 20,
			"answer larger than 1 MiB", 2, 2 * 9 << 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, fakeopenai.Options{}, tt.retries)
			f, err := fakeopenai.ParseFault(tt.fault)
			if err != nil {
				t.Fatal(err)
			}
			e.srv.AddFault(f)
			var l JobList
			err = e.c.Call(context.Background(), Call{Method: "GET", Path: "/fine_tuning/jobs", Out: &l, MaxBody: tt.maxBody})
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("err = %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
			case tt.wantErr != "" && cli.CodeOf(err) != cli.ExitUnavailable:
				t.Errorf("exit %d, want %d", cli.CodeOf(err), cli.ExitUnavailable)
			}
			if err != nil {
				msg := err.Error()
				if len(msg) > 600 || strings.ContainsAny(msg, "\n\r") || strings.Contains(msg, "<title") || strings.Contains(msg, "<html") {
					t.Errorf("error is %d bytes, want one short line without markup: %.700q", len(msg), msg)
				}
				if strings.Count(msg, "/v1/fine_tuning/jobs") != 1 {
					t.Errorf("error names the request more than once: %s", msg)
				}
				if !strings.Contains(msg, "[request id req_fake") || !strings.Contains(msg, "client request id ft-") {
					t.Errorf("error lacks the request ids: %s", msg)
				}
			}
			if lines := e.log.String(); len(lines) > (tt.attempts-1)*600 {
				t.Errorf("retry log is %d bytes for %d retries", len(lines), tt.attempts-1)
			}
			var sent int64
			reqs := e.srv.Requests()
			for _, r := range reqs {
				sent += r.Sent
			}
			t.Logf("%d requests, %d bytes of answer written by the server", len(reqs), sent)
			if len(reqs) != tt.attempts {
				t.Errorf("%d requests, want %d", len(reqs), tt.attempts)
			}
			if sent > tt.maxSent {
				t.Errorf("the server wrote %d bytes: the answer was read unbounded (cap %d)", sent, tt.maxSent)
			}
		})
	}
}

// Every request says who sends it and carries a client request id that
// its retries keep and the next request does not share.
func TestRequestIdentity(t *testing.T) {
	e := newEnv(t, fakeopenai.Options{}, 3)
	e.srv.AddFault(fakeopenai.Fault{Method: "GET", Path: "/v1/fine_tuning/jobs", Status: 503, Times: 2})
	ctx := context.Background()
	if _, err := e.c.ListJobs(ctx, ListJobsParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.ListJobs(ctx, ListJobsParams{}); err != nil {
		t.Fatal(err)
	}
	reqs := e.srv.Requests()
	if len(reqs) != 4 {
		t.Fatalf("%d requests, want 4: %v", len(reqs), reqs)
	}
	for _, r := range reqs {
		if !strings.HasPrefix(r.UserAgent, "ft/") {
			t.Errorf("User-Agent %q", r.UserAgent)
		}
		if r.ClientRequestID == "" {
			t.Errorf("no X-Client-Request-Id on %v", r)
		}
	}
	if a, b, c, d := reqs[0].ClientRequestID, reqs[1].ClientRequestID, reqs[2].ClientRequestID, reqs[3].ClientRequestID; a != b || b != c || c == d {
		t.Errorf("client request ids %s %s %s (retries of one request) and %s (the next): want the first three equal, the last different", a, b, c, d)
	}
	if !strings.Contains(e.log.String(), reqs[0].ClientRequestID) || !strings.Contains(e.log.String(), reqs[0].RequestID) {
		t.Errorf("retry log lacks the ids %s, %s:\n%s", reqs[0].RequestID, reqs[0].ClientRequestID, e.log)
	}
}

// A create whose answer was a 5xx names the request once.
func TestMaybeCreatedOnePrefix(t *testing.T) {
	e := newEnv(t, fakeopenai.Options{}, 3)
	e.srv.AddFault(fakeopenai.Fault{Method: "POST", Path: "/v1/files", Status: 500})
	_, err := e.c.UploadFile(context.Background(), "train.jsonl", []byte(trainJSONL), "fine-tune")
	if !errors.Is(err, ErrMaybeCreated) {
		t.Fatalf("err = %v", err)
	}
	if msg := err.Error(); strings.Count(msg, "POST /v1/files") != 1 || !strings.Contains(msg, "request id req_fake") {
		t.Errorf("error %q: want the request named once, with its id", msg)
	}
}

func TestOneLine(t *testing.T) {
	for _, tt := range []struct {
		in   string
		n    int
		want string
	}{
		{"plain", 10, "plain"},
		{"two\nlines\r\n\tand  tabs", 30, "two lines and tabs"},
		{strings.Repeat("é", 20), 10, strings.Repeat("é", 5) + "…"},
		{"bad \xff byte", 20, "bad \ufffd byte"},
		{strings.Repeat("x", 1000), 10, strings.Repeat("x", 10) + "…"},
		{"", 10, ""},
	} {
		if got := oneLine(tt.in, tt.n); got != tt.want {
			t.Errorf("oneLine(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

// An error envelope cut by the read bound still gives its message's start.
func TestCutEnvelope(t *testing.T) {
	d := &doer{}
	resp := &http.Response{StatusCode: 500, Header: http.Header{"X-Request-Id": {"req_1"}}}
	for _, tt := range []struct{ body, want string }{
		{`{"error":{"message":"disk full","type":"server_error"}}`, "disk full"},
		{`{"error":{"message":"disk \"full\" and then` + strings.Repeat(" more", 100), `disk "full" and then more more`},
		{`{"error":{"type":"server_error","message":"cut \`, "cut"},
		{`{"error":{"message":"\u00e9t\u00e`, "ét"},
	} {
		e := d.apiError("GET", "/v1/x", resp, []byte(tt.body))
		if !strings.HasPrefix(e.Message, tt.want) || len(e.Message) > maxMessage+len("…") {
			t.Errorf("body %.60q: message %q, want it to start %q", tt.body, e.Message, tt.want)
		}
	}
}

// Whatever a server sends, the error made of it is one line of bounded
// length.
func FuzzErrorBody(f *testing.F) {
	for _, s := range []string{`{"error":{"message":"x","code":1}}`, "not json " + strings.Repeat("y", 70) + "sk-secret-key", `{"error":{"message":"` + strings.Repeat("z", 290) + `sk-secret-key"}}`, `{"error":{"message":"\u00e`, "<html><title>t\n</title>", "", "\xff\xfe", `{"error":"flat"}`} {
		f.Add([]byte(s), "text/html")
		f.Add([]byte(s), "application/json")
	}
	d := &doer{cfg: Config{APIKey: "sk-secret-key"}}
	f.Fuzz(func(t *testing.T, body []byte, ctype string) {
		resp := &http.Response{StatusCode: 502, Header: http.Header{"Content-Type": {ctype}, "X-Request-Id": {string(body)}}}
		e := d.apiError("GET", "/v1/x", resp, body)
		msg := e.Error()
		if strings.ContainsAny(msg, "\n\r") {
			t.Fatalf("error on more than one line: %q", msg)
		}
		if len(msg) > 1200 {
			t.Fatalf("error of %d bytes", len(msg))
		}
		if strings.Contains(msg, "sk-secret") {
			t.Fatalf("key in %q", msg)
		}
		if d := d.describe(resp.Header, body); len(d) > 300 || strings.ContainsAny(d, "\n\r") {
			t.Fatalf("describeBody = %q", d)
		}
	})
}

// A bad answer half decoded leaves nothing in the value the good answer of
// the retry is decoded into.
func TestRetryDecodesAfresh(t *testing.T) {
	n := 0
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n++
		if n == 1 {
			w.Write([]byte(`{"id":"ftjob-1","status":"failed","fine_tuned_model":"ft:stale","trained_tokens":9,"result_files":["x"],`))
			return
		}
		w.Write([]byte(`{"id":"ftjob-1","status":"running"}`))
	}))
	defer hs.Close()
	c, _ := New(Config{APIKey: "sk-x", BaseURL: hs.URL + "/v1", MaxRetries: 1, Sleep: func(context.Context, time.Duration) error { return nil }})
	var l struct {
		ID             string   `json:"id"`
		Status         string   `json:"status"`
		FineTunedModel string   `json:"fine_tuned_model"`
		TrainedTokens  int      `json:"trained_tokens"`
		ResultFiles    []string `json:"result_files"`
	}
	if err := c.Call(context.Background(), Call{Method: "GET", Path: "/fine_tuning/jobs/ftjob-1", Out: &l}); err != nil {
		t.Fatal(err)
	}
	if n != 2 || l.Status != "running" || l.FineTunedModel != "" || l.TrainedTokens != 0 || l.ResultFiles != nil {
		t.Errorf("after %d answers got %+v, want only the second answer's fields", n, l)
	}
}
