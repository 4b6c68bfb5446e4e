package cli

import (
	"fmt"
	"io"
	"strings"
)

// man writes the tool's page in man(7) macros, which both groff and mandoc
// render; version is the footer, and its date (when known) the page's date.
func (t tool) man(w io.Writer, version string) error {
	e := &errWriter{w: w}
	date := ""
	if i := strings.Index(version, "built "); i >= 0 {
		if d := version[i+len("built "):]; len(d) >= 10 && d[4] == '-' {
			date = d[:10]
		}
	}
	v, _, _ := strings.Cut(version, " ")
	e.printf(".TH %s 1 %s %s \"ft manual\"\n", strings.ToUpper(roffEscape(t.name)), roffQuote(date), roffQuote("ft "+v))
	summary, rest, _ := strings.Cut(t.help.Summary, "\n\n")
	e.printf(".SH NAME\n%s \\- %s\n", roffEscape(t.name), roffText(lowerFirst(strings.TrimSuffix(firstSentence(summary), "."))))
	e.printf(".SH SYNOPSIS\n.B %s\n.RI [ flags ]", roffEscape(t.name))
	for _, a := range t.args {
		dots := ""
		if a.repeatable {
			dots = " ..."
		}
		if a.optional {
			e.printf("\n.RI [ %s%s ]", strings.ToUpper(a.name), dots)
		} else {
			e.printf("\n.I %s%s", strings.ToUpper(a.name), dots)
		}
	}
	e.printf("\n.SH DESCRIPTION\n")
	e.printf("%s\n", roffText(summary))
	for _, p := range strings.Split(rest, "\n\n") {
		if strings.TrimSpace(p) != "" {
			e.printf(".PP\n%s\n", roffText(p))
		}
	}
	if len(t.args) > 0 {
		for _, a := range t.args {
			e.printf(".PP\n.I %s\n\\(em %s\n", strings.ToUpper(a.name), roffText(a.help))
		}
	}
	e.printf(".SH OPTIONS\n")
	for _, f := range t.flags {
		e.printf(".TP\n")
		var names []string
		if f.short != "" {
			names = append(names, `\fB\-`+roffEscape(f.short)+`\fR`)
		}
		names = append(names, `\fB\-\-`+roffEscape(f.long)+`\fR`)
		for _, a := range f.aliases {
			names = append(names, `\fB\-\-`+roffEscape(a)+`\fR`)
		}
		head := strings.Join(names, ", ")
		if f.value != "" {
			head += ` \fI` + roffEscape(f.value) + `\fR`
		}
		e.printf("%s\n%s\n", head, roffText(flagMeaning(f, true)))
	}
	e.printf(".SH EXIT STATUS\n")
	for _, c := range t.help.exits() {
		e.printf(".TP\n.B %d\n%s\n", c, roffText(exitMeaning(c)))
	}
	if len(t.help.Environment) > 0 {
		e.printf(".SH ENVIRONMENT\n")
		for _, env := range t.help.Environment {
			// "NAME  text": the name may itself hold one space
			// ("OPENAI_ORG_ID, OPENAI_PROJECT_ID  …"); two end it.
			env = strings.TrimSpace(env)
			name, text, ok := strings.Cut(env, "  ")
			if !ok {
				name, text, _ = strings.Cut(env, " ")
			}
			e.printf(".TP\n.B %s\n%s\n", roffEscape(name), roffText(strings.TrimSpace(text)))
		}
	}
	if len(t.help.Examples) > 0 {
		e.printf(".SH EXAMPLES\n")
		for _, x := range t.help.Examples {
			e.printf(".PP\n.RS 4\n.nf\n%s\n.fi\n.RE\n", roffLine(x))
		}
	}
	return e.err
}

// flagMeaning is a flag's help with, when asked, its choices, default and
// environment variable (which the README tables show in their own columns).
func flagMeaning(f flagDoc, withDefaults bool) string {
	s := strings.TrimSpace(f.help)
	var notes []string
	if withDefaults {
		if len(f.enum) > 0 {
			notes = append(notes, "one of "+strings.Join(f.enum, ", "))
		}
		if f.hasDef {
			notes = append(notes, "default "+f.def)
		}
		if len(f.envs) > 0 {
			notes = append(notes, "env "+strings.Join(f.envs, ", "))
		}
	}
	if f.repeatable && !strings.Contains(strings.ToLower(s), "repeatable") {
		notes = append(notes, "repeatable")
	}
	if len(notes) > 0 {
		s += " (" + strings.Join(notes, "; ") + ")"
	}
	return s
}

func lowerFirst(s string) string {
	if s == "" || (len(s) > 1 && s[1] >= 'A' && s[1] <= 'Z') {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// roffEscape makes text safe inside a roff line: backslashes, dashes (a
// bare '-' is a hyphen, not the minus of a flag), and non-ASCII characters,
// which groff reads as Latin-1 unless told otherwise.
func roffEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\e`)
		case r == '-':
			b.WriteString(`\-`)
		case r > 127:
			fmt.Fprintf(&b, `\[u%04X]`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// roffText is running text: its lines joined, and a line that would start
// with a control character ('.' or ') guarded.
func roffText(s string) string {
	return roffLine(strings.Join(strings.Fields(s), " "))
}

func roffLine(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		l = roffEscape(l)
		if strings.HasPrefix(l, ".") || strings.HasPrefix(l, "'") {
			l = `\&` + l
		}
		lines[i] = l
	}
	return strings.Join(lines, "\n")
}

func roffQuote(s string) string {
	return `"` + strings.ReplaceAll(roffEscape(s), `"`, `""`) + `"`
}
