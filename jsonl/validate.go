package jsonl

import (
	"fmt"
	"hash/maphash"
	"sort"
	"strings"
	"unicode/utf8"
)

// DefaultSpecialTokens are the special tokens of the cl100k_base and
// o200k_base encodings. OpenAI rejects training text that contains any of
// them, whatever the model's encoding: a gpt-4.1 file was refused for
// "<|fim_suffix|>", which o200k_base does not even define.
var DefaultSpecialTokens = []string{"<|endoftext|>", "<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>", "<|endofprompt|>"}

// Rules configure a Validator.
type Rules struct {
	// Format forces one format; FormatUnknown detects it from the file.
	Format Format
	// AnswerJSON requires every assistant answer (and legacy completion) to be JSON.
	AnswerJSON bool
	// Limit is the per-example token limit; 0 skips the check.
	Limit int
	// Model is named in the token-limit message.
	Model string
	// Count returns an example's token count and true when the count is at
	// most limit; past limit it may stop counting and return a number above
	// limit that is at most the count, and false. The caller injects it, so
	// that this package does not depend on a tokenizer. Nil skips the check.
	Count func(ex *Example, limit int) (n int, exact bool)
	// SpecialTokens are the strings that may not appear in training text;
	// nil means DefaultSpecialTokens.
	SpecialTokens []string
	// MinExamples is the fewest valid examples a file may have; 0 skips the
	// check. MinExamples(Validation) is what OpenAI enforces.
	MinExamples int
	// Validation says the file is a job's validation file, for the
	// too_few_examples message.
	Validation bool
	// Strict turns every warning into an error.
	Strict bool
	// Extra runs further checks on each example that passed every other
	// check (such as parsing its answers as database queries). The Validator
	// fills in the findings' file, line and, when empty, severity.
	Extra func(*Example) []Finding
}

// maxPrompts bounds how many distinct system prompts a Validator tracks to
// find the file's usual one.
const maxPrompts = 1024

// Validator checks the lines of one file. Memory stays flat except for one
// hash per example, used to find duplicates.
type Validator struct {
	rules Rules
	file  string

	format     Format // the file's format, once known
	formatLine int    // the line that set it; 0 when --format forced it

	seed maphash.Seed
	hash maphash.Hash
	seen map[uint64]int // example hash → first line

	lines, valid int

	prompts        map[uint64]*prompt
	withPrompt     int // valid examples with a system prompt
	untracked      int // of which had a prompt beyond maxPrompts
	untrackedFirst int
}

type prompt struct {
	text  string
	path  string
	count int
	lines []int // the first few
}

// NewValidator returns a Validator for the file named file (used in findings).
func NewValidator(rules Rules, file string) *Validator {
	if rules.SpecialTokens == nil {
		rules.SpecialTokens = DefaultSpecialTokens
	}
	v := &Validator{
		rules:   rules,
		file:    file,
		format:  rules.Format,
		seed:    maphash.MakeSeed(),
		seen:    make(map[uint64]int),
		prompts: make(map[uint64]*prompt),
	}
	v.hash.SetSeed(v.seed)
	return v
}

// Format returns the file's format: the forced one, the one detected so
// far, or FormatUnknown.
func (v *Validator) Format() Format { return v.format }

// Lines returns how many lines were checked; Valid how many had no error.
func (v *Validator) Lines() int { return v.lines }

// Valid returns how many checked lines had no error.
func (v *Validator) Valid() int { return v.valid }

// Skip counts a line that could not be checked at all (one too long to
// read), so that Lines still counts every line.
func (v *Validator) Skip() { v.lines++ }

// Line checks one line (without its line ending) and returns its findings,
// errors and warnings, in a stable order. The line is valid when none of
// them is an error.
func (v *Validator) Line(line int, raw []byte) []Finding {
	v.lines++
	c := v.check(line, raw)
	out := c.findings
	for i := range out {
		out[i].File, out[i].Line = v.file, line
		if v.rules.Strict {
			out[i].Severity = SeverityError
		}
	}
	if c.obj != nil {
		if first, dup := v.duplicate(raw, line); dup {
			out = append(out, v.finding(line, CodeDuplicateExample, "", fmt.Sprintf("same example as line %d", first)))
		}
	}
	if HasError(out) {
		return out
	}
	v.valid++
	if c.hasSystem {
		v.notePrompt(line, c.system, c.systemPath)
	}
	return out
}

// HasError reports whether any finding is an error.
func HasError(fs []Finding) bool {
	for _, f := range fs {
		if f.Severity == SeverityError {
			return true
		}
	}
	return false
}

func (v *Validator) finding(line int, code, path, msg string) Finding {
	sev := SeverityOf(code)
	if v.rules.Strict {
		sev = SeverityError
	}
	return Finding{File: v.file, Line: line, Severity: sev, Code: code, Path: path, Message: msg}
}

func (v *Validator) check(line int, raw []byte) *checker {
	c := &checker{rules: &v.rules}
	if !utf8.Valid(raw) {
		c.add(CodeInvalidUTF8, "", "byte %d is not valid UTF-8", firstInvalidUTF8(raw)+1)
		return c
	}
	var val any
	if err := unmarshal(raw, &val); err != nil {
		code, path, msg := DecodeProblem(err)
		c.add(code, path, "%s", msg)
		return c
	}
	obj, ok := val.(map[string]any)
	if !ok {
		c.add(CodeDataType, "", "the line is a JSON %s, not an object", kind(val))
		return c
	}
	c.obj = obj

	detected, why, sure := detect(obj)
	if v.format == FormatUnknown && detected != FormatUnknown {
		v.format, v.formatLine = detected, line
	}
	judge := v.format
	if judge == FormatUnknown {
		judge = FormatChat
	}
	if detected != FormatUnknown && detected != judge && (sure || family(detected) != family(judge)) {
		where := "--format " + string(v.rules.Format)
		if v.rules.Format == FormatUnknown {
			where = fmt.Sprintf("line %d", v.formatLine)
		}
		c.add(CodeFormatMixed, "", "a %s example (%s) in a %s file (format set by %s)", detected, why, judge, where)
		return c
	}
	c.format = judge
	c.example(obj)

	if c.errors == 0 && (v.mayExceed(raw) || v.rules.Extra != nil) {
		c.typed(raw, v.mayExceed(raw))
	}
	return c
}

// mayExceed reports whether the line is long enough that its token count
// could pass the limit. A token stands for at least one byte of text, and
// the JSON around each message, name and tool definition is longer than
// the tokens the count adds for them, so an example has fewer tokens than
// its line has bytes; half the limit leaves a wide margin. Short lines, the
// vast majority, are then never tokenized.
func (v *Validator) mayExceed(raw []byte) bool {
	return v.rules.Count != nil && v.rules.Limit > 0 && 2*len(raw) >= v.rules.Limit
}

// duplicate records the example's hash and returns the line of its first
// copy. Whitespace outside strings does not count.
func (v *Validator) duplicate(raw []byte, line int) (int, bool) {
	h := v.hashJSON(raw)
	if first, ok := v.seen[h]; ok {
		return first, true
	}
	v.seen[h] = line
	return 0, false
}

// hashJSON hashes a valid JSON text without the whitespace between its
// tokens, so that the same example written compactly or spaced out is one.
func (v *Validator) hashJSON(raw []byte) uint64 {
	v.hash.Reset()
	inString, escaped, start := false, false, 0
	for i, b := range raw {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case b == '\\':
				escaped = true
			case b == '"':
				inString = false
			}
		case b == '"':
			inString = true
		case b == ' ' || b == '\t' || b == '\n' || b == '\r':
			v.hash.Write(raw[start:i])
			start = i + 1
		}
	}
	v.hash.Write(raw[start:])
	return v.hash.Sum64()
}

func (v *Validator) notePrompt(line int, text, path string) {
	v.withPrompt++
	h := maphash.String(v.seed, text)
	p, ok := v.prompts[h]
	if !ok {
		if len(v.prompts) >= maxPrompts {
			if v.untracked == 0 {
				v.untrackedFirst = line
			}
			v.untracked++
			return
		}
		p = &prompt{text: truncate(text, 60), path: path}
		v.prompts[h] = p
	}
	p.count++
	if len(p.lines) < 3 {
		p.lines = append(p.lines, line)
	}
}

// The fewest examples OpenAI accepts in a file, by its part in a job. The
// fine-tuning guide asks for at least 10 training examples; for a
// validation file it sets no minimum, but an empty one is refused.
const (
	MinTrainingExamples   = 10
	MinValidationExamples = 1
)

// MinExamples is the one rule for how many examples a training or a
// validation file must have, used by ft-validate and ft-upload alike.
func MinExamples(validation bool) int {
	if validation {
		return MinValidationExamples
	}
	return MinTrainingExamples
}

// Finish returns the findings about the file as a whole, after its last
// line: too few examples, and system prompts that differ from the usual one.
//
// The usual system prompt is the one most valid examples share, provided it
// is more than half of those with a system prompt; a file with no such
// majority varies its prompt on purpose and gets no warning. Each other
// prompt is reported once, at its first line, with its count.
func (v *Validator) Finish() []Finding {
	var out []Finding
	if v.rules.MinExamples > 0 && v.valid < v.rules.MinExamples {
		kind := "training"
		if v.rules.Validation {
			kind = "validation"
		}
		out = append(out, v.finding(0, CodeTooFew, "", fmt.Sprintf("%d valid %s; a %s file needs at least %d",
			v.valid, plural(v.valid, "example"), kind, v.rules.MinExamples)))
	}
	var usual *prompt
	for _, p := range v.prompts {
		if usual == nil || p.count > usual.count || p.count == usual.count && p.lines[0] < usual.lines[0] {
			usual = p
		}
	}
	if usual == nil || usual.count*2 <= v.withPrompt || usual.count == v.withPrompt {
		return out
	}
	others := make([]*prompt, 0, len(v.prompts)-1)
	for _, p := range v.prompts {
		if p != usual {
			others = append(others, p)
		}
	}
	sort.Slice(others, func(i, j int) bool { return others[i].lines[0] < others[j].lines[0] })
	for _, p := range others {
		out = append(out, v.finding(p.lines[0], CodeSystemPromptDiffers, p.path,
			fmt.Sprintf("system prompt %q (%s) differs from the file's usual one %q (%d of %d examples, first at line %d)",
				p.text, countLines(p), usual.text, usual.count, v.withPrompt, usual.lines[0])))
	}
	if v.untracked > 0 {
		out = append(out, v.finding(v.untrackedFirst, CodeSystemPromptDiffers, "",
			fmt.Sprintf("%d more examples have system prompts other than the usual one %q (not listed: over %d distinct prompts)", v.untracked, usual.text, maxPrompts)))
	}
	return out
}

func countLines(p *prompt) string {
	s := make([]string, len(p.lines))
	for i, l := range p.lines {
		s[i] = fmt.Sprint(l)
	}
	more := ""
	if p.count > len(p.lines) {
		more = ", …"
	}
	return fmt.Sprintf("%d %s: line %s%s", p.count, plural(p.count, "example"), strings.Join(s, ", "), more)
}

func plural(n int, noun string) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
}
