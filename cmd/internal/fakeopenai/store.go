package fakeopenai

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-json"
)

type file struct {
	id        string
	bytes     int64
	createdAt int64
	expiresAt int64
	born      time.Time // for ListLag, finer than createdAt
	filename  string
	purpose   string
}

func (f *file) object() map[string]any {
	// expires_at and status_details are left out rather than null: the
	// spec types them integer and string.
	o := map[string]any{"id": f.id, "object": "file", "bytes": f.bytes, "created_at": f.createdAt,
		"filename": f.filename, "purpose": f.purpose, "status": "processed"}
	if f.expiresAt > 0 {
		o["expires_at"] = f.expiresAt
	}
	return o
}

// misreport makes the answer to a file's creation disagree with what was
// sent, as Options.Misreport asks.
func (s *Server) misreport(o map[string]any) map[string]any {
	switch s.opts.Misreport {
	case "bytes":
		o["bytes"] = o["bytes"].(int64) - 1
	case "purpose":
		o["purpose"] = "assistants"
	case "error":
		o["status"], o["status_details"] = "error", "the file could not be processed"
	}
	return o
}

// expiry reads expires_after: anchor created_at and 3600 to 2592000 seconds,
// as the spec allows; ok is false when it answered 400 itself.
func expiry(w http.ResponseWriter, anchor, seconds string, created int64) (int64, bool) {
	if anchor == "" && seconds == "" {
		return 0, true
	}
	n, err := strconv.ParseInt(seconds, 10, 64)
	if anchor != "created_at" || err != nil || n < 3600 || n > 2592000 {
		badRequest(w, "expires_after", "expires_after wants anchor created_at and seconds from 3600 to 2592000, got %q and %q", anchor, seconds)
		return 0, false
	}
	return created + n, true
}

var filePurposes = []string{"assistants", "batch", "fine-tune", "vision", "user_data", "evals"}

// addFile stores content as a new file; the caller holds s.mu.
func (s *Server) addFile(name, purpose string, content []byte) *file {
	f := &file{id: s.nextID("file-fake"), bytes: int64(len(content)), createdAt: s.now(), born: s.opts.Now(), filename: name, purpose: purpose}
	s.files[f.id] = f
	s.fileIDs = append(s.fileIDs, f.id)
	s.contents[f.id] = content
	return f
}

func (s *Server) createFile(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseMultipartForm(64 << 20); err != nil {
		badRequest(w, "", "want a multipart/form-data body: %v", err)
		return
	}
	purpose := r.FormValue("purpose")
	if !slices.Contains(filePurposes, purpose) {
		badRequest(w, "purpose", "'%s' is not one of %s - 'purpose'", purpose, strings.Join(filePurposes, ", "))
		return
	}
	fh, hdr, err := r.FormFile("file")
	if err != nil {
		badRequest(w, "file", "missing file: 'file'")
		return
	}
	defer fh.Close()
	var buf bytes.Buffer
	buf.ReadFrom(fh)
	if purpose == "fine-tune" && !strings.HasSuffix(hdr.Filename, ".jsonl") {
		badRequest(w, "file", "Invalid file format for Fine-Tuning API. Must be .jsonl")
		return
	}
	exp, ok := expiry(w, r.FormValue("expires_after[anchor]"), r.FormValue("expires_after[seconds]"), s.now())
	if !ok {
		return
	}
	s.mu.Lock()
	f := s.addFile(hdr.Filename, purpose, buf.Bytes())
	f.expiresAt = exp
	obj := s.misreport(f.object())
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, obj)
}

func (s *Server) listFiles(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, ok := limitOf(w, r, 10000, 10000)
	if !ok {
		return
	}
	s.mu.Lock()
	var all []*file
	for _, id := range s.fileIDs {
		if f := s.files[id]; f != nil && s.listed(f.born) && (q.Get("purpose") == "" || f.purpose == q.Get("purpose")) {
			all = append(all, f)
		}
	}
	if q.Get("order") != "asc" {
		slices.Reverse(all)
	}
	o, got := listOf(r, all, func(f *file) string { return f.id }, func(f *file) any { return f.object() }, limit)
	s.mu.Unlock()
	o["first_id"], o["last_id"] = "", ""
	if len(got) > 0 {
		o["first_id"], o["last_id"] = got[0].id, got[len(got)-1].id
	}
	writeJSON(w, http.StatusOK, o)
}

func (s *Server) getFile(w http.ResponseWriter, id string) {
	s.mu.Lock()
	f := s.files[id]
	var obj map[string]any
	if f != nil {
		obj = f.object()
	}
	s.mu.Unlock()
	if f == nil {
		notFound(w, "File", id)
		return
	}
	writeJSON(w, http.StatusOK, obj)
}

func (s *Server) deleteFile(w http.ResponseWriter, id string) {
	s.mu.Lock()
	f := s.files[id]
	delete(s.files, id)
	delete(s.contents, id)
	s.mu.Unlock()
	if f == nil {
		notFound(w, "File", id)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "object": "file", "deleted": true})
}

func (s *Server) fileContent(w http.ResponseWriter, id string) {
	s.mu.Lock()
	b, ok := s.contents[id]
	s.mu.Unlock()
	if !ok {
		notFound(w, "File", id)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Write(b)
}

type upload struct {
	id, filename, purpose, mimeType string
	bytes                           int64
	createdAt                       int64
	status                          string
	parts                           map[string][]byte
	partIDs                         []string // of the completion
	file                            *file
	fileExpiresAt                   int64 // of the file it makes, from expires_after
}

func (u *upload) object() map[string]any {
	o := map[string]any{"id": u.id, "object": "upload", "bytes": u.bytes, "created_at": u.createdAt,
		"expires_at": u.createdAt + 3600, "filename": u.filename, "purpose": u.purpose, "status": u.status, "file": nil}
	if u.file != nil {
		o["file"] = u.file.object()
	}
	return o
}

// decodeStrict decodes a JSON body, refusing fields outside allowed as the
// real API does ("Unrecognized request argument").
func decodeStrict(w http.ResponseWriter, r *http.Request, allowed []string, v any) bool {
	var body bytes.Buffer
	body.ReadFrom(r.Body)
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body.Bytes(), &fields); err != nil {
		badRequest(w, "", "We could not parse the JSON body of your request: %v", err)
		return false
	}
	for k := range fields {
		if !slices.Contains(allowed, k) {
			badRequest(w, k, "Unrecognized request argument supplied: %s", k)
			return false
		}
	}
	if err := json.Unmarshal(body.Bytes(), v); err != nil {
		badRequest(w, "", "Invalid type in request body: %v", err)
		return false
	}
	return true
}

func (s *Server) createUpload(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Filename string `json:"filename"`
		Purpose  string `json:"purpose"`
		Bytes    int64  `json:"bytes"`
		MimeType string `json:"mime_type"`
		Expires  *struct {
			Anchor  string `json:"anchor"`
			Seconds int64  `json:"seconds"`
		} `json:"expires_after"`
	}
	if !decodeStrict(w, r, []string{"filename", "purpose", "bytes", "mime_type", "expires_after"}, &req) {
		return
	}
	var exp int64
	if req.Expires != nil {
		var ok bool
		if exp, ok = expiry(w, req.Expires.Anchor, strconv.FormatInt(req.Expires.Seconds, 10), s.now()); !ok {
			return
		}
	}
	switch {
	case req.Filename == "":
		badRequest(w, "filename", "Missing required parameter: 'filename'.")
	case !slices.Contains([]string{"assistants", "batch", "fine-tune", "vision"}, req.Purpose):
		badRequest(w, "purpose", "Invalid value for 'purpose': '%s'.", req.Purpose)
	case req.Bytes <= 0 || req.Bytes > 8<<30:
		badRequest(w, "bytes", "'bytes' must be between 1 and 8 GB, got %d.", req.Bytes)
	case req.MimeType == "":
		badRequest(w, "mime_type", "Missing required parameter: 'mime_type'.")
	default:
		s.mu.Lock()
		u := &upload{id: s.nextID("upload_fake"), filename: req.Filename, purpose: req.Purpose, mimeType: req.MimeType,
			bytes: req.Bytes, createdAt: s.now(), status: "pending", parts: map[string][]byte{}, fileExpiresAt: exp}
		s.uploads[u.id] = u
		obj := u.object()
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, obj)
	}
}

func (s *Server) addPart(w http.ResponseWriter, r *http.Request, id string) {
	if err := r.ParseMultipartForm(64 << 20); err != nil {
		badRequest(w, "", "want a multipart/form-data body: %v", err)
		return
	}
	fh, _, err := r.FormFile("data")
	if err != nil {
		badRequest(w, "data", "Missing required parameter: 'data'.")
		return
	}
	defer fh.Close()
	var buf bytes.Buffer
	buf.ReadFrom(fh)
	if buf.Len() > 64<<20 {
		badRequest(w, "data", "A part may be at most 64 MB, got %d bytes.", buf.Len())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.uploads[id]
	if u == nil {
		notFound(w, "Upload", id)
		return
	}
	if u.status != "pending" {
		badRequest(w, "", "Upload %s is %s: no part can be added.", id, u.status)
		return
	}
	pid := s.nextID("part_fake")
	u.parts[pid] = buf.Bytes()
	writeJSON(w, http.StatusOK, map[string]any{"id": pid, "object": "upload.part", "created_at": s.now(), "upload_id": id})
}

func (s *Server) completeUpload(w http.ResponseWriter, r *http.Request, id string) {
	var req struct {
		PartIDs []string `json:"part_ids"`
		MD5     string   `json:"md5"`
	}
	if !decodeStrict(w, r, []string{"part_ids", "md5"}, &req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.uploads[id]
	if u == nil {
		notFound(w, "Upload", id)
		return
	}
	// Completing again with the same parts (a retry after a lost answer)
	// returns the same upload rather than an error.
	if u.status == "completed" && slices.Equal(u.partIDs, req.PartIDs) {
		writeJSON(w, http.StatusOK, u.object())
		return
	}
	if u.status != "pending" {
		badRequest(w, "", "Upload %s is already %s.", id, u.status)
		return
	}
	if len(req.PartIDs) == 0 {
		badRequest(w, "part_ids", "Missing required parameter: 'part_ids'.")
		return
	}
	var all bytes.Buffer
	for _, pid := range req.PartIDs {
		b, ok := u.parts[pid]
		if !ok {
			badRequest(w, "part_ids", "Part %s does not belong to upload %s.", pid, id)
			return
		}
		all.Write(b)
	}
	if int64(all.Len()) != u.bytes {
		badRequest(w, "bytes", "The upload declared %d bytes but its parts hold %d.", u.bytes, all.Len())
		return
	}
	if req.MD5 != "" && !strings.EqualFold(req.MD5, md5hex(all.Bytes())) {
		badRequest(w, "md5", "The md5 checksum %s does not match the uploaded bytes.", req.MD5)
		return
	}
	u.file = s.addFile(u.filename, u.purpose, all.Bytes())
	u.file.expiresAt = u.fileExpiresAt
	u.status = "completed"
	u.partIDs = req.PartIDs
	o := u.object()
	if f, ok := o["file"].(map[string]any); ok {
		o["file"] = s.misreport(f)
	}
	writeJSON(w, http.StatusOK, o)
}

func (s *Server) cancelUpload(w http.ResponseWriter, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.uploads[id]
	if u == nil {
		notFound(w, "Upload", id)
		return
	}
	if u.status != "pending" && u.status != "cancelled" {
		badRequest(w, "", "Upload %s is already %s.", id, u.status)
		return
	}
	u.status = "cancelled"
	writeJSON(w, http.StatusOK, u.object())
}

// checkNumber checks a hyperparameter: "auto" or a number in [lo, hi]
// (lo excluded when open).
func checkNumber(raw json.RawMessage, name string, lo, hi float64, open, integer bool) string {
	if len(raw) == 0 || string(raw) == "null" || string(raw) == `"auto"` {
		return ""
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	bad := err != nil || f > hi || f < lo || (open && f == lo) || (integer && f != float64(int64(f)))
	if bad {
		kind := "a number"
		if integer {
			kind = "an integer"
		}
		return fmt.Sprintf("Invalid value for '%s': %s. Expected \"auto\" or %s in range [%g, %g].", name, raw, kind, lo, hi)
	}
	return ""
}
