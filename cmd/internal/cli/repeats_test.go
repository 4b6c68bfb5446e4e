package cli

import (
	"bytes"
	"testing"
)

func TestRepeats(t *testing.T) {
	var r Repeats
	shown := 0
	for i := 0; i < 4043; i++ {
		if r.Show("missing_field", "question") {
			shown++
		}
	}
	for i := 0; i < 3; i++ {
		if !r.Show("wrong_type", "query") {
			t.Fatalf("a third wrong_type was held back")
		}
	}
	if !r.Show("missing_field", "query") {
		t.Error("the same code at another path was held back")
	}
	if shown != RepeatLimit {
		t.Errorf("shown %d of 4043, want %d", shown, RepeatLimit)
	}
	var b bytes.Buffer
	r.Flush(&b, "ft-x")
	if want := "ft-x: missing_field: question: … and 4,033 more\n"; b.String() != want {
		t.Errorf("Flush wrote %q, want %q", b.String(), want)
	}
	b.Reset()
	r.Flush(&b, "ft-x")
	if b.Len() != 0 || !r.Show("missing_field", "question") {
		t.Errorf("Flush did not start afresh: %q", b.String())
	}
}

func TestClosest(t *testing.T) {
	for _, tc := range []struct {
		word    string
		options []string
		want    string
	}{
		{"nl_question", []string{"db_id", "question", "query"}, "question"},
		{"nl_question", []string{"MQL", "db_id", "nl_queries", "record_id", "ref_sql"}, "nl_queries"},
		{"db_iid", []string{"MQL", "db_id", "nl_queries"}, "db_id"},
		{"Question", []string{"question", "query"}, "question"},
		{"zzz", []string{"question", "query"}, ""},
		{"x", []string{"index"}, ""},
		{"anything", nil, ""},
	} {
		if got := Closest(tc.word, tc.options); got != tc.want {
			t.Errorf("Closest(%q, %q) = %q, want %q", tc.word, tc.options, got, tc.want)
		}
	}
}
