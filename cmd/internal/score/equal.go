package score

import (
	"fmt"
	"math/big"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// differ returns "" when the normalized answer a equals the normalized
// expected query e, or the first difference found, at its path.
func differ(e, a *value, path string) string {
	e, a = plainNumber(e), plainNumber(a)
	if sameInstant(e, a) {
		return ""
	}
	if e.kind != a.kind {
		if e.kind == 'n' && a.kind == 's' {
			return fmt.Sprintf("%s: the string %s where the number %s is expected", orTop(path), short(a), short(e))
		}
		if e.kind == 's' && a.kind == 'n' {
			return fmt.Sprintf("%s: the number %s where the string %s is expected", orTop(path), short(a), short(e))
		}
		return fmt.Sprintf("%s: %s %s, expected %s %s", orTop(path), kindName(a.kind), short(a), kindName(e.kind), short(e))
	}
	switch e.kind {
	case 'n':
		if !sameNumber(e.text, a.text) {
			return fmt.Sprintf("%s: %s, expected %s", orTop(path), short(a), short(e))
		}
	case 's', 'b':
		if e.text != a.text {
			return fmt.Sprintf("%s: %s, expected %s", orTop(path), short(a), short(e))
		}
	case 'a':
		if strings.HasSuffix(path, "pipeline") {
			if r := stageOrder(e, a, path); r != "" {
				return r
			}
		}
		if len(e.vals) != len(a.vals) {
			return fmt.Sprintf("%s: %d elements, expected %d", orTop(path), len(a.vals), len(e.vals))
		}
		for i := range e.vals {
			if r := differ(e.vals[i], a.vals[i], fmt.Sprintf("%s[%d]", path, i)); r != "" {
				return r
			}
		}
	case 'o':
		return differObject(e, a, path)
	}
	return ""
}

func differObject(e, a *value, path string) string {
	var missing, extra []string
	for _, k := range e.keys {
		if a.get(k) == nil {
			missing = append(missing, strconv.Quote(k))
		}
	}
	for _, k := range a.keys {
		if e.get(k) == nil {
			extra = append(extra, strconv.Quote(k))
		}
	}
	switch {
	case missing != nil && extra != nil:
		return fmt.Sprintf("%s: %s where the expected query has %s", orTop(path), strings.Join(extra, ", "), strings.Join(missing, ", "))
	case missing != nil:
		return fmt.Sprintf("%s: no %s, which the expected query has", orTop(path), strings.Join(missing, ", "))
	case extra != nil:
		return fmt.Sprintf("%s: %s, which the expected query does not have", orTop(path), strings.Join(extra, ", "))
	}
	// Both are sets only when the rules say order is free; a $sort, a
	// projection or an embedded document keeps its order.
	if !(e.set && a.set) && !slices.Equal(e.keys, a.keys) {
		return fmt.Sprintf("%s: keys in the order %s, expected %s (order matters here)", orTop(path), strings.Join(a.keys, ", "), strings.Join(e.keys, ", "))
	}
	for i, k := range e.keys {
		if r := differ(e.vals[i], a.get(k), join(path, k)); r != "" {
			return r
		}
	}
	return ""
}

// stageOrder explains a pipeline whose stages are the same but not in the
// same order, or whose stages differ in number.
func stageOrder(e, a *value, path string) string {
	en, an := stageNames(e), stageNames(a)
	if slices.Equal(en, an) {
		return ""
	}
	if len(en) != len(an) {
		return fmt.Sprintf("%s: %d stages (%s), expected %d (%s)", path, len(an), strings.Join(an, ", "), len(en), strings.Join(en, ", "))
	}
	se, sa := slices.Clone(en), slices.Clone(an)
	slices.Sort(se)
	slices.Sort(sa)
	if slices.Equal(se, sa) {
		return fmt.Sprintf("%s: stages in the order %s, expected %s (order matters)", path, strings.Join(an, ", "), strings.Join(en, ", "))
	}
	for i := range en {
		if en[i] != an[i] {
			return fmt.Sprintf("%s[%d]: stage %s, expected %s", path, i, an[i], en[i])
		}
	}
	return ""
}

func stageNames(p *value) []string {
	names := make([]string, len(p.vals))
	for i, st := range p.vals {
		if k, _, ok := st.single(); ok {
			names[i] = k
		} else {
			names[i] = "?"
		}
	}
	return names
}

var plainKey = regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_$]*$`)

// join extends a path by a key, in JavaScript's notation: filter.status,
// filter["address.city"].
func join(path, key string) string {
	if plainKey.MatchString(key) {
		if path == "" {
			return key
		}
		return path + "." + key
	}
	return fmt.Sprintf("%s[%q]", path, key)
}

func orTop(path string) string {
	if path == "" {
		return "query"
	}
	return path
}

// maxShown bounds a value quoted in a reason or a diff.
const maxShown = 200

// short writes v as JSON, cut to maxShown bytes (at a character boundary)
// with "…" after.
func short(v *value) string {
	s := v.String()
	if len(s) <= maxShown {
		return s
	}
	cut := maxShown
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// plainNumber reads an Extended JSON number ({"$numberLong": "5"}, as
// NumberLong(5) is written) as the number it holds: MongoDB compares
// numbers by value whatever their BSON types, so it matches as 5 does.
// Infinity and NaN stay wrapped.
func plainNumber(v *value) *value {
	k, n, ok := v.single()
	if !ok || n.kind != 's' {
		return v
	}
	switch k {
	case "$numberInt", "$numberLong", "$numberDouble", "$numberDecimal":
		if _, ok := new(big.Rat).SetString(n.text); ok {
			return &value{kind: 'n', text: n.text}
		}
	}
	return v
}

// sameInstant reports whether e and a are dates ({"$date": "…"}, as
// ISODate("…") is written) of the same instant in two spellings:
// 2024-01-01, 2024-01-01T00:00:00Z and 2024-01-01T00:00:00.000Z are one.
// A time without a zone is left to the text, as new Date() would read it
// in local time.
func sameInstant(e, a *value) bool {
	te, ok1 := dateOf(e)
	ta, ok2 := dateOf(a)
	return ok1 && ok2 && te.Equal(ta)
}

func dateOf(v *value) (time.Time, bool) {
	k, s, ok := v.single()
	if !ok || k != "$date" || s.kind != 's' {
		return time.Time{}, false
	}
	for _, layout := range []string{time.RFC3339Nano, time.DateOnly} {
		if t, err := time.Parse(layout, s.text); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
