package fakeopenai_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ft-tools/ft/cmd/internal/fakeopenai"
	"github.com/ft-tools/ft/cmd/internal/openai"
	"github.com/ft-tools/ft/jsonl"
	"github.com/goccy/go-json"
	"go.yaml.in/yaml/v3"
)

// spec is OpenAI's published OpenAPI document, read with a YAML parser
// into plain maps.
type spec struct {
	doc     map[string]any
	visited map[string]bool // schema names a checked value went through
}

func loadSpec(t *testing.T) *spec {
	t.Helper()
	dir := os.Getenv("FT_SHARED")
	if dir == "" {
		t.Skip("FT_SHARED is not set")
	}
	data, err := os.ReadFile(filepath.Join(dir, "openapi", "openapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	return &spec{doc: doc, visited: map[string]bool{}}
}

func get(m any, keys ...string) any {
	for _, k := range keys {
		mm, ok := m.(map[string]any)
		if !ok {
			return nil
		}
		m = mm[k]
	}
	return m
}

// operation finds the spec's operation for a method and a concrete path
// below /v1, matching {parameters} to any segment.
func (s *spec) operation(method, path string) (template string, op map[string]any) {
	segs := strings.Split(strings.Trim(strings.TrimPrefix(path, "/v1"), "/"), "/")
	paths, _ := s.doc["paths"].(map[string]any)
	for tmpl, item := range paths {
		ts := strings.Split(strings.Trim(tmpl, "/"), "/")
		if len(ts) != len(segs) {
			continue
		}
		ok := true
		for i := range ts {
			if ts[i] != segs[i] && !strings.HasPrefix(ts[i], "{") {
				ok = false
			}
		}
		if o, isOp := get(item, strings.ToLower(method)).(map[string]any); ok && isOp {
			return tmpl, o
		}
	}
	return "", nil
}

func (s *spec) resolve(schema any) map[string]any {
	m, _ := schema.(map[string]any)
	for m != nil {
		ref, ok := m["$ref"].(string)
		if !ok {
			return m
		}
		name := strings.TrimPrefix(ref, "#/components/schemas/")
		s.visited[name] = true
		m, _ = get(s.doc, "components", "schemas", name).(map[string]any)
	}
	return m
}

// check validates v against schema as far as the toolkit cares: types,
// enums, required properties, additionalProperties: false, nested
// objects and arrays, anyOf/oneOf (one branch must fit) and allOf.
func (s *spec) check(at string, v any, schema any) []string {
	m := s.resolve(schema)
	if m == nil {
		return nil
	}
	var errs []string
	for _, key := range []string{"anyOf", "oneOf"} {
		if alts, ok := m[key].([]any); ok {
			fits := false
			var why []string
			for _, alt := range alts {
				// Names seen in a branch that does not fit do not count.
				saved := map[string]bool{}
				for k := range s.visited {
					saved[k] = true
				}
				e := s.check(at, v, alt)
				if len(e) == 0 {
					fits = true
					break
				}
				s.visited = saved
				why = append(why, e...)
			}
			if !fits {
				errs = append(errs, fmt.Sprintf("%s: fits no branch of %s: %s", at, key, strings.Join(why, "; ")))
			}
		}
	}
	if all, ok := m["allOf"].([]any); ok {
		for _, sub := range all {
			errs = append(errs, s.check(at, v, sub)...)
		}
	}
	if v == nil && m["nullable"] == true {
		return errs
	}
	if t := m["type"]; t != nil {
		var types []string
		switch t := t.(type) {
		case string:
			types = []string{t}
		case []any:
			for _, x := range t {
				types = append(types, fmt.Sprint(x))
			}
		}
		if !slices.ContainsFunc(types, func(t string) bool { return hasType(v, t) }) {
			return append(errs, fmt.Sprintf("%s: %s is not of type %v", at, compactJSON(v), types))
		}
	}
	if enum, ok := m["enum"].([]any); ok && v != nil {
		if !slices.ContainsFunc(enum, func(e any) bool { return fmt.Sprint(e) == fmt.Sprint(v) }) {
			errs = append(errs, fmt.Sprintf("%s: %v is not one of %v", at, v, enum))
		}
	}
	switch v := v.(type) {
	case map[string]any:
		props, _ := m["properties"].(map[string]any)
		if req, ok := m["required"].([]any); ok {
			for _, r := range req {
				if _, ok := v[fmt.Sprint(r)]; !ok {
					errs = append(errs, fmt.Sprintf("%s: missing required %q", at, r))
				}
			}
		}
		for k, pv := range v {
			ps, ok := props[k]
			if !ok {
				if m["additionalProperties"] == false {
					errs = append(errs, fmt.Sprintf("%s: %q is not a property", at, k))
				}
				continue
			}
			errs = append(errs, s.check(at+"."+k, pv, ps)...)
		}
	case []any:
		if items, ok := m["items"]; ok {
			for i, x := range v {
				errs = append(errs, s.check(fmt.Sprintf("%s[%d]", at, i), x, items)...)
			}
		}
	}
	return errs
}

func hasType(v any, t string) bool {
	switch t {
	case "null":
		return v == nil
	case "string":
		_, ok := v.(string)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "number":
		_, ok := v.(float64)
		return ok
	case "integer":
		f, ok := v.(float64)
		return ok && f == float64(int64(f))
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	}
	return true
}

func compactJSON(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 80 {
		return string(b[:80]) + "…"
	}
	return string(b)
}

// exchange is one request and its answer, as seen on the wire.
type exchange struct {
	method, path, ctype string
	reqBody, respBody   []byte
	status              int
}

type recorder struct {
	mu  sync.Mutex
	log []exchange
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	rb, _ := io.ReadAll(resp.Body)
	resp.Body = io.NopCloser(bytes.NewReader(rb))
	r.mu.Lock()
	r.log = append(r.log, exchange{req.Method, req.URL.Path, req.Header.Get("Content-Type"), body, rb, resp.StatusCode})
	r.mu.Unlock()
	return resp, nil
}

func TestRoutesInSpec(t *testing.T) {
	s := loadSpec(t)
	for _, r := range fakeopenai.Routes {
		method, path, _ := strings.Cut(r, " ")
		tmpl, op := s.operation(method, "/v1"+path)
		if op == nil || tmpl != path {
			t.Errorf("%s: not in the spec (matched %q)", r, tmpl)
		}
	}
}

// TestAgainstSpec runs the tools' whole conversation with the fake through
// the client, then checks every request body and every answer against the
// schemas the spec gives for that path and status.
func TestAgainstSpec(t *testing.T) {
	s := loadSpec(t)
	rec := &recorder{}
	ctx := context.Background()
	for _, outcome := range []string{"succeeded", "failed"} {
		srv := fakeopenai.New(fakeopenai.Options{Life: fakeopenai.Life{Steps: 12, StepsPerTick: 5, Outcome: outcome, FailAtStep: 4}})
		defer srv.Close()
		c, err := openai.New(openai.Config{APIKey: srv.Key(), BaseURL: srv.URL(), HTTPClient: &http.Client{Transport: rec}})
		if err != nil {
			t.Fatal(err)
		}
		data := []byte(`{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a"}]}` + "\n")
		f, err := c.UploadFile(ctx, "train.jsonl", data, "fine-tune", 48*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		u, err := c.CreateUpload(ctx, openai.UploadRequest{Filename: "val.jsonl", Purpose: "fine-tune", Bytes: int64(len(data)), Expiry: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		p, err := c.AddUploadPart(ctx, u.ID, data)
		if err != nil {
			t.Fatal(err)
		}
		done, err := c.CompleteUpload(ctx, u.ID, []string{p.ID}, "")
		if err != nil {
			t.Fatal(err)
		}
		u2, _ := c.CreateUpload(ctx, openai.UploadRequest{Filename: "x.jsonl", Purpose: "fine-tune", Bytes: 10})
		c.CancelUpload(ctx, u2.ID)
		c.ListFiles(ctx, "fine-tune")
		c.GetFile(ctx, f.ID)
		seed := int64(3)
		j, err := c.CreateJob(ctx, openai.JobRequest{Model: "gpt-4o-mini-2024-07-18", TrainingFile: f.ID, ValidationFile: done.File.ID,
			Seed: &seed, Suffix: "spec", Metadata: map[string]string{"ft_request": "r1"},
			Integrations: []openai.Integration{{Type: "wandb", WandB: &openai.WandB{Project: "p", Entity: "e", Name: "n", Tags: []string{"t"}}}},
			Method: &openai.Method{Type: "supervised", Supervised: &openai.MethodParams{Hyperparameters: &openai.Hyperparameters{
				NEpochs: openai.Num(3), BatchSize: openai.Auto(), LearningRateMultiplier: openai.Num(0.5)}}}})
		if err != nil {
			t.Fatal(err)
		}
		dpo, err := c.CreateJob(ctx, openai.JobRequest{Model: "gpt-4o-mini-2024-07-18", TrainingFile: f.ID,
			Method: &openai.Method{Type: "dpo", DPO: &openai.MethodParams{Hyperparameters: &openai.Hyperparameters{Beta: openai.Num(0.2)}}}})
		if err != nil {
			t.Fatal(err)
		}
		for range 10 {
			if j, err = c.GetJob(ctx, j.ID); err != nil || openai.Terminal(j.Status) {
				break
			}
			c.ListEvents(ctx, j.ID, "", 3)
		}
		if _, err := c.EventsSince(ctx, j.ID, "", 4); err != nil {
			t.Fatal(err)
		}
		c.ListCheckpoints(ctx, j.ID, "", 0)
		c.ListJobs(ctx, openai.ListJobsParams{Limit: 1, Metadata: map[string]string{"ft_request": "r1"}})
		c.ListJobs(ctx, openai.ListJobsParams{Limit: 1})
		srv.Advance(dpo.ID, 2)
		c.PauseJob(ctx, dpo.ID)
		c.ResumeJob(ctx, dpo.ID)
		c.CancelJob(ctx, dpo.ID)
		c.CreateJob(ctx, openai.JobRequest{Model: "m", TrainingFile: "file-missing"}) // a 400
		c.DeleteFile(ctx, done.File.ID)

		zero, seed2 := 0.0, int64(7)
		chat := openai.ChatRequest{Model: "gpt-4o-mini-2024-07-18", Temperature: &zero, Seed: &seed2, MaxCompletionTokens: 50,
			Messages: []jsonl.Message{{Role: "system", Content: jsonl.TextContent("s")}, {Role: "user", Content: jsonl.TextContent("q")}}}
		if _, err := c.Chat(ctx, chat); err != nil {
			t.Fatal(err)
		}
		c.Chat(ctx, openai.ChatRequest{Model: "gpt-4o-mini-2024-07-18", Messages: []jsonl.Message{}}) // a 400
		line, _ := json.Marshal(map[string]any{"custom_id": "r1", "method": "POST", "url": "/v1/chat/completions", "body": chat})
		in, err := c.UploadFile(ctx, "batch.jsonl", append(line, '\n'), "batch")
		if err != nil {
			t.Fatal(err)
		}
		b, err := c.CreateBatch(ctx, openai.BatchRequest{InputFileID: in.ID, Endpoint: "/v1/chat/completions", CompletionWindow: "24h",
			Metadata: map[string]string{"ft_request": "b1"}})
		if err != nil {
			t.Fatal(err)
		}
		for range 5 {
			if b, err = c.GetBatch(ctx, b.ID); err != nil || openai.BatchDone(b.Status) {
				break
			}
		}
		if b.Status != "completed" || b.OutputFileID == "" {
			t.Fatalf("batch %s: %s, output %q", b.ID, b.Status, b.OutputFileID)
		}
		if _, err := c.FileContent(ctx, b.OutputFileID); err != nil {
			t.Fatal(err)
		}
		c.FindBatches(ctx, map[string]string{"ft_request": "b1"})
		b2, _ := c.CreateBatch(ctx, openai.BatchRequest{InputFileID: in.ID, Endpoint: "/v1/chat/completions", CompletionWindow: "24h"})
		c.CancelBatch(ctx, b2.ID)
	}

	seenOps := map[string]bool{}
	for _, x := range rec.log {
		tmpl, op := s.operation(x.method, x.path)
		where := x.method + " " + x.path
		if op == nil {
			t.Errorf("%s: not in the spec", where)
			continue
		}
		seenOps[x.method+" "+tmpl] = true
		// The request body.
		mt, params, _ := mime.ParseMediaType(x.ctype)
		reqSchema := get(op, "requestBody", "content", mt, "schema")
		switch {
		case len(x.reqBody) == 0:
		case reqSchema == nil:
			t.Errorf("%s: the spec takes no %s body", where, mt)
		case mt == "application/json":
			var v any
			if err := json.Unmarshal(x.reqBody, &v); err != nil {
				t.Errorf("%s: request is not JSON: %v", where, err)
			}
			for _, e := range s.check("request", v, reqSchema) {
				t.Errorf("%s: %s", where, e)
			}
		case mt == "multipart/form-data":
			form := map[string]any{}
			mr := multipart.NewReader(bytes.NewReader(x.reqBody), params["boundary"])
			for {
				part, err := mr.NextPart()
				if err != nil {
					break
				}
				b, _ := io.ReadAll(part)
				// expires_after[anchor] is how a form carries an object's
				// field, as OpenAI's SDKs send it.
				if k, sub, ok := strings.Cut(strings.TrimSuffix(part.FormName(), "]"), "["); ok {
					obj, _ := form[k].(map[string]any)
					if obj == nil {
						obj = map[string]any{}
						form[k] = obj
					}
					var v any = string(b)
					if n, err := strconv.ParseInt(string(b), 10, 64); err == nil {
						v = float64(n)
					}
					obj[sub] = v
					continue
				}
				form[part.FormName()] = string(b)
			}
			for _, e := range s.check("form", form, reqSchema) {
				t.Errorf("%s: %s", where, e)
			}
		}
		// The answer.
		var respSchema any
		if x.status == 200 {
			respSchema = get(op, "responses", "200", "content", "application/json", "schema")
		} else {
			respSchema = map[string]any{"$ref": "#/components/schemas/ErrorResponse"}
		}
		if respSchema == nil || (x.status == 200 && strings.HasSuffix(x.path, "/content")) {
			continue // file content: the spec calls it a JSON string, it is the file's bytes
		}
		var v any
		if err := json.Unmarshal(x.respBody, &v); err != nil {
			t.Errorf("%s: answer is not JSON: %v", where, err)
			continue
		}
		for _, e := range s.check("answer", v, respSchema) {
			// The spec's own pause example answers "paused", outside
			// its status enum; the real API does the same.
			if strings.HasSuffix(x.path, "/pause") && strings.Contains(e, "status: paused is not one of") {
				continue
			}
			t.Errorf("%s %d: %s", where, x.status, e)
		}
	}
	for _, name := range []string{"FineTuningJob", "FineTuningJobEvent", "OpenAIFile", "Upload", "UploadPart",
		"ListFineTuningJobEventsResponse", "ListPaginatedFineTuningJobsResponse", "ListFilesResponse",
		"FineTuningJobCheckpoint", "ListFineTuningJobCheckpointsResponse", "ErrorResponse", "DeleteFileResponse",
		"CreateFineTuningJobRequest", "CreateUploadRequest", "CompleteUploadRequest", "CreateFileRequest", "AddUploadPartRequest",
		"CreateChatCompletionRequest", "CreateChatCompletionResponse", "Batch", "ListBatchesResponse"} {
		if !s.visited[name] {
			t.Errorf("no exchange was checked against %s", name)
		}
	}
	var missing []string
	for _, r := range fakeopenai.Routes {
		if !seenOps[r] {
			missing = append(missing, r)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("routes never exercised: %v", missing)
	}
	t.Logf("%d exchanges checked", len(rec.log))
}

// TestSpecCheckCatches shows that the check above can fail.
func TestSpecCheckCatches(t *testing.T) {
	s := loadSpec(t)
	job := func(mod func(map[string]any)) map[string]any {
		j := map[string]any{"object": "fine_tuning.job", "id": "ftjob-1", "model": "m", "created_at": 1.0, "finished_at": nil,
			"fine_tuned_model": nil, "organization_id": "org", "result_files": []any{}, "status": "queued",
			"validation_file": nil, "training_file": "file-1", "trained_tokens": nil, "error": nil, "seed": 1.0,
			"hyperparameters": map[string]any{"n_epochs": "auto", "batch_size": "auto", "learning_rate_multiplier": "auto"}}
		mod(j)
		return j
	}
	ref := map[string]any{"$ref": "#/components/schemas/FineTuningJob"}
	if e := s.check("job", job(func(map[string]any) {}), ref); len(e) > 0 {
		t.Fatalf("a good job fails: %v", e)
	}
	for name, mod := range map[string]func(map[string]any){
		"no seed":          func(j map[string]any) { delete(j, "seed") },
		"error {}":         func(j map[string]any) { j["error"] = map[string]any{} },
		"n_epochs a word":  func(j map[string]any) { j["hyperparameters"].(map[string]any)["n_epochs"] = "three" },
		"status a number":  func(j map[string]any) { j["status"] = 3.0 },
		"created_at float": func(j map[string]any) { j["created_at"] = 1.5 },
	} {
		if e := s.check("job", job(mod), ref); len(e) == 0 {
			t.Errorf("%s: not caught", name)
		}
	}
	req := map[string]any{"$ref": "#/components/schemas/CompleteUploadRequest"}
	if e := s.check("req", map[string]any{"part_ids": []any{"p"}, "md5sum": "x"}, req); len(e) == 0 {
		t.Error("an unknown request field is not caught")
	}
}
