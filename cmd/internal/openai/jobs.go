package openai

import (
	"bytes"
	"cmp"
	"context"
	"net/url"
	"slices"
	"strconv"

	"github.com/goccy/go-json"
)

// Job statuses. The API may send others (e.g. "paused"): Status is a string.
const (
	StatusValidatingFiles = "validating_files"
	StatusQueued          = "queued"
	StatusRunning         = "running"
	StatusSucceeded       = "succeeded"
	StatusFailed          = "failed"
	StatusCancelled       = "cancelled"
	StatusPaused          = "paused"
)

// Terminal reports whether a job in this status will not change any more.
func Terminal(status string) bool {
	return status == StatusSucceeded || status == StatusFailed || status == StatusCancelled
}

// Value is a hyperparameter: "auto" or a number. A nil *Value is left out
// of a request, which the API takes as "auto".
type Value struct {
	Auto  bool
	N     float64
	Other string // a string other than "auto" that the server sent
}

// Auto returns the value "auto".
func Auto() *Value { return &Value{Auto: true} }

// Num returns a numeric value.
func Num(n float64) *Value { return &Value{N: n} }

func (v Value) String() string {
	switch {
	case v.Auto:
		return "auto"
	case v.Other != "":
		return v.Other
	}
	return strconv.FormatFloat(v.N, 'f', -1, 64)
}

func (v Value) MarshalJSON() ([]byte, error) {
	if v.Auto || v.Other != "" {
		return json.Marshal(v.String())
	}
	return []byte(v.String()), nil
}

// UnmarshalJSON accepts "auto", a number, or a number in a string.
func (v *Value) UnmarshalJSON(b []byte) error {
	*v = Value{}
	var s string
	if json.Unmarshal(b, &s) == nil {
		if s == "auto" {
			v.Auto = true
		} else if n, err := strconv.ParseFloat(s, 64); err == nil {
			v.N = n
		} else {
			v.Other = s
		}
		return nil
	}
	if string(b) == "null" {
		v.Auto = true
		return nil
	}
	n, err := strconv.ParseFloat(string(bytes.TrimSpace(b)), 64)
	if err != nil {
		v.Other = string(b)
		return nil
	}
	v.N = n
	return nil
}

// Hyperparameters of the supervised and DPO methods (Beta: DPO only).
type Hyperparameters struct {
	BatchSize              *Value `json:"batch_size,omitempty"`
	LearningRateMultiplier *Value `json:"learning_rate_multiplier,omitempty"`
	NEpochs                *Value `json:"n_epochs,omitempty"`
	Beta                   *Value `json:"beta,omitempty"`
}

// MethodParams holds one method's settings.
type MethodParams struct {
	Hyperparameters *Hyperparameters `json:"hyperparameters,omitempty"`
}

// Method is the fine-tuning method of a job: Type "supervised" or "dpo"
// with the matching field set ("reinforcement" is kept as raw JSON).
type Method struct {
	Type          string          `json:"type"`
	Supervised    *MethodParams   `json:"supervised,omitempty"`
	DPO           *MethodParams   `json:"dpo,omitempty"`
	Reinforcement json.RawMessage `json:"reinforcement,omitempty"`
}

// Hyperparameters returns the hyperparameters of the method's type, or nil.
func (m *Method) Hyperparameters() *Hyperparameters {
	if m == nil {
		return nil
	}
	switch {
	case m.Type == "dpo" && m.DPO != nil:
		return m.DPO.Hyperparameters
	case m.Supervised != nil:
		return m.Supervised.Hyperparameters
	}
	return nil
}

// JobRequest is the body of a job creation.
type JobRequest struct {
	Model          string            `json:"model"`
	TrainingFile   string            `json:"training_file"`
	ValidationFile string            `json:"validation_file,omitempty"`
	Method         *Method           `json:"method,omitempty"`
	Seed           *int64            `json:"seed,omitempty"`
	Suffix         string            `json:"suffix,omitempty"`
	Metadata       map[string]string `json:"metadata,omitempty"`
	Integrations   []Integration     `json:"integrations,omitempty"`
}

// Integration is a service a job reports to: Type "wandb" (Weights &
// Biases, the only one the API offers) with WandB set.
type Integration struct {
	Type  string `json:"type"`
	WandB *WandB `json:"wandb"`
}

// WandB sends a job's metrics to a Weights & Biases project; the other
// fields are optional (the run is named after the job by default).
type WandB struct {
	Project string   `json:"project"`
	Name    string   `json:"name,omitempty"`
	Entity  string   `json:"entity,omitempty"`
	Tags    []string `json:"tags,omitempty"`
}

// JobError is why a job failed.
type JobError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Param   string `json:"param,omitempty"`
}

func (e *JobError) Error() string {
	s := e.Message
	if e.Code != "" {
		s = e.Code + ": " + s
	}
	if e.Param != "" {
		s += " (param: " + e.Param + ")"
	}
	return s
}

// Job is a fine-tuning job. Raw is the object as the server sent it, on
// one line; MarshalJSON writes Raw when it is set.
type Job struct {
	ID              string            `json:"id"`
	Object          string            `json:"object"`
	CreatedAt       int64             `json:"created_at"`
	FinishedAt      int64             `json:"finished_at,omitempty"`
	EstimatedFinish int64             `json:"estimated_finish,omitempty"`
	Error           *JobError         `json:"error"` // nil when null or {}
	FineTunedModel  string            `json:"fine_tuned_model,omitempty"`
	Hyperparameters *Hyperparameters  `json:"hyperparameters,omitempty"`
	Method          *Method           `json:"method,omitempty"`
	Model           string            `json:"model"`
	OrganizationID  string            `json:"organization_id,omitempty"`
	ResultFiles     []string          `json:"result_files"`
	Status          string            `json:"status"`
	TrainedTokens   int64             `json:"trained_tokens,omitempty"`
	TrainingFile    string            `json:"training_file"`
	ValidationFile  string            `json:"validation_file,omitempty"`
	Seed            int64             `json:"seed,omitempty"`
	Suffix          string            `json:"user_provided_suffix,omitempty"`
	Metadata        map[string]string `json:"metadata,omitempty"`

	Raw json.RawMessage `json:"-"`
}

// EffectiveHyperparameters returns the method's hyperparameters, else the
// legacy top-level ones.
func (j *Job) EffectiveHyperparameters() *Hyperparameters {
	if h := j.Method.Hyperparameters(); h != nil {
		return h
	}
	return j.Hyperparameters
}

type jobFields Job

// UnmarshalJSON decodes the fields the tools use and keeps the rest in Raw.
// Only id and status must have their types; any other field that does not
// fit is left at its zero value rather than failing the whole job.
func (j *Job) UnmarshalJSON(b []byte) error {
	var core struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	}
	if err := json.Unmarshal(b, &core); err != nil {
		return err
	}
	var f map[string]json.RawMessage
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*j = Job{ID: core.ID, Status: core.Status, Raw: compact(b)}
	lenient(f["object"], &j.Object)
	j.CreatedAt = integer(f["created_at"])
	j.FinishedAt = integer(f["finished_at"])
	j.EstimatedFinish = integer(f["estimated_finish"])
	j.TrainedTokens = integer(f["trained_tokens"])
	j.Seed = integer(f["seed"])
	lenient(f["fine_tuned_model"], &j.FineTunedModel)
	lenient(f["model"], &j.Model)
	lenient(f["organization_id"], &j.OrganizationID)
	lenient(f["training_file"], &j.TrainingFile)
	lenient(f["validation_file"], &j.ValidationFile)
	lenient(f["user_provided_suffix"], &j.Suffix)
	lenient(f["result_files"], &j.ResultFiles)
	lenient(f["hyperparameters"], &j.Hyperparameters)
	lenient(f["method"], &j.Method)
	if raw := f["metadata"]; len(raw) > 0 && !lenient(raw, &j.Metadata) {
		// Values that are not strings still count for a lookup by tag.
		var m map[string]any
		if lenient(raw, &m) {
			j.Metadata = map[string]string{}
			for k, v := range m {
				j.Metadata[k] = text(mustJSON(v))
			}
		}
	}
	j.Error = jobError(f["error"])
	return nil
}

// MarshalJSON writes the object as the server sent it, or the fields when
// the job was not decoded from the server.
func (j Job) MarshalJSON() ([]byte, error) {
	if len(j.Raw) > 0 {
		return j.Raw, nil
	}
	return json.Marshal(jobFields(j))
}

// jobError decodes a job's error leniently: null, {} and an object with
// neither code nor message mean no error; a bare string is a message.
func jobError(raw json.RawMessage) *JobError {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var f map[string]json.RawMessage
	if json.Unmarshal(raw, &f) != nil {
		if s := text(raw); s != "" {
			return &JobError{Message: s}
		}
		return nil
	}
	e := &JobError{Code: text(f["code"]), Message: text(f["message"]), Param: text(f["param"])}
	if e.Code == "" && e.Message == "" {
		return nil
	}
	return e
}

// Event is an event of a job: Type "message" or "metrics" (Data then holds
// step, train_loss, ...). Raw is the object as the server sent it.
type Event struct {
	ID        string          `json:"id"`
	Object    string          `json:"object"`
	CreatedAt int64           `json:"created_at"`
	Level     string          `json:"level"`
	Message   string          `json:"message"`
	Type      string          `json:"type,omitempty"`
	Data      json.RawMessage `json:"data,omitempty"`

	Raw json.RawMessage `json:"-"`
}

type eventFields Event

func (e *Event) UnmarshalJSON(b []byte) error {
	var f map[string]json.RawMessage
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*e = Event{Raw: compact(b), CreatedAt: integer(f["created_at"])}
	lenient(f["id"], &e.ID)
	lenient(f["object"], &e.Object)
	lenient(f["level"], &e.Level)
	lenient(f["message"], &e.Message)
	lenient(f["type"], &e.Type)
	if d := f["data"]; len(d) > 0 && string(d) != "null" {
		e.Data = compact(d)
	}
	return nil
}

// MarshalJSON writes the event as the server sent it when it was decoded.
func (e Event) MarshalJSON() ([]byte, error) {
	if len(e.Raw) > 0 {
		return e.Raw, nil
	}
	return json.Marshal(eventFields(e))
}

// Metrics are the numbers of a metrics event or a checkpoint; absent ones
// are nil.
type Metrics struct {
	Step                       int64    `json:"step"`
	TotalSteps                 int64    `json:"total_steps,omitempty"`
	TrainLoss                  *float64 `json:"train_loss,omitempty"`
	TrainMeanTokenAccuracy     *float64 `json:"train_mean_token_accuracy,omitempty"`
	ValidLoss                  *float64 `json:"valid_loss,omitempty"`
	ValidMeanTokenAccuracy     *float64 `json:"valid_mean_token_accuracy,omitempty"`
	FullValidLoss              *float64 `json:"full_valid_loss,omitempty"`
	FullValidMeanTokenAccuracy *float64 `json:"full_valid_mean_token_accuracy,omitempty"`
}

// Metrics decodes a metrics event's data; ok is false for other events.
func (e Event) Metrics() (m Metrics, ok bool) {
	if e.Type != "metrics" || len(e.Data) == 0 {
		return Metrics{}, false
	}
	return m, lenient(e.Data, &m)
}

// Checkpoint is a checkpoint of a job.
type Checkpoint struct {
	ID                       string  `json:"id"`
	Object                   string  `json:"object"`
	CreatedAt                int64   `json:"created_at"`
	FineTunedModelCheckpoint string  `json:"fine_tuned_model_checkpoint"`
	FineTuningJobID          string  `json:"fine_tuning_job_id"`
	StepNumber               int64   `json:"step_number"`
	Metrics                  Metrics `json:"metrics"`

	Raw json.RawMessage `json:"-"`
}

type checkpointFields Checkpoint

func (c *Checkpoint) UnmarshalJSON(b []byte) error {
	var f map[string]json.RawMessage
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*c = Checkpoint{Raw: compact(b), CreatedAt: integer(f["created_at"]), StepNumber: integer(f["step_number"])}
	lenient(f["id"], &c.ID)
	lenient(f["object"], &c.Object)
	lenient(f["fine_tuned_model_checkpoint"], &c.FineTunedModelCheckpoint)
	lenient(f["fine_tuning_job_id"], &c.FineTuningJobID)
	lenient(f["metrics"], &c.Metrics)
	return nil
}

// MarshalJSON writes the checkpoint as the server sent it when it was decoded.
func (c Checkpoint) MarshalJSON() ([]byte, error) {
	if len(c.Raw) > 0 {
		return c.Raw, nil
	}
	return json.Marshal(checkpointFields(c))
}

// JobList is one page of jobs, newest first.
type JobList struct {
	Data    []Job `json:"data"`
	HasMore bool  `json:"has_more"`
}

// EventList is one page of events, newest first.
type EventList struct {
	Data    []Event `json:"data"`
	HasMore bool    `json:"has_more"`
}

// CheckpointList is one page of checkpoints.
type CheckpointList struct {
	Data    []Checkpoint `json:"data"`
	HasMore bool         `json:"has_more"`
	FirstID string       `json:"first_id,omitempty"`
	LastID  string       `json:"last_id,omitempty"`
}

// ListJobsParams selects a page of jobs: those after the job ID After (the
// last of the previous page), at most Limit (0: the API's default of 20),
// with every Metadata key set to its value.
type ListJobsParams struct {
	After    string
	Limit    int
	Metadata map[string]string
}

// CreateJob creates a job. It is never sent twice: when it fails in a way
// that may have reached the server (a connection lost after sending, a
// timeout, a 409 or 5xx), the error matches ErrMaybeCreated and the caller
// should look for the job, e.g. with FindJobs on a metadata tag it set.
// A 429 or a connection that was never made is retried as usual.
func (c *Client) CreateJob(ctx context.Context, r JobRequest) (Job, error) {
	var j Job
	err := c.call(nonIdempotent(ctx), "POST", "/fine_tuning/jobs", nil, &request{json: r}, &j)
	return j, err
}

// GetJob retrieves a job.
func (c *Client) GetJob(ctx context.Context, id string) (Job, error) {
	var j Job
	err := c.call(ctx, "GET", "/fine_tuning/jobs/"+url.PathEscape(id), nil, nil, &j)
	return j, err
}

// CancelJob cancels a job.
func (c *Client) CancelJob(ctx context.Context, id string) (Job, error) {
	var j Job
	err := c.call(ctx, "POST", "/fine_tuning/jobs/"+url.PathEscape(id)+"/cancel", nil, nil, &j)
	return j, err
}

// PauseJob pauses a running job; ResumeJob resumes it.
func (c *Client) PauseJob(ctx context.Context, id string) (Job, error) {
	var j Job
	err := c.call(ctx, "POST", "/fine_tuning/jobs/"+url.PathEscape(id)+"/pause", nil, nil, &j)
	return j, err
}

// ResumeJob resumes a paused job.
func (c *Client) ResumeJob(ctx context.Context, id string) (Job, error) {
	var j Job
	err := c.call(ctx, "POST", "/fine_tuning/jobs/"+url.PathEscape(id)+"/resume", nil, nil, &j)
	return j, err
}

// ListJobs returns one page of jobs.
func (c *Client) ListJobs(ctx context.Context, p ListJobsParams) (JobList, error) {
	q := url.Values{}
	if p.After != "" {
		q.Set("after", p.After)
	}
	if p.Limit > 0 {
		q.Set("limit", strconv.Itoa(p.Limit))
	}
	for k, v := range p.Metadata {
		q.Set("metadata["+k+"]", v)
	}
	var l JobList
	err := c.call(ctx, "GET", "/fine_tuning/jobs", q, nil, &l)
	return l, err
}

// FindJobs returns every job, newest first, whose metadata has all the
// given pairs, following the pages. The filter is applied here too, so a
// server that ignores it cannot return a stranger's job.
func (c *Client) FindJobs(ctx context.Context, metadata map[string]string) ([]Job, error) {
	var found []Job
	p := ListJobsParams{Limit: 100, Metadata: metadata}
	for {
		l, err := c.ListJobs(ctx, p)
		if err != nil {
			return nil, err
		}
		for _, j := range l.Data {
			if hasAll(j.Metadata, metadata) {
				found = append(found, j)
			}
		}
		if !l.HasMore || len(l.Data) == 0 || l.Data[len(l.Data)-1].ID == p.After {
			return found, nil
		}
		p.After = l.Data[len(l.Data)-1].ID
	}
}

func hasAll(have, want map[string]string) bool {
	for k, v := range want {
		if hv, ok := have[k]; !ok || hv != v {
			return false
		}
	}
	return true
}

// ListEvents returns one page of a job's events, newest first: those older
// than the event ID after (the last of the previous page), at most limit
// (0: the API's default of 20).
func (c *Client) ListEvents(ctx context.Context, jobID, after string, limit int) (EventList, error) {
	q := url.Values{}
	if after != "" {
		q.Set("after", after)
	}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	var l EventList
	err := c.call(ctx, "GET", "/fine_tuning/jobs/"+url.PathEscape(jobID)+"/events", q, nil, &l)
	return l, err
}

// EventsSince returns the job's events newer than the event lastID, oldest
// first, paging back through as many pages of pageSize (0: 100) as it takes
// to reach lastID; with lastID "" (or an ID the server no longer lists) it
// returns every event. It is how a poller sees each event exactly once even
// when many arrive between two polls.
func (c *Client) EventsSince(ctx context.Context, jobID, lastID string, pageSize int) ([]Event, error) {
	if pageSize <= 0 {
		pageSize = 100
	}
	var newest []Event
	seen := map[string]bool{}
	after := ""
	for {
		l, err := c.ListEvents(ctx, jobID, after, pageSize)
		if err != nil {
			return nil, err
		}
		added, found := 0, false
		for _, e := range l.Data {
			if lastID != "" && e.ID == lastID {
				found = true
				break
			}
			if seen[e.ID] {
				continue
			}
			seen[e.ID] = true
			newest = append(newest, e)
			added++
		}
		if found || !l.HasMore || added == 0 {
			break
		}
		after = l.Data[len(l.Data)-1].ID
	}
	for i, k := 0, len(newest)-1; i < k; i, k = i+1, k-1 {
		newest[i], newest[k] = newest[k], newest[i]
	}
	return newest, nil
}

// ListCheckpoints returns one page of a job's checkpoints (limit 0: the
// API's default of 10).
func (c *Client) ListCheckpoints(ctx context.Context, jobID, after string, limit int) (CheckpointList, error) {
	q := url.Values{}
	if after != "" {
		q.Set("after", after)
	}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	var l CheckpointList
	err := c.call(ctx, "GET", "/fine_tuning/jobs/"+url.PathEscape(jobID)+"/checkpoints", q, nil, &l)
	return l, err
}

// lenient decodes raw into v, leaving v alone when it does not fit.
func lenient(raw json.RawMessage, v any) bool {
	if len(raw) == 0 || string(raw) == "null" {
		return false
	}
	return json.Unmarshal(raw, v) == nil
}

// integer reads a JSON number (or a number in a string) as an int64; 0
// when absent, null or not a number.
func integer(raw json.RawMessage) int64 {
	s := text(raw)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return int64(f)
	}
	return 0
}

func compact(b []byte) json.RawMessage {
	var buf bytes.Buffer
	if json.Compact(&buf, b) != nil {
		return append(json.RawMessage(nil), b...)
	}
	return buf.Bytes()
}

func mustJSON(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}

// Checkpoints returns every checkpoint of a job, following the pages, in
// order of step.
func (c *Client) Checkpoints(ctx context.Context, jobID string) ([]Checkpoint, error) {
	var all []Checkpoint
	after := ""
	for {
		l, err := c.ListCheckpoints(ctx, jobID, after, 100)
		if err != nil {
			return nil, err
		}
		all = append(all, l.Data...)
		if !l.HasMore || len(l.Data) == 0 || l.Data[len(l.Data)-1].ID == after {
			break
		}
		after = l.Data[len(l.Data)-1].ID
	}
	slices.SortStableFunc(all, func(a, b Checkpoint) int { return cmp.Compare(a.StepNumber, b.StepNumber) })
	return all, nil
}
