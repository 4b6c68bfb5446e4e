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

// Plural is the noun for n things: one when n is 1, else many, or one with
// an s when many is not given.
func Plural(n int, one string, many ...string) string {
	if n == 1 {
		return one
	}
	if len(many) > 0 {
		return many[0]
	}
	return one + "s"
}

// Count is n, written as Thousands does, and its noun: "1 warning",
// "2,841 warnings".
func Count(n int, one string, many ...string) string {
	return Thousands(int64(n)) + " " + Plural(n, one, many...)
}
