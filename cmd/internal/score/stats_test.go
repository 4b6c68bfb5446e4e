package score

import (
	"fmt"
	"math"
	"testing"
)

// The check vectors are TEND's printed p-values and Wilson intervals
// computed from the published formula.
func TestMcNemar(t *testing.T) {
	tests := []struct {
		b, c int
		want string // two significant digits, as TEND prints them
	}{
		{214, 79, "1.5e-15"},
		{88, 101, "0.38"},
		{93, 71, "0.1"},
		{295, 50, "2.1e-43"},
		{20, 3, "0.00049"},
		{5, 5, "1"},
		{0, 0, "1"},
		{0, 1, "1"},
		{0, 6, "0.031"},
		{1, 3, "0.62"},
		{600, 700, "0.006"},    // exact binomial sums (Python fractions): 0.006016
		{2000, 2200, "0.0021"}, // 0.002132, through the log-space sum
	}
	for _, tt := range tests {
		got := McNemar(tt.b, tt.c)
		if s := fmt.Sprintf("%.2g", got); s != tt.want {
			t.Errorf("McNemar(%d, %d) = %v (%s), want %s", tt.b, tt.c, got, s, tt.want)
		}
		if McNemar(tt.c, tt.b) != got {
			t.Errorf("McNemar(%d, %d) is not symmetric", tt.b, tt.c)
		}
	}
}

func TestWilson(t *testing.T) {
	tests := []struct {
		k, n      int
		low, high float64
	}{
		{487, 1210, 0.3752, 0.4304},
		{352, 1210, 0.2660, 0.3171},
		{0, 10, 0, 0.2775},
		{10, 10, 0.7225, 1},
		{0, 0, 0, 1},
	}
	for _, tt := range tests {
		low, high := Wilson(tt.k, tt.n)
		if math.Abs(low-tt.low) > 5e-5 || math.Abs(high-tt.high) > 5e-5 {
			t.Errorf("Wilson(%d, %d) = [%.4f, %.4f], want [%.4f, %.4f]", tt.k, tt.n, low, high, tt.low, tt.high)
		}
	}
}

func TestPercentile(t *testing.T) {
	v := []int64{10, 20, 30, 40, 50, 60, 70, 80, 90, 100}
	for _, tt := range []struct {
		p    float64
		want int64
	}{{50, 50}, {95, 100}, {10, 10}, {0, 10}} {
		if got := percentile(v, tt.p); got != tt.want {
			t.Errorf("percentile(%v) = %d, want %d", tt.p, got, tt.want)
		}
	}
}
