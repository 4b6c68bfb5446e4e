package ask

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/ft-tools/ft/cmd/internal/openai"
	"github.com/ft-tools/ft/jsonl"
)

// Chatter sends one chat request; *openai.Client is one.
type Chatter interface {
	Chat(ctx context.Context, r openai.ChatRequest) (openai.ChatResponse, error)
}

// Runner asks the tasks' questions.
type Runner struct {
	Client   Chatter
	BaseURL  string    // part of the cache key
	Cache    *Cache    // nil: ask everything, keep nothing
	Throttle *Throttle // bounds the requests in flight; nil: one at a time
	// Window bounds the answers held for in-order output ahead of the
	// oldest one still awaited (0: 4 per request in flight, at least 64).
	Window int
	// NoCacheRead sends every request even when its answer is cached (it
	// still keeps the new answer).
	NoCacheRead bool
	// Known are the refusals a batch already received, by Key: they are
	// written as they are rather than asked again.
	Known map[string]jsonl.AnswerError
	// Fresh are the keys whose cached answers a batch of this run brought:
	// they are written as sent, not as cached.
	Fresh map[string]bool

	mu      sync.Mutex
	flights map[string]*flight
}

// flight is a request in progress, which a task asking the very same
// waits for instead of paying for it a second time.
type flight struct {
	done chan struct{}
	a    jsonl.Answer
	err  error
}

// Stats count what a run did.
type Stats struct {
	Answers int // lines written
	Sent    int // requests answered by the API
	Cached  int // answers taken from the cache
	Repeats int // requests repeated in the run, answered once
	Refused int // requests the API refused (written with an error)
	Usage   jsonl.AnswerUsage
	// CacheErr is the first failure to keep an answer, which will be
	// asked again next time.
	CacheErr error
}

type result struct {
	a        jsonl.Answer
	err      error
	cacheErr error
}

// Run asks every task and calls emit with the answers in task order. A
// request the API refuses gives an answer with Error set; any other
// failure (the API unavailable after its retries, ctx ended) stops the
// run: the answers before the first missing one are emitted, those after it
// are in the cache for the next run, and the error is returned.
func (r *Runner) Run(ctx context.Context, tasks []Task, emit func(*jsonl.Answer) error) (Stats, error) {
	var st Stats
	thr := r.Throttle
	if thr == nil {
		thr = NewThrottle(1)
	}
	window := r.Window
	if window <= 0 {
		window = max(4*thr.max, 64)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	r.flights = map[string]*flight{}

	done := make([]chan result, len(tasks))
	for i := range done {
		done[i] = make(chan result, 1)
	}
	ahead := make(chan struct{}, window) // a token per answer not yet emitted
	todo := make(chan int)
	var wg sync.WaitGroup
	go func() {
		defer close(todo)
		for i := range tasks {
			select {
			case ahead <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case todo <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	var mu sync.Mutex // guards st.Sent, st.Cached
	for range thr.max {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range todo {
				a, from, cerr, err := r.one(ctx, thr, &tasks[i])
				mu.Lock()
				switch {
				case err != nil:
				case from == fromAPI:
					st.Sent++
				case from == fromCache:
					st.Cached++
				case from == fromRepeat:
					st.Repeats++
				}
				mu.Unlock()
				done[i] <- result{a, err, cerr}
			}
		}()
	}
	var first error
	for i := range tasks {
		var res result
		select {
		case res = <-done[i]:
		case <-ctx.Done():
			first = ctx.Err()
		}
		if first != nil {
			break
		}
		if res.err != nil {
			first = res.err
			break
		}
		if res.cacheErr != nil && st.CacheErr == nil {
			st.CacheErr = res.cacheErr
		}
		if res.a.Error != nil {
			st.Refused++
		}
		if u := res.a.Usage; u != nil && !res.a.Cached {
			st.Usage.PromptTokens += u.PromptTokens
			st.Usage.CompletionTokens += u.CompletionTokens
			st.Usage.CachedTokens += u.CachedTokens
		}
		if err := emit(&res.a); err != nil {
			first = err
			break
		}
		st.Answers++
		<-ahead
	}
	cancel()
	wg.Wait()
	return st, first
}

// Where an answer came from.
const (
	fromAPI = iota
	fromCache
	fromRepeat
)

// one answers one task from the cache, the answer to the same request
// earlier in the run, or the API.
func (r *Runner) one(ctx context.Context, thr *Throttle, t *Task) (a jsonl.Answer, from int, cacheErr, err error) {
	a = jsonl.Answer{Model: t.Request.Model, File: t.File, Line: t.Line, Question: t.Question, Expected: t.Expected,
		Messages: t.Request.Messages, Metadata: t.Metadata}
	key := Key(r.BaseURL, &t.Request)
	if !r.NoCacheRead {
		if e, ok := r.Cache.Get(key); ok {
			text := e.Answer
			a.Answer, a.Usage, a.LatencyMS, a.Cached = &text, e.Usage, e.LatencyMS, !r.Fresh[key]
			if a.Cached {
				return a, fromCache, nil, nil
			}
			return a, fromAPI, nil, nil
		}
	}
	if e, ok := r.Known[key]; ok {
		a.Error = &e
		return a, fromAPI, nil, nil
	}
	// The same request twice in one run (a question repeated in the
	// input) is sent once; the second task takes the first one's answer.
	r.mu.Lock()
	if f, ok := r.flights[key]; ok {
		r.mu.Unlock()
		select {
		case <-f.done:
		case <-ctx.Done():
			return a, fromRepeat, nil, ctx.Err()
		}
		if f.err != nil {
			return a, fromRepeat, nil, f.err
		}
		a.Answer, a.Error, a.Usage, a.LatencyMS, a.Cached = f.a.Answer, f.a.Error, f.a.Usage, f.a.LatencyMS, f.a.Answer != nil
		return a, fromRepeat, nil, nil
	}
	f := &flight{done: make(chan struct{})}
	r.flights[key] = f
	r.mu.Unlock()
	defer func() {
		f.a, f.err = a, err
		close(f.done)
	}()
	if err := thr.Acquire(ctx); err != nil {
		return a, fromAPI, nil, err
	}
	start := time.Now()
	resp, err := r.Client.Chat(ctx, t.Request)
	thr.Release()
	a.LatencyMS = time.Since(start).Milliseconds()
	if err != nil {
		var ae *openai.APIError
		if errors.As(err, &ae) && openai.Refused(ae.Status) && ctx.Err() == nil {
			a.Error = &jsonl.AnswerError{Status: ae.Status, Code: ae.Code, Message: ae.Message}
			return a, fromAPI, nil, nil
		}
		return a, fromAPI, nil, err
	}
	u := &jsonl.AnswerUsage{PromptTokens: resp.Usage.PromptTokens, CompletionTokens: resp.Usage.CompletionTokens}
	if d := resp.Usage.PromptTokensDetails; d != nil {
		u.CachedTokens = d.CachedTokens
	}
	a.Usage = u
	text, ok := resp.Text()
	if !ok {
		a.Error = &jsonl.AnswerError{Status: 200, Code: "no_choice", Message: "the answer has no message content"}
		return a, fromAPI, nil, nil
	}
	a.Answer = &text
	finish := ""
	if len(resp.Choices) > 0 {
		finish = resp.Choices[0].FinishReason
	}
	// A cache that cannot be written costs a second answer next time, not
	// this one: the run goes on and says so.
	cacheErr = r.Cache.Put(key, Entry{Model: resp.Model, Answer: text, FinishReason: finish, Usage: u, LatencyMS: a.LatencyMS})
	return a, fromAPI, cacheErr, nil
}
