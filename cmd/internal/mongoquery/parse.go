package mongoquery

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// ParseError is an answer that is not a query, with the position of the
// problem in the answer.
type ParseError struct {
	Offset int // byte offset in the answer
	Line   int // 1-based
	Column int // 1-based, in characters
	Msg    string
	// NotQuery is set when the answer is valid JavaScript or JSON but no
	// MongoDB query (a number, a string, code without any db call).
	NotQuery bool
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Msg)
}

func newParseError(src string, offset int, format string, args ...any) *ParseError {
	line, col := position(src, offset)
	return &ParseError{Offset: offset, Line: line, Column: col, Msg: fmt.Sprintf(format, args...)}
}

// position converts a byte offset into a 1-based line and column.
func position(src string, offset int) (line, col int) {
	if offset > len(src) {
		offset = len(src)
	}
	if offset < 0 {
		offset = 0
	}
	before := src[:offset]
	line = 1 + strings.Count(before, "\n")
	if i := strings.LastIndexByte(before, '\n'); i >= 0 {
		before = before[i+1:]
	}
	return line, 1 + utf8.RuneCountInString(before)
}

type kind uint8

const (
	kObject kind = iota
	kArray
	kString
	kNumber
	kBool
	kNull
	kUndefined // the identifier undefined, or an array hole
	kRegex     // str is the pattern, flags the flags
	kIdent
	kMember   // left.str
	kIndex    // left[kids[0]]
	kCall     // left(kids...)
	kNew      // new left(kids...)
	kTemplate // str is the text; opaque when it has substitutions
	kFunc     // a function or arrow function; body in stmts
	kOpaque   // any other expression; its operands are in kids
	kSpread   // ...kids[0]
)

// node is a JavaScript expression. Values the reader has no use for are kept
// as kOpaque with their source span, so that they can be printed back.
type node struct {
	kind     kind
	pos, end int
	str      string
	flags    string
	subst    bool
	props    []prop
	kids     []*node
	left     *node
	stmts    []*stmt
}

type prop struct {
	key      string
	pos      int
	computed bool // [expr]: key is the source text
	value    *node
}

// stmt is a JavaScript statement, kept only as deep as the reader needs:
// expressions to look into and declarations to resolve names.
type stmt struct {
	kind     string // "expr", "var", "if", "block", "func", "shell", "other"
	pos, end int
	names    []string // declared names, parallel to exprs for "var"
	exprs    []*node
	body     []*stmt
}

// maxNesting bounds recursion so that hostile input cannot exhaust the stack.
const maxNesting = 500

type parser struct {
	src   string
	toks  []token
	i     int
	depth int
	extra []*node // db calls found in skipped tokens
	ar    *arena
}

// arena hands out the nodes and lists of an answer from a few large blocks
// rather than one allocation each. A full block is replaced, not cleared:
// only reset reuses the last block, when no node of the answers read before
// is in use any more.
type arena struct {
	tokens int // of the answer, to size new blocks
	nodes  []node
	props  []prop
	kids   []*node
	// Properties and elements being read, innermost last: a list is copied
	// out of them at its end, in one piece.
	propStack []prop
	kidStack  []*node
	query     Query // the answer's, when reused
}

// maxKeptNodes bounds the block reset keeps.
const maxKeptNodes = 1 << 12

// reset makes the arena ready for an answer of n tokens, reusing its blocks.
// No node handed out before may be used after.
func (a *arena) reset(n int) {
	if cap(a.nodes) > maxKeptNodes {
		*a = arena{} // do not hold a huge answer's blocks for the next ones
	}
	a.tokens = n
	a.nodes = a.nodes[:0]
	a.props = a.props[:0]
	a.kids = a.kids[:0]
	a.propStack = a.propStack[:0]
	a.kidStack = a.kidStack[:0]
}

// newQuery returns the arena's Query, emptied, keeping the room of its
// lists.
func (a *arena) newQuery() *Query {
	q := &a.query
	*q = Query{
		Stages:    q.Stages[:0],
		AllStages: q.AllStages[:0],
		Operators: q.Operators[:0],
		Modifiers: q.Modifiers[:0],
		mods:      q.mods[:0],
		notes:     q.notes[:0],
	}
	return q
}

func (p *parser) arena() *arena {
	if p.ar == nil {
		p.ar = &arena{tokens: len(p.toks)}
	}
	return p.ar
}

// node returns a new node holding v.
func (p *parser) node(v node) *node {
	a := p.arena()
	if len(a.nodes) == cap(a.nodes) {
		// Answers have about one node for two tokens.
		a.nodes = make([]node, 0, max(a.tokens/2+4, 2*cap(a.nodes)))
	}
	a.nodes = append(a.nodes, v)
	return &a.nodes[len(a.nodes)-1]
}

// takeProps copies the properties above start of the stack out and pops them.
func (p *parser) takeProps(start int) []prop {
	a := p.arena()
	list := a.propStack[start:]
	a.propStack = a.propStack[:start]
	if len(list) == 0 {
		return nil
	}
	if cap(a.props)-len(a.props) < len(list) {
		a.props = make([]prop, 0, max(a.tokens/4+2, 2*cap(a.props), len(list)))
	}
	from := len(a.props)
	a.props = append(a.props, list...)
	clear(list)
	return a.props[from:len(a.props):len(a.props)]
}

// takeKids copies the nodes above start of the stack out and pops them.
func (p *parser) takeKids(start int) []*node {
	a := p.arena()
	list := a.kidStack[start:]
	a.kidStack = a.kidStack[:start]
	if len(list) == 0 {
		return nil
	}
	out := p.kidList(len(list))
	copy(out, list)
	clear(list)
	return out
}

// kidList returns a list of n nodes to fill.
func (p *parser) kidList(n int) []*node {
	a := p.arena()
	if cap(a.kids)-len(a.kids) < n {
		a.kids = make([]*node, 0, max(a.tokens/8+2, 2*cap(a.kids), n))
	}
	from := len(a.kids)
	a.kids = a.kids[:from+n]
	return a.kids[from : from+n : from+n]
}

// kid returns the list of the one node n.
func (p *parser) kid(n *node) []*node {
	out := p.kidList(1)
	out[0] = n
	return out
}

// bailout carries a parse error up the recursive descent.
type bailout struct{ err *ParseError }

func (p *parser) fail(pos int, format string, args ...any) {
	panic(bailout{newParseError(p.src, pos, format, args...)})
}

func (p *parser) failTok(t token, what string) {
	if t.kind == tEOF {
		p.fail(t.pos, "unexpected end of input, expected %s", what)
	}
	p.fail(t.pos, "unexpected %s, expected %s", describe(t), what)
}

func describe(t token) string {
	switch t.kind {
	case tEOF:
		return "end of input"
	case tIdent:
		return fmt.Sprintf("identifier %q", t.text)
	case tNum:
		return "number " + t.text
	case tStr:
		return "string"
	case tTemplate:
		return "template literal"
	case tRegex:
		return "regular expression"
	}
	return fmt.Sprintf("%q", t.text)
}

// guard runs f and turns a bailout into an error; any other panic is a bug
// and is not hidden.
func guard(f func()) (err *ParseError) {
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(bailout)
			if !ok {
				panic(r)
			}
			err = b.err
		}
	}()
	f()
	return nil
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) peekAt(n int) token {
	if p.i+n < len(p.toks) {
		return p.toks[p.i+n]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) advance() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) is(text string) bool {
	t := p.toks[p.i]
	return (t.kind == tPunct || t.kind == tIdent) && t.text == text
}

func (p *parser) accept(text string) bool {
	if p.is(text) {
		p.i++
		return true
	}
	return false
}

func (p *parser) expect(text string) token {
	if !p.is(text) {
		p.failTok(p.peek(), fmt.Sprintf("%q", text))
	}
	return p.advance()
}

func (p *parser) enter(pos int) {
	p.depth++
	if p.depth > maxNesting {
		p.fail(pos, "nested more than %d levels deep", maxNesting)
	}
}

func (p *parser) leave() { p.depth-- }

func (p *parser) prevEnd() int {
	if p.i == 0 {
		return 0
	}
	return p.toks[p.i-1].end
}

// expressionProgram parses the whole input as one expression, with an
// optional trailing semicolon.
func (p *parser) expressionProgram() *node {
	n := p.expression()
	p.accept(";")
	for p.accept(";") {
	}
	if t := p.peek(); t.kind != tEOF {
		p.failTok(t, "end of input")
	}
	return n
}

// program parses the input as a list of statements.
func (p *parser) program() []*stmt {
	var list []*stmt
	for p.peek().kind != tEOF {
		if p.accept(";") {
			continue
		}
		list = append(list, p.statement())
	}
	return list
}

func (p *parser) endStatement() {
	if p.accept(";") {
		return
	}
	t := p.peek()
	if t.kind == tEOF || t.nl || t.kind == tPunct && t.text == "}" {
		return
	}
	p.failTok(t, "\";\" or a line break")
}

func (p *parser) statement() *stmt {
	t := p.peek()
	p.enter(t.pos)
	defer p.leave()
	s := &stmt{pos: t.pos}
	defer func() { s.end = p.prevEnd() }()
	if t.kind == tPunct && t.text == "{" {
		p.advance()
		s.kind = "block"
		s.body = p.block()
		return s
	}
	if t.kind != tIdent {
		s.kind = "expr"
		s.exprs = []*node{p.expression()}
		p.endStatement()
		return s
	}
	if n := p.peekAt(1); n.kind == tPunct && n.text == ":" && !notReference[t.text] {
		// A label, as in outer: for (…) {…}.
		p.advance()
		p.advance()
		return p.statement()
	}
	switch t.text {
	case "import":
		if n := p.peekAt(1); !(n.kind == tPunct && (n.text == "(" || n.text == ".")) {
			// import … from "mongodb": nothing to read in it.
			p.advance()
			s.kind = "other"
			for n := p.peek(); n.kind != tEOF && !(n.kind == tPunct && n.text == ";") && !(n.nl && p.prevIsString()); n = p.peek() {
				p.advance()
			}
			p.accept(";")
			return s
		}
	case "export":
		p.advance()
		p.accept("default")
		return p.statement()
	case "var", "let", "const":
		p.advance()
		s.kind = "var"
		for {
			target := p.peek()
			if target.kind == tIdent {
				p.advance()
				s.names = append(s.names, target.text)
			} else {
				p.primary() // a destructuring pattern
				s.names = append(s.names, "")
			}
			var init *node
			if p.accept("=") {
				init = p.assignment()
			}
			s.exprs = append(s.exprs, init)
			if !p.accept(",") {
				break
			}
		}
		p.endStatement()
	case "if":
		p.advance()
		s.kind = "if"
		p.expect("(")
		s.exprs = []*node{p.expression()}
		p.expect(")")
		s.body = []*stmt{p.statement()}
		if p.accept("else") {
			s.body = append(s.body, p.statement())
		}
	case "function", "async":
		if t.text == "async" && !(p.peekAt(1).kind == tIdent && p.peekAt(1).text == "function") {
			break
		}
		s.kind = "func"
		s.exprs = []*node{p.functionExpr()}
	case "for", "while", "with", "switch", "catch":
		p.advance()
		s.kind = "other"
		if t.text == "for" {
			p.accept("await")
		}
		p.balanced("(", ")")
		if t.text == "switch" {
			p.expect("{")
			p.skipTo("}")
		} else {
			s.body = []*stmt{p.statement()}
		}
	case "do":
		p.advance()
		s.kind = "other"
		s.body = []*stmt{p.statement()}
		p.expect("while")
		p.balanced("(", ")")
		p.accept(";")
	case "try":
		p.advance()
		s.kind = "other"
		p.expect("{")
		s.body = p.block()
		if p.accept("catch") {
			if p.is("(") {
				p.balanced("(", ")")
			}
			p.expect("{")
			s.body = append(s.body, p.block()...)
		}
		if p.accept("finally") {
			p.expect("{")
			s.body = append(s.body, p.block()...)
		}
	case "return", "throw":
		p.advance()
		s.kind = "other"
		if n := p.peek(); !(n.nl || n.kind == tEOF || n.kind == tPunct && (n.text == ";" || n.text == "}")) {
			s.exprs = []*node{p.expression()}
		}
		p.endStatement()
	case "break", "continue":
		p.advance()
		s.kind = "other"
		if n := p.peek(); n.kind == tIdent && !n.nl {
			p.advance()
		}
		p.endStatement()
	case "class":
		s.kind = "other"
		p.class()
	case "use", "show", "it":
		// mongosh shell helpers: "use shop", "show collections".
		if n := p.peekAt(1); t.text == "it" && (n.nl || n.kind == tEOF || n.kind == tPunct && n.text == ";") ||
			t.text != "it" && n.kind == tIdent && !n.nl {
			p.advance()
			s.kind = "shell"
			for n := p.peek(); n.kind != tEOF && !n.nl && !(n.kind == tPunct && n.text == ";"); n = p.peek() {
				p.advance()
			}
			p.accept(";")
			return s
		}
	}
	if s.kind == "" {
		s.kind = "expr"
		s.exprs = []*node{p.expression()}
		p.endStatement()
	}
	return s
}

// prevIsString reports whether the last token read was a string, which ends
// an import declaration.
func (p *parser) prevIsString() bool {
	return p.i > 0 && p.toks[p.i-1].kind == tStr
}

// block parses statements up to and including a closing brace.
func (p *parser) block() []*stmt {
	var list []*stmt
	for !p.accept("}") {
		if p.peek().kind == tEOF {
			p.failTok(p.peek(), `"}"`)
		}
		if p.accept(";") {
			continue
		}
		list = append(list, p.statement())
	}
	return list
}

// class skips a class declaration or expression: its name, its extends
// clause and its body.
func (p *parser) class() {
	p.expect("class")
	for !p.is("{") {
		if t := p.peek(); t.kind == tEOF {
			p.failTok(t, `"{"`)
		}
		if p.is("(") {
			p.balanced("(", ")")
			continue
		}
		p.advance()
	}
	p.balanced("{", "}")
}

// balanced skips open … close, nested, starting at open.
func (p *parser) balanced(open, close string) {
	p.expect(open)
	p.skipTo(close)
}

// skipTo skips tokens up to and including the close that ends the current
// bracket level.
func (p *parser) skipTo(close string) {
	start := p.i
	var stack []string
	for {
		t := p.advance()
		switch {
		case t.kind == tEOF:
			p.failTok(t, fmt.Sprintf("%q", close))
		case t.kind != tPunct:
		case t.text == "(":
			stack = append(stack, ")")
		case t.text == "[":
			stack = append(stack, "]")
		case t.text == "{":
			stack = append(stack, "}")
		case t.text == ")" || t.text == "]" || t.text == "}":
			if len(stack) == 0 {
				if t.text != close {
					p.failTok(t, fmt.Sprintf("%q", close))
				}
				p.skipped(start, p.i)
				return
			}
			if stack[len(stack)-1] != t.text {
				p.failTok(t, fmt.Sprintf("%q", stack[len(stack)-1]))
			}
			stack = stack[:len(stack)-1]
		}
		if len(stack) > maxNesting {
			p.fail(t.pos, "nested more than %d levels deep", maxNesting)
		}
	}
}

// skipped looks for db calls in tokens that were skipped rather than
// parsed (a for header, a switch or class body), so that a script's queries
// are all found: each "db" that is not a property starts an expression.
func (p *parser) skipped(from, to int) {
	for j := from; j < to; j++ {
		t := p.toks[j]
		if t.kind != tIdent || t.text != "db" || j > 0 && p.toks[j-1].kind == tPunct && (p.toks[j-1].text == "." || p.toks[j-1].text == "?.") {
			continue
		}
		if n := p.toks[j+1]; n.kind != tPunct || n.text != "." && n.text != "[" {
			continue
		}
		a := p.arena()
		sub := &parser{src: p.src, toks: p.toks, i: j, depth: p.depth, ar: a}
		var n *node
		props, kids := len(a.propStack), len(a.kidStack)
		err := guard(func() { n = sub.postfix() })
		// A failed read leaves its lists on the stacks.
		a.propStack, a.kidStack = a.propStack[:props], a.kidStack[:kids]
		if err == nil && sub.i <= to {
			p.extra = append(p.extra, n)
			p.extra = append(p.extra, sub.extra...)
			j = sub.i - 1
		}
	}
}

func (p *parser) opaque(pos int, kids ...*node) *node {
	var list []*node
	if len(kids) > 0 {
		list = p.kidList(len(kids))
		copy(list, kids)
	}
	return p.node(node{kind: kOpaque, pos: pos, end: p.prevEnd(), kids: list})
}

func (p *parser) expression() *node {
	start := p.peek().pos
	n := p.assignment()
	if p.is(",") {
		a := p.arena()
		base := len(a.kidStack)
		a.kidStack = append(a.kidStack, n)
		for p.accept(",") {
			k := p.assignment()
			a.kidStack = append(a.kidStack, k)
		}
		n := p.node(node{kind: kOpaque, pos: start, end: p.prevEnd()})
		n.kids = p.takeKids(base)
		return n
	}
	return n
}

// isAssignOp reports whether s is an assignment operator. A switch, not a
// map: it is asked after every expression.
func isAssignOp(s string) bool {
	switch s {
	case "=", "+=", "-=", "*=", "/=", "%=", "**=", "<<=", ">>=", ">>>=", "&=", "|=", "^=", "&&=", "||=", "??=":
		return true
	}
	return false
}

func (p *parser) assignment() *node {
	t := p.peek()
	p.enter(t.pos)
	defer p.leave()
	if p.arrowAhead() {
		return p.arrow()
	}
	n := p.conditional()
	if op := p.peek(); op.kind == tPunct && isAssignOp(op.text) {
		p.advance()
		v := p.assignment()
		return p.opaque(t.pos, n, v)
	}
	return n
}

// arrowAhead reports whether an arrow function starts here: "x =>",
// "async x =>", "(…) =>" or "async (…) =>".
func (p *parser) arrowAhead() bool {
	j := p.i
	if t := p.toks[j]; t.kind == tIdent && t.text == "async" && !p.toks[j+1].nl &&
		(p.toks[j+1].kind == tIdent || p.toks[j+1].kind == tPunct && p.toks[j+1].text == "(") {
		j++
	}
	t := p.toks[j]
	if t.kind == tIdent {
		n := p.toks[min(j+1, len(p.toks)-1)]
		return n.kind == tPunct && n.text == "=>"
	}
	if t.kind != tPunct || t.text != "(" {
		return false
	}
	depth := 0
	for ; j < len(p.toks); j++ {
		t := p.toks[j]
		if t.kind == tEOF {
			return false
		}
		if t.kind != tPunct {
			continue
		}
		switch t.text {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
			if depth == 0 {
				n := p.toks[min(j+1, len(p.toks)-1)]
				return n.kind == tPunct && n.text == "=>"
			}
		}
	}
	return false
}

func (p *parser) arrow() *node {
	start := p.peek().pos
	if p.is("async") && !p.peekAt(1).nl && !(p.peekAt(1).kind == tPunct && p.peekAt(1).text == "=>") {
		p.advance()
	}
	if p.is("(") {
		p.balanced("(", ")")
	} else {
		p.advance()
	}
	p.expect("=>")
	n := p.node(node{kind: kFunc, pos: start})
	if p.accept("{") {
		n.stmts = p.block()
	} else {
		n.kids = p.kid(p.assignment())
	}
	n.end = p.prevEnd()
	return n
}

func (p *parser) functionExpr() *node {
	start := p.peek().pos
	p.accept("async")
	p.expect("function")
	p.accept("*")
	if p.peek().kind == tIdent {
		p.advance()
	}
	p.balanced("(", ")")
	p.expect("{")
	n := p.node(node{kind: kFunc, pos: start, stmts: p.block()})
	n.end = p.prevEnd()
	return n
}

func (p *parser) conditional() *node {
	start := p.peek().pos
	n := p.binary(0)
	if p.accept("?") {
		a := p.assignment()
		p.expect(":")
		b := p.assignment()
		return p.opaque(start, n, a, b)
	}
	return n
}

// binaryPrec is the precedence of a binary operator. A switch, not a map:
// it is asked after every operand.
func binaryPrec(s string) (int, bool) {
	switch s {
	case "??":
		return 1, true
	case "||":
		return 2, true
	case "&&":
		return 3, true
	case "|":
		return 4, true
	case "^":
		return 5, true
	case "&":
		return 6, true
	case "==", "!=", "===", "!==":
		return 7, true
	case "<", ">", "<=", ">=", "instanceof", "in":
		return 8, true
	case "<<", ">>", ">>>":
		return 9, true
	case "+", "-":
		return 10, true
	case "*", "/", "%":
		return 11, true
	case "**":
		return 12, true
	}
	return 0, false
}

func (p *parser) binary(minPrec int) *node {
	start := p.peek().pos
	n := p.unary()
	for {
		t := p.peek()
		if t.kind != tPunct && t.kind != tIdent {
			return n
		}
		prec, ok := binaryPrec(t.text)
		if !ok || t.kind == tIdent && t.text != "instanceof" && t.text != "in" || prec <= minPrec {
			return n
		}
		if t.kind != tPunct && t.kind != tIdent {
			return n
		}
		p.advance()
		next := prec
		if t.text == "**" {
			next = prec - 1 // right-associative
		}
		r := p.binary(next)
		n = p.opaque(start, n, r)
	}
}

func (p *parser) unary() *node {
	t := p.peek()
	p.enter(t.pos)
	defer p.leave()
	switch {
	case t.kind == tPunct && (t.text == "-" || t.text == "+"):
		p.advance()
		operand := p.unary()
		if operand.kind == kNumber && !strings.HasPrefix(operand.str, "-") && !strings.HasPrefix(operand.str, "+") {
			// Keep signed literals as numbers so that they stay JSON values.
			sign := t.text
			if sign == "+" {
				sign = ""
			}
			str := sign + operand.str
			if sign == "-" && operand.pos == t.end && p.src[operand.pos:operand.end] == operand.str {
				str = p.src[t.pos:operand.end] // the same text, without a copy
			}
			return p.node(node{kind: kNumber, pos: t.pos, end: operand.end, str: str})
		}
		return p.opaque(t.pos, operand)
	case t.kind == tPunct && (t.text == "!" || t.text == "~" || t.text == "++" || t.text == "--"),
		t.kind == tIdent && (t.text == "typeof" || t.text == "void" || t.text == "delete" || t.text == "await"):
		p.advance()
		n := p.opaque(t.pos, p.unary())
		n.str = t.text
		return n
	}
	n := p.postfix()
	if n2 := p.peek(); n2.kind == tPunct && (n2.text == "++" || n2.text == "--") && !n2.nl {
		p.advance()
		return p.opaque(t.pos, n)
	}
	return n
}

// postfix parses member accesses, calls and new.
func (p *parser) postfix() *node {
	start := p.peek().pos
	var n *node
	if p.is("new") && !(p.peekAt(1).kind == tPunct && p.peekAt(1).text == ".") {
		n = p.newExpr()
	} else {
		n = p.primary()
	}
	return p.chain(n, start, true)
}

func (p *parser) newExpr() *node {
	start := p.advance().pos
	p.enter(start)
	defer p.leave()
	var callee *node
	if p.is("new") {
		callee = p.newExpr()
	} else {
		callee = p.primary()
	}
	callee = p.chain(callee, start, false)
	n := p.node(node{kind: kNew, pos: start, left: callee})
	if p.is("(") {
		n.kids = p.arguments()
	}
	n.end = p.prevEnd()
	return n
}

// chain continues n with .name, [expr], ?. and, when calls is set, (args) and
// tagged templates.
func (p *parser) chain(n *node, start int, calls bool) *node {
	for {
		t := p.peek()
		if t.kind == tPunct {
			switch t.text {
			case ".", "?.":
				p.advance()
				if t.text == "?." && p.is("(") {
					if !calls {
						return n
					}
					args := p.arguments()
					n = p.node(node{kind: kCall, pos: start, left: n, kids: args, end: p.prevEnd()})
					continue
				}
				if t.text == "?." && p.accept("[") {
					idx := p.expression()
					p.expect("]")
					n = p.node(node{kind: kIndex, pos: start, left: n, kids: p.kid(idx), end: p.prevEnd()})
					continue
				}
				name := p.advance()
				if name.kind == tPunct && name.text == "#" {
					name = p.advance()
				}
				if name.kind != tIdent {
					p.failTok(name, "a property name")
				}
				n = p.node(node{kind: kMember, pos: start, left: n, str: name.text, end: name.end})
				continue
			case "[":
				p.advance()
				idx := p.expression()
				p.expect("]")
				n = p.node(node{kind: kIndex, pos: start, left: n, kids: p.kid(idx), end: p.prevEnd()})
				continue
			case "(":
				if !calls {
					return n
				}
				args := p.arguments()
				n = p.node(node{kind: kCall, pos: start, left: n, kids: args, end: p.prevEnd()})
				continue
			}
		}
		if t.kind == tTemplate && calls {
			p.advance()
			n = p.opaque(start, n)
			continue
		}
		return n
	}
}

func (p *parser) arguments() []*node {
	open := p.expect("(")
	p.enter(open.pos)
	defer p.leave()
	a := p.arena()
	base := len(a.kidStack)
	for !p.accept(")") {
		if p.is("...") {
			s := p.advance()
			v := p.assignment()
			sp := p.node(node{kind: kSpread, pos: s.pos, kids: p.kid(v), end: p.prevEnd()})
			a.kidStack = append(a.kidStack, sp)
		} else {
			v := p.assignment()
			a.kidStack = append(a.kidStack, v)
		}
		if !p.accept(",") {
			if !p.is(")") {
				p.failTok(p.peek(), `"," or ")"`)
			}
		}
	}
	return p.takeKids(base)
}

func (p *parser) primary() *node {
	t := p.peek()
	p.enter(t.pos)
	defer p.leave()
	switch t.kind {
	case tNum:
		p.advance()
		return p.node(node{kind: kNumber, pos: t.pos, end: t.end, str: t.text})
	case tStr:
		p.advance()
		return p.node(node{kind: kString, pos: t.pos, end: t.end, str: t.text})
	case tTemplate:
		p.advance()
		return p.node(node{kind: kTemplate, pos: t.pos, end: t.end, str: t.text, subst: t.subst})
	case tRegex:
		p.advance()
		return p.node(node{kind: kRegex, pos: t.pos, end: t.end, str: t.text, flags: t.flags})
	case tIdent:
		switch t.text {
		case "true", "false":
			p.advance()
			return p.node(node{kind: kBool, pos: t.pos, end: t.end, str: t.text})
		case "null":
			p.advance()
			return p.node(node{kind: kNull, pos: t.pos, end: t.end})
		case "undefined":
			p.advance()
			return p.node(node{kind: kUndefined, pos: t.pos, end: t.end})
		case "function":
			return p.functionExpr()
		case "async":
			if n := p.peekAt(1); n.kind == tIdent && n.text == "function" && !n.nl {
				return p.functionExpr()
			}
		case "class":
			p.class()
			return p.opaque(t.pos)
		case "new":
			return p.newExpr()
		}
		if reserved[t.text] {
			p.failTok(t, "an expression")
		}
		p.advance()
		return p.node(node{kind: kIdent, pos: t.pos, end: t.end, str: t.text})
	case tPunct:
		switch t.text {
		case "{":
			return p.object()
		case "[":
			return p.array()
		case "(":
			p.advance()
			n := p.expression()
			p.expect(")")
			switch n.kind {
			case kObject, kArray, kString, kNumber, kBool, kNull, kUndefined, kRegex, kTemplate:
				// Parentheses around a literal change nothing.
			default:
				// Keep them in the span, so that printing the source
				// back keeps (a, b) and (a + b) * c as they were.
				n.pos, n.end = t.pos, p.prevEnd()
			}
			return n
		}
	}
	p.failTok(t, "an expression")
	return nil
}

// reserved words that cannot start an expression.
var reserved = map[string]bool{
	"break": true, "case": true, "catch": true, "continue": true, "default": true,
	"do": true, "else": true, "finally": true, "for": true, "if": true, "return": true,
	"switch": true, "throw": true, "try": true, "var": true, "let": false, "const": true,
	"while": true, "with": true, "export": true, "import": true, "extends": true,
}

// notReference are the words that cannot stand for a variable, as in the
// shorthand property {name}.
var notReference = set(`
break case catch class const continue debugger default delete do else enum
export extends false finally for function if import in instanceof new null
return super switch this throw true try typeof var void while with
`)

func (p *parser) array() *node {
	open := p.expect("[")
	n := p.node(node{kind: kArray, pos: open.pos})
	a := p.arena()
	base := len(a.kidStack)
	for !p.accept("]") {
		switch {
		case p.is(","):
			t := p.advance()
			u := p.node(node{kind: kUndefined, pos: t.pos, end: t.pos})
			a.kidStack = append(a.kidStack, u)
			continue
		case p.is("..."):
			s := p.advance()
			v := p.assignment()
			sp := p.node(node{kind: kSpread, pos: s.pos, kids: p.kid(v), end: p.prevEnd()})
			a.kidStack = append(a.kidStack, sp)
		default:
			v := p.assignment()
			a.kidStack = append(a.kidStack, v)
		}
		if !p.accept(",") && !p.is("]") {
			p.failTok(p.peek(), `"," or "]"`)
		}
	}
	n.kids = p.takeKids(base)
	n.end = p.prevEnd()
	return n
}

func (p *parser) object() *node {
	open := p.expect("{")
	n := p.node(node{kind: kObject, pos: open.pos})
	a := p.arena()
	base := len(a.propStack)
	for !p.accept("}") {
		pr := p.property()
		a.propStack = append(a.propStack, pr)
		if !p.accept(",") && !p.is("}") {
			p.failTok(p.peek(), `"," or "}"`)
		}
	}
	n.props = p.takeProps(base)
	n.end = p.prevEnd()
	return n
}

func (p *parser) property() prop {
	t := p.peek()
	if t.kind == tPunct && t.text == "..." {
		p.advance()
		v := p.assignment()
		return prop{key: "...", pos: t.pos, computed: true, value: p.node(node{kind: kSpread, pos: t.pos, end: v.end, kids: p.kid(v)})}
	}
	// get/set/async/* methods.
	if t.kind == tIdent && (t.text == "get" || t.text == "set" || t.text == "async") {
		if n := p.peekAt(1); n.kind == tIdent || n.kind == tStr || n.kind == tPunct && (n.text == "[" || n.text == "*") {
			p.advance()
		}
	}
	p.accept("*")
	k := p.advance()
	pr := prop{pos: k.pos}
	switch k.kind {
	case tIdent, tStr:
		pr.key = k.text
	case tNum:
		pr.key = numberKey(k.text)
	case tPunct:
		if k.text != "[" {
			p.failTok(k, "a property name")
		}
		p.expression()
		p.expect("]")
		pr.key, pr.computed = p.src[k.pos:p.prevEnd()], true
	default:
		p.failTok(k, "a property name")
	}
	switch {
	case p.accept(":"):
		pr.value = p.assignment()
	case p.is("("):
		// A method: name(args) { body }.
		open := p.peek().pos
		p.balanced("(", ")")
		p.expect("{")
		body := p.block()
		pr.value = p.node(node{kind: kFunc, pos: open, flags: "method", stmts: body})
		pr.value.end = p.prevEnd()
	case k.kind == tIdent && !notReference[k.text] && (p.is(",") || p.is("}") || p.is("=")):
		// Shorthand {a} refers to a variable a.
		pr.value = p.node(node{kind: kIdent, pos: k.pos, end: k.end, str: k.text})
		if p.accept("=") {
			p.assignment()
		}
	default:
		p.failTok(p.peek(), `":"`)
	}
	return pr
}

// numberKey is the property name a numeric key stands for.
func numberKey(text string) string {
	if v, ok := jsonNumber(text); ok {
		return v
	}
	return text
}
