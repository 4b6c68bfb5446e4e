package cli

import "strconv"

// Thousands writes n with commas between groups of three digits (12,729),
// the one way every report writes counts of tokens and examples.
func Thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	start := 0
	if n < 0 {
		start = 1
	}
	for i := len(s) - 3; i > start; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
