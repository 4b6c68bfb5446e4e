package mongoquery

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

type tokKind uint8

const (
	tEOF tokKind = iota
	tIdent
	tNum
	tStr
	tTemplate
	tRegex
	tPunct
)

// token is one JavaScript token. For strings and templates without
// substitutions text is the decoded value; for regular expressions it is the
// pattern and flags holds the flags.
type token struct {
	pos, end int
	text     string
	flags    string
	kind     tokKind
	nl       bool // a line break precedes the token (automatic semicolons)
	subst    bool // a template literal with ${…}
}

// punctuators, longest first so that the first prefix match wins.
var punctuators = []string{
	">>>=", "...", "===", "!==", "**=", "<<=", ">>=", ">>>", "&&=", "||=", "??=",
	"=>", "==", "!=", "<=", ">=", "&&", "||", "??", "?.", "**", "++", "--",
	"+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<", ">>",
	"{", "}", "(", ")", "[", "]", ";", ",", "<", ">", "+", "-", "*", "/", "%",
	"&", "|", "^", "!", "~", "?", ":", "=", ".", "@", "#",
}

// punctByFirst holds the punctuators by their first byte, longest first.
var punctByFirst = func() (t [256][]string) {
	for _, p := range punctuators {
		t[p[0]] = append(t[p[0]], p)
	}
	return t
}()

// keywords after which a slash starts a regular expression, not a division.
var regexAfterKeyword = map[string]bool{
	"return": true, "typeof": true, "instanceof": true, "in": true, "of": true,
	"new": true, "delete": true, "void": true, "throw": true, "case": true,
	"do": true, "else": true, "yield": true, "await": true,
}

type lexer struct {
	src  string
	pos  int
	toks []token
}

// lex splits src into tokens, skipping comments. It returns a *ParseError at
// the first character that cannot start a token.
func lex(src string) ([]token, error) {
	toks, err := lexInto(src, nil)
	if err != nil {
		return nil, err
	}
	return toks, nil
}

// lexInto is lex writing into buf, which it may reuse; the tokens read so
// far are returned with an error.
func lexInto(src string, buf []token) ([]token, error) {
	l := &lexer{src: src, toks: buf[:0]}
	for {
		t, err := l.next()
		if err != nil {
			return l.toks, err
		}
		l.toks = append(l.toks, t)
		if t.kind == tEOF {
			return l.toks, nil
		}
	}
}

func (l *lexer) errorf(pos int, format string, args ...any) error {
	return newParseError(l.src, pos, format, args...)
}

// regexAllowed reports whether a slash at this point starts a regular
// expression, from the previous token, as JavaScript parsers do.
func (l *lexer) regexAllowed() bool {
	if len(l.toks) == 0 {
		return true
	}
	p := l.toks[len(l.toks)-1]
	switch p.kind {
	case tIdent:
		return regexAfterKeyword[p.text]
	case tPunct:
		return p.text != ")" && p.text != "]" && p.text != "}"
	}
	return false
}

// skipSpace skips white space and comments and reports whether it crossed a
// line break.
func (l *lexer) skipSpace() (nl bool, err error) {
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		switch {
		case c == '\n' || c == '\r':
			nl = true
			l.pos++
		case c == ' ' || c == '\t' || c == '\f' || c == '\v':
			l.pos++
		case c == '/' && strings.HasPrefix(l.src[l.pos:], "//"):
			for l.pos < len(l.src) && l.src[l.pos] != '\n' {
				l.pos++
			}
		case c == '/' && strings.HasPrefix(l.src[l.pos:], "/*"):
			end := strings.Index(l.src[l.pos+2:], "*/")
			if end < 0 {
				return nl, l.errorf(l.pos, "unterminated comment")
			}
			if strings.ContainsAny(l.src[l.pos:l.pos+2+end], "\n\r") {
				nl = true
			}
			l.pos += end + 4
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(l.src[l.pos:])
			switch {
			case r == '\u2028' || r == '\u2029':
				nl = true
			case r == '\ufeff' || unicode.IsSpace(r):
			default:
				return nl, nil
			}
			l.pos += size
		default:
			return nl, nil
		}
	}
	return nl, nil
}

// asciiIdentPart is isIdentPart for ASCII characters.
var asciiIdentPart = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = isIdentPart(rune(c))
	}
	return t
}()

func isIdentStart(r rune) bool {
	return r == '$' || r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' ||
		r >= utf8.RuneSelf && unicode.IsLetter(r)
}

func isIdentPart(r rune) bool {
	return isIdentStart(r) || r >= '0' && r <= '9' ||
		r >= utf8.RuneSelf && (unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) ||
			unicode.Is(unicode.Mc, r) || unicode.Is(unicode.Pc, r) || r == '\u200c' || r == '\u200d')
}

func (l *lexer) next() (token, error) {
	nl, err := l.skipSpace()
	if err != nil {
		return token{}, err
	}
	t := token{pos: l.pos, nl: nl}
	if l.pos >= len(l.src) {
		t.kind, t.end = tEOF, l.pos
		return t, nil
	}
	c := l.src[l.pos]
	r, size := rune(c), 1
	if c >= utf8.RuneSelf {
		r, size = utf8.DecodeRuneInString(l.src[l.pos:])
	}
	switch {
	case r == utf8.RuneError && size == 1:
		return t, l.errorf(l.pos, "invalid UTF-8")
	case isIdentStart(r):
		l.pos += size
		for l.pos < len(l.src) {
			if c := l.src[l.pos]; c < utf8.RuneSelf {
				if !asciiIdentPart[c] {
					break
				}
				l.pos++
				continue
			}
			r, size := utf8.DecodeRuneInString(l.src[l.pos:])
			if !isIdentPart(r) {
				break
			}
			l.pos += size
		}
		t.kind, t.text = tIdent, l.src[t.pos:l.pos]
	case c >= '0' && c <= '9' || c == '.' && l.pos+1 < len(l.src) && l.src[l.pos+1] >= '0' && l.src[l.pos+1] <= '9':
		if err := l.number(); err != nil {
			return t, err
		}
		t.kind, t.text = tNum, l.src[t.pos:l.pos]
	case c == '"' || c == '\'':
		s, err := l.str(c)
		if err != nil {
			return t, err
		}
		t.kind, t.text = tStr, s
	case c == '`':
		s, subst, err := l.template()
		if err != nil {
			return t, err
		}
		t.kind, t.text, t.subst = tTemplate, s, subst
	case c == '/' && l.regexAllowed():
		pattern, flags, err := l.regex()
		if err != nil {
			return t, err
		}
		t.kind, t.text, t.flags = tRegex, pattern, flags
	default:
		for _, p := range punctByFirst[c] {
			if strings.HasPrefix(l.src[l.pos:], p) {
				l.pos += len(p)
				t.kind, t.text, t.end = tPunct, p, l.pos
				return t, nil
			}
		}
		return t, l.errorf(l.pos, "unexpected character %q", r)
	}
	t.end = l.pos
	return t, nil
}

func (l *lexer) number() error {
	start := l.pos
	digits := func(ok func(byte) bool) {
		for l.pos < len(l.src) && (ok(l.src[l.pos]) || l.src[l.pos] == '_') {
			l.pos++
		}
	}
	dec := func(c byte) bool { return c >= '0' && c <= '9' }
	hex := func(c byte) bool { return dec(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }
	if l.src[l.pos] == '0' && l.pos+1 < len(l.src) && strings.IndexByte("xXoObB", l.src[l.pos+1]) >= 0 {
		l.pos += 2
		digits(hex)
		if l.pos == start+2 {
			return l.errorf(start, "malformed number")
		}
	} else {
		digits(dec)
		if l.pos < len(l.src) && l.src[l.pos] == '.' {
			l.pos++
			digits(dec)
		}
		if l.pos < len(l.src) && (l.src[l.pos] == 'e' || l.src[l.pos] == 'E') {
			l.pos++
			if l.pos < len(l.src) && (l.src[l.pos] == '+' || l.src[l.pos] == '-') {
				l.pos++
			}
			from := l.pos
			digits(dec)
			if l.pos == from {
				return l.errorf(start, "malformed number")
			}
		}
	}
	if l.pos < len(l.src) && l.src[l.pos] == 'n' {
		l.pos++
	}
	if l.pos < len(l.src) {
		if r, _ := utf8.DecodeRuneInString(l.src[l.pos:]); isIdentPart(r) {
			return l.errorf(l.pos, "unexpected %q after number", r)
		}
	}
	return nil
}

// str reads a quoted string and decodes its escapes.
func (l *lexer) str(quote byte) (string, error) {
	start := l.pos
	l.pos++
	// Most strings have no escapes: their value is a slice of the source.
	for i := l.pos; i < len(l.src); i++ {
		c := l.src[i]
		if c == quote {
			l.pos = i + 1
			return l.src[start+1 : i], nil
		}
		if c == '\\' || c == '\n' || c == '\r' {
			break
		}
	}
	var b strings.Builder
	for {
		if l.pos >= len(l.src) {
			return "", l.errorf(start, "unterminated string")
		}
		c := l.src[l.pos]
		switch {
		case c == quote:
			l.pos++
			return b.String(), nil
		case c == '\n' || c == '\r':
			return "", l.errorf(start, "unterminated string")
		case c == '\\':
			if err := l.escape(&b); err != nil {
				return "", err
			}
		default:
			b.WriteByte(c)
			l.pos++
		}
	}
}

// escape decodes the escape sequence at l.pos (a backslash) into b.
func (l *lexer) escape(b *strings.Builder) error {
	start := l.pos
	l.pos++
	if l.pos >= len(l.src) {
		return l.errorf(start, "unterminated escape sequence")
	}
	c := l.src[l.pos]
	l.pos++
	switch c {
	case 'n':
		b.WriteByte('\n')
	case 't':
		b.WriteByte('\t')
	case 'r':
		b.WriteByte('\r')
	case 'b':
		b.WriteByte('\b')
	case 'f':
		b.WriteByte('\f')
	case 'v':
		b.WriteByte('\v')
	case '0':
		b.WriteByte(0)
	case '\r':
		if l.pos < len(l.src) && l.src[l.pos] == '\n' {
			l.pos++
		}
	case '\n':
	case 'x':
		if l.pos+2 > len(l.src) {
			return l.errorf(start, "malformed \\x escape")
		}
		v, err := strconv.ParseUint(l.src[l.pos:l.pos+2], 16, 8)
		if err != nil {
			return l.errorf(start, "malformed \\x escape")
		}
		b.WriteRune(rune(v))
		l.pos += 2
	case 'u':
		var hex string
		if l.pos < len(l.src) && l.src[l.pos] == '{' {
			end := strings.IndexByte(l.src[l.pos:], '}')
			if end < 0 {
				return l.errorf(start, "malformed \\u escape")
			}
			hex = l.src[l.pos+1 : l.pos+end]
			l.pos += end + 1
		} else {
			if l.pos+4 > len(l.src) {
				return l.errorf(start, "malformed \\u escape")
			}
			hex = l.src[l.pos : l.pos+4]
			l.pos += 4
		}
		v, err := strconv.ParseUint(hex, 16, 32)
		if err != nil || v > unicode.MaxRune || hex == "" {
			return l.errorf(start, "malformed \\u escape")
		}
		r := rune(v)
		// A surrogate pair written as two escapes is one character.
		if r >= 0xd800 && r < 0xdc00 && strings.HasPrefix(l.src[l.pos:], "\\u") && l.pos+6 <= len(l.src) {
			if lo, err := strconv.ParseUint(l.src[l.pos+2:l.pos+6], 16, 32); err == nil && lo >= 0xdc00 && lo < 0xe000 {
				r = (r-0xd800)<<10 + (rune(lo) - 0xdc00) + 0x10000
				l.pos += 6
			}
		}
		b.WriteRune(r)
	default:
		// Any other escaped character stands for itself, as in JavaScript.
		l.pos--
		r, size := utf8.DecodeRuneInString(l.src[l.pos:])
		b.WriteRune(r)
		l.pos += size
	}
	return nil
}

// template reads a template literal. Substitutions are lexed (so that braces
// and strings inside them are skipped correctly) but not kept: a template with
// substitutions is an opaque value.
func (l *lexer) template() (string, bool, error) {
	start := l.pos
	l.pos++
	var b strings.Builder
	subst := false
	for {
		if l.pos >= len(l.src) {
			return "", false, l.errorf(start, "unterminated template literal")
		}
		c := l.src[l.pos]
		switch {
		case c == '`':
			l.pos++
			return b.String(), subst, nil
		case c == '\\':
			if err := l.escape(&b); err != nil {
				return "", false, err
			}
		case c == '$' && strings.HasPrefix(l.src[l.pos:], "${"):
			subst = true
			l.pos += 2
			if err := l.substitution(start); err != nil {
				return "", false, err
			}
		default:
			b.WriteByte(c)
			l.pos++
		}
	}
}

// substitution skips the tokens of a ${…} up to its closing brace.
func (l *lexer) substitution(start int) error {
	saved := l.toks
	defer func() { l.toks = saved }()
	l.toks = nil
	depth := 0
	for {
		t, err := l.next()
		if err != nil {
			return err
		}
		switch {
		case t.kind == tEOF:
			return l.errorf(start, "unterminated template literal")
		case t.kind == tPunct && t.text == "{":
			depth++
		case t.kind == tPunct && t.text == "}":
			if depth == 0 {
				return nil
			}
			depth--
		}
		l.toks = append(l.toks[:0], t)
	}
}

func (l *lexer) regex() (pattern, flags string, err error) {
	start := l.pos
	l.pos++
	inClass := false
	for {
		if l.pos >= len(l.src) || l.src[l.pos] == '\n' || l.src[l.pos] == '\r' {
			return "", "", l.errorf(start, "unterminated regular expression")
		}
		c := l.src[l.pos]
		switch {
		case c == '\\':
			l.pos++
			if l.pos >= len(l.src) || l.src[l.pos] == '\n' {
				return "", "", l.errorf(start, "unterminated regular expression")
			}
		case c == '[':
			inClass = true
		case c == ']':
			inClass = false
		case c == '/' && !inClass:
			pattern = l.src[start+1 : l.pos]
			l.pos++
			fstart := l.pos
			for l.pos < len(l.src) {
				r, size := utf8.DecodeRuneInString(l.src[l.pos:])
				if !isIdentPart(r) {
					break
				}
				l.pos += size
			}
			return pattern, l.src[fstart:l.pos], nil
		}
		l.pos++
	}
}
