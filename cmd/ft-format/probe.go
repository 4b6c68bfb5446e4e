package main

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/ft-tools/ft/cmd/internal/cli"
	"github.com/ft-tools/ft/cmd/internal/fieldpath"
)

// probeRecords is how many records a named field may be missing from
// before the name, not the data, is taken to be wrong.
const probeRecords = 10

// probe watches the first records for the fields named by flags. A field
// that none of them has is a mistyped name: one line that says so, and what
// the records do have, beats one missing_field line per record.
type probe struct {
	fields  []probeField // named fields not seen yet
	records int          // records looked at
	file    string       // where the first record came from
	keys    []string     // the fields the records have where the named one is missing
	held    []error      // diagnostics held back until the names are known to be right
}

type probeField struct {
	flag string
	path fieldpath.Path
	miss *fieldpath.Error
}

func newProbe(fields []probeField) *probe {
	if len(fields) == 0 {
		return nil
	}
	return &probe{fields: fields}
}

// look checks one well-formed record. It returns done once every named
// field has been seen, and an error once probeRecords records lack one.
func (p *probe) look(file string, raw []byte) (done bool, err error) {
	if p.records == 0 {
		p.file = file
	}
	p.records++
	left := p.fields[:0]
	for _, f := range p.fields {
		_, _, err := fieldpath.Lookup(raw, f.path)
		var le *fieldpath.Error
		if errors.As(err, &le) && le.Missing {
			f.miss = le
			for _, k := range le.Keys {
				if !slices.Contains(p.keys, k) {
					p.keys = append(p.keys, k)
				}
			}
			left = append(left, f)
		}
	}
	p.fields = left
	if len(p.fields) == 0 {
		return true, nil
	}
	if p.records == probeRecords {
		return false, p.err()
	}
	return false, nil
}

// err says which named field the records lack, which fields they have,
// and the one that was probably meant.
func (p *probe) err() error {
	f := p.fields[0]
	what := f.miss.Err.Error() // a missing array index: "index 3 is past the end …"
	if f.miss.Key != "" {
		what = fmt.Sprintf("the field %q", f.miss.Key)
		if f.miss.Where != f.miss.Key {
			what += " (at " + f.miss.Where + ")"
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s %s: ", p.file, f.flag, f.path)
	switch {
	case p.records == 1:
		fmt.Fprintf(&b, "the record lacks %s", what)
	case p.records < probeRecords:
		fmt.Fprintf(&b, "none of the %d records has %s", p.records, what)
	default:
		fmt.Fprintf(&b, "none of the first %d records has %s", p.records, what)
	}
	if len(p.keys) > 0 {
		slices.Sort(p.keys)
		they := "they have"
		if p.records == 1 {
			they = "it has"
		}
		fmt.Fprintf(&b, "; %s %s", they, strings.Join(p.keys, ", "))
		if s := cli.Closest(f.miss.Key, p.keys); s != "" {
			fmt.Fprintf(&b, "; did you mean %q?", s)
		}
	}
	return cli.Errorf(cli.ExitDataError, "%s", b.String())
}
