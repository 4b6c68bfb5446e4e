package tokenize

import (
	"fmt"
	"sync"

	tiktoken "github.com/pkoukk/tiktoken-go"
	tiktoken_loader "github.com/pkoukk/tiktoken-go-loader"
)

// Encoding is a tiktoken byte-pair encoding. It is safe for concurrent use.
type Encoding struct {
	name string
	tk   *tiktoken.Tiktoken
}

var (
	encMu    sync.Mutex
	encCache = map[string]*Encoding{}
	loaderMu sync.Once
)

// GetEncoding returns the encoding with the given name, "o200k_base" or
// "cl100k_base". The rank tables are embedded in the program: nothing is
// downloaded. The first call for a name builds the tables; later calls
// return the same *Encoding.
func GetEncoding(name string) (*Encoding, error) {
	encMu.Lock()
	defer encMu.Unlock()
	if e, ok := encCache[name]; ok {
		return e, nil
	}
	if name != o200k && name != cl100k {
		return nil, fmt.Errorf("unknown encoding %q (known: %s, %s)", name, o200k, cl100k)
	}
	loaderMu.Do(func() { tiktoken.SetBpeLoader(tiktoken_loader.NewOfflineLoader()) })
	tk, err := tiktoken.GetEncoding(name)
	if err != nil {
		return nil, fmt.Errorf("load encoding %s: %w", name, err)
	}
	e := &Encoding{name: name, tk: tk}
	encCache[name] = e
	return e, nil
}

// Name returns the encoding's name.
func (e *Encoding) Name() string { return e.name }

// Count returns the number of tokens tiktoken's encode_ordinary gives for s.
// Special-token text such as "<|endoftext|>" is counted as plain text.
func (e *Encoding) Count(s string) int {
	return len(e.tk.EncodeOrdinary(s))
}

// SpecialTokens returns the texts of the encoding's special tokens, such as
// "<|endoftext|>", which OpenAI rejects inside training data. It returns nil
// for an unknown encoding.
func SpecialTokens(encoding string) []string {
	switch encoding {
	case o200k:
		return []string{"<|endoftext|>", "<|endofprompt|>"}
	case cl100k:
		return []string{"<|endoftext|>", "<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>", "<|endofprompt|>"}
	}
	return nil
}
