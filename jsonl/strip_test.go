package jsonl

import (
	"strings"
	"testing"

	"github.com/goccy/go-json"
)

func TestWithoutKey(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		found    bool
	}{
		{`{"messages":[1],"metadata":{"db_id":"a"}}`, `{"messages":[1]}`, true},
		{`{"metadata":{"db_id":"a"},"messages":[1]}`, `{"messages":[1]}`, true},
		{`{"a":1,"metadata":"x,}","b":2}`, `{"a":1,"b":2}`, true},
		{`{"metadata":null}`, `{}`, true},
		{` { "a" : 1.50 , "metadata" : [ {"}":"]"} ] } `, ` { "a" : 1.50  } `, true},
		{`{"a":{"metadata":1}}`, `{"a":{"metadata":1}}`, false}, // not top-level
		{`{"a":"metadata"}`, `{"a":"metadata"}`, false},
		{`{"meta\u0064ata":1,"a":2}`, `{"a":2}`, true},
		{`{"a":1}`, `{"a":1}`, false},
		{`{}`, `{}`, false},
		{`[1]`, `[1]`, false},
		{`{"a":`, `{"a":`, false},
		{`{"metadata":{"x":1}`, `{"metadata":{"x":1}`, false}, // truncated
		{`{"a":true,"metadata":false}`, `{"a":true}`, true},
	} {
		got, found := WithoutKey([]byte(tc.in), "metadata")
		if string(got) != tc.want || found != tc.found {
			t.Errorf("WithoutKey(%s) = %s, %v; want %s, %v", tc.in, got, found, tc.want, tc.found)
		}
		if found && !json.Valid(got) {
			t.Errorf("WithoutKey(%s) = %s, not JSON", tc.in, got)
		}
	}
}

// FuzzWithoutKey checks that removing a key from valid JSON leaves valid
// JSON without that key and with every other member.
func FuzzWithoutKey(f *testing.F) {
	for _, s := range []string{`{"messages":[],"metadata":{}}`, `{"a":1}`, `{"metadata":1,"b":"x"}`, `{"a":[{"metadata":1}],"metadata":"\""}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var before map[string]json.RawMessage
		if json.Unmarshal([]byte(in), &before) != nil || before == nil {
			return
		}
		if strings.Count(in, "metadata") > 1 || strings.Contains(in, `\u`) {
			return // a second metadata key would still be there, rightly
		}
		got, found := WithoutKey([]byte(in), "metadata")
		_, had := before["metadata"]
		if found != had {
			t.Fatalf("%s: found %v, had %v", in, found, had)
		}
		var after map[string]json.RawMessage
		if err := json.Unmarshal(got, &after); err != nil {
			t.Fatalf("%s → %s: %v", in, got, err)
		}
		delete(before, "metadata")
		if len(after) != len(before) {
			t.Fatalf("%s → %s: %d members, want %d", in, got, len(after), len(before))
		}
		for k, v := range before {
			if string(after[k]) != string(v) {
				t.Fatalf("%s → %s: %q changed", in, got, k)
			}
		}
	})
}
