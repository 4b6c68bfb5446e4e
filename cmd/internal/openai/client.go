// Package openai is the toolkit's client of OpenAI's fine-tuning API: files,
// uploads, jobs, events and checkpoints, with one retry policy.
//
// go-openai (imported as goopenai) does the calls it covers correctly (file
// retrieval, deletion); the rest are small typed requests here, because
// go-openai lacks a job's method, seed, metadata, integrations and error,
// the list of jobs, checkpoints, a file's expires_after and the Uploads API,
// and drops an event's id, type and data. Both share one configuration and
// one sender, which sets the headers (the key, User-Agent ft/VERSION, an
// X-Client-Request-Id kept across retries) and applies the retry policy
// (see Backoff and Config.MaxRetries): connection errors, timeouts, 408,
// 409, 429, 5xx and 2xx answers that are not the JSON expected are retried
// with exponential backoff and jitter, honouring retry-after-ms and
// Retry-After; a creation that may have reached the server is never sent
// twice but fails with ErrMaybeCreated. Client.Call is the one entry point
// of a typed request.
//
// Answers are read bounded (an error to 16 KiB, a 2xx to DefaultMaxBody or
// the call's MaxBody) and every server text in an error is cut to one short
// line; errors name OpenAI's x-request-id and the client request id.
//
// Decoding is lenient where the API is: a job's error may be null or {},
// hyperparameters "auto" or numbers, status any string. Jobs, events and
// checkpoints keep the JSON the server sent (compacted to one line) in Raw,
// and marshal back to it, so a tool prints what the server said.
//
// The key is sent in the Authorization header and nowhere else: Config and
// Client print without it and server messages that echo it are redacted.
package openai

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"

	"github.com/goccy/go-json"
	goopenai "github.com/sashabaranov/go-openai"
)

// Client calls the API. It is safe for concurrent use.
type Client struct {
	cfg    Config
	base   string // BaseURL without a trailing slash
	prefix string // the base URL's path, e.g. "/v1", which errors show
	do     *doer
	sdk    *goopenai.Client
}

// New returns a client for cfg. It fails only without a key or with a base
// URL that is not http(s).
func New(cfg Config) (*Client, error) {
	if cfg.APIKey == "" {
		return nil, ErrNoAPIKey
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("OPENAI_BASE_URL: want an http(s) URL such as " + DefaultBaseURL)
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = newHTTPClient()
	}
	d := &doer{cfg: cfg, http: hc}
	// go-openai gets no key: the sender sets the headers of every request.
	sc := goopenai.DefaultConfig("")
	sc.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	sc.HTTPClient = d
	return &Client{cfg: cfg, base: strings.TrimRight(cfg.BaseURL, "/"), prefix: strings.TrimRight(u.Path, "/"), do: d, sdk: goopenai.NewClientWithConfig(sc)}, nil
}

// SDK returns the go-openai client that shares this client's configuration
// and retry policy, for calls this package does not wrap. Its errors are
// this package's *APIError, *UnavailableError or *MaybeCreatedError.
func (c *Client) SDK() *goopenai.Client { return c.sdk }

// Config returns the configuration the client was made with.
func (c *Client) Config() Config { return c.cfg }

func (c *Client) String() string   { return "openai.Client{" + c.cfg.String() + "}" }
func (c *Client) GoString() string { return c.String() }

// request is one typed call's body: JSON, or a multipart form.
type request struct {
	json        any
	raw         []byte
	contentType string
}

// call sends method path?query with body and decodes a 2xx answer into out
// (nil: the answer must still be JSON), under the retry policy: an answer
// that does not decode is retried like a 5xx. It is how every typed
// endpoint talks to the API; see Call for the options.
func (c *Client) call(ctx context.Context, method, path string, query url.Values, body *request, out any) error {
	return c.Call(ctx, Call{Method: method, Path: path, Query: query, body: body, Out: out})
}

// Call is one logical request to the API: sent, retried and read the same
// way as every other (see Client.Call).
type Call struct {
	Method string
	Path   string // under the base URL, e.g. "/chat/completions"
	Query  url.Values
	JSON   any  // the request body, marshalled as JSON; nil: none
	Out    any  // where a 2xx answer is decoded; nil: it is checked to be JSON
	Once   bool // not idempotent: never sent twice (see ErrMaybeCreated)
	// MaxBody caps a 2xx answer (0: DefaultMaxBody); a larger one is an
	// error that says so, retried like a 5xx.
	MaxBody int64

	body *request // a multipart form instead of JSON
}

// Call sends one request with the client's headers (key, organization,
// project, User-Agent, an X-Client-Request-Id kept across retries) and the
// retry policy. The answer is read bounded: an error answer to a few KiB,
// its message cut to one line (an HTML page to its title), a 2xx answer to
// MaxBody; a 2xx that does not decode into Out is retried within
// MaxRetries. Errors are *APIError (with OpenAI's request id),
// *UnavailableError, *MaybeCreatedError (Once) or the context's.
func (c *Client) Call(ctx context.Context, r Call) error {
	u := c.base + r.Path
	if len(r.Query) > 0 {
		u += "?" + r.Query.Encode()
	}
	var rd io.Reader
	ctype := ""
	if r.JSON != nil && r.body == nil {
		r.body = &request{json: r.JSON}
	}
	if body := r.body; body != nil {
		data := body.raw
		ctype = body.contentType
		if body.json != nil {
			var err error
			if data, err = json.Marshal(body.json); err != nil {
				return err
			}
			ctype = "application/json"
		}
		rd = bytes.NewReader(data) // sets GetBody, so retries can resend it
	}
	if r.Once {
		ctx = nonIdempotent(ctx)
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, u, rd)
	if err != nil {
		return err
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	check := jsonAnswer
	if out := reflect.ValueOf(r.Out); out.Kind() == reflect.Pointer && !out.IsNil() {
		check = func(data []byte) error {
			// Into a fresh value: a bad answer half decoded must leave
			// nothing behind for the retry's answer to mix with.
			v := reflect.New(out.Type().Elem())
			if err := json.Unmarshal(data, v.Interface()); err != nil {
				return errors.New(c.do.redact(oneLine(err.Error(), 120)))
			}
			out.Elem().Set(v.Elem())
			return nil
		}
	} else if r.Out != nil {
		return errors.New("openai: Call.Out must be a non-nil pointer")
	}
	_, _, err = c.do.send(req, r.MaxBody, check)
	return err
}

// sdkErr gives go-openai's own errors (a 2xx it could not decode) this
// package's types; errors from the sender pass through unchanged.
func (c *Client) sdkErr(method, path string, err error) error {
	if err == nil {
		return nil
	}
	path = c.prefix + path
	var ae *goopenai.APIError
	if errors.As(err, &ae) {
		e := &APIError{Status: ae.HTTPStatusCode, Message: oneLine(c.do.redact(ae.Message), maxMessage), Type: ae.Type, Method: method, Path: path}
		if ae.Param != nil {
			e.Param = *ae.Param
		}
		return e
	}
	var re *goopenai.RequestError
	if errors.As(err, &re) {
		return &APIError{Status: re.HTTPStatusCode, Method: method, Path: path, Message: oneLine(c.do.redact(re.Error()), maxMessage)}
	}
	var ue *UnavailableError
	var me *MaybeCreatedError
	var pe *APIError
	if errors.As(err, &ue) || errors.As(err, &me) || errors.As(err, &pe) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return &APIError{Status: http.StatusOK, Method: method, Path: path, Message: "unreadable answer: " + oneLine(c.do.redact(err.Error()), maxMessage)}
}
