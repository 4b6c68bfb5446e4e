package openai

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ft-tools/ft/cmd/internal/cli"
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
	check, maxBody := jsonAnswer, int64(0)
	if strings.HasSuffix(req.URL.Path, "/content") {
		// A file's content is whatever was uploaded, up to the largest file.
		check, maxBody = nil, maxContentBody
	}
	resp, body, err := d.send(req, maxBody, check)
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	return resp, nil
}

// jsonAnswer accepts a body that is JSON, as every answer of the API but a
// file's content is.
func jsonAnswer(body []byte) error {
	if !json.Valid(body) {
		return errors.New("not JSON")
	}
	return nil
}

// send is the one way a request reaches the API: it sets the headers, reads
// at most maxBody bytes of a 2xx answer (0: DefaultMaxBody) and has check
// accept it (nil accepts any), and retries under the policy. An answer that
// is too large or that check refuses is a fault of the way there (a proxy's
// page, a cut connection), retried like a 5xx. Every request carries an
// X-Client-Request-Id, the same across its retries, which errors name beside
// OpenAI's x-request-id.
func (d *doer) send(req *http.Request, maxBody int64, check func([]byte) error) (*http.Response, []byte, error) {
	ctx := req.Context()
	once, _ := ctx.Value(nonIdempotentKey{}).(bool)
	maxRetries := max(d.cfg.MaxRetries, 0)
	if maxBody <= 0 {
		maxBody = DefaultMaxBody
	}
	timeout := d.cfg.Timeout
	if timeout <= 0 {
		// Enough for the body at a slow 256 KiB/s, on top of a wait for the
		// answer: a 64 MB part gets about 6 minutes, a 512 MB file 36.
		timeout = DefaultTimeout + time.Duration(max(req.ContentLength, 0)/(256<<10))*time.Second
	}
	clientID := req.Header.Get(ClientRequestIDHeader)
	if clientID == "" {
		clientID = newClientRequestID()
		req.Header.Set(ClientRequestIDHeader, clientID)
	}
	path := req.URL.Path
	for attempt := 0; ; attempt++ {
		if attempt > 0 && req.Body != nil && req.Body != http.NoBody {
			if req.GetBody == nil {
				return nil, nil, fmt.Errorf("%s %s: cannot resend a request body that cannot be rewound", req.Method, path)
			}
			body, err := req.GetBody()
			if err != nil {
				return nil, nil, err
			}
			req.Body = body
		}
		resp, body, sent, err := d.attempt(ctx, req, timeout, maxBody)
		tooLarge := int64(len(body)) > maxBody || err == errTooLarge
		if err == errTooLarge {
			err = nil
		}
		if ctx.Err() != nil {
			if once && sent {
				// Interrupted after sending: the caller must still learn
				// that the job may exist (errors.Is finds both).
				return nil, nil, &MaybeCreatedError{Method: req.Method, Path: path, Err: ctx.Err()}
			}
			return nil, nil, ctx.Err()
		}
		var last error
		var retryAfter time.Duration
		switch {
		case err != nil:
			last = &NetworkError{Method: req.Method, Path: path, ClientRequestID: clientID, Err: d.redactErr(bare(err))}
			if once && sent {
				return nil, nil, &MaybeCreatedError{Method: req.Method, Path: path, Err: last}
			}
		case resp.StatusCode >= 200 && resp.StatusCode < 300:
			msg := ""
			if tooLarge {
				msg = fmt.Sprintf("answer larger than %s, far more than any real answer; not read further", sizeText(maxBody))
			} else if check != nil {
				if cerr := check(body); cerr != nil {
					msg = "answer is not the JSON expected (" + cerr.Error() + "): " + d.describe(resp.Header, body)
				}
			}
			if msg == "" {
				return resp, body, nil
			}
			bad := &APIError{Status: resp.StatusCode, Method: req.Method, Path: path, Message: d.redact(msg),
				RequestID: resp.Header.Get(RequestIDHeader), ClientRequestID: clientID}
			if once {
				// The server answered 2xx: the object was made.
				return nil, nil, &MaybeCreatedError{Method: req.Method, Path: path, Err: bad}
			}
			last = bad
		default:
			apiErr := d.apiError(req.Method, path, resp, body)
			apiErr.ClientRequestID = clientID
			if !shouldRetry(resp) {
				return nil, nil, apiErr
			}
			last = apiErr
			// A create refused by the rate limiter or timed out before it
			// was read is safe to resend; a 409 or 5xx may hide a success.
			if once && resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusRequestTimeout {
				return nil, nil, &MaybeCreatedError{Method: req.Method, Path: path, Err: apiErr}
			}
			retryAfter = retryAfterOf(resp.Header)
			if retryAfter > MaxRetryAfter {
				return nil, nil, &UnavailableError{Method: req.Method, Path: path, Attempts: attempt + 1, RetryAfter: retryAfter, Err: apiErr}
			}
		}
		if attempt >= maxRetries {
			return nil, nil, &UnavailableError{Method: req.Method, Path: path, Attempts: attempt + 1, Err: last}
		}
		wait := retryAfter
		if wait <= 0 {
			wait = Backoff(attempt)
		}
		d.logf("%v; retrying in %s (retry %d of %d)", last, wait.Round(time.Millisecond), attempt+1, maxRetries)
		if err := d.sleep(ctx, wait); err != nil {
			return nil, nil, err
		}
	}
}

// Bounds of what is read of an answer. An error answer is read up to
// maxErrorBody, which holds any real error envelope, and up to
// drainErrorBody more is discarded so that the connection can be reused;
// past that it is closed. A message put into a diagnostic is cut to
// maxMessage bytes on one line.
const (
	DefaultMaxBody = 16 << 20 // 5 times a page of 10,000 file objects, the largest list
	maxContentBody = MaxUploadBytes
	maxErrorBody   = 16 << 10
	drainErrorBody = 256 << 10
	maxMessage     = 300
)

// Headers that identify a request: OpenAI's, which its support asks for,
// and the client's own, kept across retries.
const (
	RequestIDHeader       = "X-Request-Id"
	ClientRequestIDHeader = "X-Client-Request-Id"
)

// errTooLarge is an answer whose Content-Length is over the bound.
var errTooLarge = errors.New("answer too large")

func newClientRequestID() string {
	b := make([]byte, 12)
	crand.Read(b)
	return "ft-" + hex.EncodeToString(b)
}

// bare drops net/http's `Get "URL": ` wrapping: the error is already
// prefixed by method and path, and the URL would say it twice.
func bare(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// attempt sends once and reads the answer, so that a connection dropped in
// the middle of the body is retried like any other. A 2xx body is read up
// to maxBody+1 bytes (one more tells that it is too large), an error body
// up to maxErrorBody. sent reports whether request headers left for the
// server, after which a create may have happened.
func (d *doer) attempt(ctx context.Context, req *http.Request, timeout time.Duration, maxBody int64) (resp *http.Response, body []byte, sent bool, err error) {
	var wrote atomic.Bool
	trace := &httptrace.ClientTrace{WroteHeaders: func() { wrote.Store(true) }}
	actx, cancel := context.WithTimeout(httptrace.WithClientTrace(ctx, trace), timeout)
	defer cancel()
	r := req.Clone(actx)
	d.setHeaders(r)
	resp, err = d.http.Do(r)
	if err != nil {
		return nil, nil, wrote.Load(), err
	}
	defer resp.Body.Close()
	limit := maxBody + 1
	if resp.StatusCode < 200 || resp.StatusCode >= 300 {
		limit = maxErrorBody
	} else if resp.ContentLength > maxBody {
		// Announced too large: not worth reading at all.
		return resp, nil, wrote.Load(), errTooLarge
	}
	body, err = io.ReadAll(io.LimitReader(resp.Body, limit))
	if err == nil && (resp.StatusCode < 200 || resp.StatusCode >= 300) {
		// Whatever the error read, it is complete enough to report.
		io.CopyN(io.Discard, resp.Body, drainErrorBody)
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
	ua := d.cfg.UserAgent
	if ua == "" {
		ua = "ft/" + cli.Version()
	}
	r.Header.Set("User-Agent", ua)
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

// Await looks for an object that a request whose answer was lost may have
// made: it calls find after a pause, then again with Backoff, until find
// reports it found it or fails, or the pauses add up to budget (a list of
// jobs or files can lag behind a create by seconds). sleep waits (nil:
// Sleep); note, when set, is told before each further look how long was
// waited so far. The pauses, not the clock, are counted, so a test whose
// sleep returns at once looks as many times.
func Await(ctx context.Context, sleep func(context.Context, time.Duration) error, budget time.Duration, note func(waited time.Duration), find func() (bool, error)) (bool, error) {
	if sleep == nil {
		sleep = Sleep
	}
	var waited time.Duration
	for n := 0; ; n++ {
		wait := min(Backoff(n), max(budget-waited, 0))
		if err := sleep(ctx, wait); err != nil {
			return false, err
		}
		waited += wait
		ok, err := find()
		if ok || err != nil {
			return ok, err
		}
		if waited >= budget {
			return false, nil
		}
		if note != nil {
			note(waited)
		}
	}
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
// or a number, param and code may be null, the body may not be JSON at all
// (an HTML page from a proxy becomes its title). Every text is cut to one
// short line: a server can send a message of any size.
func (d *doer) apiError(method, path string, resp *http.Response, body []byte) *APIError {
	status := resp.StatusCode
	e := &APIError{Status: status, Method: method, Path: path, RequestID: oneLine(d.redact(resp.Header.Get(RequestIDHeader)), 100)}
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
	} else if m, ok := cutMessage(body); ok {
		e.Message = m
	} else if len(bytes.TrimSpace(body)) > 0 {
		e.Message = d.describe(resp.Header, body)
	}
	if e.Message == "" {
		e.Message = http.StatusText(status)
	}
	e.Message, e.Param, e.Code, e.Type = d.redact(e.Message), d.redact(e.Param), d.redact(e.Code), d.redact(e.Type)
	e.Message, e.Param, e.Code, e.Type = oneLine(e.Message, maxMessage), oneLine(e.Param, 100), oneLine(e.Code, 100), oneLine(e.Type, 100)
	return e
}

var messageRE = regexp.MustCompile(`^\s*\{\s*"error"\s*:\s*\{.*?"message"\s*:\s*"`)

// cutMessage reads the message of an error envelope that the read bound
// cut short: its start is all a diagnostic shows anyway.
func cutMessage(body []byte) (string, bool) {
	loc := messageRE.FindIndex(body)
	if loc == nil {
		return "", false
	}
	rest := body[loc[1]:]
	rest = rest[:min(len(rest), 4*maxMessage)]
	end := len(rest)
	for i := 0; i < len(rest); i++ {
		if rest[i] == '\\' {
			i++
		} else if rest[i] == '"' {
			end = i
			break
		}
	}
	lit := rest[:end]
	// Drop a cut escape (\, \u00e) at the end so that the rest decodes.
	if i := bytes.LastIndexByte(lit, '\\'); i >= 0 && i >= len(lit)-6 {
		if _, err := strconv.Unquote(`"` + string(lit[i:]) + `"`); err != nil {
			lit = lit[:i]
		}
	}
	var s string
	if json.Unmarshal([]byte(`"`+string(lit)+`"`), &s) != nil {
		s = string(lit)
	}
	return s, true
}

// describe is describeBody of the body with the key redacted first, so that
// no cut can leave a piece of the key that redaction would not find.
func (d *doer) describe(h http.Header, body []byte) string {
	head := body[:min(len(body), maxErrorBody)]
	return describeBody(h, []byte(d.redact(string(head))), len(body))
}

var titleRE = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)

// describeBody says in a short line what a body that is not the expected
// JSON is: an HTML page by its title, anything else by its start. A cut
// JSON envelope (the body was larger than what was read) is still shown by
// its start, never whole.
func describeBody(h http.Header, head []byte, size int) string {
	trimmed := bytes.TrimSpace(head)
	ctype := strings.ToLower(h.Get("Content-Type"))
	if strings.Contains(ctype, "html") || bytes.HasPrefix(bytes.ToLower(trimmed), []byte("<!doctype html")) || bytes.HasPrefix(bytes.ToLower(trimmed), []byte("<html")) {
		if m := titleRE.FindSubmatch(head); m != nil {
			if t := oneLine(html.UnescapeString(string(m[1])), 100); t != "" {
				return fmt.Sprintf("an HTML page titled %q", t)
			}
		}
		return "an HTML page without a title"
	}
	if len(trimmed) == 0 {
		return "an empty body"
	}
	return fmt.Sprintf("%d bytes starting %q", size, oneLine(string(trimmed), 80))
}

// oneLine makes s fit on one line of at most n bytes: control characters
// and runs of spaces become one space, invalid UTF-8 is replaced, and a cut
// ends in "…".
func oneLine(s string, n int) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToValidUTF8(s[:min(len(s), 4*n)], "\ufffd") {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			space = true
			continue
		}
		sep := 0
		if space && b.Len() > 0 {
			sep = 1
		}
		space = false
		if b.Len()+sep+utf8.RuneLen(r) > n {
			return b.String() + "…"
		}
		if sep > 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	if len(s) > 4*n {
		return b.String() + "…"
	}
	return b.String()
}

func sizeText(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
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
