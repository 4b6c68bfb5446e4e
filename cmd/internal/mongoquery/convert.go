package mongoquery

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// ToJSON rewrites an answer as canonical JSON: one compact object
// {"type": operation, "collection": …, "filter"|"pipeline"|…: …}, with
// shell values in Extended JSON (ISODate("…") becomes {"$date": "…"}, /a/i
// becomes {"$regularExpression": …}). Scripts, JavaScript expressions and
// cursor methods with no JSON equivalent are errors. An {"error": …}
// answer stays as it is.
func ToJSON(answer string) (string, error) {
	q, err := Parse(answer)
	if err != nil {
		return "", err
	}
	return q.JSON()
}

// ToMongosh rewrites an answer as one line of mongosh code,
// db.<collection>.<operation>(…).<modifier>(…), with unquoted keys where
// JavaScript allows them and shell constructors for Extended JSON values.
// An unknown collection is written db.collection, as the MongoDB manual does.
// An {"error": …} answer stays JSON.
func ToMongosh(answer string) (string, error) {
	q, err := Parse(answer)
	if err != nil {
		return "", err
	}
	return q.Mongosh()
}

// ErrScript is returned when a script is to be converted.
var ErrScript = errors.New("a script has no single-query form")

// body is the text the node positions refer to.
func (q *Query) body() string { return q.src[q.base:] }

func (q *Query) convertible() error {
	if q.Form == FormScript || q.root == nil {
		return ErrScript
	}
	return nil
}

// errorObject writes an {"error": …} answer, which stays JSON in both
// writings: it is a dataset's way of saying no query answers the question.
func (q *Query) errorObject() string {
	var b strings.Builder
	b.WriteString(`{"error":`)
	writeJSONString(&b, q.root.props[0].value.str)
	b.WriteString("}")
	return b.String()
}

// JSON returns the query as canonical JSON; see ToJSON.
func (q *Query) JSON() (string, error) {
	if err := q.convertible(); err != nil {
		return "", err
	}
	if q.Operation == "error" {
		return q.errorObject(), nil
	}
	w := &jsonWriter{src: q.body()}
	op := q.Operation
	fields := []jsonField{}
	arg := func(i int) *node {
		if i < len(q.args) {
			return q.args[i]
		}
		return nil
	}
	switch op {
	case "find", "findOne":
		filter := arg(0)
		if filter == nil {
			filter = &node{kind: kObject}
		}
		fields = append(fields, jsonField{"filter", filter}, jsonField{"projection", arg(1)}, jsonField{"options", arg(2)})
		for _, m := range q.mods {
			switch m.name {
			case "sort", "skip", "limit", "hint", "project", "projection":
				if m.member || len(m.args) != 1 {
					return "", w.errorf(m.pos, ".%s() with %d arguments has no JSON form", m.name, len(m.args))
				}
				name := m.name
				if name == "project" {
					name = "projection"
				}
				fields = append(fields, jsonField{name, m.args[0]})
			case "count", "itcount", "size":
				op = "count"
			case "pretty", "toArray":
			case "forEach":
				if !printsOnly(m) {
					return "", w.errorf(m.pos, ".forEach() with a function has no JSON form")
				}
			default:
				return "", w.errorf(m.pos, "the cursor method %s has no JSON form", m.name)
			}
		}
	default:
		for _, m := range q.mods {
			if m.name == "toArray" || m.name == "pretty" || m.name == "forEach" && printsOnly(m) {
				continue
			}
			return "", w.errorf(m.pos, "the cursor method %s has no JSON form", m.name)
		}
		switch op {
		case "aggregate", "watch":
			fields = append(fields, jsonField{"pipeline", arg(0)}, jsonField{"options", arg(1)})
		case "count", "countDocuments":
			fields = append(fields, jsonField{"filter", arg(0)}, jsonField{"options", arg(1)})
		case "estimatedDocumentCount":
			fields = append(fields, jsonField{"options", arg(0)})
		case "distinct":
			fields = append(fields, jsonField{"field", arg(0)}, jsonField{"filter", arg(1)}, jsonField{"options", arg(2)})
		default:
			if len(q.args) > 0 {
				fields = append(fields, jsonField{"args", &node{kind: kArray, kids: q.args}})
			}
		}
	}
	// A later field of the same name (a sort modifier) wins.
	seen := map[string]int{}
	var ordered []jsonField
	for _, f := range fields {
		if f.value == nil {
			continue
		}
		if i, ok := seen[f.name]; ok {
			ordered[i] = f
			continue
		}
		seen[f.name] = len(ordered)
		ordered = append(ordered, f)
	}
	w.b.WriteString(`{"type":`)
	w.str(op)
	if q.Collection != "" {
		w.b.WriteString(`,"collection":`)
		w.str(q.Collection)
	}
	for _, f := range ordered {
		w.b.WriteString(",")
		w.str(f.name)
		w.b.WriteString(":")
		if err := w.value(f.value, 0); err != nil {
			return "", err
		}
	}
	w.b.WriteString("}")
	return w.b.String(), nil
}

type jsonField struct {
	name  string
	value *node
}

// printsOnly reports whether .forEach(printjson) only prints each result.
func printsOnly(m call) bool {
	return len(m.args) == 1 && m.args[0].kind == kIdent &&
		(m.args[0].str == "printjson" || m.args[0].str == "printJSON" || m.args[0].str == "print")
}

type jsonWriter struct {
	src string
	b   strings.Builder
}

func (w *jsonWriter) errorf(pos int, format string, args ...any) error {
	if pos < 0 || pos > len(w.src) {
		pos = 0
	}
	return newParseError(w.src, pos, format, args...)
}

func (w *jsonWriter) str(s string) { writeJSONString(&w.b, s) }

func writeJSONString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x2028 || r == 0x2029:
			fmt.Fprintf(b, `\u%04x`, r)
		case r == 0xfffd:
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
}

var jsonNumberRE = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

// jsonNumber turns a JavaScript number literal into a JSON number.
func jsonNumber(text string) (string, bool) {
	t := strings.ReplaceAll(text, "_", "")
	if strings.HasSuffix(t, "n") {
		return "", false
	}
	if jsonNumberRE.MatchString(t) {
		return t, true
	}
	neg := strings.HasPrefix(t, "-")
	u := strings.TrimPrefix(t, "-")
	if v, err := strconv.ParseInt(u, 0, 64); err == nil {
		if neg {
			v = -v
		}
		return strconv.FormatInt(v, 10), true
	}
	if v, err := strconv.ParseFloat(u, 64); err == nil {
		if neg {
			v = -v
		}
		return strconv.FormatFloat(v, 'g', -1, 64), true
	}
	return "", false
}

func (w *jsonWriter) value(n *node, level int) error {
	if level > maxNesting {
		return w.errorf(n.pos, "nested too deeply")
	}
	switch n.kind {
	case kObject:
		w.b.WriteByte('{')
		for i, p := range n.props {
			if p.computed {
				return w.errorf(p.pos, "a computed key has no JSON form")
			}
			if i > 0 {
				w.b.WriteByte(',')
			}
			w.str(p.key)
			w.b.WriteByte(':')
			if err := w.value(p.value, level+1); err != nil {
				return err
			}
		}
		w.b.WriteByte('}')
	case kArray:
		w.b.WriteByte('[')
		for i, k := range n.kids {
			if i > 0 {
				w.b.WriteByte(',')
			}
			if err := w.value(k, level+1); err != nil {
				return err
			}
		}
		w.b.WriteByte(']')
	case kString:
		w.str(n.str)
	case kTemplate:
		if n.subst {
			return w.errorf(n.pos, "a template literal with substitutions has no JSON form")
		}
		w.str(n.str)
	case kNumber:
		if v, ok := jsonNumber(n.str); ok {
			w.b.WriteString(v)
		} else if s, ok := bigInt(n.str); ok {
			w.b.WriteString(`{"$numberLong":`)
			w.str(s)
			w.b.WriteByte('}')
		} else {
			return w.errorf(n.pos, "the number %s has no JSON form", n.str)
		}
	case kBool:
		w.b.WriteString(n.str)
	case kNull:
		w.b.WriteString("null")
	case kUndefined:
		w.b.WriteString(`{"$undefined":true}`)
	case kRegex:
		w.regex(n.str, n.flags)
	case kCall, kNew:
		return w.constructor(n, level)
	default:
		return w.errorf(n.pos, "the JavaScript expression %s has no JSON form", snippet(w.src, n))
	}
	return nil
}

func bigInt(text string) (string, bool) {
	t := strings.TrimSuffix(strings.ReplaceAll(text, "_", ""), "n")
	if t == text {
		return "", false
	}
	v, ok := jsonNumber(t)
	return v, ok && !strings.ContainsAny(v, ".eE")
}

func snippet(src string, n *node) string {
	if n.pos < 0 || n.end > len(src) || n.pos > n.end {
		return "here"
	}
	s := src[n.pos:n.end]
	if len(s) > 40 {
		s = s[:37] + "..."
	}
	return strconv.Quote(s)
}

func (w *jsonWriter) regex(pattern, flags string) {
	f := []byte(flags)
	sort.Slice(f, func(i, j int) bool { return f[i] < f[j] })
	w.b.WriteString(`{"$regularExpression":{"pattern":`)
	w.str(pattern)
	w.b.WriteString(`,"options":`)
	w.str(string(f))
	w.b.WriteString(`}}`)
}

// literalArg returns the string or number text of a constructor argument.
func literalArg(args []*node, i int) (string, kind, bool) {
	if i >= len(args) {
		return "", 0, false
	}
	switch a := args[i]; a.kind {
	case kString:
		return a.str, kString, true
	case kTemplate:
		return a.str, kString, !a.subst
	case kNumber:
		v, ok := jsonNumber(a.str)
		return v, kNumber, ok
	}
	return "", 0, false
}

// constructor writes a shell constructor such as ISODate("…") as Extended
// JSON.
func (w *jsonWriter) constructor(n *node, level int) error {
	name := ""
	if n.left != nil && n.left.kind == kIdent {
		name = n.left.str
	}
	bad := func() error {
		return w.errorf(n.pos, "the JavaScript expression %s has no JSON form", snippet(w.src, n))
	}
	args := n.kids
	wrap := func(key, v string) {
		w.b.WriteString(`{"` + key + `":`)
		w.str(v)
		w.b.WriteByte('}')
	}
	switch name {
	case "ISODate", "Date":
		v, k, ok := literalArg(args, 0)
		if !ok || len(args) != 1 || name == "Date" && n.kind != kNew {
			return bad()
		}
		if k == kNumber {
			if strings.ContainsAny(v, ".eE") {
				return bad()
			}
			w.b.WriteString(`{"$date":{"$numberLong":`)
			w.str(v)
			w.b.WriteString("}}")
			return nil
		}
		wrap("$date", v)
	case "ObjectId", "ObjectID":
		v, k, ok := literalArg(args, 0)
		if !ok || k != kString || len(args) != 1 {
			return bad()
		}
		wrap("$oid", v)
	case "NumberLong", "Long":
		v, _, ok := literalArg(args, 0)
		if !ok || len(args) != 1 {
			return bad()
		}
		wrap("$numberLong", v)
	case "NumberInt", "Int32", "Double":
		v, _, ok := literalArg(args, 0)
		if _, isNum := jsonNumber(v); !ok || !isNum || len(args) != 1 {
			return bad()
		}
		num, _ := jsonNumber(v)
		w.b.WriteString(num)
	case "NumberDecimal", "Decimal128":
		v, _, ok := literalArg(args, 0)
		if !ok || len(args) != 1 {
			return bad()
		}
		wrap("$numberDecimal", v)
	case "UUID":
		v, k, ok := literalArg(args, 0)
		if !ok || k != kString || len(args) != 1 {
			return bad()
		}
		wrap("$uuid", v)
	case "Timestamp":
		t, _, ok1 := literalArg(args, 0)
		i, _, ok2 := literalArg(args, 1)
		if len(args) == 1 && args[0].kind == kObject {
			if tn, in := field(args[0], "t"), field(args[0], "i"); tn != nil && in != nil {
				t, _, ok1 = literalArg([]*node{tn}, 0)
				i, _, ok2 = literalArg([]*node{in}, 0)
			}
		}
		if !ok1 || !ok2 {
			return bad()
		}
		w.b.WriteString(`{"$timestamp":{"t":` + t + `,"i":` + i + `}}`)
	case "BinData":
		sub, k1, ok1 := literalArg(args, 0)
		data, k2, ok2 := literalArg(args, 1)
		st, err := strconv.Atoi(sub)
		if !ok1 || !ok2 || k1 != kNumber || k2 != kString || err != nil || st < 0 || st > 255 {
			return bad()
		}
		w.b.WriteString(`{"$binary":{"base64":`)
		w.str(data)
		fmt.Fprintf(&w.b, `,"subType":"%02x"}}`, st)
	case "MinKey", "MaxKey":
		if len(args) != 0 {
			return bad()
		}
		w.b.WriteString(`{"$` + strings.ToLower(name[:1]) + name[1:] + `":1}`)
	case "RegExp":
		p, k1, ok1 := literalArg(args, 0)
		f, k2, ok2 := literalArg(args, 1)
		if len(args) == 1 {
			f, k2, ok2 = "", kString, true
		}
		if !ok1 || !ok2 || k1 != kString || k2 != kString {
			return bad()
		}
		w.regex(p, f)
	default:
		return bad()
	}
	return nil
}

// Mongosh returns the query as one line of mongosh code; see ToMongosh.
func (q *Query) Mongosh() (string, error) {
	if err := q.convertible(); err != nil {
		return "", err
	}
	if q.Operation == "error" {
		return q.errorObject(), nil
	}
	w := &jsWriter{src: q.body()}
	w.b.WriteString("db")
	if !q.dbLevel {
		coll := q.Collection
		if coll == "" {
			coll = "collection"
		}
		if identRE.MatchString(coll) && !strings.Contains(coll, ".") && !isDBMethod(coll) {
			w.b.WriteString("." + coll)
		} else {
			w.b.WriteString(".getCollection(")
			writeJSONString(&w.b, coll)
			w.b.WriteString(")")
		}
	}
	w.call(q.Operation, q.args)
	for _, m := range q.mods {
		if m.member {
			w.b.WriteString("." + m.name)
			continue
		}
		w.call(m.name, m.args)
	}
	return w.b.String(), nil
}

func isDBMethod(name string) bool { return dbReadMethods[name] || dbWriteMethods[name] }

var identRE = regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_$]*$`)

type jsWriter struct {
	src string
	b   strings.Builder
}

func (w *jsWriter) call(name string, args []*node) {
	w.b.WriteString("." + name + "(")
	for i, a := range args {
		if i > 0 {
			w.b.WriteString(", ")
		}
		w.value(a, 0)
	}
	w.b.WriteString(")")
}

func (w *jsWriter) raw(n *node) {
	if n.pos >= 0 && n.end <= len(w.src) && n.pos <= n.end {
		w.b.WriteString(w.src[n.pos:n.end])
	}
}

func (w *jsWriter) key(k string) {
	if identRE.MatchString(k) {
		w.b.WriteString(k)
	} else {
		writeJSONString(&w.b, k)
	}
}

func (w *jsWriter) value(n *node, level int) {
	if level > maxNesting {
		w.raw(n)
		return
	}
	switch n.kind {
	case kObject:
		if w.extJSON(n) {
			return
		}
		if len(n.props) == 0 {
			w.b.WriteString("{}")
			return
		}
		w.b.WriteString("{ ")
		for i, p := range n.props {
			if i > 0 {
				w.b.WriteString(", ")
			}
			if p.value.kind == kSpread {
				w.raw(p.value)
				continue
			}
			if p.computed {
				w.b.WriteString(p.key)
			} else {
				w.key(p.key)
			}
			w.b.WriteString(": ")
			w.value(p.value, level+1)
		}
		w.b.WriteString(" }")
	case kArray:
		w.b.WriteString("[")
		for i, k := range n.kids {
			if i > 0 {
				w.b.WriteString(", ")
			}
			if k.kind == kUndefined && k.pos == k.end {
				continue // a hole
			}
			w.value(k, level+1)
		}
		w.b.WriteString("]")
	case kString:
		writeJSONString(&w.b, n.str)
	case kTemplate:
		if n.subst {
			w.raw(n)
		} else {
			writeJSONString(&w.b, n.str)
		}
	case kBool:
		w.b.WriteString(n.str)
	case kNull:
		w.b.WriteString("null")
	case kUndefined:
		w.b.WriteString("undefined")
	case kNumber:
		w.b.WriteString(n.str)
	case kFunc:
		if n.flags == "method" {
			w.b.WriteString("function ")
		}
		w.raw(n)
	default:
		w.raw(n)
	}
}

// extJSON writes an Extended JSON value as the shell constructor it stands
// for, and reports whether it did.
func (w *jsWriter) extJSON(n *node) bool {
	if !isExtJSON(n) {
		return false
	}
	key, v := n.props[0].key, n.props[0].value
	str := func(format string) bool {
		if v.kind != kString {
			return false
		}
		var b strings.Builder
		writeJSONString(&b, v.str)
		fmt.Fprintf(&w.b, format, b.String())
		return true
	}
	if len(n.props) == 1 {
		switch key {
		case "$date":
			if v.kind == kNumber {
				fmt.Fprintf(&w.b, "new Date(%s)", v.str)
				return true
			}
			if v.kind == kObject && isExtJSON(v) && v.props[0].key == "$numberLong" && v.props[0].value.kind == kString {
				if _, err := strconv.ParseInt(v.props[0].value.str, 10, 64); err == nil {
					fmt.Fprintf(&w.b, "new Date(%s)", v.props[0].value.str)
					return true
				}
			}
			return str("ISODate(%s)")
		case "$oid":
			return str("ObjectId(%s)")
		case "$numberLong":
			return str("NumberLong(%s)")
		case "$numberDecimal":
			return str("NumberDecimal(%s)")
		case "$uuid":
			return str("UUID(%s)")
		case "$numberInt", "$numberDouble":
			if v.kind == kString {
				if num, ok := jsonNumber(v.str); ok {
					w.b.WriteString(num)
					return true
				}
				switch v.str {
				case "Infinity", "-Infinity", "NaN":
					w.b.WriteString(v.str)
					return true
				}
			}
		case "$minKey":
			w.b.WriteString("MinKey()")
			return true
		case "$maxKey":
			w.b.WriteString("MaxKey()")
			return true
		case "$undefined":
			w.b.WriteString("undefined")
			return true
		case "$regularExpression":
			p, o := field(v, "pattern"), field(v, "options")
			if v.kind != kObject || p == nil || o == nil || p.kind != kString || o.kind != kString {
				return false
			}
			if p.str != "" && !strings.ContainsAny(p.str, "/\n\r") && identRE.MatchString("a"+o.str) {
				fmt.Fprintf(&w.b, "/%s/%s", p.str, o.str)
				return true
			}
			w.b.WriteString("RegExp(")
			writeJSONString(&w.b, p.str)
			w.b.WriteString(", ")
			writeJSONString(&w.b, o.str)
			w.b.WriteString(")")
			return true
		case "$timestamp":
			t, i := field(v, "t"), field(v, "i")
			if v.kind == kObject && t != nil && i != nil && t.kind == kNumber && i.kind == kNumber {
				fmt.Fprintf(&w.b, "Timestamp({ t: %s, i: %s })", t.str, i.str)
				return true
			}
		case "$binary":
			b64, st := field(v, "base64"), field(v, "subType")
			if v.kind == kObject && b64 != nil && st != nil && b64.kind == kString && st.kind == kString {
				if sub, err := strconv.ParseUint(st.str, 16, 8); err == nil {
					fmt.Fprintf(&w.b, "BinData(%d, ", sub)
					writeJSONString(&w.b, b64.str)
					w.b.WriteString(")")
					return true
				}
			}
		}
	}
	return false
}
