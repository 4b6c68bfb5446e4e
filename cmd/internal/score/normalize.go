package score

import (
	"slices"
	"strings"
)

// normalize rewrites a query in canonical JSON (mongoquery's ToJSON) into
// the one form of each meaning that the rules allow, so that two queries
// are equivalent when their normal forms are equal. It changes only what
// MongoDB ignores: the key order of filters and of the query's own fields,
// {f: {$eq: v}} for {f: v}, and a top-level $and of disjoint fields.
func normalize(q *value) *value {
	if q.kind != 'o' {
		return q
	}
	q.set = true // type, collection, filter, sort, limit: named, not ordered
	// A count or distinct without a filter takes every document, as one
	// with {} does (ToJSON gives find and findOne their {} already).
	if t := q.get("type"); t != nil && t.kind == 's' && q.get("filter") == nil {
		switch t.text {
		case "count", "countDocuments", "distinct":
			q.keys = append(q.keys, "filter")
			q.vals = append(q.vals, &value{kind: 'o'})
		}
	}
	// An empty projection returns whole documents, as none does.
	if p := q.get("projection"); p != nil && p.kind == 'o' && len(p.keys) == 0 {
		i := slices.Index(q.keys, "projection")
		q.keys = slices.Delete(q.keys, i, i+1)
		q.vals = slices.Delete(q.vals, i, i+1)
	}
	for i, k := range q.keys {
		switch k {
		case "filter":
			q.vals[i] = normFilter(q.vals[i])
		case "pipeline":
			normPipeline(q.vals[i])
		}
	}
	return q
}

func normPipeline(p *value) {
	if p == nil || p.kind != 'a' {
		return
	}
	for _, st := range p.vals {
		name, body, ok := st.single()
		if !ok {
			continue
		}
		switch name {
		case "$match":
			st.vals[0] = normFilter(body)
		case "$lookup", "$unionWith":
			normPipeline(body.get("pipeline"))
		case "$facet":
			if body.kind == 'o' {
				for _, sub := range body.vals {
					normPipeline(sub)
				}
			}
		}
	}
}

// normFilter normalizes a query filter document.
func normFilter(f *value) *value {
	if f == nil || f.kind != 'o' {
		return f
	}
	f = flattenAnd(f)
	f.set = true
	for i, k := range f.keys {
		switch {
		case k == "$and" || k == "$or" || k == "$nor":
			if arr := f.vals[i]; arr.kind == 'a' {
				for j, el := range arr.vals {
					arr.vals[j] = normFilter(el)
				}
			}
		case strings.HasPrefix(k, "$"):
			// $expr, $text, $where, $jsonSchema: not field conditions.
		default:
			f.vals[i] = normCond(f.vals[i])
		}
	}
	return f
}

// normCond normalizes the condition on one field: a value it must equal, or
// an operator document.
func normCond(c *value) *value {
	if !c.operatorDoc() || c.extLiteral() {
		return c
	}
	if k, v, _ := c.single(); k == "$eq" && eqUnwrappable(v) {
		return v
	}
	return normOps(c)
}

// normOps normalizes an operator document where it must stay one: under
// $not or $elemMatch, {$eq: 5} is not 5, which MongoDB would refuse or
// read otherwise.
func normOps(c *value) *value {
	if !c.operatorDoc() || c.extLiteral() {
		return c
	}
	c.set = true
	for i, k := range c.keys {
		switch k {
		case "$not":
			c.vals[i] = normOps(c.vals[i])
		case "$elemMatch":
			if c.vals[i].operatorDoc() {
				c.vals[i] = normOps(c.vals[i])
			} else {
				c.vals[i] = normFilter(c.vals[i])
			}
		}
	}
	return c
}

// eqUnwrappable reports whether {f: {$eq: v}} means {f: v}. It does not
// when v is an operator document, which would then be read as operators,
// nor when v is a regular expression: {$eq: /a/} matches only a stored
// regular expression, while {f: /a/} matches the strings it matches.
func eqUnwrappable(v *value) bool {
	if v.kind != 'o' {
		return true
	}
	if v.extLiteral() {
		return true
	}
	for _, k := range v.keys {
		if strings.HasPrefix(k, "$") {
			return false
		}
	}
	return true
}

// flattenAnd merges the elements of a top-level $and into the filter when
// no field occurs twice: {$and: [{a: 1}, {b: 2}]} is {a: 1, b: 2}. When a
// field repeats, the $and stays, as merging would make one condition
// replace the other.
func flattenAnd(f *value) *value {
	for {
		idx := -1
		for i, k := range f.keys {
			if k == "$and" {
				idx = i
				break
			}
		}
		if idx < 0 {
			return f
		}
		arr := f.vals[idx]
		if arr.kind != 'a' || len(arr.vals) == 0 {
			return f
		}
		seen := map[string]bool{}
		for i, k := range f.keys {
			if i != idx {
				seen[k] = true
			}
		}
		for _, el := range arr.vals {
			if el.kind != 'o' {
				return f
			}
			for _, k := range el.keys {
				if seen[k] {
					return f
				}
				seen[k] = true
			}
		}
		out := &value{kind: 'o'}
		for i, k := range f.keys {
			if i == idx {
				for _, el := range arr.vals {
					out.keys = append(out.keys, el.keys...)
					out.vals = append(out.vals, el.vals...)
				}
				continue
			}
			out.keys = append(out.keys, k)
			out.vals = append(out.vals, f.vals[i])
		}
		f = out
	}
}
