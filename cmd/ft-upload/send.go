package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/ft-tools/ft/cmd/internal/cli"
	"github.com/ft-tools/ft/cmd/internal/openai"
	"github.com/ft-tools/ft/jsonl"
	"github.com/ft-tools/ft/tokenize"
)

const purpose = "fine-tune"

// upload checks and measures every file first, so that nothing is sent
// when any of them is refused, then sends them in order.
func upload(ctx context.Context, f *flags, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cfg, err := openai.LoadConfig(getenv, ".env")
	if err != nil {
		return cli.WithCode(cli.ExitUsage, err)
	}
	model := firstOf(f.Model, cfg.BaseModel, tokenize.DefaultModel)
	counter, err := tokenize.New(model)
	if err != nil {
		return cli.Errorf(cli.ExitUsage, "--model: %v", err)
	}
	threshold, partSize := int64(openai.MaxFileBytes), int64(openai.MaxPartBytes)
	if f.PartSize != "" {
		n, err := parseSize(f.PartSize)
		if err != nil {
			return cli.Errorf(cli.ExitUsage, "--part-size %v", err)
		}
		if n > openai.MaxPartBytes {
			return cli.Errorf(cli.ExitUsage, "--part-size %s: the API takes parts of at most %s", f.PartSize, size(openai.MaxPartBytes))
		}
		threshold, partSize = n, n
	}
	if f.ExpiresAfter != 0 && (f.ExpiresAfter < openai.MinExpiry || f.ExpiresAfter > openai.MaxExpiry || f.ExpiresAfter%time.Second != 0) {
		return cli.Errorf(cli.ExitUsage, "--expires-after %s: want whole seconds from 1h to 720h (30 days)", f.ExpiresAfter)
	}
	f.File = firstOf(f.File, "-")
	if f.File == "-" && f.Validation == "-" {
		return cli.Errorf(cli.ExitUsage, "the training and the validation file cannot both be stdin")
	}
	cli.HintStdin(stderr, name, "JSONL examples", []string{f.File, f.Validation}, stdin)
	specs := []struct {
		arg, split string
		min        int
	}{{f.File, "train", jsonl.MinExamples(false)}, {f.Validation, "validation", jsonl.MinExamples(true)}}
	var files []*local
	defer func() {
		for _, l := range files {
			l.cleanup()
		}
	}()
	var refused []string
	for _, sp := range specs {
		if sp.arg == "" {
			continue
		}
		l, findings, err := scan(sp.arg, sp.split, stdin, checkRules{counter: counter, check: !f.NoCheck, minExamples: sp.min})
		if err != nil {
			return err
		}
		files = append(files, l)
		if l.Stripped > 0 {
			cli.Warnf(stderr, name, "%s: metadata left out of %s %s, as OpenAI takes no such key; sha256 and bytes are those of the %s sent",
				l.Name, cli.Thousands(int64(l.Stripped)), cli.Plural(l.Stripped, "line"), size(l.Bytes))
		}
		errs, warns := 0, 0
		var repeats cli.Repeats // the same error on every line is one mistake
		for _, fd := range findings {
			if fd.Severity == jsonl.SeverityError {
				errs++
				if repeats.Show(fd.Code, fd.Path) {
					cli.Warnf(stderr, name, "%s", fd)
				}
			} else {
				warns++
			}
		}
		repeats.Flush(stderr, name)
		if warns > 0 {
			cli.Warnf(stderr, name, "%s: %d %s (ft-validate %s lists them)", l.Name, warns, cli.Plural(warns, "warning"), sp.arg)
		}
		if errs > 0 {
			refused = append(refused, fmt.Sprintf("%s: %d %s", l.Name, errs, cli.Plural(errs, "error")))
		}
	}
	if len(refused) > 0 {
		return cli.Errorf(cli.ExitDataError, "%s; nothing sent (--no-check sends the files anyway)", strings.Join(refused, ", "))
	}
	w := jsonl.NewWriter(stdout)
	if f.DryRun {
		for _, l := range files {
			how := "the Files API"
			if l.Bytes > threshold {
				how = fmt.Sprintf("the Uploads API in %d parts", (l.Bytes+partSize-1)/partSize)
			}
			cli.Warnf(stderr, name, "dry run: would send %s (%s, %s, %s tokens) as %s through %s, unless a file with the same content is already there",
				l.Name, size(l.Bytes), cli.Count(l.Examples, "example"), cli.Thousands(l.Tokens), l.remoteName(), how)
			w.Encode(line{File: openai.File{ID: "file-dry-run-" + l.SHA256[:hashTagLen], Object: "file", Bytes: l.Bytes, Filename: l.remoteName(), Purpose: purpose},
				SHA256: l.SHA256, Examples: l.Examples, Tokens: l.Tokens, Split: l.Split, DryRun: true})
		}
		return w.Flush()
	}
	cfg.MaxRetries, cfg.Log, cfg.Name = f.MaxRetries, stderr, name
	client, err := openai.New(cfg)
	if err != nil {
		return cli.WithCode(cli.ExitUsage, err)
	}
	s := &sender{client: client, stderr: stderr, progress: cli.IsTerminal(stderr), threshold: threshold, partSize: partSize, force: f.Force,
		retries: f.MaxRetries, expiry: f.ExpiresAfter, lookupFor: f.LookupFor, sleep: openai.Sleep}
	for _, l := range files {
		out, err := s.send(ctx, l)
		if err != nil {
			return err
		}
		if !out.Reused {
			cli.Warnf(stderr, name, "%s: sent as %s (%s, %s, %s tokens)", l.Name, out.ID, size(l.Bytes), cli.Count(l.Examples, "example"), cli.Thousands(l.Tokens))
		}
		w.Encode(out)
		if err := w.Flush(); err != nil {
			return err
		}
	}
	return nil
}

func firstOf(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// line is what ft-upload writes for each file: the file object, plus what
// ft-train needs to choose epochs and estimate the cost.
type line struct {
	openai.File
	SHA256   string `json:"sha256"`
	Examples int    `json:"examples"`
	Tokens   int64  `json:"tokens"`
	Split    string `json:"split"`
	Reused   bool   `json:"reused,omitempty"`
	DryRun   bool   `json:"dry_run,omitempty"`
}

// sender puts files on the API.
type sender struct {
	client    *openai.Client
	stderr    io.Writer
	progress  bool  // stderr is a terminal
	threshold int64 // files above go through the Uploads API
	partSize  int64
	force     bool
	retries   int           // sends of a file whose answer was lost, after the first
	expiry    time.Duration // --expires-after; 0: the file is kept
	lookupFor time.Duration // how long a lost upload is looked for
	sleep     func(context.Context, time.Duration) error
	remote    []openai.File // the fine-tune files, listed once
	listed    bool
}

func (s *sender) send(ctx context.Context, l *local) (line, error) {
	out := line{SHA256: l.SHA256, Examples: l.Examples, Tokens: l.Tokens, Split: l.Split}
	if !s.force {
		f, ok, err := s.find(ctx, l)
		if err != nil {
			return out, err
		}
		if ok {
			cli.Warnf(s.stderr, name, "%s: already uploaded as %s (%s, same SHA-256 and size); reusing it (--force sends it again)", l.Name, f.ID, f.Filename)
			out.File, out.Reused = f, true
			return out, nil
		}
	}
	var f openai.File
	var err error
	if l.Bytes > s.threshold {
		f, err = s.uploadParts(ctx, l)
	} else {
		f, err = s.uploadFile(ctx, l)
	}
	if err != nil {
		return out, fmt.Errorf("%s: %w", l.Name, err)
	}
	out.File = f
	return out, nil
}

// find looks for a fine-tune file with the same content: its name carries
// the same hash tag and its size is the same. The API is the record of what
// was sent, so this works from any machine and after any cache is lost.
func (s *sender) find(ctx context.Context, l *local) (openai.File, bool, error) {
	if !s.listed {
		files, err := s.client.ListFiles(ctx, purpose)
		if err != nil {
			return openai.File{}, false, err
		}
		s.remote, s.listed = files, true
	}
	now := time.Now().Unix()
	for _, f := range s.remote {
		if f.Bytes != l.Bytes || !strings.Contains(f.Filename, l.tag()) || (f.Purpose != "" && f.Purpose != purpose) {
			continue
		}
		if f.Status == "error" || f.Status == "deleted" || (f.ExpiresAt > 0 && f.ExpiresAt <= now+60) {
			continue
		}
		return f, true, nil
	}
	return openai.File{}, false, nil
}

func (s *sender) uploadFile(ctx context.Context, l *local) (openai.File, error) {
	data, err := os.ReadFile(l.Path)
	if err != nil {
		return openai.File{}, cli.WithCode(cli.ExitUnreadable, err)
	}
	if int64(len(data)) != l.Bytes {
		return openai.File{}, cli.Errorf(cli.ExitUnreadable, "changed while being read (%d bytes, then %d)", l.Bytes, len(data))
	}
	for attempt := 0; ; attempt++ {
		s.status("%s: uploading %s…", l.Name, size(l.Bytes))
		f, err := s.client.UploadFile(ctx, l.remoteName(), data, purpose, s.expiry)
		s.status("")
		if err == nil {
			return f, verify(f, l)
		}
		if errors.Is(err, openai.ErrMaybeCreated) && ctx.Err() != nil {
			return f, s.interruptedUpload(ctx, l)
		}
		if !errors.Is(err, openai.ErrMaybeCreated) || attempt >= s.retries {
			return f, err
		}
		// The file may be stored although its answer was lost: look it up
		// by its content tag, for as long as the file list may lag behind,
		// before sending a second copy.
		cli.Warnf(s.stderr, name, "%s: the upload's answer was lost (%v); looking for the file before sending it again", l.Name, err)
		found, ok, ferr := s.lookFor(ctx, l, s.lookupFor)
		if ctx.Err() != nil {
			return openai.File{}, s.interruptedUpload(ctx, l)
		}
		if ferr != nil {
			return openai.File{}, fmt.Errorf("the file may have been stored but cannot be looked up (%w); before sending it again, look for a file named like %s", ferr, l.remoteName())
		}
		if ok {
			cli.Warnf(s.stderr, name, "%s: the file is there, stored by the attempt whose answer was lost: %s", l.Name, found.ID)
			return found, nil
		}
		cli.Warnf(s.stderr, name, "%s: no such file after %s of looking; sending it again", l.Name, s.lookupFor)
	}
}

// interruptedUpload is an upload cut short by a signal after it may have
// reached the server: a few seconds go to looking the file up by its
// content tag, so that the user learns whether it is stored.
func (s *sender) interruptedUpload(ctx context.Context, l *local) error {
	lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	s.listed = false
	if f, ok, err := s.find(lctx, l); err == nil && ok {
		cli.Warnf(s.stderr, name, "%s: the file was stored before the interruption: %s", l.Name, f.ID)
	} else {
		cli.Warnf(s.stderr, name, "%s: the file may have been stored (its name contains %s); running ft-upload again on the same content reuses it if it is there",
			l.Name, l.tag())
	}
	return ctx.Err()
}

// lookFor looks for the file by its content until the file list shows it
// or the pauses add up to budget (0: one look), as the list can lag behind
// an upload.
func (s *sender) lookFor(ctx context.Context, l *local, budget time.Duration) (openai.File, bool, error) {
	var found openai.File
	ok, err := openai.Await(ctx, s.sleep, budget, func(waited time.Duration) {
		cli.Warnf(s.stderr, name, "%s: not listed yet after %s; the file list can lag behind an upload, looking again (for up to %s)", l.Name, waited.Round(100*time.Millisecond), budget)
	}, func() (bool, error) {
		s.listed = false
		f, ok, err := s.find(ctx, l)
		found = f
		return ok, err
	})
	return found, ok, err
}

// verify checks a stored file against what was sent: trust, but verify.
func verify(f openai.File, l *local) error {
	switch {
	case f.Status == "error":
		return cli.Errorf(cli.ExitAPIRefused, "the API stored %s with status error: %s", f.ID, firstOf(f.StatusDetails, "no details given"))
	case f.Bytes != l.Bytes:
		return cli.Errorf(cli.ExitUnavailable, "the API stored %s with %d bytes, but %d were sent", f.ID, f.Bytes, l.Bytes)
	case f.Purpose != purpose:
		return cli.Errorf(cli.ExitUnavailable, "the API stored %s with purpose %q, but %q was sent", f.ID, f.Purpose, purpose)
	}
	return nil
}

// uploadParts sends the file through the Uploads API, one part at a time;
// the client retries each part on its own. On failure the upload is
// cancelled, so that no half upload lingers for its hour.
func (s *sender) uploadParts(ctx context.Context, l *local) (openai.File, error) {
	if l.Bytes > openai.MaxUploadBytes {
		return openai.File{}, cli.Errorf(cli.ExitDataError, "%s is larger than the API's limit of %s", size(l.Bytes), size(openai.MaxUploadBytes))
	}
	fh, err := os.Open(l.Path)
	if err != nil {
		return openai.File{}, cli.WithCode(cli.ExitUnreadable, err)
	}
	defer fh.Close()
	up, err := s.client.CreateUpload(ctx, openai.UploadRequest{Filename: l.remoteName(), Purpose: purpose, Bytes: l.Bytes, Expiry: s.expiry})
	if err != nil {
		return openai.File{}, err
	}
	fail := func(err error) (openai.File, error) {
		s.status("")
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		s.client.CancelUpload(cctx, up.ID) // best effort: an unused upload also expires
		return openai.File{}, err
	}
	parts := int((l.Bytes + s.partSize - 1) / s.partSize)
	ids := make([]string, 0, parts)
	buf := make([]byte, s.partSize)
	var sent int64
	for i := range parts {
		n, err := io.ReadFull(fh, buf)
		if err != nil && err != io.ErrUnexpectedEOF {
			return fail(cli.WithCode(cli.ExitUnreadable, err))
		}
		s.status("%s: uploading part %d of %d (%d%%)", l.Name, i+1, parts, sent*100/l.Bytes)
		p, err := s.client.AddUploadPart(ctx, up.ID, buf[:n])
		if err != nil {
			return fail(err)
		}
		ids = append(ids, p.ID)
		sent += int64(n)
	}
	if sent != l.Bytes {
		return fail(cli.Errorf(cli.ExitUnreadable, "changed while being read (%d bytes, then %d)", l.Bytes, sent))
	}
	s.status("%s: completing the upload of %d parts…", l.Name, parts)
	done, err := s.client.CompleteUpload(ctx, up.ID, ids, l.MD5)
	if err == nil && done.File == nil {
		err = fmt.Errorf("upload %s completed with status %q but no file", up.ID, done.Status)
	}
	if err != nil {
		// A completion whose answer was lost is refused when sent again
		// ("already completed"): the file is there, found by its content,
		// once the file list shows it. A plain refusal (a wrong checksum)
		// made no file: one look is enough.
		budget := s.lookupFor
		var ae *openai.APIError
		if errors.As(err, &ae) && openai.Refused(ae.Status) && !strings.Contains(strings.ToLower(ae.Message), "already") {
			budget = 0
		}
		found, ok, _ := s.lookFor(ctx, l, budget)
		if ok {
			s.status("")
			cli.Warnf(s.stderr, name, "%s: completing the upload failed (%v), but the file is there: %s", l.Name, err, found.ID)
			return found, nil
		}
		return fail(err)
	}
	s.status("")
	if done.Status != "completed" {
		return openai.File{}, cli.Errorf(cli.ExitUnavailable, "upload %s answered status %q, not completed, with file %s", up.ID, done.Status, done.File.ID)
	}
	return *done.File, verify(*done.File, l)
}

// status rewrites the progress line on a terminal; "" clears it.
func (s *sender) status(format string, args ...any) {
	if !s.progress {
		return
	}
	fmt.Fprintf(s.stderr, "\r\x1b[K")
	if format != "" {
		fmt.Fprintf(s.stderr, "%s: %s", name, fmt.Sprintf(format, args...))
	}
}

// parseSize reads a byte count: 1048576, 100k, 64MiB, 1MB (k, M and G are
// powers of 1000, Ki, Mi and Gi of 1024; the final B is optional).
func parseSize(s string) (int64, error) {
	t := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSpace(s), "B"), "b")
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"Ki", 1 << 10}, {"Mi", 1 << 20}, {"Gi", 1 << 30}, {"k", 1e3}, {"K", 1e3}, {"M", 1e6}, {"G", 1e9}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSuffix(t, u.suffix), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(t), 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%q: want a size such as 100, 512k or 64MiB", s)
	}
	return n * mult, nil
}

// size formats a byte count for people.
func size(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
