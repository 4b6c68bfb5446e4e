package openai

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
)

// BatchRequest creates a batch of requests read from an uploaded file
// (purpose "batch").
type BatchRequest struct {
	InputFileID      string            `json:"input_file_id"`
	Endpoint         string            `json:"endpoint"`          // "/v1/chat/completions"
	CompletionWindow string            `json:"completion_window"` // "24h", the only one
	Metadata         map[string]string `json:"metadata,omitempty"`
}

// Batch is a batch as the API reports it.
type Batch struct {
	ID               string            `json:"id"`
	Status           string            `json:"status"`
	InputFileID      string            `json:"input_file_id"`
	OutputFileID     string            `json:"output_file_id,omitempty"`
	ErrorFileID      string            `json:"error_file_id,omitempty"`
	CreatedAt        int64             `json:"created_at"`
	ExpiresAt        int64             `json:"expires_at,omitempty"`
	Metadata         map[string]string `json:"metadata,omitempty"`
	RequestCounts    BatchCounts       `json:"request_counts"`
	Errors           *BatchErrors      `json:"errors,omitempty"`
	Endpoint         string            `json:"endpoint"`
	CompletionWindow string            `json:"completion_window"`
}

// BatchCounts are a batch's request counts.
type BatchCounts struct {
	Total     int `json:"total"`
	Completed int `json:"completed"`
	Failed    int `json:"failed"`
}

// BatchErrors are the errors that stopped a batch before it ran, e.g. a
// bad line of its input file.
type BatchErrors struct {
	Data []struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Line    *int   `json:"line"`
	} `json:"data"`
}

// BatchDone reports whether a batch's status is final.
func BatchDone(status string) bool {
	switch status {
	case "completed", "failed", "expired", "cancelled":
		return true
	}
	return false
}

// CreateBatch creates a batch. It is sent at most once: a failure that may
// have reached the server is ErrMaybeCreated, and the caller looks for the
// batch by a metadata tag (FindBatches) before sending it again.
func (c *Client) CreateBatch(ctx context.Context, r BatchRequest) (Batch, error) {
	var b Batch
	err := c.call(nonIdempotent(ctx), http.MethodPost, "/batches", nil, &request{json: r}, &b)
	return b, err
}

// GetBatch retrieves a batch.
func (c *Client) GetBatch(ctx context.Context, id string) (Batch, error) {
	var b Batch
	err := c.call(ctx, http.MethodGet, "/batches/"+url.PathEscape(id), nil, nil, &b)
	return b, err
}

// CancelBatch asks the API to cancel a batch.
func (c *Client) CancelBatch(ctx context.Context, id string) (Batch, error) {
	var b Batch
	err := c.call(ctx, http.MethodPost, "/batches/"+url.PathEscape(id)+"/cancel", nil, nil, &b)
	return b, err
}

// FindBatches returns the batches, among the most recent hundred, whose
// metadata has every pair of metadata, newest first.
func (c *Client) FindBatches(ctx context.Context, metadata map[string]string) ([]Batch, error) {
	var l struct {
		Data []Batch `json:"data"`
	}
	q := url.Values{"limit": {strconv.Itoa(100)}}
	if err := c.call(ctx, http.MethodGet, "/batches", q, nil, &l); err != nil {
		return nil, err
	}
	var out []Batch
	for _, b := range l.Data {
		if hasAll(b.Metadata, metadata) {
			out = append(out, b)
		}
	}
	return out, nil
}

// FileContent downloads a file's content, e.g. a batch's output, through
// go-openai; the sender reads a file's content under the bound of the
// largest file rather than that of an API answer.
func (c *Client) FileContent(ctx context.Context, id string) ([]byte, error) {
	rc, err := c.sdk.GetFileContent(ctx, id)
	if err != nil {
		return nil, c.sdkErr(http.MethodGet, "/files/"+id+"/content", err)
	}
	defer rc.Close()
	return io.ReadAll(rc)
}
