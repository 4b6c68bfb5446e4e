package stats

import (
	"math"
	"slices"
	"sort"
)

// entry is a hashed example or turn and where it is: 16 bytes.
type entry struct {
	hash uint64
	line uint32
	file uint16
	kind uint8 // for turns: 0 user, 1 assistant
}

// fileAcc holds what is kept of one file while it is read.
type fileAcc struct {
	name  string
	split Split
	index int
	limit int

	examples, bad, blank int

	total, assistant []int32 // per example, in input order until finish
	messages         []uint16

	sumTotal, sumAssistant, sumMessages int64
	images, toolDefs                    int64
	over                                []int // lines of examples over the model's limit

	ex    []entry // one per example, for duplicates
	turns []entry // user and assistant turns, for leakage

	// Per row of the cost table: the tokens counted exactly (all examples
	// for the model's encoding, the sampled ones for the others), capped
	// at the row's limit and not.
	rowTokens, rowCapped []int64
	// For each other encoding: the sampled examples' tokens in the model's
	// encoding and in that one, to scale the rest by.
	sampledModel, sampledOther []int64
	sampledN                   []int
}

func newFileAcc(name string, split Split, encs, limit int) *fileAcc {
	return &fileAcc{name: name, split: split, limit: limit,
		sampledModel: make([]int64, encs), sampledOther: make([]int64, encs), sampledN: make([]int, encs)}
}

func capAt(limit int, n int64) int64 {
	if limit > 0 && n > int64(limit) {
		return int64(limit)
	}
	return n
}

func (a *Analyzer) add(acc *fileAcc, rec *record, other []int32) {
	if acc.rowTokens == nil {
		acc.rowTokens = make([]int64, len(a.cfg.Models))
		acc.rowCapped = make([]int64, len(a.cfg.Models))
	}
	acc.examples++
	acc.total = append(acc.total, rec.total)
	acc.assistant = append(acc.assistant, rec.assistant)
	acc.messages = append(acc.messages, uint16(min(rec.messages, math.MaxUint16)))
	acc.sumTotal += int64(rec.total)
	acc.sumAssistant += int64(rec.assistant)
	acc.sumMessages += int64(rec.messages)
	acc.images += int64(rec.images)
	acc.toolDefs += int64(rec.toolDefs)
	if acc.limit > 0 && int(rec.total) > acc.limit {
		acc.over = append(acc.over, rec.line)
	}
	acc.ex = append(acc.ex, entry{hash: rec.hash, line: uint32(rec.line), file: uint16(acc.index)})
	if rec.sampled {
		for e := 1; e < len(a.encs); e++ {
			acc.sampledModel[e] += int64(rec.total)
			acc.sampledOther[e] += int64(other[e-1])
			acc.sampledN[e]++
		}
	}
	for i, m := range a.cfg.Models {
		e := a.encIndex(m.Encoding)
		var n int64
		switch {
		case e == 0:
			n = int64(rec.total)
		case rec.sampled:
			n = int64(other[e-1])
		default:
			continue
		}
		acc.rowTokens[i] += n
		acc.rowCapped[i] += capAt(m.ExampleLimit, n)
	}
}

func (a *Analyzer) encIndex(enc string) int {
	for i, e := range a.encs {
		if e == enc {
			return i
		}
	}
	return -1
}

// costRows finishes the cost table of one file: the rows of other
// encodings get their unsampled examples' tokens estimated as the model's
// count times the ratio measured on the sample. It must run while the
// per-example arrays are in input order.
func (a *Analyzer) costRows(acc *fileAcc) []rowSums {
	rows := make([]rowSums, len(a.cfg.Models))
	for i, m := range a.cfg.Models {
		r := rowSums{exact: true}
		if acc.rowTokens != nil {
			r.tokens, r.capped = acc.rowTokens[i], acc.rowCapped[i]
		}
		e := a.encIndex(m.Encoding)
		if e > 0 && acc.sampledN[e] < acc.examples {
			r.exact = false
			ratio := 1.0
			if acc.sampledModel[e] > 0 {
				ratio = float64(acc.sampledOther[e]) / float64(acc.sampledModel[e])
			}
			var est, estCapped float64
			for j, t := range acc.total {
				if a.sampled(int(acc.ex[j].line)) {
					continue
				}
				n := math.Round(float64(t) * ratio)
				est += n
				estCapped += float64(capAt(m.ExampleLimit, int64(n)))
			}
			r.tokens += int64(est)
			r.capped += int64(estCapped)
		}
		rows[i] = r
	}
	return rows
}

type rowSums struct {
	tokens, capped int64
	exact          bool
}

// finish sorts what percentiles and duplicate detection need.
func (acc *fileAcc) finish() {
	slices.Sort(acc.total)
	slices.Sort(acc.assistant)
	slices.Sort(acc.messages)
	sortEntries(acc.ex)
	sortEntries(acc.turns)
}

func sortEntries(s []entry) {
	slices.SortFunc(s, func(x, y entry) int {
		switch {
		case x.hash != y.hash:
			if x.hash < y.hash {
				return -1
			}
			return 1
		case x.file != y.file:
			return int(x.file) - int(y.file)
		}
		return int(x.line) - int(y.line)
	})
}

type number interface{ ~int32 | ~uint16 }

// sorted is a sample kept as one or more sorted slices (one per file), so
// that the combined percentiles need no merged copy.
type sorted[T number] [][]T

func (s sorted[T]) len() int {
	n := 0
	for _, x := range s {
		n += len(x)
	}
	return n
}

// countLE returns how many values are ≤ v.
func (s sorted[T]) countLE(v int64) int {
	n := 0
	for _, x := range s {
		n += sort.Search(len(x), func(i int) bool { return int64(x[i]) > v })
	}
	return n
}

func (s sorted[T]) bounds() (lo, hi int64) {
	lo, hi = math.MaxInt64, math.MinInt64
	for _, x := range s {
		if len(x) == 0 {
			continue
		}
		lo = min(lo, int64(x[0]))
		hi = max(hi, int64(x[len(x)-1]))
	}
	return lo, hi
}

// kth returns the k-th smallest value, 0-based.
func (s sorted[T]) kth(k int) int64 {
	if len(s) == 1 {
		return int64(s[0][k])
	}
	lo, hi := s.bounds()
	for lo < hi {
		mid := lo + (hi-lo)/2
		if s.countLE(mid) >= k+1 {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// quantile is numpy's default (linear interpolation between the closest
// ranks), which is what the cookbook's notebook prints.
func (s sorted[T]) quantile(q float64) float64 {
	n := s.len()
	if n == 0 {
		return 0
	}
	h := q * float64(n-1)
	i := int(math.Floor(h))
	v := float64(s.kth(i))
	if i+1 < n && h > float64(i) {
		v += (h - float64(i)) * (float64(s.kth(i+1)) - v)
	}
	return v
}

// Dist summarises a per-example quantity.
type Dist struct {
	Min  int64   `json:"min"`
	Max  int64   `json:"max"`
	Mean float64 `json:"mean"`
	P50  float64 `json:"p50"`
	P90  float64 `json:"p90"`
	P95  float64 `json:"p95"`
	P99  float64 `json:"p99"`
}

func dist[T number](s sorted[T], sum int64) Dist {
	n := s.len()
	if n == 0 {
		return Dist{}
	}
	lo, hi := s.bounds()
	return Dist{Min: lo, Max: hi, Mean: round3(float64(sum) / float64(n)),
		P50: round3(s.quantile(0.50)), P90: round3(s.quantile(0.90)),
		P95: round3(s.quantile(0.95)), P99: round3(s.quantile(0.99))}
}

// round3 drops the floating-point noise of interpolation (4861.000000000001).
func round3(f float64) float64 { return math.Round(f*1000) / 1000 }

// Bin is one bar of the histogram of example lengths: examples with From ≤
// tokens < To (To is 0 for the last, open bin).
type Bin struct {
	From  int64 `json:"from"`
	To    int64 `json:"to"`
	Count int   `json:"count"`
}

const histogramBins = 12

// histogram spreads the examples over equal bins from the shortest to the
// longest; when a few outliers would squeeze everything into the first bin
// (the longest is more than twice p99), the bins stop at p99 and one open
// bin takes the rest.
func histogram(s sorted[int32]) []Bin {
	n := s.len()
	if n == 0 {
		return nil
	}
	lo, hi := s.bounds()
	top := hi
	open := false
	if p99 := s.kth(int(0.99 * float64(n-1))); hi > 2*p99 && p99 > lo {
		top, open = p99, true
	}
	width := max(1, (top-lo+histogramBins)/histogramBins)
	var bins []Bin
	below := 0
	for from := lo; from <= top; from += width {
		to := from + width
		c := s.countLE(to - 1)
		bins = append(bins, Bin{From: from, To: to, Count: c - below})
		below = c
	}
	if open {
		bins = append(bins, Bin{From: bins[len(bins)-1].To, Count: n - below})
	}
	return bins
}

// RecommendedEpochs is the cookbook's rule: 3 epochs, raised so that at
// least 100 examples are seen (at most 25 epochs) or lowered so that at most
// 25,000 are (at least 1). No examples, no epochs.
func RecommendedEpochs(n int) int {
	const (
		target      = 3
		minExamples = 100
		maxExamples = 25000
		minEpochs   = 1
		maxEpochs   = 25
	)
	switch {
	case n <= 0:
		return 0
	case n*target < minExamples:
		return min(maxEpochs, minExamples/n)
	case n*target > maxExamples:
		return max(minEpochs, maxExamples/n)
	}
	return target
}

// Cost is the training price of billed tokens at usdPerMTok per million,
// nil when the model is not priced per token.
func Cost(billed int64, usdPerMTok float64) *float64 {
	if usdPerMTok <= 0 {
		return nil
	}
	c := float64(billed) * usdPerMTok / 1e6
	return &c
}
