package ask

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/ft-tools/ft/cmd/internal/fakeopenai"
	"github.com/ft-tools/ft/cmd/internal/openai"
	"github.com/ft-tools/ft/jsonl"
)

// BenchmarkParallel measures answers per second against the fake server
// with a model-like latency of 20 ms, serial and with requests in flight:
// with N in flight the rate should approach N times the serial one.
//
//	go test -run X -bench Parallel -benchtime 2x ./cmd/internal/ask/
func BenchmarkParallel(b *testing.B) {
	s := fakeopenai.New(fakeopenai.Options{Latency: fakeopenai.Duration(20 * time.Millisecond)})
	defer s.Close()
	ts := tasks(64, "gpt-4o-mini")
	for _, n := range []int{1, 4, 16} {
		b.Run(fmt.Sprintf("parallel=%d", n), func(b *testing.B) {
			thr := NewThrottle(n)
			tr := http.DefaultTransport.(*http.Transport).Clone()
			tr.MaxIdleConnsPerHost = n
			c, err := openai.New(openai.Config{APIKey: s.Key(), BaseURL: s.URL(), HTTPClient: &http.Client{Transport: thr.Transport(tr)}})
			if err != nil {
				b.Fatal(err)
			}
			r := &Runner{Client: c, BaseURL: s.URL(), Throttle: thr}
			start := time.Now()
			for range b.N {
				st, err := r.Run(context.Background(), ts, func(*jsonl.Answer) error { return nil })
				if err != nil || st.Sent != len(ts) {
					b.Fatalf("%v, %+v", err, st)
				}
			}
			b.ReportMetric(float64(b.N*len(ts))/time.Since(start).Seconds(), "answers/s")
		})
	}
}
