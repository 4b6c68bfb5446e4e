package jsonl

import (
	"testing"

	"github.com/goccy/go-json"
)

// Content's shortcut for plain strings must decode exactly as the JSON
// decoder does.
func TestContentDecode(t *testing.T) {
	for _, in := range []string{
		`"plain text"`, `""`, `"naïve café 東京 😀"`, `"tab\tand\nnewline"`, `"quote \" inside"`,
		`"back\\slash"`, `"\u00e9\ud83d\ude00"`, `"lone \ud800 surrogate"`, `"x\u0000y"`, ` "spaced" `,
	} {
		var c Content
		if err := json.Unmarshal([]byte(`{"c":`+in+`}`), &struct {
			C *Content `json:"c"`
		}{&c}); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		var want string
		if err := json.Unmarshal([]byte(in), &want); err != nil {
			t.Fatal(err)
		}
		if c.Text != want || c.Parts != nil || c.Null {
			t.Errorf("%s: got %+v, want text %q", in, c, want)
		}
	}
	if _, ok := plainString([]byte("\"\xff\"")); ok {
		t.Error("invalid UTF-8 taken as plain")
	}
}
