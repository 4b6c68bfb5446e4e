package cli

import (
	"io"
	"strings"
)

// The completion scripts are static: everything they offer (flags, enum
// values, model names) is known when the binary is built, so completing
// costs the shell no run of the tool.

func (t tool) funcName() string {
	return "_" + strings.NewReplacer("-", "_", ".", "_").Replace(t.name)
}

func (t tool) argsComplete() string {
	for _, a := range t.args {
		if a.complete != completeNone {
			return a.complete
		}
	}
	return completeNone
}

// bash writes a script for `source` or bash-completion's completions
// directory. '=' is a word break in bash, so --format=ch arrives as three
// words; the script reads the flag from before the '='.
func (t tool) bash(w io.Writer) error {
	e := &errWriter{w: w}
	fn := t.funcName()
	e.printf("# bash completion for %s; made by %s --completion bash\n", t.name, t.name)
	e.printf("%s() {\n", fn)
	e.printf("    local cur=${COMP_WORDS[COMP_CWORD]} prev=\n")
	e.printf("    (( COMP_CWORD > 0 )) && prev=${COMP_WORDS[COMP_CWORD-1]}\n")
	e.printf("    if [[ $cur == = ]]; then\n        cur=\n    elif [[ $prev == = ]] && (( COMP_CWORD > 1 )); then\n        prev=${COMP_WORDS[COMP_CWORD-2]}\n    fi\n")
	e.printf("    case $prev in\n")
	byKind := map[string][]string{}
	var kinds []string
	for _, f := range t.flags {
		if f.value == "" {
			continue
		}
		names := []string{"--" + f.long}
		for _, a := range f.aliases {
			names = append(names, "--"+a)
		}
		if f.short != "" {
			names = append(names, "-"+f.short)
		}
		if vs := f.values(); len(vs) > 0 {
			e.printf("        %s)\n            COMPREPLY=($(compgen -W %s -- \"$cur\"))\n            return ;;\n",
				strings.Join(names, "|"), shQuote(strings.Join(vs, " ")))
			continue
		}
		if _, ok := byKind[f.complete]; !ok {
			kinds = append(kinds, f.complete)
		}
		byKind[f.complete] = append(byKind[f.complete], names...)
	}
	for _, k := range kinds {
		e.printf("        %s)\n", strings.Join(byKind[k], "|"))
		switch k {
		case completeFile:
			e.printf("            compopt -o filenames 2>/dev/null\n            COMPREPLY=($(compgen -f -- \"$cur\"))\n")
		case completeDir:
			e.printf("            compopt -o filenames 2>/dev/null\n            COMPREPLY=($(compgen -d -- \"$cur\"))\n")
		default:
			e.printf("            COMPREPLY=()\n")
		}
		e.printf("            return ;;\n")
	}
	e.printf("    esac\n")
	var all []string
	for _, f := range t.flags {
		all = append(all, "--"+f.long)
		for _, a := range f.aliases {
			all = append(all, "--"+a)
		}
	}
	e.printf("    if [[ $cur == -* ]]; then\n        COMPREPLY=($(compgen -W %s -- \"$cur\"))\n        return\n    fi\n", shQuote(strings.Join(all, " ")))
	switch t.argsComplete() {
	case completeFile:
		e.printf("    compopt -o filenames 2>/dev/null\n    COMPREPLY=($(compgen -f -- \"$cur\"))\n")
	default:
		e.printf("    COMPREPLY=()\n")
	}
	e.printf("}\ncomplete -F %s %s\n", fn, t.name)
	return e.err
}

// zsh writes a script that works both from a directory in $fpath (as the
// file _ft-tool) and through `source <(ft-tool --completion zsh)`.
func (t tool) zsh(w io.Writer) error {
	e := &errWriter{w: w}
	fn := t.funcName()
	e.printf("#compdef %s\n# zsh completion for %s; made by %s --completion zsh\n", t.name, t.name, t.name)
	e.printf("%s() {\n    _arguments -s -S \\\n", fn)
	for _, f := range t.flags {
		desc := zshEscape(firstSentence(f.help))
		action := ""
		if f.value != "" {
			action = ":" + zshEscape(f.value) + ":"
			switch f.complete {
			case completeFile:
				action += "_files"
			case completeDir:
				action += "_files -/"
			default:
				if vs := f.values(); len(vs) > 0 {
					var quoted []string
					for _, v := range vs {
						quoted = append(quoted, zshValue(v))
					}
					action += "(" + strings.Join(quoted, " ") + ")"
				} else {
					action += " "
				}
			}
		}
		rep := ""
		if f.repeatable {
			rep = "*"
		}
		eq := ""
		if f.value != "" {
			eq = "="
		}
		names := []string{"--" + f.long}
		for _, a := range f.aliases {
			names = append(names, "--"+a)
		}
		if f.short != "" {
			names = append(names, "-"+f.short)
		}
		for _, n := range names {
			e.printf("        %s \\\n", shQuote(rep+n+eq+"["+desc+"]"+action))
		}
	}
	switch t.argsComplete() {
	case completeFile:
		e.printf("        '*:file:_files'\n")
	default:
		e.printf("        '*: :'\n")
	}
	e.printf("}\n")
	e.printf("if [[ $funcstack[1] == _%s ]]; then\n    %s \"$@\"\nelse\n    compdef %s %s\nfi\n", t.name, fn, fn, t.name)
	return e.err
}

// fish writes a script for `source` or ~/.config/fish/completions/.
func (t tool) fish(w io.Writer) error {
	e := &errWriter{w: w}
	e.printf("# fish completion for %s; made by %s --completion fish\n", t.name, t.name)
	if t.argsComplete() != completeFile {
		e.printf("complete -c %s -f\n", t.name)
	}
	for _, f := range t.flags {
		names := []string{"--" + f.long}
		names = append(names, prefixAll("--", f.aliases)...)
		for _, n := range names {
			e.printf("complete -c %s -l %s", t.name, strings.TrimPrefix(n, "--"))
			if f.short != "" && n == "--"+f.long {
				e.printf(" -s %s", f.short)
			}
			if f.value != "" {
				switch f.complete {
				case completeFile:
					e.printf(" -r -F")
				case completeDir:
					e.printf(" -x -a %s", fishQuote("(__fish_complete_directories)"))
				default:
					e.printf(" -x")
					if vs := f.values(); len(vs) > 0 {
						e.printf(" -a %s", fishQuote(strings.Join(vs, " ")))
					}
				}
			}
			e.printf(" -d %s\n", fishQuote(firstSentence(f.help)))
		}
	}
	return e.err
}

func prefixAll(p string, ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = p + s
	}
	return out
}

// firstSentence keeps a completion menu to one line per flag.
func firstSentence(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if i := strings.Index(s, ". "); i >= 0 {
		s = s[:i+1]
	}
	return s
}

func shQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, "'", `\'`).Replace(s) + "'"
}

// zshValue protects a value in an _arguments (a b c) list, such as a CSV
// separator (; or |).
func zshValue(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`\()|; :'"$`+"`", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// zshEscape protects the characters _arguments gives a meaning inside a
// description or a message.
func zshEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, "[", `\[`, "]", `\]`, ":", `\:`).Replace(s)
}
