package fieldpath

import (
	"errors"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in  string
		bad bool
	}{
		{"output", false}, {"a.b", false}, {"items.0", false}, {"", true}, {"a..b", true}, {".a", true}, {"a.", true},
	} {
		_, err := Parse(tc.in)
		if (err != nil) != tc.bad {
			t.Errorf("Parse(%q): err = %v, want error %v", tc.in, err, tc.bad)
		}
	}
}

func TestLookup(t *testing.T) {
	doc := `{"question": "q?", "output": {"b": 1, "a": [2, 3]},
		"schema": {"collection": "orders"}, "items": ["x", {"y": null}], "a.b": "dotted", "n": 1.50}`
	for _, tc := range []struct {
		path, want, where string
		missing, wrong    bool
	}{
		{path: "question", want: `"q?"`, where: "question"},
		{path: "output", want: `{"b": 1, "a": [2, 3]}`, where: "output"},
		{path: "output.a.1", want: `3`, where: "output.a[1]"},
		{path: "schema.collection", want: `"orders"`, where: "schema.collection"},
		{path: "items.0", want: `"x"`, where: "items[0]"},
		{path: "items.1.y", want: `null`, where: "items[1].y"},
		{path: "a.b", want: `"dotted"`, where: "a.b"},
		{path: "n", want: `1.50`, where: "n"},
		{path: "nope", where: "nope", missing: true},
		{path: "schema.name", where: "schema.name", missing: true},
		{path: "items.5", where: "items[5]", missing: true},
		{path: "items.x", where: "items", wrong: true},
		{path: "question.x", where: "question", wrong: true},
	} {
		got, where, err := Lookup([]byte(doc), MustParse(tc.path))
		if where != tc.where {
			t.Errorf("Lookup(%q): where = %q, want %q", tc.path, where, tc.where)
		}
		var le *Error
		switch {
		case tc.missing || tc.wrong:
			if !errors.As(err, &le) || le.Missing != tc.missing {
				t.Errorf("Lookup(%q): err = %v, want missing=%v", tc.path, err, tc.missing)
			}
		case err != nil:
			t.Errorf("Lookup(%q): %v", tc.path, err)
		case string(got) != tc.want:
			t.Errorf("Lookup(%q) = %s, want %s", tc.path, got, tc.want)
		}
	}
}

func TestKind(t *testing.T) {
	for in, want := range map[string]string{`"s"`: "a string", `{}`: "an object", ` [1]`: "an array",
		`true`: "a boolean", `null`: "null", `-1`: "a number", ``: "empty"} {
		if got := Kind([]byte(in)); got != want {
			t.Errorf("Kind(%q) = %q, want %q", in, got, want)
		}
	}
}

// A missing key names itself and the keys its object has, for a caller to
// list them and suggest one.
func TestMissingKeyNamesTheKeys(t *testing.T) {
	_, _, err := Lookup([]byte(`{"question":"q","schema":{"collection":"a","db":"b"}}`), MustParse("schema.colection"))
	var le *Error
	if !errors.As(err, &le) || !le.Missing || le.Key != "colection" || le.Where != "schema.colection" ||
		strings.Join(le.Keys, ",") != "collection,db" {
		t.Fatalf("err = %#v", err)
	}
	_, _, err = Lookup([]byte(`{"a":[1]}`), MustParse("a.3"))
	if !errors.As(err, &le) || !le.Missing || le.Key != "" || le.Keys != nil {
		t.Fatalf("index past the end: %#v", err)
	}
}
