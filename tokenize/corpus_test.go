package tokenize

import (
	"bufio"
	"os"
	"path/filepath"
	"testing"

	"github.com/ft-tools/ft/jsonl"
	"github.com/goccy/go-json"
)

// corpusCase is one line of testdata/corpus.jsonl, written by
// gen/expected.mjs with the npm package tiktoken (OpenAI's tiktoken built
// to WASM): the expected counts are len(encode_ordinary(text)).
type corpusCase struct {
	Name   string `json:"name"`
	Text   string `json:"text"`
	O200k  int    `json:"o200k"`
	Cl100k int    `json:"cl100k"`
}

func readCorpus(t testing.TB) []corpusCase {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "corpus.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []corpusCase
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var c corpusCase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) < 100 {
		t.Fatalf("corpus has only %d cases", len(out))
	}
	return out
}

func encodings(t testing.TB) (o, c *Encoding) {
	t.Helper()
	o, err := GetEncoding("o200k_base")
	if err != nil {
		t.Fatal(err)
	}
	c, err = GetEncoding("cl100k_base")
	if err != nil {
		t.Fatal(err)
	}
	return o, c
}

func TestCorpus(t *testing.T) {
	o, c := encodings(t)
	cases := readCorpus(t)
	for _, tc := range cases {
		if got := o.Count(tc.Text); got != tc.O200k {
			t.Errorf("o200k %s %q: %d tokens, tiktoken %d", tc.Name, tc.Text, got, tc.O200k)
		}
		if got := c.Count(tc.Text); got != tc.Cl100k {
			t.Errorf("cl100k %s %q: %d tokens, tiktoken %d", tc.Name, tc.Text, got, tc.Cl100k)
		}
	}
	t.Logf("%d cases, two encodings each", len(cases))
}

// The counts must not depend on the caches: count through a Counter twice
// (the second time from the caches) and through a fresh Encoding state.
func TestCorpusCached(t *testing.T) {
	cases := readCorpus(t)
	for _, model := range []string{"gpt-4o", "gpt-3.5-turbo"} {
		ctr, err := New(model)
		if err != nil {
			t.Fatal(err)
		}
		for round := 0; round < 2; round++ {
			for _, tc := range cases {
				want := tc.O200k
				if ctr.Encoding().Name() == "cl100k_base" {
					want = tc.Cl100k
				}
				if got := ctr.Text(tc.Text); got != want {
					t.Errorf("%s round %d %s: %d, want %d", model, round, tc.Name, got, want)
				}
			}
		}
	}
}

// TestToyChat counts the cookbook's toy chat file from the shared data
// directory and compares with testdata/toy_chat_expected.json, written by
// gen/expected.mjs with npm tiktoken (the data itself is not in the repo).
func TestToyChat(t *testing.T) {
	shared := os.Getenv("FT_SHARED")
	if shared == "" {
		t.Skip("FT_SHARED not set")
	}
	type counts struct{ Total, Assistant int }
	var want struct {
		Lines []map[string]counts `json:"lines"`
	}
	b, err := os.ReadFile(filepath.Join("testdata", "toy_chat_expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(shared, "data", "openai-cookbook-toy-chat", "toy_chat_fine_tuning.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	models := map[string]string{"o200k": "gpt-4o-mini", "cl100k": "gpt-3.5-turbo"}
	for key, model := range models {
		ctr, err := New(model)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Seek(0, 0); err != nil {
			t.Fatal(err)
		}
		r := jsonl.NewReader(f, "toy")
		i := 0
		for r.Next() {
			var ex jsonl.Example
			if err := r.Decode(&ex); err != nil {
				t.Fatal(err)
			}
			if i >= len(want.Lines) {
				t.Fatalf("more lines than expected counts")
			}
			got := ctr.Example(&ex)
			w := want.Lines[i][key]
			if got.Total != w.Total || got.Assistant != w.Assistant {
				t.Errorf("%s line %d: total %d assistant %d, tiktoken %d %d", key, i+1, got.Total, got.Assistant, w.Total, w.Assistant)
			}
			i++
		}
		if err := r.Err(); err != nil {
			t.Fatal(err)
		}
		if i != len(want.Lines) {
			t.Errorf("%d lines, %d expected", i, len(want.Lines))
		}
	}
}
