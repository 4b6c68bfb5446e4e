package mongoexec

import (
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

func row(kv ...any) bson.D {
	var d bson.D
	for i := 0; i < len(kv); i += 2 {
		d = append(d, bson.E{Key: kv[i].(string), Value: kv[i+1]})
	}
	return d
}

func TestCompare(t *testing.T) {
	dec, _ := bson.ParseDecimal128("2.50")
	oid := bson.NewObjectIDFromTimestamp(time.Unix(1700000000, 0))
	date := bson.NewDateTimeFromTime(time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC))
	tests := []struct {
		name      string
		want, got []bson.D
		ordered   bool
		m         Match
		surplus   int
		match     bool
		diff      string
	}{
		{"same rows", []bson.D{row("a", 1), row("a", 2)}, []bson.D{row("a", 1), row("a", 2)}, true, MatchColumns, 0, true, ""},
		{"other order, unordered", []bson.D{row("a", 1), row("a", 2)}, []bson.D{row("a", 2), row("a", 1)}, false, MatchColumns, 0, true, ""},
		{"other order, ordered", []bson.D{row("a", 1), row("a", 2)}, []bson.D{row("a", 2), row("a", 1)}, true, MatchColumns, 0, false, "row 1: expected"},
		{"one value differs", []bson.D{row("a", 1), row("a", 2)}, []bson.D{row("a", 1), row("a", 3)}, false, MatchColumns, 0, false, `{"a":2}`},
		{"one row missing", []bson.D{row("a", 1), row("a", 2)}, []bson.D{row("a", 1)}, false, MatchColumns, 0, false, "1 rows, expected 2"},
		{"duplicates count", []bson.D{row("a", 1), row("a", 1)}, []bson.D{row("a", 1), row("a", 2)}, false, MatchColumns, 0, false, "not among"},
		{"int, long, double, decimal", []bson.D{row("a", int32(2), "b", 2.5)}, []bson.D{row("a", 2.0, "b", dec)}, true, MatchColumns, 0, true, ""},
		{"long and int", []bson.D{row("n", int64(7))}, []bson.D{row("n", int32(7))}, true, MatchColumns, 0, true, ""},
		{"number vs string", []bson.D{row("n", 7)}, []bson.D{row("n", "7")}, true, MatchColumns, 0, false, "row 1"},
		{"dates by value", []bson.D{row("d", date)}, []bson.D{row("d", bson.NewDateTimeFromTime(time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)))}, true, MatchColumns, 0, true, ""},
		{"dates differ", []bson.D{row("d", date)}, []bson.D{row("d", date+1)}, true, MatchColumns, 0, false, "row 1"},
		{"oids by value", []bson.D{row("_id", oid)}, []bson.D{row("_id", oid)}, true, MatchColumns, 0, true, ""},
		{"nested field order", []bson.D{row("x", row("a", 1, "b", 2))}, []bson.D{row("x", row("b", 2, "a", 1))}, true, MatchColumns, 0, true, ""},
		{"field names matter in columns", []bson.D{row("n", 5)}, []bson.D{row("count", 5)}, true, MatchColumns, 2, false, "row 1"},
		{"field names ignored in values", []bson.D{row("n", 5)}, []bson.D{row("count", 5)}, true, MatchValues, 2, true, ""},
		{"surplus fields allowed", []bson.D{row("a", 1)}, []bson.D{row("a", 1, "b", 2, "c", 3)}, true, MatchColumns, 2, true, ""},
		{"too many surplus fields", []bson.D{row("a", 1)}, []bson.D{row("a", 1, "b", 2, "c", 3, "d", 4)}, true, MatchColumns, 2, false, "row 1"},
		{"surplus, values, unordered", []bson.D{row("a", 1), row("a", 2)}, []bson.D{row("x", 2, "_id", "k"), row("x", 1, "_id", "j")}, false, MatchValues, 2, true, ""},
		{"missing field", []bson.D{row("a", 1, "b", 2)}, []bson.D{row("a", 1)}, true, MatchValues, 2, false, "row 1"},
	}
	for _, tt := range tests {
		c := Compare(tt.want, tt.got, tt.ordered, tt.m, tt.surplus)
		if c.Match != tt.match || !strings.Contains(c.Diff, tt.diff) || c.Match != (c.Diff == "") {
			t.Errorf("%s: Compare = %v %q, want %v %q", tt.name, c.Match, c.Diff, tt.match, tt.diff)
		}
	}
}

func TestNonEmptyReasonable(t *testing.T) {
	tests := []struct {
		name                 string
		rows                 []bson.D
		counted              bool
		nonEmpty, reasonable bool
	}{
		{"no rows", nil, false, false, false},
		{"empty rows", []bson.D{{}}, false, false, false},
		{"a count of zero", []bson.D{row("value", int64(0))}, true, false, false},
		{"a zero that is not a count", []bson.D{row("total", 0)}, false, true, true},
		{"a count", []bson.D{row("value", int64(3))}, true, true, true},
		{"a null value", []bson.D{row("a", 1), row("a", nil)}, false, true, false},
		{"an empty string", []bson.D{row("a", "")}, false, true, false},
		{"a nested null is fine", []bson.D{row("a", row("b", nil))}, false, true, true},
	}
	for _, tt := range tests {
		if got := NonEmpty(tt.rows, tt.counted); got != tt.nonEmpty {
			t.Errorf("%s: NonEmpty = %v", tt.name, got)
		}
		if got := Reasonable(tt.rows, tt.counted); got != tt.reasonable {
			t.Errorf("%s: Reasonable = %v", tt.name, got)
		}
	}
}
