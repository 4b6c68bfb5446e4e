package score

import "math"

// z95 is the normal quantile of a two-sided 95% interval.
const z95 = 1.959964

// Wilson returns the 95% Wilson score interval of k successes in n trials;
// unlike the normal approximation it stays inside [0, 1] and means
// something at k = 0 or k = n. n = 0 gives [0, 1].
func Wilson(k, n int) (low, high float64) {
	if n <= 0 {
		return 0, 1
	}
	p := float64(k) / float64(n)
	nf := float64(n)
	z2 := z95 * z95
	d := 1 + z2/nf
	centre := (p + z2/(2*nf)) / d
	half := z95 * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf)) / d
	return math.Max(0, centre-half), math.Min(1, centre+half)
}

// McNemar returns the exact two-sided McNemar p-value of b examples only
// the first system gets right and c only the second: twice the binomial
// tail of min(b, c) in b+c trials at one half, at most 1, and 1 when there
// is no discordant example. Beyond a thousand discordant examples the sum
// runs in log space, where 2^-n would underflow.
func McNemar(b, c int) float64 {
	n := b + c
	if n == 0 {
		return 1
	}
	k := min(b, c)
	if n <= 1000 {
		// Exact enough in float64: 2^-n is still a normal number, and
		// each term follows from the one before.
		term := math.Ldexp(1, -n)
		sum := term
		for i := 0; i < k; i++ {
			term = term * float64(n-i) / float64(i+1)
			sum += term
		}
		return math.Min(1, 2*sum)
	}
	lnHalf := float64(n) * math.Log(0.5)
	// log-sum-exp of ln C(n, i) + n ln ½ for i = 0..k
	terms := make([]float64, k+1)
	top := math.Inf(-1)
	for i := 0; i <= k; i++ {
		terms[i] = lnChoose(n, i) + lnHalf
		top = math.Max(top, terms[i])
	}
	sum := 0.0
	for _, t := range terms {
		sum += math.Exp(t - top)
	}
	return math.Min(1, 2*math.Exp(top+math.Log(sum)))
}

func lnChoose(n, k int) float64 {
	a, _ := math.Lgamma(float64(n + 1))
	b, _ := math.Lgamma(float64(k + 1))
	c, _ := math.Lgamma(float64(n - k + 1))
	return a - b - c
}

// percentile returns the p-th percentile (0..100) of sorted values by the
// nearest-rank method, which gives a latency that was actually observed.
func percentile(sorted []int64, p float64) int64 {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = max(rank, 1)
	return sorted[rank-1]
}
