package mongoquery

import (
	"sort"
	"strings"
)

// analyzer fills a Query from the parsed expression or statements.
type analyzer struct {
	q     *Query
	base  int
	vars  map[string]*node
	first bool // the query being read is the answer's main one
	// depthOfQuotes is how many string literals the text was found in.
	depthOfQuotes int
}

func (a *analyzer) notQuery(n *node, format string, args ...any) *ParseError {
	e := newParseError(a.q.src[a.base:], n.pos, format, args...)
	e.NotQuery = true
	return e
}

func (a *analyzer) note(code, name string, pos int) {
	a.q.notes = append(a.q.notes, note{code: code, name: name, pos: pos + a.base})
}

// single reads an answer made of one expression.
func (a *analyzer) single(n *node) *ParseError {
	a.first = true
	// await db.collection("x").find(…).toArray() is the query it awaits.
	for n.kind == kOpaque && n.str == "await" && len(n.kids) == 1 {
		n = n.kids[0]
		a.q.root = n
	}
	switch n.kind {
	case kObject:
		a.object(n)
		return nil
	case kArray:
		a.q.Operation = "aggregate"
		a.q.args = []*node{n}
		a.pipeline(n, true)
		return nil
	}
	if root, segs := flatten(n); root != nil && root.kind == kIdent && root.str == "db" && len(segs) > 0 {
		if ok := a.chain(segs); ok {
			a.nested(segs)
			return nil
		}
		return a.notQuery(n, "not a MongoDB query: db is used but no method is called")
	}
	// An expression that is not a query but runs some, such as
	// printjson(db.c.findOne()), is a script.
	if chains := dbChains(n); len(chains) > 0 {
		a.q.Form = FormScript
		a.q.root, a.q.args = nil, nil
		a.scriptChains(chains)
		return nil
	}
	if n.kind == kString && a.depthOfQuotes < 1 {
		inner := &analyzer{q: &Query{src: n.str}, depthOfQuotes: a.depthOfQuotes + 1}
		if toks, err := lex(n.str); err == nil {
			p := &parser{src: n.str, toks: toks}
			var e *node
			if guard(func() { e = p.expressionProgram() }) == nil && inner.single(e) == nil {
				return a.notQuery(n, "not a MongoDB query: a string that holds one (remove the quotes)")
			}
		}
	}
	return a.notQuery(n, "not a MongoDB query: %s", what(n))
}

// what names the kind of a value for messages.
func what(n *node) string {
	switch n.kind {
	case kString, kTemplate:
		return "a string"
	case kNumber:
		return "a number"
	case kBool:
		return "a boolean"
	case kNull:
		return "null"
	case kUndefined:
		return "undefined"
	case kRegex:
		return "a regular expression"
	case kIdent:
		return "the name " + n.str
	case kFunc:
		return "a function"
	case kCall, kNew:
		return "a call that uses no db"
	}
	return "an expression that uses no db"
}

// script reads a list of statements.
func (a *analyzer) script(list []*stmt, skipped []*node) *ParseError {
	a.vars = make(map[string]*node)
	var chains []*node
	for _, n := range skipped {
		chains = append(chains, dbChains(n)...)
	}
	walkStmts(list, func(s *stmt) {
		if s.kind == "var" {
			for i, name := range s.names {
				if name != "" && s.exprs[i] != nil {
					a.vars[name] = s.exprs[i]
				}
			}
		}
		for _, e := range s.exprs {
			if e != nil {
				chains = append(chains, dbChains(e)...)
			}
		}
	})
	sort.SliceStable(chains, func(i, j int) bool { return chains[i].pos < chains[j].pos })
	if len(chains) == 0 {
		pos := 0
		if len(list) > 0 {
			pos = list[0].pos
		}
		e := newParseError(a.q.src[a.base:], pos, "not a MongoDB query: a script that uses no db")
		e.NotQuery = true
		return e
	}
	a.scriptChains(chains)
	return nil
}

func (a *analyzer) scriptChains(chains []*node) {
	a.first = true
	for _, c := range chains {
		_, segs := flatten(c)
		if a.chain(segs) && a.q.Operation != "" {
			a.first = false
		}
	}
}

// nested reads the db calls inside the arguments of a query, such as
// db.a.find().forEach(d => db.b.insertOne(d)) or { $in: db.b.distinct("x") },
// so that what they do is checked too.
func (a *analyzer) nested(segs []seg) {
	first := a.first
	a.first = false
	defer func() { a.first = first }()
	for _, s := range segs {
		for _, arg := range s.args {
			for _, c := range dbChains(arg) {
				if _, inner := flatten(c); len(inner) > 0 {
					a.chain(inner)
				}
			}
		}
	}
}

func walkStmts(list []*stmt, f func(*stmt)) {
	for _, s := range list {
		f(s)
		walkStmts(s.body, f)
	}
}

// dbChains returns the outermost expressions rooted at the identifier db, in
// source order, looking into function bodies too.
func dbChains(n *node) []*node {
	var out []*node
	var walk func(n *node, depth int)
	walk = func(n *node, depth int) {
		if n == nil || depth > maxNesting {
			return
		}
		if n.kind == kCall || n.kind == kMember || n.kind == kIndex {
			if root, segs := flatten(n); root != nil && root.kind == kIdent && root.str == "db" && len(segs) > 0 {
				out = append(out, n)
				return
			}
		}
		walk(n.left, depth+1)
		for _, k := range n.kids {
			walk(k, depth+1)
		}
		for _, p := range n.props {
			walk(p.value, depth+1)
		}
		walkStmts(n.stmts, func(s *stmt) {
			for _, e := range s.exprs {
				walk(e, depth+1)
			}
		})
	}
	walk(n, 0)
	return out
}

// seg is one step of a member chain: .name, [index] or .name(args).
type seg struct {
	name   string
	pos    int
	isCall bool
	args   []*node
	opaque bool // [expr] with a non-string index
	index  bool // [expr] rather than .name
}

// flatten turns a.b["c"].d(x).e(y) into its root and its steps.
func flatten(n *node) (*node, []seg) {
	// Count the steps first, so that they are filled in place, last first.
	steps := 0
	root := n
count:
	for depth := 0; ; depth++ {
		if root == nil || depth > maxNesting {
			return nil, nil
		}
		switch root.kind {
		case kCall:
			switch c := root.left; c.kind {
			case kMember:
			case kIndex:
				if c.kids[0].kind != kString {
					return nil, nil
				}
			default:
				return nil, nil
			}
			root = root.left.left
		case kMember, kIndex:
			root = root.left
		default:
			break count
		}
		steps++
	}
	if steps == 0 {
		return root, nil
	}
	segs := make([]seg, steps)
	for i := steps - 1; i >= 0; i-- {
		switch n.kind {
		case kCall:
			s := seg{isCall: true, args: n.kids}
			switch c := n.left; c.kind {
			case kMember:
				s.name, s.pos = c.str, c.end-len(c.str)
			case kIndex:
				s.name, s.pos = c.kids[0].str, c.kids[0].pos
			}
			segs[i] = s
			n = n.left.left
		case kMember:
			segs[i] = seg{name: n.str, pos: n.end - len(n.str)}
			n = n.left
		case kIndex:
			s := seg{pos: n.kids[0].pos, index: true}
			if n.kids[0].kind == kString {
				s.name = n.kids[0].str
			} else {
				s.opaque = true
			}
			segs[i] = s
			n = n.left
		}
	}
	return root, segs
}

// chain reads the steps after db: the collection, the operation and the
// cursor methods. It reports whether an operation was found.
func (a *analyzer) chain(segs []seg) bool {
	var coll []string
	opaqueColl := false
	i := 0
	op := ""
	var opArgs []*node
	opPos := 0
	dbLevel := false
	for ; i < len(segs); i++ {
		s := segs[i]
		if !s.isCall {
			if s.opaque {
				opaqueColl = true
			}
			coll = append(coll, s.name)
			continue
		}
		if len(coll) == 0 && !opaqueColl {
			switch s.name {
			case "getSiblingDB", "getMongo":
				continue
			case "getCollection", "collection":
				if len(s.args) > 0 {
					if v := a.resolve(s.args[0]); v.kind == kString {
						coll = []string{v.str}
						continue
					}
				}
				opaqueColl = true
				continue
			}
			dbLevel = true
		} else if s.name == "explain" && i+1 < len(segs) && segs[i+1].isCall {
			// db.c.explain().find(f) is find(f).explain(): a plan, not
			// documents, so it has no JSON form either.
			if a.first {
				a.q.Modifiers = append(a.q.Modifiers, "explain")
				a.q.mods = append(a.q.mods, call{name: "explain", pos: s.pos, args: s.args})
			}
			continue
		}
		op, opArgs, opPos = s.name, s.args, s.pos
		i++
		break
	}
	if op == "" {
		return false
	}
	first := a.first
	if first {
		a.q.Operation = op
		if !opaqueColl {
			a.q.Collection = strings.Join(coll, ".")
		}
		a.q.args = opArgs
		a.q.dbLevel = dbLevel
	}
	switch {
	case dbLevel && (op == "runCommand" || op == "adminCommand"):
		if len(opArgs) > 0 {
			cmd := a.resolve(opArgs[0])
			if cmd.kind == kObject && a.command(cmd, first) {
				break
			}
			// A command not read as a query, {drop: "c"} or "dropDatabase",
			// is still named by its first key.
			switch {
			case cmd.kind == kObject && len(cmd.props) > 0 && !cmd.props[0].computed && writeCommands[cmd.props[0].key]:
				a.note(CodeUnsafeOperation, cmd.props[0].key, cmd.props[0].pos)
			case cmd.kind == kString && writeCommands[cmd.str]:
				a.note(CodeUnsafeOperation, cmd.str, cmd.pos)
			}
		}
		a.values(opArgs)
	case dbLevel:
		if dbWriteMethods[op] {
			a.note(CodeUnsafeOperation, op, opPos)
		} else if !dbReadMethods[op] {
			a.note(CodeUnknownMethod, op, opPos)
		}
		if op == "aggregate" {
			a.operationArgs(op, opArgs, first)
		} else {
			a.values(opArgs)
		}
	default:
		if writeOperations[op] {
			a.note(CodeUnsafeOperation, op, opPos)
		} else if !readOperations[op] {
			a.note(CodeUnknownMethod, op, opPos)
		}
		a.operationArgs(op, opArgs, first)
	}
	// doc is whether the chain has reached a document rather than a cursor:
	// findOne's result, an element of toArray(), next()'s. A name read off
	// a document is one of its fields (findOne(…).rating), not a method.
	doc := op == "findOne"
	for ; i < len(segs); i++ {
		s := segs[i]
		property := doc && !s.isCall && !s.index
		switch {
		case s.index:
			s.name = "[]" // find().toArray()[0]
		case property:
			s.name = "." + s.name // toArray()[0].min_dew_point_f
		}
		if first {
			a.q.Modifiers = append(a.q.Modifiers, s.name)
			a.q.mods = append(a.q.mods, call{name: s.name, pos: s.pos, args: s.args, member: !s.isCall})
		}
		if !modifiers[s.name] && !s.index && !property {
			a.note(CodeUnknownMethod, s.name, s.pos)
		}
		a.values(s.args)
		doc = s.index || property || s.isCall && (s.name == "next" || s.name == "tryNext")
	}
	return true
}

// operationArgs reads the arguments of a collection method.
func (a *analyzer) operationArgs(op string, args []*node, top bool) {
	for i, arg := range args {
		v := a.resolve(arg)
		switch {
		case i == 0 && (op == "aggregate" || op == "watch") && v.kind == kArray:
			a.pipeline(v, top)
		case (op == "aggregate") && v.kind == kObject && isStage(v):
			// The old shell's aggregate(stage, stage, …).
			a.stage(v, top)
		case i == 1 && strings.HasPrefix(op, "update") || op == "findOneAndUpdate" && i == 1:
			if v.kind == kArray {
				a.pipeline(v, top)
			} else {
				a.document(v)
			}
		default:
			a.document(v)
		}
	}
}

func isStage(n *node) bool {
	return n.kind == kObject && len(n.props) == 1 && !n.props[0].computed && stages[n.props[0].key]
}

// object reads a JSON object or object literal answer: an error object, a
// {"type": …} wrapper, a database command, or a filter.
func (a *analyzer) object(n *node) {
	if len(n.props) == 1 && n.props[0].key == "error" && !n.props[0].computed && n.props[0].value.kind == kString {
		a.q.Operation = "error"
		a.note(CodeErrorAnswer, "", n.pos)
		return
	}
	if isStage(n) {
		// {"$match": {…}} alone is a pipeline of one stage: no filter may
		// start with a stage name.
		pipeline := &node{kind: kArray, pos: n.pos, end: n.end, kids: []*node{n}}
		a.q.Operation = "aggregate"
		a.q.args = []*node{pipeline}
		a.pipeline(pipeline, true)
		return
	}
	if a.wrapper(n) || a.command(n, true) {
		return
	}
	a.q.Operation = "find"
	a.q.args = []*node{n}
	a.document(n)
}

func field(n *node, names ...string) *node {
	for _, name := range names {
		for _, p := range n.props {
			if p.key == name && !p.computed {
				return p.value
			}
		}
	}
	return nil
}

// wrapper reads {"type": "find", "filter": …, "projection": …} and its kin.
func (a *analyzer) wrapper(n *node) bool {
	op := ""
	for _, p := range n.props {
		if p.computed {
			return false
		}
		isType := false
		for _, k := range wrapperTypeKeys {
			if p.key == k && p.value.kind == kString && op == "" {
				op, isType = p.value.str, true
			}
		}
		if !isType && !wrapperFields[p.key] {
			return false
		}
	}
	if op == "" {
		// {"collection": "movies", "query": {…}} names no operation: a
		// pipeline makes it an aggregate, anything else a find.
		if c := field(n, "collection", "coll", "collectionName"); c == nil || c.kind != kString {
			return false
		}
		switch {
		case field(n, "pipeline") != nil:
			op = "aggregate"
		case field(n, "filter", "query", "projection", "fields") != nil:
			op = "find"
		default:
			return false
		}
	}
	if !readOperations[op] && !writeOperations[op] {
		return false
	}
	a.q.Operation = op
	if c := field(n, "collection", "coll", "collectionName"); c != nil && c.kind == kString {
		a.q.Collection = c.str
	}
	filter := field(n, "filter", "query")
	projection := field(n, "projection", "fields")
	switch op {
	case "aggregate", "watch":
		a.q.args = nonNil(field(n, "pipeline"), field(n, "options"))
	case "find", "findOne":
		if filter == nil && projection != nil {
			filter = &node{kind: kObject, pos: n.pos, end: n.pos}
		}
		a.q.args = nonNil(filter, projection)
	case "distinct":
		a.q.args = nonNil(field(n, "field", "key"), filter)
	case "insertOne":
		a.q.args = nonNil(field(n, "document"), field(n, "options"))
	case "insertMany":
		a.q.args = nonNil(field(n, "documents"), field(n, "options"))
	case "updateOne", "updateMany", "findOneAndUpdate", "replaceOne", "findOneAndReplace":
		a.q.args = nonNil(filter, field(n, "update", "document"), field(n, "options"))
	default:
		a.q.args = nonNil(filter, field(n, "options"))
	}
	a.operationArgs(op, a.q.args, true)
	a.options(n)
	return true
}

// options turns sort, skip and limit fields into the cursor methods they
// stand for.
func (a *analyzer) options(n *node) {
	for _, name := range []string{"sort", "skip", "limit", "hint"} {
		if v := field(n, name); v != nil {
			a.q.Modifiers = append(a.q.Modifiers, name)
			a.q.mods = append(a.q.mods, call{name: name, pos: v.pos, args: []*node{v}})
			a.document(v)
		}
	}
}

func nonNil(nodes ...*node) []*node {
	var out []*node
	for _, n := range nodes {
		if n != nil {
			out = append(out, n)
		}
	}
	return out
}

// command reads a database command document such as
// {"find": "orders", "filter": {…}} or {"aggregate": "orders", "pipeline": […]}.
func (a *analyzer) command(n *node, first bool) bool {
	if len(n.props) < 2 || n.props[0].computed {
		return false
	}
	op, ok := commands[n.props[0].key]
	v := n.props[0].value
	if !ok || !(v.kind == kString || op == "aggregate" && v.kind == kNumber) {
		return false
	}
	for _, p := range n.props[1:] {
		if p.computed || !commandFields[p.key] {
			return false
		}
	}
	if first {
		a.q.Operation = op
		if v.kind == kString {
			a.q.Collection = v.str
		}
	}
	if !readOperations[op] {
		a.note(CodeUnsafeOperation, op, n.props[0].pos)
	}
	var args []*node
	switch op {
	case "find":
		args = nonNil(field(n, "filter"), field(n, "projection"))
		if len(args) == 1 && field(n, "filter") == nil {
			args = append([]*node{{kind: kObject, pos: n.pos, end: n.pos}}, args...)
		}
	case "aggregate":
		args = nonNil(field(n, "pipeline"))
	case "count":
		args = nonNil(field(n, "query"))
	case "distinct":
		args = nonNil(field(n, "key"), field(n, "query"))
	default:
		for _, p := range n.props[1:] {
			a.document(p.value)
		}
		return true
	}
	if first {
		a.q.args = args
	}
	a.operationArgs(op, nonNil(field(n, "filter"), field(n, "projection"), field(n, "pipeline"), field(n, "query")), first)
	if first && op == "find" {
		a.options(n)
	}
	return true
}

func (a *analyzer) resolve(n *node) *node {
	for i := 0; i < 8 && n != nil && n.kind == kIdent && a.vars != nil; i++ {
		v, ok := a.vars[n.str]
		if !ok || v == n {
			break
		}
		n = v
	}
	return n
}

func (a *analyzer) values(args []*node) {
	for _, arg := range args {
		a.document(a.resolve(arg))
	}
}

// document reads a query document (a filter, a projection, a sort, an
// update) and records its depth.
func (a *analyzer) document(n *node) {
	if d := a.depth(n, 0); d > a.q.Depth {
		a.q.Depth = d
	}
	a.value(n, 0)
}

// pipeline reads an array of stages. Top-level stages are also recorded in
// Stages.
func (a *analyzer) pipeline(n *node, top bool) {
	n = a.resolve(n)
	if n.kind != kArray {
		a.value(n, 0)
		return
	}
	for _, el := range n.kids {
		a.stage(a.resolve(el), top)
	}
}

func (a *analyzer) stage(el *node, top bool) {
	switch el.kind {
	case kIdent, kSpread, kOpaque, kCall, kMember, kIndex, kUndefined:
		return // not known until run
	}
	if top {
		if d := a.depth(el, 0); d > a.q.Depth {
			a.q.Depth = d
		}
	}
	if el.kind != kObject || len(el.props) != 1 || el.props[0].computed || !strings.HasPrefix(el.props[0].key, "$") {
		a.note(CodeInvalidStage, "", el.pos)
		if el.kind == kObject {
			// Keys of a malformed stage are most likely stages: do not
			// report them as unknown operators.
			for _, p := range el.props {
				a.value(p.value, 1)
			}
		}
		return
	}
	name, body := el.props[0].key, a.resolve(el.props[0].value)
	if top {
		a.q.Stages = append(a.q.Stages, name)
	}
	a.q.AllStages = append(a.q.AllStages, name)
	switch {
	case unsafeNames[name]:
		a.note(CodeUnsafeOperator, name, el.props[0].pos)
	case !stages[name]:
		a.note(CodeUnknownStage, name, el.props[0].pos)
	}
	if body.kind != kObject {
		a.value(body, 0)
		return
	}
	for _, p := range body.props {
		v := a.resolve(p.value)
		switch {
		case (name == "$lookup" || name == "$unionWith") && p.key == "pipeline",
			name == "$facet",
			name == "$merge" && p.key == "whenMatched" && v.kind == kArray:
			a.pipeline(v, false)
		default:
			a.prop(p, 0)
		}
	}
}

func (a *analyzer) prop(p prop, level int) {
	if !p.computed && strings.HasPrefix(p.key, "$") {
		a.q.Operators = append(a.q.Operators, p.key)
		switch {
		case unsafeNames[p.key]:
			a.note(CodeUnsafeOperator, p.key, p.pos)
		case !operators[p.key]:
			a.note(CodeUnknownOperator, p.key, p.pos)
		}
		if p.key == "$literal" {
			return
		}
	}
	a.value(p.value, level+1)
}

// value collects the operators of a value.
func (a *analyzer) value(n *node, level int) {
	if level > maxNesting {
		return
	}
	n = a.resolve(n)
	switch n.kind {
	case kObject:
		if isExtJSON(n) {
			return
		}
		for _, p := range n.props {
			a.prop(p, level)
		}
	case kArray:
		for _, k := range n.kids {
			a.value(k, level+1)
		}
	case kSpread:
		a.value(n.kids[0], level+1)
	}
}

// depth is the nesting of objects and arrays; Extended JSON values and
// JavaScript expressions count as scalars.
func (a *analyzer) depth(n *node, level int) int {
	if level > maxNesting {
		return 0
	}
	n = a.resolve(n)
	d := 0
	switch n.kind {
	case kObject:
		if isExtJSON(n) {
			return 0
		}
		for _, p := range n.props {
			d = max(d, a.depth(p.value, level+1))
		}
	case kArray:
		for _, k := range n.kids {
			d = max(d, a.depth(k, level+1))
		}
	default:
		return 0
	}
	return d + 1
}

// isExtJSON reports whether an object is an Extended JSON value such as
// {"$date": "…"} or {"$oid": "…"}.
func isExtJSON(n *node) bool {
	if n.kind != kObject || len(n.props) == 0 || !extJSON[n.props[0].key] {
		return false
	}
	for _, p := range n.props {
		if p.computed || !extJSON[p.key] && !(p.key == "$type" && n.props[0].key == "$binary") {
			return false
		}
	}
	return true
}
