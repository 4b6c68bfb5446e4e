package fakeopenai

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"slices"

	"github.com/goccy/go-json"
)

// batch is a Batch API batch. Each retrieval moves it one step:
// validating → in_progress (BatchTicks retrievals) → finalizing →
// completed, when its output and error files are written.
type batch struct {
	id, inputFile, endpoint, window string
	status                          string
	createdAt                       int64
	ticks                           int
	metadata                        map[string]string
	outputFile, errorFile           string
	total, completed, failed        int
	errors                          []map[string]any
	times                           map[string]int64
}

func (b *batch) object() map[string]any {
	o := map[string]any{"id": b.id, "object": "batch", "endpoint": b.endpoint, "input_file_id": b.inputFile,
		"completion_window": b.window, "status": b.status, "created_at": b.createdAt,
		"expires_at":     b.createdAt + 24*3600,
		"request_counts": map[string]any{"total": b.total, "completed": b.completed, "failed": b.failed}}
	var md any
	if b.metadata != nil {
		md = b.metadata
	}
	o["metadata"] = md
	if b.outputFile != "" {
		o["output_file_id"] = b.outputFile
	}
	if b.errorFile != "" {
		o["error_file_id"] = b.errorFile
	}
	for k, v := range b.times {
		o[k] = v
	}
	if b.errors != nil {
		o["errors"] = map[string]any{"object": "list", "data": b.errors}
	}
	return o
}

func (s *Server) createBatch(w http.ResponseWriter, r *http.Request) {
	var req struct {
		InputFileID      string            `json:"input_file_id"`
		Endpoint         string            `json:"endpoint"`
		CompletionWindow string            `json:"completion_window"`
		Metadata         map[string]string `json:"metadata"`
	}
	if !decodeStrict(w, r, []string{"input_file_id", "endpoint", "completion_window", "metadata", "output_expires_after"}, &req) {
		return
	}
	if req.CompletionWindow != "24h" {
		badRequest(w, "completion_window", "'%s' is not one of ['24h'] - 'completion_window'", req.CompletionWindow)
		return
	}
	if req.Endpoint != "/v1/chat/completions" {
		badRequest(w, "endpoint", "this server batches only /v1/chat/completions, not '%s'", req.Endpoint)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.files[req.InputFileID]
	if f == nil {
		notFound(w, "File", req.InputFileID)
		return
	}
	if f.purpose != "batch" {
		badRequest(w, "input_file_id", "File %s has purpose '%s', want 'batch'", f.id, f.purpose)
		return
	}
	b := &batch{id: s.nextID("batch_fake"), inputFile: f.id, endpoint: req.Endpoint, window: req.CompletionWindow,
		status: "validating", createdAt: s.now(), metadata: req.Metadata, times: map[string]int64{}}
	b.total = bytes.Count(s.contents[f.id], []byte("\n"))
	s.batches[b.id] = b
	s.batchIDs = append(s.batchIDs, b.id)
	writeJSON(w, http.StatusOK, b.object())
}

func (s *Server) getBatch(w http.ResponseWriter, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.batches[id]
	if b == nil {
		notFound(w, "batch", id)
		return
	}
	s.stepBatch(b)
	writeJSON(w, http.StatusOK, b.object())
}

func (s *Server) cancelBatch(w http.ResponseWriter, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.batches[id]
	if b == nil {
		notFound(w, "batch", id)
		return
	}
	if b.status == "completed" || b.status == "failed" || b.status == "expired" {
		writeError(w, http.StatusConflict, "invalid_request_error", "", "", fmt.Sprintf("Cannot cancel a batch with status '%s'.", b.status))
		return
	}
	b.status = "cancelled"
	b.times["cancelling_at"], b.times["cancelled_at"] = s.now(), s.now()
	writeJSON(w, http.StatusOK, b.object())
}

func (s *Server) listBatches(w http.ResponseWriter, r *http.Request) {
	limit, ok := limitOf(w, r, 20, 100)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	all := make([]*batch, 0, len(s.batchIDs))
	for _, id := range s.batchIDs {
		all = append(all, s.batches[id])
	}
	slices.Reverse(all)
	o, got := listOf(r, all, func(b *batch) string { return b.id }, func(b *batch) any { return b.object() }, limit)
	o["first_id"], o["last_id"] = nil, nil
	if len(got) > 0 {
		o["first_id"], o["last_id"] = got[0].id, got[len(got)-1].id
	}
	writeJSON(w, http.StatusOK, o)
}

// Batches returns how many batches were created: a resumed run creates none.
func (s *Server) Batches() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.batchIDs)
}

// stepBatch moves b one step; the caller holds s.mu.
func (s *Server) stepBatch(b *batch) {
	ticks := max(s.opts.BatchTicks, 1)
	switch b.status {
	case "validating":
		if errs := s.validateBatch(b); errs != nil {
			b.status, b.errors, b.times["failed_at"] = "failed", errs, s.now()
			return
		}
		b.status, b.times["in_progress_at"] = "in_progress", s.now()
	case "in_progress":
		b.ticks++
		if b.ticks >= ticks {
			b.status, b.times["finalizing_at"] = "finalizing", s.now()
		}
	case "finalizing":
		s.runBatch(b)
		b.status, b.times["completed_at"] = "completed", s.now()
	}
}

// batchLine is one line of a batch's input file.
type batchLine struct {
	CustomID string          `json:"custom_id"`
	Method   string          `json:"method"`
	URL      string          `json:"url"`
	Body     json.RawMessage `json:"body"`
}

// batchLines calls f with each non-blank line of b's input and its number;
// the caller holds s.mu.
func (s *Server) batchLines(b *batch, f func(n int, raw []byte)) {
	sc := bufio.NewScanner(bytes.NewReader(s.contents[b.inputFile]))
	sc.Buffer(make([]byte, 64<<10), 64<<20)
	for n := 1; sc.Scan(); n++ {
		if len(bytes.TrimSpace(sc.Bytes())) > 0 {
			f(n, sc.Bytes())
		}
	}
}

// validateBatch returns the errors that fail a batch before it runs, as
// the real API does for a malformed input line or a repeated custom_id.
func (s *Server) validateBatch(b *batch) []map[string]any {
	var errs []map[string]any
	seen := map[string]bool{}
	s.batchLines(b, func(n int, raw []byte) {
		var in batchLine
		msg := ""
		switch err := json.Unmarshal(raw, &in); {
		case err != nil:
			msg = "the line is not JSON"
		case in.CustomID == "":
			msg = "custom_id is missing"
		case seen[in.CustomID]:
			msg = "custom_id '" + in.CustomID + "' is not unique"
		case in.Method != "POST" || in.URL != b.endpoint:
			msg = "want method POST and url " + b.endpoint
		}
		seen[in.CustomID] = true
		if msg != "" {
			errs = append(errs, map[string]any{"code": "invalid_request", "message": msg, "param": nil, "line": n})
		}
	})
	return errs
}

// runBatch answers every line of the input file, as the chat endpoint
// would without its faults, and writes the output and error files.
func (s *Server) runBatch(b *batch) {
	var out, errs bytes.Buffer
	s.batchLines(b, func(n int, raw []byte) {
		var in batchLine
		json.Unmarshal(raw, &in)
		status, obj := s.completion(in.Body)
		rec := map[string]any{"id": s.nextID("batch_req_fake"), "custom_id": in.CustomID,
			"response": map[string]any{"status_code": status, "request_id": s.nextID("req_fake"), "body": obj}, "error": nil}
		line, _ := json.Marshal(rec)
		if status == 200 {
			b.completed++
			out.Write(append(line, '\n'))
		} else {
			b.failed++
			errs.Write(append(line, '\n'))
		}
	})
	if out.Len() > 0 {
		b.outputFile = s.addFile(b.id+"_output.jsonl", "batch_output", out.Bytes()).id
	}
	if errs.Len() > 0 {
		b.errorFile = s.addFile(b.id+"_error.jsonl", "batch_output", errs.Bytes()).id
	}
}
