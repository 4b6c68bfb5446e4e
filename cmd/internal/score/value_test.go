package score

import (
	"bytes"
	"testing"

	json "github.com/goccy/go-json"
)

// decodeValue reads what JSON decoders read, in order: written back, each
// text is its compact form.
func TestDecodeValue(t *testing.T) {
	for _, s := range []string{
		`{"type":"find","collection":"orders","filter":{"a":1,"b":{"$gt":-2.5e3}},"sort":{"d":-1}}`,
		` [ 1 , "x" , true , false , null , { } , [ ] ] `,
		`{"s":"tab\tquote\" back\\ slash\/ \u00e9 \ud83d\ude00","":""}`,
		`{"z":{"y":{"x":[[[{"w":0}]]]}}}`,
	} {
		v, err := decodeValue(s)
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		var want bytes.Buffer
		if err := json.Compact(&want, []byte(s)); err != nil {
			t.Fatal(err)
		}
		// Both sides as Go values, since escapes may be written otherwise.
		var a, b any
		if err := json.Unmarshal([]byte(v.String()), &a); err != nil {
			t.Fatalf("%s: wrote %s: %v", s, v, err)
		}
		if err := json.Unmarshal(want.Bytes(), &b); err != nil {
			t.Fatal(err)
		}
		if aj, bj := mustJSON(t, a), mustJSON(t, b); aj != bj {
			t.Errorf("%s: read as %s", s, v)
		}
	}
	for _, bad := range []string{``, `{`, `{"a"}`, `{"a":1,}`, `[1 2]`, `"open`, `{"a":1} x`, `tru`, `{1:2}`} {
		if _, err := decodeValue(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
