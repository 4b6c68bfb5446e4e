package cli

import (
	"io"
	"strings"
)

// markdown writes the tool's own flags (not --help, --version and
// --completion, which every tool has) as a Markdown table.
func (t tool) markdown(w io.Writer) error {
	e := &errWriter{w: w}
	e.printf("| flag | default | meaning |\n|---|---|---|\n")
	for _, f := range t.flags {
		if f.common {
			continue
		}
		name := "`--" + f.long
		if f.value != "" {
			v := f.value
			if len(f.enum) > 0 {
				v = strings.Join(f.enum, "|")
			}
			name += " " + v
		}
		name += "`"
		if f.short != "" {
			name = "`-" + f.short + "`, " + name
		}
		for _, a := range f.aliases {
			name += ", `--" + a + "`"
		}
		var def []string
		for _, env := range f.envs {
			def = append(def, "`$"+env+"`")
		}
		if f.hasDef {
			def = append(def, "`"+f.def+"`")
		}
		e.printf("| %s | %s | %s |\n", mdCell(name), mdCell(strings.Join(def, ", else ")), mdCell(flagMeaning(f, false)))
	}
	return e.err
}

// mdCell keeps a cell on one line and its pipes from ending it.
func mdCell(s string) string {
	return strings.ReplaceAll(strings.Join(strings.Fields(s), " "), "|", `\|`)
}
