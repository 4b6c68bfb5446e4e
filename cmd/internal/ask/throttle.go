package ask

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ft-tools/ft/cmd/internal/openai"
)

// Throttle bounds the requests in flight and slows them down when the API
// asks: a 429 halves the number in flight and holds every new attempt back
// for the wait it names; x-ratelimit-remaining-tokens at 0, or fewer
// remaining requests than are in flight, holds them back until the reset
// the headers name. Successes win the halved slots back one at a time,
// so a run settles near the rate the account allows instead of hammering
// it. Its Transport sees every attempt, retries included, which the
// client's own retry policy hides from the caller.
type Throttle struct {
	mu       sync.Mutex
	changed  chan struct{} // closed and replaced whenever a slot may have opened
	max      int
	limit    int
	inflight int
	until    time.Time // no attempt starts before this
	good     int       // successes since the limit last changed
	limited  int       // 429s seen
	now      func() time.Time
}

// NewThrottle allows n requests in flight.
func NewThrottle(n int) *Throttle {
	n = max(n, 1)
	return &Throttle{changed: make(chan struct{}), max: n, limit: n, now: time.Now}
}

// Limit is the number of requests currently allowed in flight.
func (t *Throttle) Limit() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.limit
}

// RateLimited is the number of 429 answers seen.
func (t *Throttle) RateLimited() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.limited
}

// Acquire waits for a slot.
func (t *Throttle) Acquire(ctx context.Context) error {
	for {
		t.mu.Lock()
		if t.inflight < t.limit {
			t.inflight++
			t.mu.Unlock()
			return nil
		}
		ch := t.changed
		t.mu.Unlock()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ch:
		}
	}
}

// Release gives a slot back.
func (t *Throttle) Release() {
	t.mu.Lock()
	t.inflight--
	t.signal()
	t.mu.Unlock()
}

// signal wakes the waiters; the caller holds t.mu.
func (t *Throttle) signal() {
	close(t.changed)
	t.changed = make(chan struct{})
}

// Hold waits until attempts may start again.
func (t *Throttle) Hold(ctx context.Context) error {
	t.mu.Lock()
	d := t.until.Sub(t.now())
	t.mu.Unlock()
	if d <= 0 {
		return nil
	}
	return openai.Sleep(ctx, d)
}

// Observe learns from one answer's status and headers.
func (t *Throttle) Observe(status int, h http.Header) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	hold := func(d time.Duration) {
		if d > 0 && now.Add(d).After(t.until) {
			t.until = now.Add(d)
		}
	}
	rl := openai.RateLimitOf(h)
	if status == http.StatusTooManyRequests {
		t.limited++
		t.limit, t.good = max(1, t.limit/2), 0
		d := retryAfter(h)
		if d <= 0 {
			d = max(rl.ResetRequests, rl.ResetTokens, time.Second)
		}
		hold(d)
		return
	}
	// Fewer requests left in the window than are in flight: the next
	// ones would be refused, so they wait for the window to reset.
	if rl.RemainingRequests == 0 || (rl.RemainingRequests > 0 && rl.RemainingRequests < t.inflight) {
		hold(rl.ResetRequests)
	}
	if rl.RemainingTokens == 0 {
		hold(rl.ResetTokens)
	}
	if status >= 200 && status < 300 {
		t.good++
		if t.limit < t.max && t.good >= t.limit {
			t.limit, t.good = t.limit+1, 0
			t.signal()
		}
	}
}

// retryAfter reads retry-after-ms, then Retry-After in seconds.
func retryAfter(h http.Header) time.Duration {
	if ms, err := strconv.ParseFloat(h.Get("retry-after-ms"), 64); err == nil && ms > 0 {
		return time.Duration(ms * float64(time.Millisecond))
	}
	if s, err := strconv.ParseFloat(strings.TrimSpace(h.Get("Retry-After")), 64); err == nil && s > 0 {
		return time.Duration(s * float64(time.Second))
	}
	return 0
}

// Transport returns a transport that holds each attempt back while the
// throttle says so and shows it every answer.
func (t *Throttle) Transport(base http.RoundTripper) http.RoundTripper {
	return &throttled{t: t, base: base}
}

type throttled struct {
	t    *Throttle
	base http.RoundTripper
}

func (tr *throttled) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := tr.t.Hold(req.Context()); err != nil {
		if req.Body != nil {
			req.Body.Close() // a RoundTripper closes the body, even on error
		}
		return nil, err
	}
	resp, err := tr.base.RoundTrip(req)
	if err == nil {
		tr.t.Observe(resp.StatusCode, resp.Header)
	}
	return resp, err
}
