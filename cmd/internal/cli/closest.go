package cli

import (
	"strings"
	"unicode/utf8"
)

// Closest returns the option nearest to word by edit distance, ignoring
// case, or "" when none is near enough to be what was meant: more than
// half of word's letters would have to change, unless one contains the
// other ("nl_question" and "question").
func Closest(word string, options []string) string {
	w := strings.ToLower(word)
	best, bestD := "", -1
	for _, o := range options {
		lo := strings.ToLower(o)
		d := distance(w, lo)
		if d > utf8.RuneCountInString(w)/2 && !contains(w, lo) && !contains(lo, w) {
			continue
		}
		if bestD < 0 || d < bestD {
			best, bestD = o, d
		}
	}
	return best
}

// contains is strings.Contains for parts long enough to mean something.
func contains(s, part string) bool {
	return utf8.RuneCountInString(part) >= 3 && strings.Contains(s, part)
}

// distance is the Levenshtein distance between a and b, in runes.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
