package score

import (
	"bytes"
	"fmt"
	"io"
	"math/big"
	"slices"
	"strconv"
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

func decodeValue(text string) (*value, error) {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	v, err := readValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("text after the JSON value")
	}
	return v, nil
}

func readValue(dec *json.Decoder) (*value, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			v := &value{kind: 'o'}
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key, ok := k.(string)
				if !ok {
					return nil, fmt.Errorf("object key %v is not a string", k)
				}
				el, err := readValue(dec)
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
			_, err := dec.Token()
			return v, err
		case '[':
			v := &value{kind: 'a'}
			for dec.More() {
				el, err := readValue(dec)
				if err != nil {
					return nil, err
				}
				v.vals = append(v.vals, el)
			}
			_, err := dec.Token()
			return v, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	case string:
		return &value{kind: 's', text: t}, nil
	case json.Number:
		return &value{kind: 'n', text: string(t)}, nil
	case bool:
		return &value{kind: 'b', text: strconv.FormatBool(t)}, nil
	case nil:
		return &value{kind: 'z'}, nil
	}
	return nil, fmt.Errorf("unexpected token %v", tok)
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
