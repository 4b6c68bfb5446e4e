package fakeopenai

import (
	"bufio"
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/goccy/go-json"
)

// DefaultKey is the key the server accepts when Options.APIKey is empty.
const DefaultKey = "sk-fake-0123456789abcdef"

// Options configure a server. The zero value is a working server.
type Options struct {
	APIKey string  `json:"api_key"` // the Bearer token it accepts; "" means DefaultKey
	Life   Life    `json:"life"`
	Faults []Fault `json:"faults"`
	// Tick > 0 advances every job one step per Tick of real time; 0 advances
	// a job one step each time it is retrieved (GET .../jobs/{id}).
	Tick Duration `json:"tick"`
	// Manual: jobs advance only through Server.Advance.
	Manual bool `json:"manual"`
	// Quirks makes answers look like the real API's where it departs from
	// its spec: "error": {} instead of null, user_provided_suffix.
	Quirks bool `json:"quirks"`
	// ListLag keeps a new job or file out of the lists (GET
	// /fine_tuning/jobs, GET /files) for this long after its creation, as
	// the real API's lists lag behind its creates.
	ListLag Duration `json:"list_lag"`
	// Misreport makes the answer to a file upload disagree with what was
	// sent: "bytes" (one byte short), "purpose" or "error" (status error).
	Misreport string `json:"misreport"`
	// Now is the clock of created_at and friends; nil is time.Now.
	Now func() time.Time `json:"-"`

	// Answers are the chat answers by question (the last user turn);
	// ModelAnswers, by model then question, win over them. A question
	// without an answer gets NoAnswer.
	Answers      map[string]string            `json:"answers"`
	ModelAnswers map[string]map[string]string `json:"model_answers"`
	// Latency delays every chat completion, as a model's thinking does.
	Latency Duration `json:"latency"`
	// RateLimit bounds chat completions per window, with x-ratelimit-*
	// headers and a 429 beyond it.
	RateLimit RateLimit `json:"rate_limit"`
	// BatchTicks is the number of retrievals a batch spends in_progress [1].
	BatchTicks int `json:"batch_ticks"`
}

// RateLimit is a fixed window of Requests [10000] per Window [1m].
type RateLimit struct {
	Requests int      `json:"requests"`
	Window   Duration `json:"window"`
}

// Life scripts what every job created on the server goes through:
// ValidatingTicks steps in validating_files, QueuedTicks in queued, then
// running with StepsPerTick metric events per step until Steps, then
// Outcome. Zero fields take the defaults in brackets.
type Life struct {
	ValidatingTicks int    `json:"validating_ticks"` // [1]
	QueuedTicks     int    `json:"queued_ticks"`     // [1]
	Steps           int    `json:"steps"`            // [10] metric events
	StepsPerTick    int    `json:"steps_per_tick"`   // [3]
	Outcome         string `json:"outcome"`          // [succeeded] or failed
	// FailAtStep > 0 makes a failing job fail while running, after that
	// many steps; 0 fails it at validation, as a bad file does.
	FailAtStep    int       `json:"fail_at_step"`
	Error         ErrorBody `json:"error"`          // of a failed job [invalid_training_file]
	TrainedTokens int64     `json:"trained_tokens"` // [training file bytes / 4 × epochs]
}

// ErrorBody is a job's error or an error answer's envelope content.
type ErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Param   string `json:"param"`
}

// Duration is a time.Duration that reads "2s" or a number of seconds in JSON.
type Duration time.Duration

func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) == nil {
		v, err := time.ParseDuration(s)
		*d = Duration(v)
		return err
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*d = Duration(f * float64(time.Second))
	return nil
}

func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// Fault kinds.
const (
	FaultStatus = "status" // answer Status with an error envelope and headers
	FaultDrop   = "drop"   // close the connection without answering or doing anything
	FaultLost   = "lost"   // do the work (e.g. create the job), then close without answering
	FaultSlow   = "slow"   // wait Delay (or until the client gives up), then answer normally
	FaultHTML   = "html"   // answer Status [502] with an HTML page of Size bytes, as a proxy does
	FaultCut    = "cut"    // do the work, then answer its status with the JSON cut in half
)

// Fault hits the requests that match Method and Path (a path.Match pattern
// on the URL path, e.g. "/v1/fine_tuning/jobs/*/events"; "" matches all),
// from the Nth matching one (1-based, 0 means 1) for Times of them (0 means
// 1, -1 means all that follow).
type Fault struct {
	Method string `json:"method"`
	Path   string `json:"path"`
	Nth    int    `json:"nth"`
	Times  int    `json:"times"`
	Kind   string `json:"kind"` // FaultStatus (default), FaultDrop, FaultLost, FaultSlow

	Status       int    `json:"status"`         // [500]
	RetryAfter   string `json:"retry_after"`    // Retry-After header
	RetryAfterMs string `json:"retry_after_ms"` // retry-after-ms header
	ShouldRetry  string `json:"should_retry"`   // x-should-retry header
	// Message of the error; "{key}" is replaced by the token the request
	// carried, to prove that clients never repeat it.
	Message string   `json:"message"`
	Code    string   `json:"code"`
	Param   string   `json:"param"`
	Type    string   `json:"type"`
	Delay   Duration `json:"delay"` // FaultSlow [1m]
	// Size pads the error message (FaultStatus) or the page (FaultHTML)
	// to this many bytes, streamed without being held in memory.
	Size int64 `json:"size"`
	// Length sends the Content-Length of an HTML page (FaultHTML), as most
	// proxies do; without it the page is chunked.
	Length bool `json:"length"`
}

// Request is one request as the server saw it.
type Request struct {
	Method string
	Path   string
	Query  string
	Status int    // 0 when the connection was closed without an answer
	Fault  string // the kind of fault applied, if any
	Body   []byte // JSON request bodies only
	// Sent is how many bytes of answer body the server wrote: what the
	// client read, plus at most what the sockets buffer.
	Sent            int64
	UserAgent       string
	ClientRequestID string // X-Client-Request-Id
	RequestID       string // the x-request-id answered
}

func (r Request) String() string {
	s := fmt.Sprintf("%s %s %d", r.Method, r.Path, r.Status)
	if r.Fault != "" {
		s += " " + r.Fault
	}
	return s
}

// Server is a fake OpenAI API on 127.0.0.1.
type Server struct {
	opts Options
	hs   *httptest.Server
	stop chan struct{}

	mu       sync.Mutex
	seq      int
	log      []Request
	faults   []*faultState
	files    map[string]*file
	fileIDs  []string // in creation order
	uploads  map[string]*upload
	jobs     map[string]*job
	jobIDs   []string
	creates  int
	contents map[string][]byte

	chats       int
	windowStart time.Time
	windowUsed  int
	batches     map[string]*batch
	batchIDs    []string
}

type faultState struct {
	Fault
	seen int
}

// New starts a server. Close it when done.
func New(opts Options) *Server {
	if opts.APIKey == "" {
		opts.APIKey = DefaultKey
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{opts: opts, stop: make(chan struct{}), files: map[string]*file{}, uploads: map[string]*upload{},
		jobs: map[string]*job{}, contents: map[string][]byte{}, batches: map[string]*batch{}}
	for _, f := range opts.Faults {
		s.AddFault(f)
	}
	s.hs = httptest.NewServer(http.HandlerFunc(s.serve))
	if opts.Tick > 0 && !opts.Manual {
		go s.ticker(time.Duration(opts.Tick))
	}
	return s
}

// URL is the base URL of the API, ending in /v1 (OPENAI_BASE_URL).
func (s *Server) URL() string { return s.hs.URL + "/v1" }

// Key is the key the server accepts.
func (s *Server) Key() string { return s.opts.APIKey }

// Close stops the server.
func (s *Server) Close() {
	select {
	case <-s.stop:
	default:
		close(s.stop)
	}
	s.hs.CloseClientConnections()
	s.hs.Close()
}

// AddFault adds a fault; its count starts now.
func (s *Server) AddFault(f Fault) {
	if f.Kind == "" {
		f.Kind = FaultStatus
	}
	if f.Nth <= 0 {
		f.Nth = 1
	}
	if f.Times == 0 {
		f.Times = 1
	}
	s.mu.Lock()
	s.faults = append(s.faults, &faultState{Fault: f})
	s.mu.Unlock()
}

// Requests returns the request log.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.log...)
}

// Count returns how many requests had this method and path (a path.Match
// pattern).
func (s *Server) Count(method, pattern string) int {
	n := 0
	for _, r := range s.Requests() {
		if ok, _ := path.Match(pattern, r.Path); ok && (method == "" || r.Method == method) {
			n++
		}
	}
	return n
}

// JobsCreated returns how many jobs exist on the server: a client that
// never creates a job twice leaves exactly one per run.
func (s *Server) JobsCreated() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.creates
}

// FileContent returns the bytes of a file on the server.
func (s *Server) FileContent(id string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.contents[id]
	return b, ok
}

// Advance moves a job n steps along its life.
func (s *Server) Advance(jobID string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if j := s.jobs[jobID]; j != nil {
		for range n {
			s.step(j)
		}
	}
}

// SetStatus forces a job's status, as an operator or OpenAI might (e.g.
// "paused"); a terminal status ends its life there.
func (s *Server) SetStatus(jobID, status string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if j := s.jobs[jobID]; j != nil {
		j.status = status
		if status == "succeeded" || status == "failed" || status == "cancelled" {
			j.finished = s.now()
		}
	}
}

func (s *Server) ticker(d time.Duration) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.mu.Lock()
			for _, id := range s.jobIDs {
				s.step(s.jobs[id])
			}
			s.mu.Unlock()
		}
	}
}

func (s *Server) now() int64 { return s.opts.Now().Unix() }

func (s *Server) nextID(prefix string) string {
	s.seq++
	return fmt.Sprintf("%s%06d", prefix, s.seq)
}

// serve applies faults and the log around the API proper.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	entry := Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery,
		UserAgent: r.Header.Get("User-Agent"), ClientRequestID: r.Header.Get("X-Client-Request-Id")}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		entry.Body = body
	}
	f := s.fault(r)
	if f != nil {
		entry.Fault = f.Kind
	}
	// Logged on arrival, so that a request still in progress (a slow
	// answer the client gave up on) already counts.
	s.mu.Lock()
	n := len(s.log)
	entry.RequestID = fmt.Sprintf("req_fake%06d", n+1)
	s.log = append(s.log, entry)
	s.mu.Unlock()
	w.Header().Set("X-Request-Id", entry.RequestID)
	cw := &countingWriter{ResponseWriter: w}
	w = cw
	record := func(status int) {
		s.mu.Lock()
		s.log[n].Status = status
		s.log[n].Sent = cw.n
		s.mu.Unlock()
	}
	if f != nil {
		switch f.Kind {
		case FaultDrop:
			record(0)
			hangUp(w)
			return
		case FaultSlow:
			d := time.Duration(f.Delay)
			if d <= 0 {
				d = time.Minute
			}
			select {
			case <-time.After(d):
			case <-r.Context().Done():
				record(0)
				return
			case <-s.stop:
				record(0)
				return
			}
		case FaultLost:
			rec := httptest.NewRecorder()
			s.api(rec, r)
			record(0)
			hangUp(w)
			return
		case FaultCut:
			rec := httptest.NewRecorder()
			s.api(rec, r)
			b := rec.Body.Bytes()
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(rec.Code)
			w.Write(b[:len(b)/2])
			record(rec.Code)
			return
		case FaultHTML:
			status := f.Status
			if status == 0 {
				status = http.StatusBadGateway
			}
			title := fmt.Sprintf("%d %s", status, http.StatusText(status))
			head := "<!DOCTYPE html>\n<html>\n<head><title>" + title + "</title></head>\n<body>\n<center><h1>" + title + "</h1></center>\n"
			tail := "</body>\n</html>\n"
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			if f.Length {
				w.Header().Set("Content-Length", strconv.FormatInt(int64(len(head)+len(tail))+f.Size, 10))
			}
			w.WriteHeader(status)
			io.WriteString(w, head)
			pad(w, f.Size, "<p>upstream said nothing useful</p>\n")
			io.WriteString(w, tail)
			record(status)
			return
		default:
			status := f.Status
			if status == 0 {
				status = http.StatusInternalServerError
			}
			h := w.Header()
			if f.RetryAfter != "" {
				h.Set("Retry-After", f.RetryAfter)
			}
			if f.RetryAfterMs != "" {
				h.Set("retry-after-ms", f.RetryAfterMs)
			}
			if f.ShouldRetry != "" {
				h.Set("x-should-retry", f.ShouldRetry)
			}
			msg := f.Message
			if msg == "" {
				msg = fmt.Sprintf("injected %d", status)
			}
			msg = strings.ReplaceAll(msg, "{key}", strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
			typ := f.Type
			if typ == "" {
				typ = "server_error"
				if status < 500 {
					typ = "invalid_request_error"
				}
			}
			if f.Size > 0 {
				// A message of f.Size bytes, streamed: the client must not
				// need to hold it, and neither does the server.
				var c, p any = f.Code, f.Param
				if f.Code == "" {
					c = nil
				}
				if f.Param == "" {
					p = nil
				}
				tail, _ := json.Marshal(map[string]any{"type": typ, "param": p, "code": c})
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(status)
				m, _ := json.Marshal(msg)
				io.WriteString(w, `{"error":{"message":`+string(m[:len(m)-1]))
				pad(w, f.Size, " and so on")
				io.WriteString(w, `",`+string(tail[1:])+"}")
				record(status)
				return
			}
			writeError(w, status, typ, f.Code, f.Param, msg)
			record(status)
			return
		}
	}
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	s.api(sw, r)
	record(sw.status)
}

// fault returns the fault that hits r, counting r against every fault it
// matches.
func (s *Server) fault(r *http.Request) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	var hit *Fault
	for _, f := range s.faults {
		if f.Method != "" && !strings.EqualFold(f.Method, r.Method) {
			continue
		}
		if f.Path != "" {
			if ok, _ := path.Match(f.Path, r.URL.Path); !ok {
				continue
			}
		}
		f.seen++
		if hit == nil && f.seen >= f.Nth && (f.Times < 0 || f.seen < f.Nth+f.Times) {
			c := f.Fault
			hit = &c
		}
	}
	return hit
}

// hangUp closes the connection without an answer, as a crashed proxy does.
func hangUp(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	conn.Close()
}

// pad writes unit over and over until about n bytes are written, stopping
// when the client hangs up.
func pad(w io.Writer, n int64, unit string) {
	chunk := []byte(strings.Repeat(unit, max(1, (64<<10)/len(unit))))
	for written := int64(0); written < n; {
		b := chunk[:min(int64(len(chunk)), n-written)]
		k, err := w.Write(b)
		written += int64(k)
		if err != nil {
			return
		}
	}
}

// countingWriter counts the body bytes written to the client.
type countingWriter struct {
	http.ResponseWriter
	n int64
}

func (w *countingWriter) Write(b []byte) (int, error) {
	k, err := w.ResponseWriter.Write(b)
	w.n += int64(k)
	return k, err
}

func (w *countingWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return w.ResponseWriter.(http.Hijacker).Hijack()
}

// listed reports whether an object made at born shows in lists yet.
func (s *Server) listed(born time.Time) bool {
	return s.opts.ListLag <= 0 || !s.opts.Now().Before(born.Add(time.Duration(s.opts.ListLag)))
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}

func writeError(w http.ResponseWriter, status int, typ, code, param, msg string) {
	var c, p any
	if code != "" {
		c = code
	}
	if param != "" {
		p = param
	}
	writeJSON(w, status, map[string]any{"error": map[string]any{"message": msg, "type": typ, "param": p, "code": c}})
}

func badRequest(w http.ResponseWriter, param, format string, args ...any) {
	writeError(w, http.StatusBadRequest, "invalid_request_error", "", param, fmt.Sprintf(format, args...))
}

func notFound(w http.ResponseWriter, what, id string) {
	writeError(w, http.StatusNotFound, "invalid_request_error", "", "", fmt.Sprintf("No such %s: '%s'", what, id))
}

// api is the API proper.
func (s *Server) api(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer "+s.opts.APIKey {
		// As the real API, name the presented key only masked.
		writeError(w, http.StatusUnauthorized, "invalid_request_error", "invalid_api_key", "",
			"Incorrect API key provided: "+mask(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))+".")
		return
	}
	p := strings.Split(strings.Trim(strings.TrimPrefix(r.URL.Path, "/v1"), "/"), "/")
	if !strings.HasPrefix(r.URL.Path, "/v1/") {
		p = nil
	}
	m := r.Method
	switch {
	case len(p) == 1 && p[0] == "files" && m == "POST":
		s.createFile(w, r)
	case len(p) == 1 && p[0] == "files" && m == "GET":
		s.listFiles(w, r)
	case len(p) == 2 && p[0] == "files" && m == "GET":
		s.getFile(w, p[1])
	case len(p) == 2 && p[0] == "files" && m == "DELETE":
		s.deleteFile(w, p[1])
	case len(p) == 3 && p[0] == "files" && p[2] == "content" && m == "GET":
		s.fileContent(w, p[1])
	case len(p) == 1 && p[0] == "uploads" && m == "POST":
		s.createUpload(w, r)
	case len(p) == 3 && p[0] == "uploads" && p[2] == "parts" && m == "POST":
		s.addPart(w, r, p[1])
	case len(p) == 3 && p[0] == "uploads" && p[2] == "complete" && m == "POST":
		s.completeUpload(w, r, p[1])
	case len(p) == 3 && p[0] == "uploads" && p[2] == "cancel" && m == "POST":
		s.cancelUpload(w, p[1])
	case len(p) == 2 && p[0] == "fine_tuning" && p[1] == "jobs" && m == "POST":
		s.createJob(w, r)
	case len(p) == 2 && p[0] == "fine_tuning" && p[1] == "jobs" && m == "GET":
		s.listJobs(w, r)
	case len(p) == 3 && p[0] == "fine_tuning" && p[1] == "jobs" && m == "GET":
		s.getJob(w, p[2])
	case len(p) == 4 && p[0] == "fine_tuning" && p[1] == "jobs" && m == "POST" &&
		(p[3] == "cancel" || p[3] == "pause" || p[3] == "resume"):
		s.jobAction(w, p[2], p[3])
	case len(p) == 4 && p[0] == "fine_tuning" && p[1] == "jobs" && p[3] == "events" && m == "GET":
		s.listEvents(w, r, p[2])
	case len(p) == 4 && p[0] == "fine_tuning" && p[1] == "jobs" && p[3] == "checkpoints" && m == "GET":
		s.listCheckpoints(w, r, p[2])
	case len(p) == 2 && p[0] == "chat" && p[1] == "completions" && m == "POST":
		s.chatCompletions(w, r)
	case len(p) == 1 && p[0] == "batches" && m == "POST":
		s.createBatch(w, r)
	case len(p) == 1 && p[0] == "batches" && m == "GET":
		s.listBatches(w, r)
	case len(p) == 2 && p[0] == "batches" && m == "GET":
		s.getBatch(w, p[1])
	case len(p) == 3 && p[0] == "batches" && p[2] == "cancel" && m == "POST":
		s.cancelBatch(w, p[1])
	default:
		writeError(w, http.StatusNotFound, "invalid_request_error", "unknown_url", "",
			fmt.Sprintf("Unknown request URL: %s %s.", m, r.URL.Path))
	}
}

// Routes are the method and path patterns the server answers, with the
// spec's parameter names.
var Routes = []string{
	"POST /files", "GET /files", "GET /files/{file_id}", "DELETE /files/{file_id}", "GET /files/{file_id}/content",
	"POST /uploads", "POST /uploads/{upload_id}/parts", "POST /uploads/{upload_id}/complete", "POST /uploads/{upload_id}/cancel",
	"POST /fine_tuning/jobs", "GET /fine_tuning/jobs", "GET /fine_tuning/jobs/{fine_tuning_job_id}",
	"POST /fine_tuning/jobs/{fine_tuning_job_id}/cancel", "POST /fine_tuning/jobs/{fine_tuning_job_id}/pause",
	"POST /fine_tuning/jobs/{fine_tuning_job_id}/resume", "GET /fine_tuning/jobs/{fine_tuning_job_id}/events",
	"GET /fine_tuning/jobs/{fine_tuning_job_id}/checkpoints",
	"POST /chat/completions", "POST /batches", "GET /batches", "GET /batches/{batch_id}", "POST /batches/{batch_id}/cancel",
}

func mask(key string) string {
	if len(key) < 8 {
		return "****"
	}
	return key[:3] + "*****" + key[len(key)-4:]
}

// page cuts a newest-first list after the ID after, to limit items.
func page[T any](items []T, id func(T) string, after string, limit int) (out []T, more bool) {
	start := 0
	if after != "" {
		start = len(items)
		for i, it := range items {
			if id(it) == after {
				start = i + 1
				break
			}
		}
	}
	items = items[start:]
	if limit > 0 && len(items) > limit {
		return items[:limit], true
	}
	return items, false
}

// limitOf reads ?limit=, answering 400 itself when it is out of range.
func limitOf(w http.ResponseWriter, r *http.Request, def, maxLimit int) (int, bool) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return def, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > maxLimit {
		badRequest(w, "limit", "limit must be between 1 and %d", maxLimit)
		return 0, false
	}
	return n, true
}

// listOf pages items (in answer order) after the request's ?after= and
// returns the list object of that page, and the page for extra fields.
func listOf[T any](r *http.Request, items []T, id func(T) string, object func(T) any, limit int) (map[string]any, []T) {
	got, more := page(items, id, r.URL.Query().Get("after"), limit)
	data := make([]any, 0, len(got))
	for _, x := range got {
		data = append(data, object(x))
	}
	return map[string]any{"object": "list", "data": data, "has_more": more}, got
}

func md5hex(b []byte) string {
	h := md5.Sum(b)
	return hex.EncodeToString(h[:])
}

// lossAt is the scripted training curve: smooth, decreasing, repeatable.
func lossAt(step, steps int) float64 {
	return 0.2 + 2.0*math.Exp(-4*float64(step)/float64(max(steps, 1)))
}

func round(f float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(f*p) / p
}
