package ask

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/ft-tools/ft/cmd/internal/cli"
	"github.com/ft-tools/ft/cmd/internal/openai"
	"github.com/ft-tools/ft/jsonl"
	"github.com/goccy/go-json"
)

// Batcher sends the requests that are not cached as one Batch API batch,
// waits for it, and puts its answers in the cache, from which a Runner then
// writes them. Its state (the batch of a set of requests) is kept in
// StateDir from the moment the batch exists, so that a run stopped while
// it waits goes on with the same batch instead of paying for a second.
type Batcher struct {
	Client   *openai.Client
	BaseURL  string
	Cache    *Cache
	StateDir string // "" keeps no state
	Poll     time.Duration
	// Progress is told each look at the batch.
	Progress func(b openai.Batch)
	// Note is told what happens that the user must know about.
	Note  func(format string, args ...any)
	Sleep func(ctx context.Context, d time.Duration) error
}

// batchState is the file that ties a set of requests to its batch.
type batchState struct {
	Batch string `json:"batch"`
	API   string `json:"api"`
	Set   string `json:"set"`
}

// batchLine is one line of a batch's input file.
type batchLine struct {
	CustomID string              `json:"custom_id"`
	Method   string              `json:"method"`
	URL      string              `json:"url"`
	Body     *openai.ChatRequest `json:"body"`
}

// metaSet tags a batch with the hash of its requests, to find it again
// when the answer to its creation was lost.
const metaSet = "ft_ask_set"

// Run sends, through one batch, every task whose answer is not cached, and
// returns the keys it answered and the refusals, by Key. Answers are in
// the cache when it returns without error.
func (b *Batcher) Run(ctx context.Context, tasks []Task) (fresh map[string]bool, known map[string]jsonl.AnswerError, err error) {
	var keys []string
	var lines bytes.Buffer
	seen := map[string]bool{}
	for i := range tasks {
		k := Key(b.BaseURL, &tasks[i].Request)
		if seen[k] {
			continue
		}
		seen[k] = true
		if _, hit := b.Cache.Get(k); hit {
			continue
		}
		keys = append(keys, k)
		l, err := json.Marshal(batchLine{CustomID: k, Method: "POST", URL: "/v1/chat/completions", Body: &tasks[i].Request})
		if err != nil {
			return nil, nil, err
		}
		lines.Write(append(l, '\n'))
	}
	if len(keys) == 0 {
		return nil, nil, nil
	}
	h := sha256.New()
	fmt.Fprintln(h, b.BaseURL)
	for _, k := range keys {
		fmt.Fprintln(h, k)
	}
	set := hex.EncodeToString(h.Sum(nil))[:32]
	batch, err := b.resume(ctx, set)
	if err != nil {
		return nil, nil, err
	}
	if batch.ID == "" {
		if batch, err = b.create(ctx, set, lines.Bytes()); err != nil {
			return nil, nil, err
		}
	}
	for !openai.BatchDone(batch.Status) {
		if b.Progress != nil {
			b.Progress(batch)
		}
		if err := b.sleep(ctx, b.Poll); err != nil {
			return nil, nil, err
		}
		if batch, err = b.Client.GetBatch(ctx, batch.ID); err != nil {
			return nil, nil, err
		}
	}
	if b.Progress != nil {
		b.Progress(batch)
	}
	fresh, known = map[string]bool{}, map[string]jsonl.AnswerError{}
	for _, id := range []string{batch.OutputFileID, batch.ErrorFileID} {
		if id == "" {
			continue
		}
		data, err := b.Client.FileContent(ctx, id)
		if err != nil {
			return nil, nil, err
		}
		if err := b.store(data, id, fresh, known); err != nil {
			return nil, nil, err
		}
	}
	b.forget(set)
	switch batch.Status {
	case "completed":
		return fresh, known, nil
	case "failed":
		msg := "no reason given"
		if batch.Errors != nil && len(batch.Errors.Data) > 0 {
			e := batch.Errors.Data[0]
			msg = e.Code + ": " + e.Message
			if e.Line != nil {
				msg = fmt.Sprintf("input line %d: %s", *e.Line, msg)
			}
		}
		return nil, nil, cli.Errorf(cli.ExitAPIRefused, "batch %s failed: %s", batch.ID, msg)
	default:
		return nil, nil, cli.Errorf(cli.ExitUnavailable, "batch %s ended %s with %d of %d requests answered; their answers are cached, run again to ask the rest",
			batch.ID, batch.Status, batch.RequestCounts.Completed, batch.RequestCounts.Total)
	}
}

func (b *Batcher) sleep(ctx context.Context, d time.Duration) error {
	if b.Sleep != nil {
		return b.Sleep(ctx, d)
	}
	return openai.Sleep(ctx, d)
}

func (b *Batcher) note(format string, args ...any) {
	if b.Note != nil {
		b.Note(format, args...)
	}
}

func (b *Batcher) statePath(set string) string { return filepath.Join(b.StateDir, set+".json") }

// resume returns the batch a previous run made for this set, if any.
func (b *Batcher) resume(ctx context.Context, set string) (openai.Batch, error) {
	if b.StateDir == "" {
		return openai.Batch{}, nil
	}
	data, err := os.ReadFile(b.statePath(set))
	if err != nil {
		return openai.Batch{}, nil
	}
	var st batchState
	if json.Unmarshal(data, &st) != nil || st.API != b.BaseURL || st.Set != set || st.Batch == "" {
		return openai.Batch{}, nil
	}
	batch, err := b.Client.GetBatch(ctx, st.Batch)
	var ae *openai.APIError
	if errors.As(err, &ae) && ae.Status == 404 {
		b.note("batch %s of a previous run is gone; sending a new one", st.Batch)
		b.forget(set)
		return openai.Batch{}, nil
	}
	if err == nil {
		b.note("going on with batch %s (%s) of a previous run", batch.ID, batch.Status)
	}
	return batch, err
}

// create uploads the input and creates the batch at most once.
func (b *Batcher) create(ctx context.Context, set string, input []byte) (openai.Batch, error) {
	f, err := b.Client.UploadFile(ctx, "ft-ask-"+set[:12]+".jsonl", input, "batch")
	if err != nil {
		return openai.Batch{}, err
	}
	req := openai.BatchRequest{InputFileID: f.ID, Endpoint: "/v1/chat/completions", CompletionWindow: "24h",
		Metadata: map[string]string{metaSet: set}}
	batch, err := b.Client.CreateBatch(ctx, req)
	if errors.Is(err, openai.ErrMaybeCreated) {
		// Looked up whatever happens to ctx: a batch that exists must
		// not be paid for twice by the next run.
		found, ferr := b.Client.FindBatches(context.WithoutCancel(ctx), map[string]string{metaSet: set})
		if ferr != nil || len(found) == 0 {
			return openai.Batch{}, cli.WithCode(cli.ExitUnavailable, fmt.Errorf("%w; before sending again, look for a batch with metadata %s=%s", err, metaSet, set))
		}
		batch, err = found[len(found)-1], nil
	}
	if err != nil {
		return openai.Batch{}, err
	}
	b.save(set, batch.ID)
	b.note("created batch %s of %d requests", batch.ID, bytes.Count(input, []byte("\n")))
	return batch, nil
}

func (b *Batcher) save(set, id string) {
	if b.StateDir == "" {
		return
	}
	data, _ := json.Marshal(batchState{Batch: id, API: b.BaseURL, Set: set})
	err := os.MkdirAll(b.StateDir, 0o755)
	var af *cli.AtomicFile
	if err == nil {
		af, err = cli.CreateAtomic(b.statePath(set))
	}
	if err == nil {
		defer af.Abort()
		if _, err = af.Write(append(data, '\n')); err == nil {
			err = af.Commit()
		}
	}
	if err != nil {
		b.note("cannot keep the state of batch %s (%v): if this run is stopped, the next one will not find it", id, err)
	}
}

func (b *Batcher) forget(set string) {
	if b.StateDir != "" {
		os.Remove(b.statePath(set))
	}
}

// store caches the answers of an output or error file and collects the
// refusals.
func (b *Batcher) store(data []byte, fileID string, fresh map[string]bool, known map[string]jsonl.AnswerError) error {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), MaxEntry*4)
	for n := 1; sc.Scan(); n++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var out struct {
			CustomID string `json:"custom_id"`
			Response *struct {
				StatusCode int             `json:"status_code"`
				Body       json.RawMessage `json:"body"`
			} `json:"response"`
			Error *struct {
				Code    string `json:"code"`
				Message string `json:"message"`
			} `json:"error"`
		}
		if err := json.Unmarshal(sc.Bytes(), &out); err != nil || out.CustomID == "" {
			return cli.Errorf(cli.ExitUnavailable, "batch file %s:%d: not a batch answer", fileID, n)
		}
		switch {
		case out.Response != nil && out.Response.StatusCode == 200:
			var resp openai.ChatResponse
			text, ok := "", false
			if json.Unmarshal(out.Response.Body, &resp) == nil {
				text, ok = resp.Text()
			}
			if !ok {
				known[out.CustomID] = jsonl.AnswerError{Status: 200, Code: "no_choice", Message: "the answer has no message content"}
				continue
			}
			u := &jsonl.AnswerUsage{PromptTokens: resp.Usage.PromptTokens, CompletionTokens: resp.Usage.CompletionTokens}
			finish := ""
			if len(resp.Choices) > 0 {
				finish = resp.Choices[0].FinishReason
			}
			if err := b.Cache.Put(out.CustomID, Entry{Model: resp.Model, Answer: text, FinishReason: finish, Usage: u}); err != nil {
				return fmt.Errorf("keeping the answers of batch file %s: %w", fileID, err)
			}
			fresh[out.CustomID] = true
		case out.Response != nil:
			var env struct {
				Error struct {
					Code    string `json:"code"`
					Message string `json:"message"`
				} `json:"error"`
			}
			json.Unmarshal(out.Response.Body, &env)
			known[out.CustomID] = jsonl.AnswerError{Status: out.Response.StatusCode, Code: env.Error.Code, Message: env.Error.Message}
		case out.Error != nil:
			known[out.CustomID] = jsonl.AnswerError{Code: out.Error.Code, Message: out.Error.Message}
		}
	}
	return sc.Err()
}
