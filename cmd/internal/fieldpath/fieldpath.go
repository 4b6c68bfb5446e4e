// Package fieldpath finds a value inside a JSON record by a dot path such as
// "output", "schema.collection" or "items.0", without decoding the rest of
// the record, so the value comes back as the bytes it was written with (key
// order and number spelling kept).
package fieldpath

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/goccy/go-json"
)

// Path is a parsed dot path.
type Path struct {
	text     string
	segments []string
}

// Parse parses a dot path. Segments are separated by "."; a segment that is
// a non-negative integer also indexes an array.
func Parse(s string) (Path, error) {
	if s == "" {
		return Path{}, errors.New("empty field path")
	}
	segs := strings.Split(s, ".")
	for _, seg := range segs {
		if seg == "" {
			return Path{}, fmt.Errorf("field path %q has an empty segment", s)
		}
	}
	return Path{text: s, segments: segs}, nil
}

// MustParse is Parse for paths known to be valid.
func MustParse(s string) Path {
	p, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return p
}

// String returns the path as given.
func (p Path) String() string { return p.text }

// IsZero reports whether p is the zero Path (no path given).
func (p Path) IsZero() bool { return p.segments == nil }

// Error is a lookup failure. Where is the JSON path of the value that
// was missing or of the wrong type, such as "schema.fields[3]".
type Error struct {
	Where   string
	Missing bool // the key or index does not exist (otherwise: not an object or array)
	// Key is the key that was missing, and Keys the keys of the object that
	// lacked it, sorted, so that a caller can say which fields there are.
	// Both are empty for a missing array index.
	Key  string
	Keys []string
	Err  error
}

func (e *Error) Error() string { return e.Err.Error() }

// Lookup returns the raw JSON value at p inside the JSON value doc, and its
// JSON path (object keys as ".key", array indices as "[i]"). When an object
// has a key that is the whole remaining path, dots included, that key wins,
// so CSV headers and keys such as "a.b" can be named directly.
func Lookup(doc []byte, p Path) (value []byte, where string, err error) {
	cur := bytes.TrimSpace(doc)
	var at strings.Builder
	segs := p.segments
	for len(segs) > 0 {
		switch {
		case len(cur) > 0 && cur[0] == '{':
			var obj map[string]json.RawMessage
			if err := json.Unmarshal(cur, &obj); err != nil {
				return nil, at.String(), &Error{Where: at.String(), Err: err}
			}
			key, n := segs[0], 1
			if len(segs) > 1 {
				if _, ok := obj[strings.Join(segs, ".")]; ok {
					key, n = strings.Join(segs, "."), len(segs)
				}
			}
			appendKey(&at, key)
			v, ok := obj[key]
			if !ok {
				keys := make([]string, 0, len(obj))
				for k := range obj {
					keys = append(keys, k)
				}
				slices.Sort(keys)
				return nil, at.String(), &Error{Where: at.String(), Missing: true, Key: key, Keys: keys, Err: fmt.Errorf("no field %q", key)}
			}
			cur, segs = bytes.TrimSpace(v), segs[n:]
		case len(cur) > 0 && cur[0] == '[':
			i, convErr := strconv.Atoi(segs[0])
			if convErr != nil || i < 0 {
				return nil, at.String(), &Error{Where: at.String(), Err: fmt.Errorf("is an array, and %q is not an index", segs[0])}
			}
			var arr []json.RawMessage
			if err := json.Unmarshal(cur, &arr); err != nil {
				return nil, at.String(), &Error{Where: at.String(), Err: err}
			}
			fmt.Fprintf(&at, "[%d]", i)
			if i >= len(arr) {
				return nil, at.String(), &Error{Where: at.String(), Missing: true, Err: fmt.Errorf("index %d is past the end of an array of %d", i, len(arr))}
			}
			cur, segs = bytes.TrimSpace(arr[i]), segs[1:]
		default:
			where := at.String()
			return nil, where, &Error{Where: where, Err: fmt.Errorf("is %s, not an object or array", Kind(cur))}
		}
	}
	return cur, at.String(), nil
}

func appendKey(b *strings.Builder, key string) {
	if b.Len() > 0 {
		b.WriteByte('.')
	}
	b.WriteString(key)
}

// Kind names the JSON type of a raw value for messages: "a string",
// "an object", "null", ...
func Kind(v []byte) string {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return "empty"
	}
	switch v[0] {
	case '"':
		return "a string"
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	default:
		return "a number"
	}
}
