package main

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/goccy/go-json"
)

func TestDetect(t *testing.T) {
	for in, want := range map[string]string{
		`[{"a":1}]`:                    fromJSON,
		"\n\t  [\n":                    fromJSON,
		"\xef\xbb\xbf[]":               fromJSON,
		`{"a":1}`:                      fromJSONL,
		"\r\n\r\n{":                    fromJSONL,
		"":                             fromJSONL,
		"   \n":                        fromJSONL,
		"question,query\n":             fromCSV,
		"\xef\xbb\xbfquestion,q":       fromCSV,
		`"quoted",header`:              fromCSV,
		strings.Repeat(" ", 200) + "[": fromJSON,
	} {
		if got := detect(bufio.NewReader(strings.NewReader(in))); got != want {
			t.Errorf("detect(%q) = %s, want %s", in, got, want)
		}
	}
}

// collect reads all records of an input, as "line index code raw" strings.
func collect(t *testing.T, in, from string) ([]string, error) {
	t.Helper()
	var got []string
	err := readRecords(strings.NewReader(in), "in", from, 0, func(r *record) error {
		code := "ok"
		if r.Problem != nil {
			code = r.Problem.Code
		}
		got = append(got, fmt.Sprintf("%d %d %s %s", r.Line, r.Index, code, r.Raw))
		return nil
	})
	return got, err
}

func TestReadRecords(t *testing.T) {
	for _, tc := range []struct {
		name, in, from string
		want           []string
		fails          bool
	}{
		{name: "array positions", in: "[\n {\"a\": 1},\n\n {\"b\":\n  \"x,]}\\\"\"}, {\"c\":[1,{\"d\":2}]}\n]\n", from: fromAuto,
			want: []string{`2 0 ok {"a":1}`, `4 1 ok {"b":"x,]}\""}`, `5 2 ok {"c":[1,{"d":2}]}`}},
		{name: "array bad elements flow", in: `[1, "s", {"a": tru}, [2], {"ok": true}]`, from: fromAuto,
			want: []string{`1 0 not_object 1`, `1 1 not_object "s"`, `1 2 invalid_json {"a": tru}`, `1 3 not_object [2]`, `1 4 ok {"ok":true}`}},
		{name: "array BOM", in: "\xef\xbb\xbf[{}]", from: fromAuto, want: []string{`1 0 ok {}`}},
		{name: "empty array", in: "[]", from: fromAuto},
		{name: "array trailing comma", in: `[{}, ]`, from: fromAuto, fails: true},
		{name: "array truncated", in: `[{}, {"a": "`, from: fromAuto, fails: true},
		{name: "array unbalanced", in: `[{}}]`, from: fromAuto, fails: true},
		{name: "array garbage after", in: `[{}] {}`, from: fromAuto, fails: true},
		{name: "jsonl", in: "{\"a\":1}\n\n{\"b\": 2}\r\n[3]\n{\n", from: fromAuto,
			want: []string{`1 -1 ok {"a":1}`, `3 -1 ok {"b": 2}`, `4 -1 not_object [3]`, `5 -1 invalid_json {`}},
		{name: "jsonl forced", in: `[1]`, from: fromJSONL, want: []string{`1 -1 not_object [1]`}},
		{name: "csv", in: "q,a\r\nx,\"y\ny\"\r\nz,w,extra\nu,v\n", from: fromAuto,
			want: []string{`2 -1 ok {"q":"x","a":"y\ny"}`, `4 -1 wrong_column_count {"q":"z","a":"w","column 3":"extra"}`, `5 -1 ok {"q":"u","a":"v"}`}},
		{name: "csv header only", in: "q,a\n", from: fromCSV},
		{name: "csv invalid UTF-8", in: "q,a\n\xff,b\n", from: fromCSV, want: []string{`2 -1 invalid_utf8 {"q":"\ufffd","a":"b"}`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := collect(t, tc.in, tc.from)
			if (err != nil) != tc.fails {
				t.Fatalf("err = %v, want failure %v", err, tc.fails)
			}
			if !tc.fails && strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// FuzzReadRecords checks that any input is read without a panic, that
// every record is either a JSON object or has a problem, and that a JSON
// array's good elements are exactly what encoding a decoded array gives.
func FuzzReadRecords(f *testing.F) {
	for _, s := range []string{`[{"a":1},{"b":[1,2]}]`, "{\"q\":1}\n{", "q,a\nx,y\n", "q;a\n\"x;\";y\n", "q\ta|b\nx\ty\n", `["x", {"a":"]"}]`, "\xef\xbb\xbf[]", `[{"a":"\\"}]`} {
		f.Add([]byte(s), "auto")
	}
	f.Fuzz(func(t *testing.T, in []byte, from string) {
		switch from {
		case fromAuto, fromJSON, fromJSONL, fromCSV:
		default:
			from = fromAuto
		}
		var good int
		err := readRecords(bytes.NewReader(in), "fuzz", from, 0, func(r *record) error {
			if r.Line < 1 {
				t.Fatalf("line %d", r.Line)
			}
			if r.Problem == nil {
				good++
				if !json.Valid(r.Raw) || !utf8.Valid(r.Raw) || r.Raw[0] != '{' {
					t.Fatalf("record without a problem is not a JSON object: %q", r.Raw)
				}
			}
			return nil
		})
		isArray := from == fromJSON || from == fromAuto && detect(bufio.NewReader(bytes.NewReader(in))) == fromJSON
		var all []json.RawMessage
		if !isArray || json.Unmarshal(bytes.TrimPrefix(in, bom), &all) != nil {
			return
		}
		if err != nil {
			t.Fatalf("a valid JSON array was not read: %v", err)
		}
		objects := 0
		for _, v := range all {
			if v = bytes.TrimSpace(v); len(v) > 0 && v[0] == '{' && utf8.Valid(v) && json.Valid(v) {
				objects++
			}
		}
		if objects != good {
			t.Fatalf("%d objects in the array, %d good records", objects, good)
		}
	})
}

func TestCSVDelimiter(t *testing.T) {
	for _, tc := range []struct {
		name, head string
		want       rune
	}{
		{"in.csv", "question,query\nq;r,x\n", ','},
		{"in.csv", "question;query\nq,r;x\n", ';'},
		{"in.csv", "question\tquery\n", '\t'},
		{"in.csv", "question|query|db\n", '|'},
		{"in.csv", `"a;b;c",query` + "\n", ','},  // quoted separators do not count
		{"in.csv", `"a,b,c";query` + "\n", ';'},  // nor do quoted commas
		{"in.csv", "question\n", ','},            // one column: nothing to go by
		{"IN.TSV", "question,query;x,y\n", '\t'}, // the name settles it
		{"in.csv", strings.Repeat("a;", 100) + "b\n", ';'},
	} {
		got := csvDelimiter(bufio.NewReader(strings.NewReader(tc.head)), tc.name)
		if got != tc.want {
			t.Errorf("csvDelimiter(%q, %q) = %q, want %q", tc.name, tc.head, got, tc.want)
		}
	}
}

func TestParseDelimiter(t *testing.T) {
	for in, want := range map[string]rune{"": 0, ";": ';', "tab": '\t', `\t`: '\t', "|": '|', "§": '§'} {
		if got, err := parseDelimiter(in); err != nil || got != want {
			t.Errorf("parseDelimiter(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{";;", `"`, "\n", "ab"} {
		if _, err := parseDelimiter(in); err == nil {
			t.Errorf("parseDelimiter(%q) succeeded", in)
		}
	}
}
