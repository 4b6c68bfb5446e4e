package stats

import (
	"testing"
)

func TestRecommendedEpochs(t *testing.T) {
	// The cookbook: 3 epochs; if n*3 < 100, min(25, 100//n); if n*3 > 25000,
	// max(1, 25000//n).
	tests := []struct{ n, want int }{
		{0, 0},
		{1, 25}, // 100//1 = 100, capped at 25
		{3, 25}, // 100//3 = 33, capped
		{4, 25}, // 100//4 = 25
		{5, 20},
		{10, 10},
		{33, 3},   // 99 < 100: 100//33 = 3
		{34, 3},   // 102 ≥ 100: the default
		{8333, 3}, // 24,999 ≤ 25,000
		{8334, 2}, // 25,002 > 25,000: 25000//8334 = 2
		{10000, 2},
		{12500, 2},
		{12501, 1},
		{100000, 1}, // 25000//100000 = 0, raised to 1
	}
	for _, tt := range tests {
		if got := RecommendedEpochs(tt.n); got != tt.want {
			t.Errorf("RecommendedEpochs(%d) = %d, want %d", tt.n, got, tt.want)
		}
	}
}

func TestQuantile(t *testing.T) {
	// numpy.quantile with linear interpolation, worked by hand.
	tests := []struct {
		name string
		s    sorted[int32]
		q    float64
		want float64
	}{
		{"one value", sorted[int32]{{7}}, 0.99, 7},
		{"median of even count", sorted[int32]{{1, 2, 3, 4}}, 0.5, 2.5},
		{"p90 of four", sorted[int32]{{1, 2, 3, 4}}, 0.9, 3.7}, // h = 2.7: 3 + 0.7
		{"p0", sorted[int32]{{4, 8, 15}}, 0, 4},
		{"p100", sorted[int32]{{4, 8, 15}}, 1, 15},
		{"two files", sorted[int32]{{1, 5, 9}, {2, 3}}, 0.5, 3},              // 1 2 3 5 9
		{"two files p90", sorted[int32]{{1, 5, 9}, {2, 3}}, 0.9, 7.4},        // h = 3.6: 5 + 0.6*4
		{"repeats across files", sorted[int32]{{2, 2, 2}, {2, 10}}, 0.75, 2}, // h = 3: 2
		{"empty file beside", sorted[int32]{{}, {6, 8}}, 0.5, 7},
	}
	for _, tt := range tests {
		if got := tt.s.quantile(tt.q); got < tt.want-1e-9 || got > tt.want+1e-9 {
			t.Errorf("%s: quantile(%v) = %v, want %v", tt.name, tt.q, got, tt.want)
		}
	}
}

func TestHistogram(t *testing.T) {
	tests := []struct {
		name string
		s    sorted[int32]
		want []Bin
	}{
		{"one value", sorted[int32]{{5, 5}}, []Bin{{5, 6, 2}}},
		// 0..23 in 12 bins of 2.
		{"even spread", sorted[int32]{seq(0, 23)}, func() []Bin {
			var b []Bin
			for i := int64(0); i < 24; i += 2 {
				b = append(b, Bin{i, i + 2, 2})
			}
			return b
		}()},
		// 101 values: 1..100 and 1000. The value of rank 0.99×100 = 99
		// (0-based) is 100, far below the maximum, so 12 bins of
		// (100-1+12)/12 = 9 cover 1..108 and an open bin takes 1000.
		{"outlier", sorted[int32]{append(seq(1, 100), 1000)}, []Bin{
			{1, 10, 9}, {10, 19, 9}, {19, 28, 9}, {28, 37, 9}, {37, 46, 9}, {46, 55, 9},
			{55, 64, 9}, {64, 73, 9}, {73, 82, 9}, {82, 91, 9}, {91, 100, 9}, {100, 109, 1}, {109, 0, 1}}},
	}
	for _, tt := range tests {
		got := histogram(tt.s)
		if len(got) != len(tt.want) {
			t.Errorf("%s: %d bins %v, want %d %v", tt.name, len(got), got, len(tt.want), tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("%s: bin %d = %v, want %v", tt.name, i, got[i], tt.want[i])
			}
		}
	}
}

func seq(from, to int32) []int32 {
	var s []int32
	for i := from; i <= to; i++ {
		s = append(s, i)
	}
	return s
}

func TestCost(t *testing.T) {
	tests := []struct {
		billed int64
		price  float64
		want   *float64
	}{
		{86120, 8, ptr(0.68896)}, // the cookbook's toy file on gpt-3.5-turbo
		{1_000_000, 3, ptr(3)},   // one million tokens at $3 per million
		{15_475_719, 25, ptr(386.892975)},
		{1000, 0, nil}, // not priced per token
	}
	for _, tt := range tests {
		got := Cost(tt.billed, tt.price)
		switch {
		case (got == nil) != (tt.want == nil):
			t.Errorf("Cost(%d, %v) = %v, want %v", tt.billed, tt.price, got, tt.want)
		case got != nil && (*got < *tt.want-1e-9 || *got > *tt.want+1e-9):
			t.Errorf("Cost(%d, %v) = %v, want %v", tt.billed, tt.price, *got, *tt.want)
		}
	}
}

func ptr(f float64) *float64 { return &f }

func TestCapAt(t *testing.T) {
	tests := []struct {
		limit   int
		n, want int64
	}{{4096, 8000, 4096}, {4096, 4096, 4096}, {4096, 10, 10}, {0, 8000, 8000}}
	for _, tt := range tests {
		if got := capAt(tt.limit, tt.n); got != tt.want {
			t.Errorf("capAt(%d, %d) = %d, want %d", tt.limit, tt.n, got, tt.want)
		}
	}
}
