package ask

import (
	"errors"
	"io"
	"os"
	"path/filepath"

	"github.com/ft-tools/ft/cmd/internal/cli"
	"github.com/ft-tools/ft/jsonl"
	"github.com/goccy/go-json"
)

// MaxEntry bounds one cached answer on disk. A bigger answer is not kept
// (it is asked again next time), and a bigger or unreadable file is taken
// as missing rather than trusted.
const MaxEntry = 1 << 20

// Entry is one cached answer.
type Entry struct {
	Model        string             `json:"model"`
	Answer       string             `json:"answer"`
	FinishReason string             `json:"finish_reason,omitempty"`
	Usage        *jsonl.AnswerUsage `json:"usage,omitempty"`
	LatencyMS    int64              `json:"latency_ms"`
}

// Cache keeps answers by Key, one small file each under Dir, written
// atomically so that an interrupted run leaves whole entries or none.
type Cache struct {
	Dir string
}

func (c *Cache) path(key string) string {
	return filepath.Join(c.Dir, key[:2], key+".json")
}

// Get returns the entry of key, if there is a readable one.
func (c *Cache) Get(key string) (Entry, bool) {
	var e Entry
	if c == nil || len(key) < 3 {
		return e, false
	}
	f, err := os.Open(c.path(key))
	if err != nil {
		return e, false
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxEntry+1))
	if err != nil || len(data) > MaxEntry || json.Unmarshal(data, &e) != nil {
		return Entry{}, false
	}
	return e, true
}

// ErrTooBig is returned by Put for an answer above MaxEntry.
var ErrTooBig = errors.New("answer too big to cache")

// Put stores the entry of key.
func (c *Cache) Put(key string, e Entry) error {
	if c == nil {
		return nil
	}
	data, err := json.Marshal(e)
	if err != nil {
		return err
	}
	if len(data) > MaxEntry {
		return ErrTooBig
	}
	p := c.path(key)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	f, err := cli.CreateAtomic(p)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Abort()
		return err
	}
	return f.Commit()
}

// Delete removes the entry of key, so that --no-cache with --batch asks
// again and the batch's answer is the one written.
func (c *Cache) Delete(key string) {
	if c != nil && len(key) >= 3 {
		os.Remove(c.path(key))
	}
}
