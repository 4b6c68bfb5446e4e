package score

import (
	"bytes"
	"fmt"
	"math/big"
	"slices"
	"strings"

	json "github.com/goccy/go-json"
)

// value is a JSON value that keeps the order of object keys, which a map
// would lose and which decides whether two $sort documents are the same.
type value struct {
	kind byte     // 'o' object, 'a' array, 's' string, 'n' number, 'b' bool, 'z' null
	keys []string // of an object, parallel to vals
	vals []*value // an object's values or an array's elements
	text string   // a string's content, a number's text, "true" or "false"
	// set marks an object whose key order means nothing to MongoDB: a
	// filter, an operator document, the query's own fields.
	set bool
}

// decodeValue reads the canonical JSON that mongoquery writes. It is a
// small reader of its own rather than a decoder's token stream, which
// allocated most of what scoring did.
func decodeValue(text string) (*value, error) {
	d := &decoder{s: text}
	v, err := d.value(0)
	if err != nil {
		return nil, err
	}
	if d.space(); d.i != len(d.s) {
		return nil, d.errorf("text after the JSON value")
	}
	return v, nil
}

type decoder struct {
	s string
	i int
}

// maxDepth bounds the nesting read, as the query reader bounds its own.
const maxDepth = 1000

func (d *decoder) errorf(format string, args ...any) error {
	return fmt.Errorf("byte %d: %s", d.i, fmt.Sprintf(format, args...))
}

func (d *decoder) space() {
	for d.i < len(d.s) && (d.s[d.i] == ' ' || d.s[d.i] == '\t' || d.s[d.i] == '\n' || d.s[d.i] == '\r') {
		d.i++
	}
}

func (d *decoder) value(depth int) (*value, error) {
	if depth > maxDepth {
		return nil, d.errorf("nested too deep")
	}
	d.space()
	if d.i >= len(d.s) {
		return nil, d.errorf("unexpected end")
	}
	switch c := d.s[d.i]; {
	case c == '{':
		d.i++
		v := &value{kind: 'o'}
		for first := true; ; first = false {
			d.space()
			if d.i < len(d.s) && d.s[d.i] == '}' {
				d.i++
				return v, nil
			}
			if !first {
				if d.i >= len(d.s) || d.s[d.i] != ',' {
					return nil, d.errorf("expected , or }")
				}
				d.i++
				d.space()
			}
			key, err := d.str()
			if err != nil {
				return nil, err
			}
			if d.space(); d.i >= len(d.s) || d.s[d.i] != ':' {
				return nil, d.errorf("expected :")
			}
			d.i++
			el, err := d.value(depth + 1)
			if err != nil {
				return nil, err
			}
			if i := slices.Index(v.keys, key); i >= 0 {
				// As in JavaScript, a repeated key keeps its first
				// place and takes the last value: mongosh sends
				// {a: 1, a: {$gt: 0}} as {a: {$gt: 0}}.
				v.vals[i] = el
				continue
			}
			v.keys = append(v.keys, key)
			v.vals = append(v.vals, el)
		}
	case c == '[':
		d.i++
		v := &value{kind: 'a'}
		for first := true; ; first = false {
			d.space()
			if d.i < len(d.s) && d.s[d.i] == ']' {
				d.i++
				return v, nil
			}
			if !first {
				if d.i >= len(d.s) || d.s[d.i] != ',' {
					return nil, d.errorf("expected , or ]")
				}
				d.i++
			}
			el, err := d.value(depth + 1)
			if err != nil {
				return nil, err
			}
			v.vals = append(v.vals, el)
		}
	case c == '"':
		t, err := d.str()
		if err != nil {
			return nil, err
		}
		return &value{kind: 's', text: t}, nil
	case c == '-' || c >= '0' && c <= '9':
		j := d.i
		for d.i < len(d.s) && strings.IndexByte("+-.0123456789eE", d.s[d.i]) >= 0 {
			d.i++
		}
		return &value{kind: 'n', text: d.s[j:d.i]}, nil
	}
	for _, lit := range []string{"true", "false", "null"} {
		if strings.HasPrefix(d.s[d.i:], lit) {
			d.i += len(lit)
			if lit == "null" {
				return &value{kind: 'z'}, nil
			}
			return &value{kind: 'b', text: lit}, nil
		}
	}
	return nil, d.errorf("unexpected %q", d.s[d.i])
}

// str reads a JSON string; one without escapes is a slice of the text.
func (d *decoder) str() (string, error) {
	if d.i >= len(d.s) || d.s[d.i] != '"' {
		return "", d.errorf("expected a string")
	}
	j := d.i + 1
	escaped := false
	for k := j; k < len(d.s); k++ {
		switch d.s[k] {
		case '\\':
			escaped = true
			k++
		case '"':
			d.i = k + 1
			if !escaped {
				return d.s[j:k], nil
			}
			var out string
			if err := json.Unmarshal([]byte(d.s[j-1:k+1]), &out); err != nil {
				return "", d.errorf("%v", err)
			}
			return out, nil
		}
	}
	return "", d.errorf("unterminated string")
}

// get returns the value of key in an object, or nil.
func (v *value) get(key string) *value {
	if v == nil || v.kind != 'o' {
		return nil
	}
	for i, k := range v.keys {
		if k == key {
			return v.vals[i]
		}
	}
	return nil
}

// single returns the only key of an object of one key, as a stage is.
func (v *value) single() (string, *value, bool) {
	if v == nil || v.kind != 'o' || len(v.keys) != 1 {
		return "", nil, false
	}
	return v.keys[0], v.vals[0], true
}

// operatorDoc reports whether v is an object all of whose keys are
// $-operators, such as {$gte: 1, $lt: 5}.
func (v *value) operatorDoc() bool {
	if v == nil || v.kind != 'o' || len(v.keys) == 0 {
		return false
	}
	for _, k := range v.keys {
		if !strings.HasPrefix(k, "$") {
			return false
		}
	}
	return true
}

// literalTypes are the Extended JSON wrappers of a plain value; a regular
// expression is not among them, as it matches rather than equals.
var literalTypes = map[string]bool{
	"$date": true, "$oid": true, "$numberLong": true, "$numberInt": true, "$numberDouble": true,
	"$numberDecimal": true, "$binary": true, "$timestamp": true, "$minKey": true, "$maxKey": true,
	"$uuid": true, "$symbol": true, "$code": true, "$undefined": true,
}

func (v *value) extLiteral() bool {
	k, _, ok := v.single()
	return ok && literalTypes[k]
}

// String writes v back as compact JSON, for reasons.
func (v *value) String() string {
	var b bytes.Buffer
	v.write(&b)
	return b.String()
}

func (v *value) write(b *bytes.Buffer) {
	switch v.kind {
	case 'o':
		b.WriteByte('{')
		for i, k := range v.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			q, _ := json.Marshal(k)
			b.Write(q)
			b.WriteByte(':')
			v.vals[i].write(b)
		}
		b.WriteByte('}')
	case 'a':
		b.WriteByte('[')
		for i, el := range v.vals {
			if i > 0 {
				b.WriteByte(',')
			}
			el.write(b)
		}
		b.WriteByte(']')
	case 's':
		q, _ := json.Marshal(v.text)
		b.Write(q)
	case 'z':
		b.WriteString("null")
	default:
		b.WriteString(v.text)
	}
}

// sameNumber compares two JSON numbers by value: MongoDB matches 5 and 5.0
// alike, whatever their BSON types.
func sameNumber(a, b string) bool {
	if a == b {
		return true
	}
	x, ok1 := new(big.Rat).SetString(a)
	y, ok2 := new(big.Rat).SetString(b)
	return ok1 && ok2 && x.Cmp(y) == 0
}

func kindName(k byte) string {
	switch k {
	case 'o':
		return "a document"
	case 'a':
		return "an array"
	case 's':
		return "a string"
	case 'n':
		return "a number"
	case 'b':
		return "a boolean"
	}
	return "null"
}
