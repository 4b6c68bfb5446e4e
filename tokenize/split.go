package tokenize

// The split patterns of tiktoken, implemented by hand. Each function
// returns the end of the piece that the pattern's leftmost-first,
// backtracking match (Rust fancy-regex) finds at s[i:], i < len(s).
//
// o200k_base:
//
//	[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?
//	|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?
//	|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+
//
// cl100k_base:
//
//	(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}
//	| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
//
// \s is Unicode White_Space and (?i) folds s to S and to U+017F (ſ), as in
// Rust's regex crate.

func isNL(s string, i int) bool { return s[i] == '\r' || s[i] == '\n' }

// isPre reports whether the character at i, of class c, is in
// [^\r\n\p{L}\p{N}].
func isPre(s string, i int, c uint8) bool { return c&(clsL|clsN) == 0 && !isNL(s, i) }

// contraction returns the end of (?i:'s|'t|'re|'ve|'m|'ll|'d) at i, or i.
func contraction(s string, i int) int {
	if i+1 >= len(s) || s[i] != '\'' {
		return i
	}
	switch s[i+1] | 0x20 {
	case 's', 't', 'm', 'd':
		return i + 2
	case 'r', 'v':
		if i+2 < len(s) && s[i+2]|0x20 == 'e' {
			return i + 3
		}
	case 'l':
		if i+2 < len(s) && s[i+2]|0x20 == 'l' {
			return i + 3
		}
	}
	if s[i+1] == 0xC5 && i+2 < len(s) && s[i+2] == 0xBF { // ſ
		return i + 3
	}
	return i
}

// lowerRun returns the end of the run of clsLower characters at i.
func lowerRun(s string, i int) int {
	for i < len(s) {
		c, n := asciiClass[s[i]&0x7f], 1
		if s[i] >= 0x80 {
			c, n = classAtSlow(s[i:])
		}
		if c&clsLower == 0 {
			break
		}
		i += n
	}
	return i
}

// o200kUpperLower matches [U]*[W]+ at j, with U = clsUpper and W =
// clsLower: the longest U run that still leaves a W, then the longest W
// run. It returns -1 if there is none.
func o200kUpperLower(s string, j int) int {
	p, lastW, lastWSize := j, -1, 0
	for p < len(s) {
		c, n := asciiClass[s[p]&0x7f], 1
		if s[p] >= 0x80 {
			c, n = classAtSlow(s[p:])
		}
		if c&clsUpper == 0 {
			if c&clsLower != 0 {
				return lowerRun(s, p)
			}
			break
		}
		if c&clsLower != 0 {
			lastW, lastWSize = p, n
		}
		p += n
	}
	if lastW < 0 {
		return -1
	}
	// Give back characters of the U run until a W can match: the W run
	// ends at the next character, which is not W.
	return lastW + lastWSize
}

// o200kUpperThenLower matches [U]+[W]* at j, or returns -1.
func o200kUpperThenLower(s string, j int) int {
	p := j
	for p < len(s) {
		c, n := asciiClass[s[p]&0x7f], 1
		if s[p] >= 0x80 {
			c, n = classAtSlow(s[p:])
		}
		if c&clsUpper == 0 {
			break
		}
		p += n
	}
	if p == j {
		return -1
	}
	return lowerRun(s, p)
}

func splitO200k(s string, i int) int {
	c, n := asciiClass[s[i]&0x7f], 1
	if s[i] >= 0x80 {
		c, n = classAtSlow(s[i:])
	}
	pre := isPre(s, i, c)
	if pre || c&(clsUpper|clsLower) != 0 {
		if pre && i+n < len(s) {
			if e := o200kUpperLower(s, i+n); e >= 0 {
				return contraction(s, e)
			}
		}
		if e := o200kUpperLower(s, i); e >= 0 {
			return contraction(s, e)
		}
		if pre && i+n < len(s) {
			if e := o200kUpperThenLower(s, i+n); e >= 0 {
				return contraction(s, e)
			}
		}
		if e := o200kUpperThenLower(s, i); e >= 0 {
			return contraction(s, e)
		}
	}
	if c&clsN != 0 {
		return numbers(s, i)
	}
	if e := punct(s, i, c, n, true); e >= 0 {
		return e
	}
	return spaces(s, i)
}

func splitCl100k(s string, i int) int {
	if s[i] == '\'' {
		if e := contraction(s, i); e > i {
			return e
		}
	}
	c, n := asciiClass[s[i]&0x7f], 1
	if s[i] >= 0x80 {
		c, n = classAtSlow(s[i:])
	}
	if c&clsL != 0 {
		return letterRun(s, i+n)
	}
	if isPre(s, i, c) && i+n < len(s) {
		if c2, n2 := classAt(s, i+n); c2&clsL != 0 {
			return letterRun(s, i+n+n2)
		}
	}
	if c&clsN != 0 {
		return numbers(s, i)
	}
	if e := punct(s, i, c, n, false); e >= 0 {
		return e
	}
	return spaces(s, i)
}

// letterRun returns the end of the run of \p{L} at i.
func letterRun(s string, i int) int {
	for i < len(s) {
		c, n := asciiClass[s[i]&0x7f], 1
		if s[i] >= 0x80 {
			c, n = classAtSlow(s[i:])
		}
		if c&clsL == 0 {
			break
		}
		i += n
	}
	return i
}

// numbers matches \p{N}{1,3} at i, where there is a number.
func numbers(s string, i int) int {
	for k := 0; k < 3 && i < len(s); k++ {
		c, n := asciiClass[s[i]&0x7f], 1
		if s[i] >= 0x80 {
			c, n = classAtSlow(s[i:])
		}
		if c&clsN == 0 {
			break
		}
		i += n
	}
	return i
}

const clsNotPunct = clsSpace | clsL | clsN

// punct matches " ?[^\s\p{L}\p{N}]+[\r\n]*" (with "/" in the last class
// when slash is set) at i, whose character has class c and size n; -1 if
// it does not match.
func punct(s string, i int, c uint8, n int, slash bool) int {
	j := i
	if s[i] == ' ' && i+1 < len(s) {
		if c2, _ := classAt(s, i+1); c2&clsNotPunct == 0 {
			j = i + 1
		}
	}
	if j == i && c&clsNotPunct != 0 {
		return -1
	}
	for j < len(s) {
		c, n := asciiClass[s[j]&0x7f], 1
		if s[j] >= 0x80 {
			c, n = classAtSlow(s[j:])
		}
		if c&clsNotPunct != 0 {
			break
		}
		j += n
	}
	for j < len(s) && (s[j] == '\r' || s[j] == '\n' || slash && s[j] == '/') {
		j++
	}
	return j
}

// spaces matches \s*[\r\n]+|\s+(?!\S)|\s+ at i, where there is white space.
func spaces(s string, i int) int {
	p, lastNL, last := i, -1, i
	for p < len(s) {
		c, n := asciiClass[s[p]&0x7f], 1
		if s[p] >= 0x80 {
			c, n = classAtSlow(s[p:])
		}
		if c&clsSpace == 0 {
			break
		}
		if isNL(s, p) {
			lastNL = p + 1
		}
		last = p
		p += n
	}
	switch {
	case p == i: // not white space: cannot happen, but never stall
		_, n := asciiClass[s[i]&0x7f], 1
		if s[i] >= 0x80 {
			_, n = classAtSlow(s[i:])
		}
		return i + n
	case lastNL >= 0:
		return lastNL
	case p == len(s) || last == i:
		return p
	default:
		return last // leave the last space to start the next piece
	}
}
