package openai

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/url"
	"path"
	"strconv"
	"time"

	goopenai "github.com/sashabaranov/go-openai"
)

// Limits of the Files and Uploads APIs.
const (
	MaxFileBytes   = 512 << 20 // one request to the Files API
	MaxPartBytes   = 64 << 20  // one part of an upload
	MaxUploadBytes = 8 << 30   // a whole upload
)

// File is a file object.
type File struct {
	ID            string `json:"id"`
	Object        string `json:"object"`
	Bytes         int64  `json:"bytes"`
	CreatedAt     int64  `json:"created_at"`
	ExpiresAt     int64  `json:"expires_at,omitempty"`
	Filename      string `json:"filename"`
	Purpose       string `json:"purpose"`
	Status        string `json:"status,omitempty"`
	StatusDetails string `json:"status_details,omitempty"`
}

// Expiry bounds of a file (expires_after.seconds, from its creation).
const (
	MinExpiry = time.Hour
	MaxExpiry = 30 * 24 * time.Hour
)

// UploadFile sends data as one file through the Files API (up to
// MaxFileBytes; above, use the Uploads API). name is the file name the API
// records (its base name is used); purpose is usually "fine-tune"; expiry
// > 0 (MinExpiry to MaxExpiry, whole seconds) has the API delete the file
// that long after its creation.
//
// It is sent once: a lost answer may hide a stored file, which the caller
// should look up (ErrMaybeCreated) rather than store a second copy. The
// form is built here rather than by go-openai, whose file request cannot
// carry expires_after.
func (c *Client) UploadFile(ctx context.Context, name string, data []byte, purpose string, expiry ...time.Duration) (File, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("purpose", purpose)
	if len(expiry) > 0 && expiry[0] > 0 {
		mw.WriteField("expires_after[anchor]", "created_at")
		mw.WriteField("expires_after[seconds]", strconv.FormatInt(int64(expiry[0]/time.Second), 10))
	}
	w, err := mw.CreateFormFile("file", path.Base(name))
	if err != nil {
		return File{}, err
	}
	w.Write(data)
	if err := mw.Close(); err != nil {
		return File{}, err
	}
	var f File
	err = c.Call(ctx, Call{Method: "POST", Path: "/files", Once: true, Out: &f,
		body: &request{raw: buf.Bytes(), contentType: mw.FormDataContentType()}})
	return f, err
}

// GetFile retrieves a file object.
func (c *Client) GetFile(ctx context.Context, id string) (File, error) {
	f, err := c.sdk.GetFile(ctx, id)
	if err != nil {
		return File{}, c.sdkErr("GET", "/files/"+id, err)
	}
	return fileOf(f), nil
}

// DeleteFile deletes a file.
func (c *Client) DeleteFile(ctx context.Context, id string) error {
	return c.sdkErr("DELETE", "/files/"+id, c.sdk.DeleteFile(ctx, id))
}

func fileOf(f goopenai.File) File {
	return File{ID: f.ID, Object: f.Object, Bytes: int64(f.Bytes), CreatedAt: f.CreatedAt, Filename: f.FileName,
		Purpose: f.Purpose, Status: f.Status, StatusDetails: f.StatusDetails}
}

// listFilesLimit is the page size of ListFiles: the API's maximum.
var listFilesLimit = 10000

// ListFiles returns every file with the given purpose ("" for all), newest
// first, following the pages.
func (c *Client) ListFiles(ctx context.Context, purpose string) ([]File, error) {
	var all []File
	after := ""
	for {
		q := url.Values{"limit": {strconv.Itoa(listFilesLimit)}, "order": {"desc"}}
		if purpose != "" {
			q.Set("purpose", purpose)
		}
		if after != "" {
			q.Set("after", after)
		}
		var page struct {
			Data    []File `json:"data"`
			HasMore bool   `json:"has_more"`
		}
		if err := c.call(ctx, "GET", "/files", q, nil, &page); err != nil {
			return nil, err
		}
		all = append(all, page.Data...)
		if !page.HasMore || len(page.Data) == 0 || page.Data[len(page.Data)-1].ID == after {
			return all, nil
		}
		after = page.Data[len(page.Data)-1].ID
	}
}

// Upload is an upload object of the Uploads API.
type Upload struct {
	ID        string `json:"id"`
	Object    string `json:"object"`
	Bytes     int64  `json:"bytes"`
	CreatedAt int64  `json:"created_at"`
	ExpiresAt int64  `json:"expires_at"`
	Filename  string `json:"filename"`
	Purpose   string `json:"purpose"`
	Status    string `json:"status"` // pending, completed, cancelled, expired
	File      *File  `json:"file,omitempty"`
}

// UploadPart is one part of an upload.
type UploadPart struct {
	ID        string `json:"id"`
	Object    string `json:"object"`
	CreatedAt int64  `json:"created_at"`
	UploadID  string `json:"upload_id"`
}

// UploadRequest describes an upload to create.
type UploadRequest struct {
	Filename string `json:"filename"` // its base name is sent
	Purpose  string `json:"purpose"`
	Bytes    int64  `json:"bytes"`     // the exact total of all parts
	MimeType string `json:"mime_type"` // "" means "text/jsonl"
	// Expiry > 0 has the API delete the file this long after its creation.
	Expiry time.Duration `json:"-"`
}

// CreateUpload starts an upload (up to MaxUploadBytes) that expires after
// an hour. Retrying it is safe: an unused upload expires.
func (c *Client) CreateUpload(ctx context.Context, r UploadRequest) (Upload, error) {
	if r.MimeType == "" {
		r.MimeType = "text/jsonl"
	}
	r.Filename = path.Base(r.Filename)
	body := map[string]any{"filename": r.Filename, "purpose": r.Purpose, "bytes": r.Bytes, "mime_type": r.MimeType}
	if r.Expiry > 0 {
		body["expires_after"] = map[string]any{"anchor": "created_at", "seconds": int64(r.Expiry / time.Second)}
	}
	var u Upload
	err := c.call(ctx, "POST", "/uploads", nil, &request{json: body}, &u)
	return u, err
}

// AddUploadPart sends one part (up to MaxPartBytes). Retrying it is safe:
// a part sent twice is never used unless its ID is passed to CompleteUpload.
func (c *Client) AddUploadPart(ctx context.Context, uploadID string, data []byte) (UploadPart, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	w, err := mw.CreateFormFile("data", "part")
	if err != nil {
		return UploadPart{}, err
	}
	w.Write(data)
	if err := mw.Close(); err != nil {
		return UploadPart{}, err
	}
	var p UploadPart
	err = c.call(ctx, "POST", "/uploads/"+url.PathEscape(uploadID)+"/parts", nil,
		&request{raw: buf.Bytes(), contentType: mw.FormDataContentType()}, &p)
	return p, err
}

// CompleteUpload joins the parts in order into a file; md5 (hex, may be
// "") is checked by the server against the bytes it received.
func (c *Client) CompleteUpload(ctx context.Context, uploadID string, partIDs []string, md5 string) (Upload, error) {
	body := map[string]any{"part_ids": partIDs}
	if md5 != "" {
		body["md5"] = md5
	}
	var u Upload
	err := c.call(ctx, "POST", "/uploads/"+url.PathEscape(uploadID)+"/complete", nil, &request{json: body}, &u)
	return u, err
}

// CancelUpload cancels an upload; no part can be added afterwards.
func (c *Client) CancelUpload(ctx context.Context, uploadID string) (Upload, error) {
	var u Upload
	err := c.call(ctx, "POST", "/uploads/"+url.PathEscape(uploadID)+"/cancel", nil, nil, &u)
	return u, err
}
