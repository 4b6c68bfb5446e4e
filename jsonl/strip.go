package jsonl

import "bytes"

// WithoutKey returns the JSON object line with its top-level member key
// left out, every other byte as it was (key order, spacing, number
// spelling), and whether the key was there. A line that is not an object,
// or not well-formed enough to walk, comes back unchanged.
func WithoutKey(line []byte, key string) ([]byte, bool) {
	i := skipSpace(line, 0)
	if i >= len(line) || line[i] != '{' {
		return line, false
	}
	i++
	// start is where the member being read begins, after the '{' or ','
	// before it; prev is where the previous member's separator is.
	prev := -1
	for {
		start := i
		i = skipSpace(line, i)
		if i < len(line) && line[i] == '}' {
			return line, false
		}
		if i >= len(line) || line[i] != '"' {
			return line, false
		}
		kEnd := skipString(line, i)
		if kEnd < 0 {
			return line, false
		}
		name := line[i:kEnd]
		i = skipSpace(line, kEnd)
		if i >= len(line) || line[i] != ':' {
			return line, false
		}
		vEnd := skipValue(line, i+1)
		if vEnd < 0 {
			return line, false
		}
		i = skipSpace(line, vEnd)
		if i >= len(line) || (line[i] != ',' && line[i] != '}') {
			return line, false
		}
		if isKey(name, key) {
			var out []byte
			switch {
			case line[i] == ',': // drop the member and the comma after it
				out = append(append(out, line[:start]...), line[i+1:]...)
			case prev >= 0: // the last member: drop the comma before it
				out = append(append(out, line[:prev]...), line[vEnd:]...)
			default: // the only member
				out = append(append(out, line[:start]...), line[vEnd:]...)
			}
			return out, true
		}
		if line[i] == '}' {
			return line, false
		}
		prev = i
		i++
	}
}

func isKey(quoted []byte, key string) bool {
	if bytes.IndexByte(quoted, '\\') < 0 {
		return string(quoted[1:len(quoted)-1]) == key
	}
	var s string
	return unmarshal(quoted, &s) == nil && s == key
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// skipString returns the index after the string starting at b[i] ('"'),
// or -1 when it does not end.
func skipString(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

// skipValue returns the index after the value starting at or after b[i],
// or -1 when it does not end.
func skipValue(b []byte, i int) int {
	i = skipSpace(b, i)
	depth := 0
	for ; i < len(b); i++ {
		switch c := b[i]; c {
		case '"':
			j := skipString(b, i)
			if j < 0 {
				return -1
			}
			i = j - 1
			if depth == 0 {
				return j
			}
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return i // a bare value ends at its container's close
			}
			depth--
			if depth == 0 {
				return i + 1
			}
		case ',', ' ', '\t', '\r', '\n':
			if depth == 0 {
				return i
			}
		}
	}
	if depth == 0 {
		return i
	}
	return -1
}
