package ask

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ft-tools/ft/cmd/internal/fakeopenai"
	"github.com/ft-tools/ft/cmd/internal/openai"
)

func batcher(t *testing.T, s *fakeopenai.Server, dir string) *Batcher {
	c, err := openai.New(openai.Config{APIKey: s.Key(), BaseURL: s.URL(), MaxRetries: 2,
		Sleep: func(context.Context, time.Duration) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	return &Batcher{Client: c, BaseURL: s.URL(), Cache: &Cache{Dir: filepath.Join(dir, "answers")},
		StateDir: filepath.Join(dir, "batches"), Poll: time.Millisecond}
}

// A run stopped while its batch runs leaves the batch's state; the next
// run waits for the same batch instead of paying for another.
func TestBatchResume(t *testing.T) {
	s := fakeopenai.New(fakeopenai.Options{BatchTicks: 3, Answers: map[string]string{"q1": "db.a.find()"}})
	defer s.Close()
	dir := t.TempDir()
	ts := tasks(3, "gpt-4o-mini")
	ctx, cancel := context.WithCancel(context.Background())
	b := batcher(t, s, dir)
	b.Progress = func(bt openai.Batch) { cancel() }
	if _, _, err := b.Run(ctx, ts); !errors.Is(err, context.Canceled) {
		t.Fatalf("first run: %v", err)
	}
	states, _ := filepath.Glob(filepath.Join(dir, "batches", "*.json"))
	if len(states) != 1 || s.Batches() != 1 {
		t.Fatalf("state files %v, %d batches", states, s.Batches())
	}
	var notes []string
	b = batcher(t, s, dir)
	b.Note = func(f string, a ...any) { notes = append(notes, f) }
	fresh, known, err := b.Run(context.Background(), ts)
	if err != nil {
		t.Fatal(err)
	}
	if s.Batches() != 1 || len(fresh) != 3 || len(known) != 0 || s.Chats() != 0 {
		t.Fatalf("%d batches, %d fresh, %d refused, %d chats", s.Batches(), len(fresh), len(known), s.Chats())
	}
	if len(notes) == 0 || notes[0] != "going on with batch %s (%s) of a previous run" {
		t.Errorf("notes %q", notes)
	}
	if states, _ := filepath.Glob(filepath.Join(dir, "batches", "*.json")); len(states) != 0 {
		t.Errorf("state left after the batch ended: %v", states)
	}
	e, ok := b.Cache.Get(Key(s.URL(), &ts[1].Request))
	if !ok || e.Answer != "db.a.find()" {
		t.Fatalf("cached %+v %v", e, ok)
	}
	// Everything is cached now: nothing is sent at all.
	n := len(s.Requests())
	if fresh, _, err := b.Run(context.Background(), ts); err != nil || len(fresh) != 0 || len(s.Requests()) != n {
		t.Fatalf("all cached: %v, %d fresh, %d requests", err, len(fresh), len(s.Requests())-n)
	}
}

// A batch whose creation lost its answer is found by its tag, not created
// again.
func TestBatchLostCreate(t *testing.T) {
	s := fakeopenai.New(fakeopenai.Options{Faults: []fakeopenai.Fault{{Method: "POST", Path: "/v1/batches", Kind: fakeopenai.FaultLost}}})
	defer s.Close()
	b := batcher(t, s, t.TempDir())
	fresh, _, err := b.Run(context.Background(), tasks(2, "gpt-4o-mini"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Batches() != 1 || len(fresh) != 2 || s.Count("POST", "/v1/batches") != 1 {
		t.Fatalf("%d batches, %d creates, %d fresh", s.Batches(), s.Count("POST", "/v1/batches"), len(fresh))
	}
}

// A state that names a batch the server no longer has is dropped and a
// new batch sent; a line the batch refused comes back as a refusal.
func TestBatchGoneAndRefused(t *testing.T) {
	s := fakeopenai.New(fakeopenai.Options{BatchTicks: 2})
	defer s.Close()
	dir := t.TempDir()
	ts := tasks(1, "gpt-4o-mini")
	ctx, cancel := context.WithCancel(context.Background())
	b := batcher(t, s, dir)
	b.Progress = func(openai.Batch) { cancel() }
	b.Run(ctx, ts)
	states, _ := filepath.Glob(filepath.Join(dir, "batches", "*.json"))
	if len(states) != 1 {
		t.Fatalf("states %v", states)
	}
	data, _ := os.ReadFile(states[0])
	os.WriteFile(states[0], []byte(strings.Replace(string(data), "batch_fake", "batch_gone", 1)), 0o644)
	var notes []string
	b = batcher(t, s, dir)
	b.Note = func(f string, a ...any) { notes = append(notes, fmt.Sprintf(f, a...)) }
	fresh, _, err := b.Run(context.Background(), ts)
	if err != nil || len(fresh) != 1 || s.Batches() != 2 {
		t.Fatalf("%v, %d fresh, %d batches", err, len(fresh), s.Batches())
	}
	if len(notes) == 0 || !strings.Contains(notes[0], "of a previous run is gone; sending a new one") {
		t.Errorf("notes %q", notes)
	}

	refused := []Task{{Request: req("ft:gpt-4o-mini-2024-07-18:o::missing", "q")}}
	fresh, known, err := b.Run(context.Background(), refused)
	if err != nil {
		t.Fatal(err)
	}
	k := Key(s.URL(), &refused[0].Request)
	if e, ok := known[k]; !ok || e.Status != 404 || e.Code != "model_not_found" || len(fresh) != 0 {
		t.Fatalf("refusal %+v, fresh %v", known, fresh)
	}
}
