package fakeopenai

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/goccy/go-json"
)

type event struct {
	id        string
	createdAt int64
	level     string
	message   string
	typ       string
	data      map[string]any
}

func (e *event) object() map[string]any {
	data := e.data
	if data == nil {
		data = map[string]any{}
	}
	return map[string]any{"object": "fine_tuning.job.event", "id": e.id, "created_at": e.createdAt,
		"level": e.level, "message": e.message, "type": e.typ, "data": data}
}

type checkpoint struct {
	id        string
	createdAt int64
	model     string
	step      int
	metrics   map[string]any
}

type job struct {
	id             string
	model          string
	trainingFile   string
	validationFile string
	suffix         string
	seed           int64
	metadata       map[string]string
	methodType     string
	hyper          map[string]json.RawMessage // as requested
	createdAt      int64
	born           time.Time // for ListLag, finer than createdAt
	integrations   []map[string]any
	finished       int64
	status         string
	phaseTicks     int // steps spent in the current status
	step           int // training steps done
	epochs         int
	fineTunedModel string
	resultFiles    []string
	trainedTokens  int64
	err            *ErrorBody
	events         []*event // oldest first
	checkpoints    []*checkpoint
	ckptSteps      []int
}

// createReq is the body of a job creation.
type createReq struct {
	Model           string                     `json:"model"`
	TrainingFile    string                     `json:"training_file"`
	ValidationFile  *string                    `json:"validation_file"`
	Hyperparameters map[string]json.RawMessage `json:"hyperparameters"`
	Suffix          *string                    `json:"suffix"`
	Seed            *int64                     `json:"seed"`
	Metadata        map[string]string          `json:"metadata"`
	Integrations    json.RawMessage            `json:"integrations"`
	Method          *struct {
		Type          string          `json:"type"`
		Supervised    *methodParams   `json:"supervised"`
		DPO           *methodParams   `json:"dpo"`
		Reinforcement json.RawMessage `json:"reinforcement"`
	} `json:"method"`
}

type methodParams struct {
	Hyperparameters map[string]json.RawMessage `json:"hyperparameters"`
}

var jobFields = []string{"model", "training_file", "validation_file", "hyperparameters", "suffix", "seed",
	"metadata", "integrations", "method"}

func (s *Server) createJob(w http.ResponseWriter, r *http.Request) {
	var req createReq
	if !decodeStrict(w, r, jobFields, &req) {
		return
	}
	typ, hyper := "supervised", req.Hyperparameters
	if req.Method != nil {
		typ = req.Method.Type
		switch {
		case typ == "supervised" && req.Method.Supervised != nil:
			hyper = req.Method.Supervised.Hyperparameters
		case typ == "dpo" && req.Method.DPO != nil:
			hyper = req.Method.DPO.Hyperparameters
		}
	}
	for k := range hyper {
		allowed := []string{"batch_size", "learning_rate_multiplier", "n_epochs"}
		if typ == "dpo" {
			allowed = append(allowed, "beta")
		}
		if !slices.Contains(allowed, k) {
			badRequest(w, "method."+typ+".hyperparameters."+k, "Unrecognized hyperparameter for method %s: %s", typ, k)
			return
		}
	}
	msg, param := "", ""
	s.mu.Lock()
	defer s.mu.Unlock()
	tf := s.files[req.TrainingFile]
	switch {
	case req.Model == "":
		msg, param = "Missing required parameter: 'model'.", "model"
	case req.TrainingFile == "":
		msg, param = "Missing required parameter: 'training_file'.", "training_file"
	case tf == nil:
		msg, param = fmt.Sprintf("invalid training_file: %s", req.TrainingFile), "training_file"
	case tf.purpose != "fine-tune":
		msg, param = fmt.Sprintf("File %s has purpose %s, not fine-tune.", tf.id, tf.purpose), "training_file"
	case req.ValidationFile != nil && *req.ValidationFile != "" && s.files[*req.ValidationFile] == nil:
		msg, param = fmt.Sprintf("invalid validation_file: %s", *req.ValidationFile), "validation_file"
	case req.Suffix != nil && len(*req.Suffix) > 64:
		msg, param = "suffix must be at most 64 characters.", "suffix"
	case req.Seed != nil && (*req.Seed < 0 || *req.Seed > 2147483647):
		msg, param = "seed must be between 0 and 2147483647.", "seed"
	case len(req.Metadata) > 16:
		msg, param = "metadata may have at most 16 pairs.", "metadata"
	case !slices.Contains([]string{"supervised", "dpo", "reinforcement"}, typ):
		msg, param = fmt.Sprintf("Invalid value for 'method.type': '%s'.", typ), "method.type"
	}
	var integrations []map[string]any
	if len(req.Integrations) > 0 && string(req.Integrations) != "null" && msg == "" {
		if err := json.Unmarshal(req.Integrations, &integrations); err != nil {
			msg, param = "integrations must be an array of objects.", "integrations"
		}
		for i, in := range integrations {
			wb, _ := in["wandb"].(map[string]any)
			if p, _ := wb["project"].(string); msg == "" && (in["type"] != "wandb" || p == "") {
				msg, param = "Each integration needs type wandb and a wandb.project.", fmt.Sprintf("integrations[%d]", i)
			}
		}
	}
	for k, v := range req.Metadata {
		if msg == "" && (len(k) > 64 || len(v) > 512) {
			msg, param = "metadata keys are at most 64 characters and values at most 512.", "metadata"
		}
	}
	prefix := "method." + typ + ".hyperparameters."
	if req.Method == nil {
		prefix = "hyperparameters."
	}
	for _, c := range []struct {
		name    string
		lo, hi  float64
		open    bool
		integer bool
	}{{"n_epochs", 1, 50, false, true}, {"batch_size", 1, 256, false, true},
		{"learning_rate_multiplier", 0, 1e6, true, false}, {"beta", 0, 2, true, false}} {
		if m := checkNumber(hyper[c.name], prefix+c.name, c.lo, c.hi, c.open, c.integer); msg == "" && m != "" {
			msg, param = m, prefix+c.name
		}
	}
	if msg != "" {
		badRequest(w, param, "%s", msg)
		return
	}
	j := &job{id: s.nextID("ftjob-fake"), model: req.Model, trainingFile: req.TrainingFile, metadata: req.Metadata,
		methodType: typ, hyper: hyper, createdAt: s.now(), born: s.opts.Now(), status: "validating_files", seed: 42}
	if req.ValidationFile != nil {
		j.validationFile = *req.ValidationFile
	}
	if req.Suffix != nil {
		j.suffix = *req.Suffix
	}
	if req.Seed != nil {
		j.seed = *req.Seed
	}
	if len(integrations) > 0 {
		j.integrations = integrations
	}
	s.jobs[j.id] = j
	s.jobIDs = append(s.jobIDs, j.id)
	s.creates++
	s.event(j, "info", "Created fine-tuning job: "+j.id, "message", nil)
	files := "Validating training file: " + j.trainingFile
	if j.validationFile != "" {
		files += " and validation file: " + j.validationFile
	}
	s.event(j, "info", files, "message", nil)
	writeJSON(w, http.StatusOK, s.jobObject(j))
}

func (s *Server) event(j *job, level, msg, typ string, data map[string]any) {
	j.events = append(j.events, &event{id: s.nextID("ftevent-fake"), createdAt: s.now(), level: level, message: msg, typ: typ, data: data})
}

func (s *Server) life() Life {
	l := s.opts.Life
	if l.ValidatingTicks <= 0 {
		l.ValidatingTicks = 1
	}
	if l.QueuedTicks <= 0 {
		l.QueuedTicks = 1
	}
	if l.Steps <= 0 {
		l.Steps = 10
	}
	if l.StepsPerTick <= 0 {
		l.StepsPerTick = 3
	}
	if l.Outcome == "" {
		l.Outcome = "succeeded"
	}
	if l.Error.Code == "" && l.Error.Message == "" {
		l.Error = ErrorBody{Code: "invalid_training_file", Param: "training_file",
			Message: "The job failed due to an invalid training file. Expected file to have JSONL format."}
	}
	return l
}

// step moves a job one step along its life; the caller holds s.mu.
func (s *Server) step(j *job) {
	l := s.life()
	j.phaseTicks++
	switch j.status {
	case "validating_files":
		if j.phaseTicks < l.ValidatingTicks {
			return
		}
		if l.Outcome == "failed" && l.FailAtStep <= 0 {
			s.fail(j, l)
			return
		}
		s.enter(j, "queued")
		s.event(j, "info", "Files validated, moving job to queued state", "message", nil)
	case "queued":
		if j.phaseTicks < l.QueuedTicks {
			return
		}
		s.enter(j, "running")
		j.epochs = int(number(j.hyper["n_epochs"], 3))
		for e := max(1, j.epochs-2); e <= j.epochs; e++ {
			j.ckptSteps = append(j.ckptSteps, (l.Steps*e+j.epochs-1)/j.epochs)
		}
		s.event(j, "info", "Fine-tuning job started", "message", nil)
	case "running":
		for range l.StepsPerTick {
			if j.step >= l.Steps {
				break
			}
			j.step++
			s.metric(j, l.Steps)
			if l.Outcome == "failed" && l.FailAtStep > 0 && j.step >= l.FailAtStep {
				s.fail(j, l)
				return
			}
		}
		if j.step >= l.Steps {
			s.succeed(j, l)
		}
	}
}

func (s *Server) enter(j *job, status string) {
	j.status = status
	j.phaseTicks = 0
}

func (s *Server) metric(j *job, steps int) {
	loss := round(lossAt(j.step, steps), 4)
	data := map[string]any{"step": j.step, "total_steps": steps, "train_loss": loss,
		"train_mean_token_accuracy": round(1-loss/2.5, 4)}
	msg := fmt.Sprintf("Step %d/%d: training loss=%.2f", j.step, steps, loss)
	if j.validationFile != "" {
		vloss := round(loss*1.1, 4)
		data["valid_loss"] = vloss
		data["valid_mean_token_accuracy"] = round(1-vloss/2.5, 4)
		msg += fmt.Sprintf(", validation loss=%.2f", vloss)
	}
	s.event(j, "info", msg, "metrics", data)
	if slices.Contains(j.ckptSteps, j.step) {
		c := &checkpoint{id: s.nextID("ftckpt_fake"), createdAt: s.now(), step: j.step,
			model: fmt.Sprintf("%s:ckpt-step-%d", s.modelName(j), j.step), metrics: data}
		j.checkpoints = append(j.checkpoints, c)
		s.event(j, "info", fmt.Sprintf("Checkpoint created at step %d", j.step), "message", nil)
	}
}

func (s *Server) modelName(j *job) string {
	return fmt.Sprintf("ft:%s:fake-org:%s:%s", j.model, j.suffix, strings.TrimPrefix(j.id, "ftjob-"))
}

func (s *Server) fail(j *job, l Life) {
	e := l.Error
	j.err = &e
	j.status = "failed"
	j.finished = s.now()
	s.event(j, "error", e.Message, "message", nil)
	s.event(j, "info", "The job failed", "message", nil)
}

func (s *Server) succeed(j *job, l Life) {
	j.status = "succeeded"
	j.finished = s.now()
	j.fineTunedModel = s.modelName(j)
	j.trainedTokens = l.TrainedTokens
	if j.trainedTokens == 0 {
		if f := s.files[j.trainingFile]; f != nil {
			j.trainedTokens = f.bytes / 4 * int64(max(j.epochs, 1))
		}
	}
	var csv strings.Builder
	csv.WriteString("step,train_loss,train_accuracy\n")
	for i := 1; i <= l.Steps; i++ {
		loss := round(lossAt(i, l.Steps), 4)
		fmt.Fprintf(&csv, "%d,%g,%g\n", i, loss, round(1-loss/2.5, 4))
	}
	res := s.addFile("step_metrics.csv", "fine-tune-results", []byte(csv.String()))
	j.resultFiles = []string{res.id}
	s.event(j, "info", "New fine-tuned model created: "+j.fineTunedModel, "message", nil)
	s.event(j, "info", "The job has successfully completed", "message", nil)
}

// number reads a requested hyperparameter, def for "auto" or absent.
func number(raw json.RawMessage, def float64) float64 {
	var f float64
	if len(raw) > 0 && json.Unmarshal(raw, &f) == nil {
		return f
	}
	return def
}

// hyperObject shows hyperparameters as requested until training starts,
// then as resolved, as the real API does.
func (s *Server) hyperObject(j *job) map[string]any {
	h := map[string]any{}
	defs := map[string]float64{"n_epochs": 3, "batch_size": 1, "learning_rate_multiplier": 1.8, "beta": 0.1}
	names := []string{"n_epochs", "batch_size", "learning_rate_multiplier"}
	if j.methodType == "dpo" {
		names = append(names, "beta")
	}
	resolved := j.status != "validating_files" && j.status != "queued"
	for _, n := range names {
		raw := j.hyper[n]
		switch {
		case len(raw) > 0 && string(raw) != `"auto"` && string(raw) != "null":
			h[n] = json.RawMessage(raw)
		case resolved:
			h[n] = defs[n]
		default:
			h[n] = "auto"
		}
	}
	return h
}

func (s *Server) jobObject(j *job) map[string]any {
	nullable := func(v string) any {
		if v == "" {
			return nil
		}
		return v
	}
	o := map[string]any{"object": "fine_tuning.job", "id": j.id, "model": j.model, "created_at": j.createdAt,
		"finished_at": nil, "fine_tuned_model": nullable(j.fineTunedModel), "organization_id": "org-fake",
		"result_files": append([]string{}, j.resultFiles...), "status": j.status,
		"validation_file": nullable(j.validationFile), "training_file": j.trainingFile,
		"trained_tokens": nil, "error": nil, "seed": j.seed, "estimated_finish": nil, "integrations": nil,
		"metadata": nil}
	if j.integrations != nil {
		o["integrations"] = j.integrations
	}
	hyper := s.hyperObject(j)
	o["method"] = map[string]any{"type": j.methodType, j.methodType: map[string]any{"hyperparameters": hyper}}
	legacy := map[string]any{}
	for _, k := range []string{"n_epochs", "batch_size", "learning_rate_multiplier"} {
		legacy[k] = hyper[k]
	}
	o["hyperparameters"] = legacy
	if j.finished != 0 {
		o["finished_at"] = j.finished
	}
	if j.trainedTokens != 0 {
		o["trained_tokens"] = j.trainedTokens
	}
	if j.metadata != nil {
		o["metadata"] = j.metadata
	}
	if j.err != nil {
		o["error"] = map[string]any{"code": j.err.Code, "message": j.err.Message, "param": nullable(j.err.Param)}
	} else if s.opts.Quirks {
		o["error"] = map[string]any{}
	}
	if s.opts.Quirks {
		o["user_provided_suffix"] = nullable(j.suffix)
	}
	return o
}

func (s *Server) ticksOnRead() bool { return !s.opts.Manual && s.opts.Tick <= 0 }

func (s *Server) getJob(w http.ResponseWriter, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j := s.jobs[id]
	if j == nil {
		notFound(w, "fine-tuning job", id)
		return
	}
	if s.ticksOnRead() {
		s.step(j)
	}
	writeJSON(w, http.StatusOK, s.jobObject(j))
}

func (s *Server) jobAction(w http.ResponseWriter, id, action string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j := s.jobs[id]
	if j == nil {
		notFound(w, "fine-tuning job", id)
		return
	}
	switch {
	case action == "cancel" && j.status != "succeeded" && j.status != "failed" && j.status != "cancelled":
		j.status = "cancelled"
		j.finished = s.now()
		s.event(j, "info", "Fine-tuning job cancelled", "message", nil)
	case action == "pause" && j.status == "running":
		j.status = "paused"
		s.event(j, "info", "Fine-tuning job paused", "message", nil)
	case action == "resume" && j.status == "paused":
		j.status = "running"
		s.event(j, "info", "Fine-tuning job resumed", "message", nil)
	default:
		badRequest(w, "", "Cannot %s a job whose status is %s.", action, j.status)
		return
	}
	writeJSON(w, http.StatusOK, s.jobObject(j))
}

func (s *Server) listJobs(w http.ResponseWriter, r *http.Request) {
	limit, ok := limitOf(w, r, 20, 100)
	if !ok {
		return
	}
	want := map[string]string{}
	for k, v := range r.URL.Query() {
		if strings.HasPrefix(k, "metadata[") && strings.HasSuffix(k, "]") {
			want[k[len("metadata["):len(k)-1]] = v[0]
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var all []*job
	for i := len(s.jobIDs) - 1; i >= 0; i-- {
		j := s.jobs[s.jobIDs[i]]
		match := s.listed(j.born)
		for k, v := range want {
			if j.metadata[k] != v {
				match = false
			}
		}
		if match {
			all = append(all, j)
		}
	}
	o, _ := listOf(r, all, func(j *job) string { return j.id }, func(j *job) any { return s.jobObject(j) }, limit)
	writeJSON(w, http.StatusOK, o)
}

func (s *Server) listEvents(w http.ResponseWriter, r *http.Request, id string) {
	limit, ok := limitOf(w, r, 20, 1000)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	j := s.jobs[id]
	if j == nil {
		notFound(w, "fine-tuning job", id)
		return
	}
	all := slices.Clone(j.events)
	slices.Reverse(all)
	o, _ := listOf(r, all, func(e *event) string { return e.id }, func(e *event) any { return e.object() }, limit)
	writeJSON(w, http.StatusOK, o)
}

func (s *Server) listCheckpoints(w http.ResponseWriter, r *http.Request, id string) {
	limit, ok := limitOf(w, r, 10, 100)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	j := s.jobs[id]
	if j == nil {
		notFound(w, "fine-tuning job", id)
		return
	}
	all := slices.Clone(j.checkpoints)
	slices.Reverse(all)
	o, got := listOf(r, all, func(c *checkpoint) string { return c.id }, func(c *checkpoint) any {
		return map[string]any{"object": "fine_tuning.job.checkpoint", "id": c.id, "created_at": c.createdAt,
			"fine_tuned_model_checkpoint": c.model, "fine_tuning_job_id": j.id, "step_number": c.step, "metrics": c.metrics}
	}, limit)
	o["first_id"], o["last_id"] = nil, nil
	if len(got) > 0 {
		o["first_id"], o["last_id"] = got[0].id, got[len(got)-1].id
	}
	writeJSON(w, http.StatusOK, o)
}
