package main

import (
	"strings"
	"testing"
)

// The default epochs are the cookbook's rule (stats.RecommendedEpochs).
func TestDefaultEpochs(t *testing.T) {
	for _, tc := range []struct{ examples, want int }{{5, 20}, {12, 8}, {50, 3}, {10000, 2}} {
		f := flags{Model: "gpt-4o-mini", Method: "supervised"}
		req, err := buildRequest(&f, files{train: uploaded{ID: "file-t", Examples: tc.examples}})
		if err != nil {
			t.Fatal(err)
		}
		if got := req.Method.Hyperparameters().NEpochs; got == nil || got.N != float64(tc.want) {
			t.Errorf("%d examples: n_epochs %v, want %d", tc.examples, got, tc.want)
		}
	}
	f := flags{Model: "gpt-4o-mini", Method: "supervised"}
	req, err := buildRequest(&f, files{train: uploaded{ID: "file-t"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := req.Method.Hyperparameters().NEpochs; got != nil {
		t.Errorf("unknown example count: n_epochs %v, want it left out (auto)", got)
	}
}

func TestBuildRequestRanges(t *testing.T) {
	base := func() flags { return flags{Model: "gpt-4o-mini-2024-07-18", Method: "supervised"} }
	fs := files{train: uploaded{ID: "file-t", Examples: 10, Tokens: 1000}}
	for _, tc := range []struct {
		name string
		edit func(*flags)
		bad  string // part of the error; "" for a valid request
	}{
		{"defaults", func(*flags) {}, ""},
		{"epochs 1", func(f *flags) { f.Epochs = "1" }, ""},
		{"epochs 50", func(f *flags) { f.Epochs = "50" }, ""},
		{"epochs auto", func(f *flags) { f.Epochs = "auto" }, ""},
		{"epochs 0", func(f *flags) { f.Epochs = "0" }, "--epochs 0"},
		{"epochs 51", func(f *flags) { f.Epochs = "51" }, "--epochs 51"},
		{"epochs 2.5", func(f *flags) { f.Epochs = "2.5" }, "--epochs 2.5"},
		{"batch 256", func(f *flags) { f.BatchSize = "256" }, ""},
		{"batch 257", func(f *flags) { f.BatchSize = "257" }, "--batch-size 257"},
		{"batch 0", func(f *flags) { f.BatchSize = "0" }, "--batch-size 0"},
		{"lr 0.1", func(f *flags) { f.LearningRateMultiplier = "0.1" }, ""},
		{"lr 0", func(f *flags) { f.LearningRateMultiplier = "0" }, "--learning-rate-multiplier 0"},
		{"lr NaN", func(f *flags) { f.LearningRateMultiplier = "NaN" }, "--learning-rate-multiplier NaN"},
		{"beta without dpo", func(f *flags) { f.Beta = "0.1" }, "--beta is for --method dpo"},
		{"beta 2", func(f *flags) { f.Method, f.Beta = "dpo", "2" }, ""},
		{"beta 2.01", func(f *flags) { f.Method, f.Beta = "dpo", "2.01" }, "--beta 2.01"},
		{"beta 0", func(f *flags) { f.Method, f.Beta = "dpo", "0" }, "--beta 0"},
		{"method rft", func(f *flags) { f.Method = "reinforcement" }, "--method reinforcement"},
		{"dpo on 3.5", func(f *flags) { f.Method, f.Model = "dpo", "gpt-3.5-turbo-0125" }, "supervised only"},
		{"suffix 64", func(f *flags) { f.Suffix = strings.Repeat("a", 64) }, ""},
		{"suffix 65", func(f *flags) { f.Suffix = strings.Repeat("a", 65) }, "--suffix"},
		{"seed max", func(f *flags) { s := int64(2147483647); f.Seed = &s }, ""},
		{"seed over", func(f *flags) { s := int64(2147483648); f.Seed = &s }, "--seed 2147483648"},
		{"seed negative", func(f *flags) { s := int64(-1); f.Seed = &s }, "--seed -1"},
		{"metadata ok", func(f *flags) { f.Metadata = []string{"team=search", "run=a=b"} }, ""},
		{"metadata no value", func(f *flags) { f.Metadata = []string{"team"} }, "want KEY=VALUE"},
		{"metadata reserved", func(f *flags) { f.Metadata = []string{"ft_request=x"} }, "set by ft-train"},
		{"metadata long value", func(f *flags) { f.Metadata = []string{"k=" + strings.Repeat("v", 513)} }, "longer than 512"},
		{"metadata too many", func(f *flags) {
			for i := range 15 {
				f.Metadata = append(f.Metadata, string(rune('a'+i))+"=1")
			}
		}, "15 pairs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := base()
			tc.edit(&f)
			_, err := buildRequest(&f, fs)
			switch {
			case tc.bad == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.bad != "" && err == nil:
				t.Fatalf("no error, want one containing %q", tc.bad)
			case tc.bad != "" && !strings.Contains(err.Error(), tc.bad):
				t.Fatalf("error %q does not contain %q", err, tc.bad)
			}
		})
	}
}

func TestEstimateCost(t *testing.T) {
	f := flags{Model: "gpt-4o-mini", Method: "supervised"}
	fs := files{train: uploaded{ID: "file-t", Examples: 20, Tokens: 100000}}
	req, err := buildRequest(&f, fs)
	if err != nil {
		t.Fatal(err)
	}
	e := estimateCost(req, fs, 0)
	// 20 examples → 5 epochs; 100,000 × 5 = 500,000 tokens at $3.00/1M.
	if !e.Known || e.Epochs != 5 || e.Trained != 500000 || e.USD != 1.5 {
		t.Fatalf("estimate = %+v, want 5 epochs, 500000 tokens, $1.50", e)
	}
	if got := req.Metadata[metaTokens]; got != "100000" {
		t.Errorf("metadata %s = %q, want 100000", metaTokens, got)
	}
	fs.train.Tokens = 0
	if e := estimateCost(req, fs, 0); e.Known {
		t.Errorf("estimate without tokens is known: %+v", e)
	}
	fs.train.Tokens = 100000
	// --price replaces the list's price, also for a model the list lacks.
	if e := estimateCost(req, fs, 10); !e.Known || e.USD != 5 || e.Date != "" || !strings.HasSuffix(e.String(), "at $10.00 per 1M (gpt-4o-mini-2024-07-18, --price)") {
		t.Errorf("--price 10: %+v, %q", e, e)
	}
	req.Model = "gpt-5-mini-2026-01-01"
	if e := estimateCost(req, fs, 2); !e.Known || e.USD != 1 {
		t.Errorf("--price for an unknown model: %+v", e)
	}
	if e := estimateCost(req, fs, 0); e.Known {
		t.Errorf("an unknown model without --price is priced: %+v", e)
	}
}
