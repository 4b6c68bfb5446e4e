package mongoexec

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Match is how rows are compared.
type Match int

const (
	// MatchColumns compares a row's values by field name.
	MatchColumns Match = iota
	// MatchValues ignores field names: a row's values are compared as a
	// multiset, as TEND's execution accuracy does.
	MatchValues
)

// Comparison says whether a prediction's rows are the expected ones and, if
// not, where they first differ.
type Comparison struct {
	Match bool
	Diff  string // the first row that differs, for the eye; "" on a match
}

// Compare compares got with want. Rows are compared in order when ordered,
// else as multisets. A got row may have up to surplus fields more than the
// wanted row, never fewer. Numbers are compared by value whatever their
// type (int, long, double, decimal) to 12 significant digits; dates and
// ObjectIds by value; documents inside a row regardless of field order.
func Compare(want, got []bson.D, ordered bool, m Match, surplus int) Comparison {
	if len(want) != len(got) {
		c := Comparison{Diff: fmt.Sprintf("%d rows, expected %d", len(got), len(want))}
		for i := range min(len(want), len(got)) {
			if !rowMatch(want[i], got[i], m, surplus) {
				c.Diff += fmt.Sprintf("; row %d: expected %s, got %s", i+1, show(want[i]), show(got[i]))
				return c
			}
		}
		if len(want) > len(got) {
			c.Diff += "; first missing: " + show(want[len(got)])
		} else {
			c.Diff += "; first extra: " + show(got[len(want)])
		}
		return c
	}
	if ordered {
		for i := range want {
			if !rowMatch(want[i], got[i], m, surplus) {
				return Comparison{Diff: fmt.Sprintf("row %d: expected %s, got %s", i+1, show(want[i]), show(got[i]))}
			}
		}
		return Comparison{Match: true}
	}
	// Equal rows are paired by their canonical form first; only the rows
	// left need the slower search that surplus fields call for, over values
	// written once each. Pairing is first fit, as in MongoDB's own benchmark.
	used := make([]bool, len(got))
	byKey := map[string][]int{}
	for i, r := range got {
		k := rowKey(r, m)
		byKey[k] = append(byKey[k], i)
	}
	var left []int
	for i, r := range want {
		k := rowKey(r, m)
		if idx := byKey[k]; len(idx) > 0 {
			used[idx[0]] = true
			byKey[k] = idx[1:]
			continue
		}
		left = append(left, i)
	}
	var pgot []prepared
	if len(left) > 0 {
		pgot = make([]prepared, len(got))
		for j, r := range got {
			if !used[j] {
				pgot[j] = prepare(r)
			}
		}
	}
	for _, i := range left {
		pw := prepare(want[i])
		found := false
		for j := range got {
			if !used[j] && pw.matches(&pgot[j], m, surplus) {
				used[j], found = true, true
				break
			}
		}
		if !found {
			c := Comparison{Diff: fmt.Sprintf("expected row %s is not among the answer's rows", show(want[i]))}
			for j := range got {
				if !used[j] {
					c.Diff += "; first unpaired: " + show(got[j])
					break
				}
			}
			return c
		}
	}
	return Comparison{Match: true}
}

func rowMatch(want, got bson.D, m Match, surplus int) bool {
	pw, pg := prepare(want), prepare(got)
	return pw.matches(&pg, m, surplus)
}

// prepared is a row with its values written canonically once: the pairing
// search compares each row with many.
type prepared struct {
	keys   []string
	vals   []string // in field order
	sorted []string // vals sorted, for the multiset test
}

func prepare(r bson.D) prepared {
	p := prepared{keys: make([]string, len(r)), vals: make([]string, len(r))}
	for i, e := range r {
		p.keys[i], p.vals[i] = e.Key, canon(e.Value)
	}
	p.sorted = slices.Clone(p.vals)
	slices.Sort(p.sorted)
	return p
}

// matches reports whether got has want's values, by name or as a
// multiset, and at most surplus fields more.
func (want *prepared) matches(got *prepared, m Match, surplus int) bool {
	if len(got.vals) < len(want.vals) || len(got.vals)-len(want.vals) > surplus {
		return false
	}
	if m == MatchValues {
		// want.sorted must be a sub-multiset of got.sorted: one merge.
		j := 0
		for _, v := range want.sorted {
			for j < len(got.sorted) && got.sorted[j] < v {
				j++
			}
			if j == len(got.sorted) || got.sorted[j] != v {
				return false
			}
			j++
		}
		return true
	}
	for i, k := range want.keys {
		at := slices.Index(got.keys, k)
		if at < 0 || got.vals[at] != want.vals[i] {
			return false
		}
	}
	return true
}

// rowKey is a row's canonical form: equal rows, and only they, share it.
func rowKey(r bson.D, m Match) string {
	parts := make([]string, len(r))
	for i, e := range r {
		if m == MatchValues {
			parts[i] = canon(e.Value)
		} else {
			parts[i] = strconv.Quote(e.Key) + ":" + canon(e.Value)
		}
	}
	slices.Sort(parts)
	return strings.Join(parts, ",")
}

// canon writes a value so that values equal by comparison, and only they,
// are written alike.
func canon(v any) string {
	var b strings.Builder
	writeCanon(&b, v)
	return b.String()
}

func writeCanon(b *strings.Builder, v any) {
	switch v := v.(type) {
	case nil:
		b.WriteString("null")
	case int32:
		writeNumber(b, float64(v))
	case int64:
		writeNumber(b, float64(v))
	case float64:
		writeNumber(b, v)
	case bson.Decimal128:
		f, err := strconv.ParseFloat(v.String(), 64)
		if err != nil {
			b.WriteString("decimal:" + v.String())
			return
		}
		writeNumber(b, f)
	case string:
		b.WriteString(strconv.Quote(v))
	case bool:
		b.WriteString(strconv.FormatBool(v))
	case bson.DateTime:
		b.WriteString("date:" + strconv.FormatInt(int64(v), 10))
	case bson.ObjectID:
		b.WriteString("oid:" + v.Hex())
	case bson.D:
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = strconv.Quote(e.Key) + ":" + canon(e.Value)
		}
		slices.Sort(parts)
		b.WriteString("{" + strings.Join(parts, ",") + "}")
	case bson.A:
		b.WriteString("[")
		for i, e := range v {
			if i > 0 {
				b.WriteString(",")
			}
			writeCanon(b, e)
		}
		b.WriteString("]")
	default:
		// Binary, regular expressions, timestamps…: their Extended JSON is
		// their value.
		j, err := bson.MarshalExtJSON(bson.D{{Key: "v", Value: v}}, true, false)
		if err != nil {
			fmt.Fprintf(b, "%T:%v", v, v)
			return
		}
		b.Write(j)
	}
}

func writeNumber(b *strings.Builder, f float64) {
	switch {
	case math.IsNaN(f):
		b.WriteString("NaN")
	case f == math.Trunc(f) && math.Abs(f) < 1e15:
		b.WriteString(strconv.FormatInt(int64(f), 10))
	default:
		b.WriteString(strconv.FormatFloat(f, 'g', 12, 64))
	}
}

// show writes a row for a message, in relaxed Extended JSON, cut short.
func show(r bson.D) string {
	j, err := bson.MarshalExtJSON(r, false, false)
	s := string(j)
	if err != nil {
		s = fmt.Sprint(r)
	}
	if r := []rune(s); len(r) > 200 {
		s = string(r[:197]) + "..."
	}
	return s
}

// NonEmpty reports whether a result holds something: a row, other than a
// count of zero or rows with no fields at all.
func NonEmpty(rows []bson.D, counted bool) bool {
	if counted && len(rows) == 1 && len(rows[0]) == 1 && canon(rows[0][0].Value) == "0" {
		return false
	}
	for _, r := range rows {
		if len(r) > 0 {
			return true
		}
	}
	return false
}

// Reasonable reports whether a non-empty result has no null or empty
// string among the top-level values of its rows.
func Reasonable(rows []bson.D, counted bool) bool {
	if !NonEmpty(rows, counted) {
		return false
	}
	for _, r := range rows {
		for _, e := range r {
			if e.Value == nil || e.Value == "" {
				return false
			}
		}
	}
	return true
}
