package score

import (
	"fmt"
	"strings"
)

// Diff says where an answer departs from the expected query. Each list
// holds what one side has and the other lacks, counted with repetition,
// with the path of each in its own query.
type Diff struct {
	Collection *Change `json:"collection,omitempty"`
	Operation  *Change `json:"operation,omitempty"`
	Stages     *Delta  `json:"stages,omitempty"`
	Operators  *Delta  `json:"operators,omitempty"`
	Fields     *Delta  `json:"fields,omitempty"`
	// Values are the values that differ where both queries have the same
	// path: a value, a sort direction, a string for a number.
	Values []ValueChange `json:"values,omitempty"`
}

// ValueChange is a value at one path of both queries, written as JSON.
type ValueChange struct {
	Path     string `json:"path"`
	Expected string `json:"expected"`
	Answer   string `json:"answer"`
}

// Change is a name that differs.
type Change struct {
	Expected string `json:"expected"`
	Answer   string `json:"answer"`
}

// Delta lists the names the answer lacks and those it adds.
type Delta struct {
	Missing []Item `json:"missing,omitempty"`
	Extra   []Item `json:"extra,omitempty"`
}

// Item is one stage, operator or field, and where it is.
type Item struct {
	Name string `json:"name"`
	Path string `json:"path"`
}

// Empty reports whether the diff found nothing: the queries differ only in
// values or order, which the reason then tells.
func (d *Diff) Empty() bool {
	return d.Collection == nil && d.Operation == nil && d.Stages == nil && d.Operators == nil && d.Fields == nil && d.Values == nil
}

type parts struct{ stages, operators, fields []Item }

func diff(e, a *value) *Diff {
	d := new(Diff)
	if ec, ac := str(e.get("collection")), str(a.get("collection")); ec != ac {
		d.Collection = &Change{ec, ac}
	}
	if et, at := str(e.get("type")), str(a.get("type")); et != at {
		d.Operation = &Change{et, at}
	}
	var pe, pa parts
	pe.walk(e, "", false)
	pa.walk(a, "", false)
	d.Stages = delta(pe.stages, pa.stages)
	d.Operators = delta(pe.operators, pa.operators)
	d.Fields = delta(pe.fields, pa.fields)
	d.Values = changedValues(e, a, "", nil)
	return d
}

// maxValues bounds the values a diff lists: a query rewritten throughout
// differs everywhere, and the first few say where.
const maxValues = 20

// changedValues lists the leaves that differ at the paths both queries
// have; what only one has is in the stages, operators and fields.
func changedValues(e, a *value, path string, out []ValueChange) []ValueChange {
	if len(out) >= maxValues {
		return out
	}
	switch {
	case e.kind == 'o' && a.kind == 'o':
		for i, k := range e.keys {
			if path == "" && (k == "type" || k == "collection") {
				continue // the diff's collection and operation
			}
			if av := a.get(k); av != nil {
				out = changedValues(e.vals[i], av, join(path, k), out)
			}
		}
	case e.kind == 'a' && a.kind == 'a' && len(e.vals) == len(a.vals):
		for i := range e.vals {
			out = changedValues(e.vals[i], a.vals[i], fmt.Sprintf("%s[%d]", path, i), out)
		}
	case e.kind == 'a' && a.kind == 'a':
		// Arrays of other lengths do not line up; the stages and the
		// reason tell how they differ.
	case differ(e, a, path) != "":
		out = append(out, ValueChange{orTop(path), short(e), short(a)})
	}
	return out
}

func str(v *value) string {
	if v == nil || v.kind != 's' {
		return ""
	}
	return v.text
}

// walk collects the stages, operators and fields of a query. Keys of the
// query's own fields (type, filter, sort) are not fields of the documents.
func (p *parts) walk(v *value, path string, inDocs bool) {
	switch v.kind {
	case 'o':
		if v.extLiteral() {
			return
		}
		if k, _, ok := v.single(); ok && k == "$regularExpression" {
			return
		}
		for i, k := range v.keys {
			sub := join(path, k)
			switch {
			case !inDocs:
			case strings.HasPrefix(k, "$"):
				p.operators = append(p.operators, Item{k, sub})
			default:
				p.fields = append(p.fields, Item{k, sub})
			}
			if !inDocs && k == "pipeline" || inDocs && k == "pipeline" && v.vals[i].kind == 'a' {
				p.pipeline(v.vals[i], sub)
				continue
			}
			if !inDocs && (k == "type" || k == "collection") {
				continue
			}
			p.walk(v.vals[i], sub, true)
		}
	case 'a':
		for i, el := range v.vals {
			p.walk(el, fmt.Sprintf("%s[%d]", path, i), inDocs)
		}
	case 's':
		// A field path in an aggregation expression: "$amount".
		if inDocs && strings.HasPrefix(v.text, "$") && !strings.HasPrefix(v.text, "$$") && len(v.text) > 1 {
			p.fields = append(p.fields, Item{v.text[1:], path})
		}
	}
}

func (p *parts) pipeline(v *value, path string) {
	if v.kind != 'a' {
		p.walk(v, path, true)
		return
	}
	for i, st := range v.vals {
		sp := fmt.Sprintf("%s[%d]", path, i)
		name, body, ok := st.single()
		if !ok || !strings.HasPrefix(name, "$") {
			p.walk(st, sp, true)
			continue
		}
		p.stages = append(p.stages, Item{name, sp})
		sub := join(sp, name)
		if name == "$facet" && body.kind == 'o' {
			for j, k := range body.keys {
				p.pipeline(body.vals[j], join(sub, k))
			}
			continue
		}
		p.walk(body, sub, true)
	}
}

// maxItems bounds each list of a diff, so that a huge answer does not make
// a huge line; the first ones say where the answer departs.
const maxItems = 50

// delta matches names with repetition: an answer with one $match fewer
// lacks one $match, whatever the paths.
func delta(e, a []Item) *Delta {
	left := map[string]int{}
	for _, it := range a {
		left[it.Name]++
	}
	d := new(Delta)
	for _, it := range e {
		if left[it.Name] > 0 {
			left[it.Name]--
			continue
		}
		if len(d.Missing) < maxItems {
			d.Missing = append(d.Missing, it)
		}
	}
	need := map[string]int{}
	for _, it := range e {
		need[it.Name]++
	}
	for _, it := range a {
		if need[it.Name] > 0 {
			need[it.Name]--
			continue
		}
		if len(d.Extra) < maxItems {
			d.Extra = append(d.Extra, it)
		}
	}
	if d.Missing == nil && d.Extra == nil {
		return nil
	}
	return d
}
