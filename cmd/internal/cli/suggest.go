package cli

import (
	"strings"

	"github.com/alecthomas/kong"
)

// suggest rewrites kong's "unknown flag X" error with a better guess than
// kong's own (which only knows prefixes and two typos): users come from
// Python scripts (--train-ratio, --train_output) and from tools where -v is
// --version.
func suggest(parser *kong.Kong, err error) string {
	msg := err.Error()
	const prefix = "unknown flag "
	if !strings.HasPrefix(msg, prefix) {
		return msg
	}
	unknown := strings.TrimPrefix(msg, prefix)
	if i := strings.IndexAny(unknown, ", "); i >= 0 {
		unknown = unknown[:i]
	}
	var names []string
	for _, group := range parser.Model.AllFlags(true) {
		for _, f := range group {
			names = append(names, f.Name)
			names = append(names, f.Aliases...)
		}
	}
	hint := closestFlag(unknown, names, len(parser.Model.Positional) > 0)
	if hint == "" {
		return prefix + unknown
	}
	return prefix + unknown + ", " + hint
}

// closestFlag returns "did you mean --x?" (or a note on file arguments) for
// the flag written as unknown, given the long names the tool has; "" when
// nothing is close.
func closestFlag(unknown string, names []string, takesFiles bool) string {
	word := strings.TrimLeft(unknown, "-")
	if i := strings.IndexByte(word, '='); i >= 0 {
		word = word[:i]
	}
	has := func(n string) bool {
		for _, m := range names {
			if m == n {
				return true
			}
		}
		return false
	}
	short := !strings.HasPrefix(unknown, "--") && len([]rune(word)) == 1
	if short {
		if (word == "v" || word == "V") && has("version") {
			return "did you mean --version?"
		}
		var starts []string
		for _, n := range names {
			if strings.HasPrefix(n, word) {
				starts = append(starts, n)
			}
		}
		return mean(starts)
	}
	norm := func(s string) string {
		return strings.NewReplacer("-", "", "_", "").Replace(strings.ToLower(s))
	}
	words := func(s string) []string {
		return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return r == '-' || r == '_' })
	}
	// A flag for the input is never another file flag (--input-file is
	// not --system-file), unless the tool has it by that name.
	if takesFiles && !has(word) {
		switch norm(word) {
		case "input", "inputs", "inputfile", "inputfiles", "infile":
			return "input files are arguments, not a flag"
		}
	}
	// Best by: the same name but for case, dashes and underscores; then a
	// small edit distance; then a name the flag begins (--val for
	// --validation-file); then the most words in common, a shared last word
	// counting extra (--train-ratio is a ratio).
	var best []string
	bestScore := 0
	uw := words(word)
	for _, n := range names {
		score := 0
		switch d := distance(norm(word), norm(n)); {
		case norm(word) == norm(n):
			score = 1000
		case d <= 2 || d <= len(n)/4:
			score = 500 - d
		case strings.HasPrefix(norm(n), norm(word)):
			score = 400
		default:
			nw := words(n)
			for _, a := range uw {
				for _, b := range nw {
					if a == b {
						score += 2
					}
				}
			}
			if score > 0 && uw[len(uw)-1] == nw[len(nw)-1] {
				score++
			}
		}
		switch {
		case score == 0 || score < bestScore:
		case score > bestScore:
			best, bestScore = []string{n}, score
		default:
			best = append(best, n)
		}
	}
	if len(best) == 0 && takesFiles {
		switch norm(word) {
		case "input", "inputs", "in", "file", "files", "inputfile", "train", "training", "trainfile":
			return "input files are arguments, not a flag"
		}
	}
	return mean(best)
}

func mean(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return "did you mean --" + names[0] + "?"
	}
	return "did you mean one of --" + strings.Join(names, ", --") + "?"
}
