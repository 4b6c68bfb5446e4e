package openai

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/goccy/go-json"
)

// doer sends a request with the configured headers and the retry policy. It
// is go-openai's HTTPClient as well as the transport of the typed calls, so
// both retry the same way. A final non-2xx answer is returned as an error
// (*APIError, *UnavailableError or *MaybeCreatedError), never as a response.
type doer struct {
	cfg  Config
	http *http.Client
}

type nonIdempotentKey struct{}

// nonIdempotent marks a request that must not be sent twice (job creation).
func nonIdempotent(ctx context.Context) context.Context {
	return context.WithValue(ctx, nonIdempotentKey{}, true)
}

func (d *doer) String() string   { return "openai.doer{" + d.cfg.String() + "}" }
func (d *doer) GoString() string { return d.String() }

func (d *doer) Do(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	once, _ := ctx.Value(nonIdempotentKey{}).(bool)
	maxRetries := max(d.cfg.MaxRetries, 0)
	timeout := d.cfg.Timeout
	if timeout <= 0 {
		// Enough for the body at a slow 256 KiB/s, on top of a wait for the
		// answer: a 64 MB part gets about 6 minutes, a 512 MB file 36.
		timeout = DefaultTimeout + time.Duration(max(req.ContentLength, 0)/(256<<10))*time.Second
	}
	path := req.URL.Path
	for attempt := 0; ; attempt++ {
		if attempt > 0 && req.Body != nil && req.Body != http.NoBody {
			if req.GetBody == nil {
				return nil, fmt.Errorf("%s %s: cannot resend a request body that cannot be rewound", req.Method, path)
			}
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			req.Body = body
		}
		resp, body, sent, err := d.attempt(ctx, req, timeout)
		if ctx.Err() != nil {
			if once && sent {
				// Interrupted after sending: the caller must still learn
				// that the job may exist (errors.Is finds both).
				return nil, &MaybeCreatedError{Method: req.Method, Path: path, Err: ctx.Err()}
			}
			return nil, ctx.Err()
		}
		var last error
		var retryAfter time.Duration
		if err != nil {
			last = d.redactErr(fmt.Errorf("%s %s: %w", req.Method, path, err))
			if once && sent {
				return nil, &MaybeCreatedError{Method: req.Method, Path: path, Err: last}
			}
		} else {
			if resp.StatusCode >= 200 && resp.StatusCode < 300 {
				resp.Body = io.NopCloser(bytes.NewReader(body))
				resp.ContentLength = int64(len(body))
				return resp, nil
			}
			apiErr := d.apiError(req.Method, path, resp.StatusCode, body)
			if !shouldRetry(resp) {
				return nil, apiErr
			}
			last = apiErr
			// A create refused by the rate limiter or timed out before it
			// was read is safe to resend; a 409 or 5xx may hide a success.
			if once && resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusRequestTimeout {
				return nil, &MaybeCreatedError{Method: req.Method, Path: path, Err: apiErr}
			}
			retryAfter = retryAfterOf(resp.Header)
			if retryAfter > MaxRetryAfter {
				return nil, &UnavailableError{Method: req.Method, Path: path, Attempts: attempt + 1, RetryAfter: retryAfter, Err: apiErr}
			}
		}
		if attempt >= maxRetries {
			return nil, &UnavailableError{Method: req.Method, Path: path, Attempts: attempt + 1, Err: last}
		}
		wait := retryAfter
		if wait <= 0 {
			wait = Backoff(attempt)
		}
		d.logf("retrying %s %s in %s (retry %d of %d): %v", req.Method, path, wait.Round(time.Millisecond), attempt+1, maxRetries, last)
		if err := d.sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// attempt sends once and reads the whole answer, so that a connection
// dropped in the middle of the body is retried like any other. sent reports
// whether request headers left for the server, after which a create may
// have happened.
func (d *doer) attempt(ctx context.Context, req *http.Request, timeout time.Duration) (resp *http.Response, body []byte, sent bool, err error) {
	var wrote atomic.Bool
	trace := &httptrace.ClientTrace{WroteHeaders: func() { wrote.Store(true) }}
	actx, cancel := context.WithTimeout(httptrace.WithClientTrace(ctx, trace), timeout)
	defer cancel()
	r := req.Clone(actx)
	d.setHeaders(r)
	resp, err = d.http.Do(r)
	if err == nil {
		body, err = io.ReadAll(resp.Body)
		resp.Body.Close()
	}
	return resp, body, wrote.Load(), err
}

func (d *doer) setHeaders(r *http.Request) {
	r.Header.Set("Authorization", "Bearer "+d.cfg.APIKey)
	if d.cfg.OrgID != "" {
		r.Header.Set("OpenAI-Organization", d.cfg.OrgID)
	}
	if d.cfg.ProjectID != "" {
		r.Header.Set("OpenAI-Project", d.cfg.ProjectID)
	}
	if r.Header.Get("Accept") == "" {
		r.Header.Set("Accept", "application/json")
	}
}

// shouldRetry follows the official SDKs: the server's x-should-retry wins,
// then 408, 409, 429 and 5xx are retried.
func shouldRetry(resp *http.Response) bool {
	switch strings.ToLower(resp.Header.Get("x-should-retry")) {
	case "true":
		return true
	case "false":
		return false
	}
	s := resp.StatusCode
	return s == http.StatusRequestTimeout || s == http.StatusConflict || s == http.StatusTooManyRequests || s >= 500
}

// retryAfterOf reads retry-after-ms, then Retry-After in seconds or as an
// HTTP date; 0 when absent or not in the future.
func retryAfterOf(h http.Header) time.Duration {
	if v := h.Get("retry-after-ms"); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms > 0 {
			return time.Duration(ms * float64(time.Millisecond))
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if s <= 0 {
			return 0
		}
		return time.Duration(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}

// Backoff is the wait before retry n+1 without a Retry-After:
// 0.5 s·2^n capped at MaxBackoff, times a jitter factor in (0.75, 1] so
// that clients stopped together do not come back together.
func Backoff(n int) time.Duration {
	d := MaxBackoff
	if n < 16 {
		d = min(500*time.Millisecond<<n, MaxBackoff)
	}
	return time.Duration(float64(d) * (1 - 0.25*rand.Float64()))
}

func (d *doer) sleep(ctx context.Context, wait time.Duration) error {
	if d.cfg.Sleep != nil {
		return d.cfg.Sleep(ctx, wait)
	}
	return Sleep(ctx, wait)
}

// Sleep waits for d, or returns ctx's error as soon as ctx ends.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (d *doer) logf(format string, args ...any) {
	if d.cfg.Log == nil {
		return
	}
	line := d.redact(fmt.Sprintf(format, args...))
	if d.cfg.Name != "" {
		line = d.cfg.Name + ": " + line
	}
	io.WriteString(d.cfg.Log, line+"\n")
}

// redact removes the key from text that came from elsewhere (a server
// message, a network error): the key never reaches any output.
func (d *doer) redact(s string) string {
	if k := d.cfg.APIKey; len(k) >= 4 {
		s = strings.ReplaceAll(s, k, "[redacted]")
	}
	return s
}

func (d *doer) redactErr(err error) error {
	if msg := err.Error(); d.redact(msg) != msg {
		return &redactedError{msg: d.redact(msg), err: err}
	}
	return err
}

// apiError decodes OpenAI's error envelope leniently: code may be a string
// or a number, param and code may be null, the body may not be JSON at all.
func (d *doer) apiError(method, path string, status int, body []byte) *APIError {
	e := &APIError{Status: status, Method: method, Path: path}
	var env struct {
		Error json.RawMessage `json:"error"`
	}
	var inner struct {
		Message json.RawMessage `json:"message"`
		Type    json.RawMessage `json:"type"`
		Param   json.RawMessage `json:"param"`
		Code    json.RawMessage `json:"code"`
	}
	if json.Unmarshal(body, &env) == nil && json.Unmarshal(env.Error, &inner) == nil {
		e.Message, e.Type, e.Param, e.Code = text(inner.Message), text(inner.Type), text(inner.Param), text(inner.Code)
	} else if s := strings.TrimSpace(string(body)); s != "" {
		if len(s) > 200 {
			s = s[:200] + "…"
		}
		e.Message = s
	}
	if e.Message == "" {
		e.Message = http.StatusText(status)
	}
	e.Message, e.Param, e.Code, e.Type = d.redact(e.Message), d.redact(e.Param), d.redact(e.Code), d.redact(e.Type)
	return e
}

// text renders a JSON scalar as text: strings unquoted, null as "".
func text(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var parts []string
	if json.Unmarshal(raw, &parts) == nil {
		return strings.Join(parts, ", ")
	}
	return string(raw)
}

func newHTTPClient() *http.Client {
	dialer := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = dialer.DialContext
	t.TLSHandshakeTimeout = 30 * time.Second
	return &http.Client{Transport: t}
}
