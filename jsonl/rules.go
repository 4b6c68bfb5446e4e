package jsonl

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/goccy/go-json"
)

// checker holds the findings and the state of one line while its rules run.
// It works on the generic decode of the line (maps, slices, strings,
// float64, bool, nil), so that unknown keys and wrong types are seen.
type checker struct {
	rules    *Rules
	format   Format
	obj      map[string]any
	findings []Finding
	errors   int

	callIDs   map[string]string // tool call id → path of the call
	pending   []string          // ids of the calls not answered yet, in order
	tools     map[string]bool   // functions declared in tools; nil when undeclared
	functions map[string]bool   // functions declared in functions; nil when undeclared
	images    int

	hasSystem, hasUser, hasAssistant, trained bool
	badRole                                   bool // then the role checks of the example say nothing
	system, systemPath                        string
}

func (c *checker) add(code, path, format string, args ...any) {
	sev := SeverityOf(code)
	if sev == SeverityError {
		c.errors++
	}
	c.findings = append(c.findings, Finding{Severity: sev, Code: code, Path: path, Message: fmt.Sprintf(format, args...)})
}

// msgKind tells which rules a message follows.
type msgKind int

const (
	chatMessage msgKind = iota
	reinforcementMessage
	preferenceInput
	preferenceOutput
)

func rolesOf(k msgKind) []string {
	switch k {
	case reinforcementMessage:
		return []string{"developer", "user", "assistant", "tool"}
	case preferenceOutput:
		return []string{"assistant"}
	}
	return []string{"system", "user", "assistant", "tool", "function"}
}

// keysOf returns the keys a message of the role may have.
func keysOf(k msgKind, role string) []string {
	switch role {
	case "system", "user", "developer", "function":
		return []string{"role", "content", "name"}
	case "tool":
		// name is not in OpenAI's schema of a tool message, but the
		// cookbook's function-calling examples send it and the API accepts it.
		return []string{"role", "content", "tool_call_id", "name"}
	case "assistant":
		switch k {
		case chatMessage:
			return []string{"role", "content", "name", "refusal", "tool_calls", "function_call", "weight"}
		case reinforcementMessage:
			return []string{"role", "content", "name", "refusal", "tool_calls"}
		}
		return []string{"role", "content", "name", "refusal", "tool_calls", "function_call"}
	}
	return nil
}

func (c *checker) example(obj map[string]any) {
	switch c.format {
	case FormatPreference:
		c.preference(obj)
	case FormatCompletion:
		c.completion(obj)
	case FormatReinforcement:
		c.messagesExample(obj, reinforcementMessage)
	default:
		c.messagesExample(obj, chatMessage)
	}
}

func (c *checker) messagesExample(obj map[string]any, k msgKind) {
	if k == chatMessage {
		for _, key := range extraKeys(obj, chatKeys, MetadataKey) {
			c.add(CodeUnknownKey, key, "unknown key %q (a chat example has messages, tools, functions, parallel_tool_calls and metadata; only reinforcement examples may carry other keys)", key)
		}
		c.metadata(obj)
		if v, ok := obj["functions"]; ok {
			c.functions = c.functionList("functions", v)
		}
		if v, ok := obj["parallel_tool_calls"]; ok {
			c.boolean("parallel_tool_calls", v)
		}
	}
	if v, ok := obj["tools"]; ok {
		c.tools = c.toolList("tools", v)
	}
	if !c.messages("messages", obj["messages"], k) || c.badRole {
		c.imageCount()
		return
	}
	if k == chatMessage {
		switch {
		case !c.hasAssistant:
			c.add(CodeMissingAssistant, "messages", "the example has no assistant message to train on")
		case !c.trained:
			c.add(CodeNoTrainedAssistant, "messages", "every assistant message has weight 0, so nothing is trained on")
		}
		if !c.hasSystem {
			c.add(CodeMissingSystem, "messages", "the example has no system message")
		}
	}
	if !c.hasUser {
		c.add(CodeMissingUser, "messages", "the example has no user message")
	}
	c.imageCount()
}

// messages checks a list of messages and reports whether it was a non-empty list.
func (c *checker) messages(path string, v any, k msgKind) bool {
	list, ok := v.([]any)
	switch {
	case v == nil || ok && len(list) == 0:
		what := "empty"
		if _, present := c.lookup(path); !present {
			what = "absent"
		} else if v == nil {
			what = "null"
		}
		c.add(CodeMissingMessagesList, path, "the messages list is %s", what)
		return false
	case !ok:
		c.add(CodeInvalidType, path, "messages must be an array, not %s", describe(v))
		return false
	}
	for i, m := range list {
		c.message(index(path, i), m, k)
	}
	return true
}

// lookup finds a top-level or input-level key, to tell absent from null.
func (c *checker) lookup(path string) (any, bool) {
	obj := c.obj
	if rest, ok := strings.CutPrefix(path, "input."); ok {
		in, _ := obj["input"].(map[string]any)
		obj, path = in, rest
	}
	v, ok := obj[path]
	return v, ok
}

func (c *checker) message(path string, v any, k msgKind) {
	m, ok := v.(map[string]any)
	if !ok {
		c.add(CodeInvalidType, path, "a message must be an object, not %s", describe(v))
		c.badRole = true
		return
	}
	rv, ok := m["role"]
	if !ok {
		c.add(CodeMessageMissingKey, path+".role", "the message has no role")
		c.badRole = true
		return
	}
	role, _ := rv.(string)
	if !contains(rolesOf(k), role) {
		c.roleError(path+".role", rv, k)
		c.badRole = true
		return
	}
	if role != "tool" && len(c.pending) > 0 {
		for _, id := range c.pending {
			c.add(CodeUnansweredToolCall, c.callIDs[id]+".id", "tool call %s has no tool message answering it before %s", quote(id), path)
		}
		c.pending = c.pending[:0]
	}
	allowed := keysOf(k, role)
	for _, key := range extraKeys(m, allowed) {
		c.add(CodeMessageUnrecognized, path+"."+key, "%s", unrecognizedKey(k, role, key, allowed))
	}
	if n, ok := m["name"]; ok {
		c.str(path+".name", n)
	}
	calls := false
	if role == "assistant" {
		if _, ok := m["refusal"]; ok {
			c.nullableString(path+".refusal", m["refusal"])
		}
		if tc, ok := m["tool_calls"]; ok {
			calls = c.toolCalls(path+".tool_calls", tc) > 0
		}
		if fc, ok := m["function_call"]; ok && contains(allowed, "function_call") {
			c.call(path+".function_call", fc, c.functions, "functions")
			calls = true
		}
	}
	switch role {
	case "tool":
		c.toolCallID(path, m)
	case "function":
		if n, ok := m["name"]; !ok {
			c.add(CodeMessageMissingKey, path+".name", "a function message needs the name of the function")
		} else if s, ok := n.(string); ok {
			c.functionName(path+".name", s)
		}
	}
	text, hasText := c.content(path, m, role, calls)

	switch role {
	case "system":
		if !c.hasSystem {
			c.hasSystem, c.system, c.systemPath = true, text, path+".content"
		}
	case "user":
		c.hasUser = true
	case "assistant":
		c.hasAssistant = true
		w, hasWeight := m["weight"]
		if k == chatMessage && hasWeight {
			if f, ok := w.(float64); !ok || f != 0 && f != 1 {
				c.add(CodeInvalidWeight, path+".weight", "weight %s is not 0 or 1", describe(w))
			}
		}
		if !hasWeight || w != float64(0) {
			c.trained = true
		}
		if c.rules.AnswerJSON && hasText && !(calls && strings.TrimSpace(text) == "") {
			c.answerJSON(path+".content", text)
		}
	}
}

func (c *checker) roleError(path string, rv any, k msgKind) {
	roles := rolesOf(k)
	if k == preferenceOutput {
		if s, ok := rv.(string); ok && contains(rolesOf(chatMessage), s) {
			c.add(CodeInvalidPreference, path, "the output's role is %q; it must be an assistant message", s)
			return
		}
	}
	hint := ""
	switch {
	case rv == "developer":
		hint = ` ("developer" is for reinforcement files; chat files use "system")`
	case rv == "system":
		hint = ` (reinforcement files use "developer" for the system prompt)`
	}
	c.add(CodeUnrecognizedRole, path, "%s is not a role (want %s)%s", describe(rv), orList(roles), hint)
}

func unrecognizedKey(k msgKind, role, key string, allowed []string) string {
	if key == "weight" {
		if k == chatMessage {
			return `"weight" is only allowed on assistant messages`
		}
		return `"weight" is only used in supervised chat examples`
	}
	for _, other := range rolesOf(chatMessage) {
		if contains(keysOf(chatMessage, other), key) {
			return fmt.Sprintf("%q is not allowed on a %s message (want %s)", key, role, andList(allowed))
		}
	}
	return fmt.Sprintf("unknown key %q (want %s)", key, andList(allowed))
}

// content checks a message's content and returns its text (a string, or
// the text parts joined) and whether it had any.
func (c *checker) content(path string, m map[string]any, role string, calls bool) (string, bool) {
	cp := path + ".content"
	v, ok := m["content"]
	if !ok {
		if !(role == "assistant" && calls) {
			c.add(CodeMessageMissingKey, cp, "the %s message has no content", role)
		}
		return "", false
	}
	switch v := v.(type) {
	case nil:
		if !(role == "assistant" && calls) {
			c.add(CodeMissingContent, cp, "content is null (only an assistant message with tool_calls or function_call may omit it)")
		}
		return "", false
	case string:
		c.text(cp, v, role, calls)
		return v, true
	case []any:
		if len(v) == 0 {
			c.add(CodeMissingContent, cp, "content is an empty array")
			return "", false
		}
		return c.parts(cp, v, role, calls)
	default:
		c.add(CodeInvalidType, cp, "content must be a string or an array of parts, not %s", describe(v))
		return "", false
	}
}

func (c *checker) text(path, s, role string, calls bool) {
	if strings.TrimSpace(s) == "" {
		if !(role == "assistant" && calls) {
			c.add(CodeEmptyContent, path, "the %s turn's text is %s", role, emptyOrBlank(s))
		}
		return
	}
	c.special(path, s)
	if role == "assistant" && strings.TrimSpace(s) != s {
		c.add(CodeAssistantWhitespace, path, "the answer %s whitespace: %s", edges(s), quote(s))
	}
}

func (c *checker) parts(path string, list []any, role string, calls bool) (string, bool) {
	var texts []string
	for i, v := range list {
		pp := index(path, i)
		p, ok := v.(map[string]any)
		if !ok {
			c.add(CodeInvalidType, pp, "a content part must be an object, not %s", describe(v))
			continue
		}
		tv, ok := p["type"]
		if !ok {
			c.add(CodeMissingKey, pp+".type", "the content part has no type")
			continue
		}
		typ, _ := tv.(string)
		switch typ {
		case "text":
			c.unknownKeys(pp, p, "type", "text")
			t, ok := p["text"]
			if !ok {
				c.add(CodeMissingKey, pp+".text", "the text part has no text")
				continue
			}
			if s, ok := c.str(pp+".text", t); ok {
				c.text(pp+".text", s, role, calls)
				texts = append(texts, s)
			}
		case "image_url":
			c.unknownKeys(pp, p, "type", "image_url")
			c.images++
			switch {
			case c.format == FormatPreference:
				c.add(CodeImageNotAllowed, pp, "preference examples are text only")
			case role != "user":
				c.add(CodeImageNotAllowed, pp, "images are only allowed in user messages, not in a %s message", role)
			}
			c.image(pp+".image_url", p)
		default:
			c.add(CodeInvalidPartType, pp+".type", "content part type %s cannot be trained on (want \"text\", or \"image_url\" in a user message)", describe(tv))
		}
	}
	return strings.Join(texts, ""), len(texts) > 0
}

func (c *checker) image(path string, p map[string]any) {
	v, ok := p["image_url"]
	if !ok {
		c.add(CodeMissingKey, path, "the image part has no image_url")
		return
	}
	img, ok := v.(map[string]any)
	if !ok {
		c.add(CodeInvalidType, path, "image_url must be an object {\"url\": …}, not %s", describe(v))
		return
	}
	c.unknownKeys(path, img, "url", "detail")
	if u, ok := img["url"]; !ok {
		c.add(CodeMissingKey, path+".url", "the image has no url")
	} else if s, ok := c.str(path+".url", u); ok && !imageURL(s) {
		c.add(CodeInvalidImageURL, path+".url", "%s is neither an http(s) URL nor a data:image/…;base64, URL", quote(s))
	}
	if d, ok := img["detail"]; ok && d != "auto" && d != "low" && d != "high" {
		c.add(CodeInvalidValue, path+".detail", "detail %s is not auto, low or high", describe(d))
	}
}

func imageURL(s string) bool {
	// Only the head matters, and a data URL can run to megabytes.
	head := s
	if len(head) > 256 {
		head = head[:256]
	}
	lower := strings.ToLower(head)
	switch {
	case strings.HasPrefix(lower, "https://"):
		return len(s) > len("https://")
	case strings.HasPrefix(lower, "http://"):
		return len(s) > len("http://")
	case strings.HasPrefix(lower, "data:image/"):
		i := strings.Index(lower, ";base64,")
		return i > len("data:image/") && !strings.Contains(lower[:i], ",")
	}
	return false
}

// toolCalls checks an assistant's tool_calls and returns how many there are.
func (c *checker) toolCalls(path string, v any) int {
	list, ok := v.([]any)
	if !ok {
		if v != nil {
			c.add(CodeInvalidType, path, "tool_calls must be an array, not %s", describe(v))
		}
		return 0
	}
	for i, tc := range list {
		p := index(path, i)
		call, ok := tc.(map[string]any)
		if !ok {
			c.add(CodeInvalidType, p, "a tool call must be an object, not %s", describe(tc))
			continue
		}
		c.unknownKeys(p, call, "id", "type", "function")
		if id, ok := call["id"]; !ok {
			c.add(CodeMissingKey, p+".id", "the tool call has no id")
		} else if s, ok := c.str(p+".id", id); ok {
			if c.callIDs == nil {
				c.callIDs = make(map[string]string)
			}
			if first, dup := c.callIDs[s]; dup {
				c.add(CodeDuplicateToolCallID, p+".id", "id %s is already used by %s", quote(s), first)
			} else {
				c.callIDs[s] = p
				c.pending = append(c.pending, s)
			}
		}
		if t, ok := call["type"]; !ok {
			c.add(CodeMissingKey, p+".type", `the tool call has no type (want "function")`)
		} else if t != "function" {
			c.add(CodeInvalidValue, p+".type", `tool call type %s is not "function"`, describe(t))
		}
		if fn, ok := call["function"]; !ok {
			c.add(CodeMissingKey, p+".function", "the tool call has no function")
		} else {
			c.call(p+".function", fn, c.tools, "tools")
		}
	}
	return len(list)
}

// call checks a {name, arguments} call against the declared functions.
func (c *checker) call(path string, v any, declared map[string]bool, where string) {
	fn, ok := v.(map[string]any)
	if !ok {
		c.add(CodeInvalidType, path, "the call must be an object {\"name\", \"arguments\"}, not %s", describe(v))
		return
	}
	c.unknownKeys(path, fn, "name", "arguments")
	if n, ok := fn["name"]; !ok {
		c.add(CodeMissingKey, path+".name", "the call has no function name")
	} else if s, ok := c.str(path+".name", n); ok && c.functionName(path+".name", s) && declared != nil && !declared[s] {
		c.add(CodeUndeclaredFunction, path+".name", "function %s is not declared in %s (declared: %s)", quote(s), where, declaredList(declared))
	}
	a, ok := fn["arguments"]
	if !ok {
		c.add(CodeMissingKey, path+".arguments", "the call has no arguments")
		return
	}
	s, ok := a.(string)
	if !ok {
		c.add(CodeInvalidArguments, path+".arguments", "arguments must be a string of JSON, not %s", describe(a))
		return
	}
	if !json.Valid([]byte(s)) {
		c.add(CodeInvalidArguments, path+".arguments", "arguments %s is not valid JSON", quote(s))
		return
	}
	c.special(path+".arguments", s)
}

func (c *checker) functionName(path, s string) bool {
	ok := len(s) >= 1 && len(s) <= 64
	for i := 0; ok && i < len(s); i++ {
		b := s[i]
		ok = b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '_' || b == '-'
	}
	if !ok {
		c.add(CodeInvalidFunctionName, path, "function name %s is not 1-64 of a-z, A-Z, 0-9, _ and -", quote(s))
	}
	return ok
}

func (c *checker) toolCallID(path string, m map[string]any) {
	v, ok := m["tool_call_id"]
	if !ok {
		c.add(CodeMessageMissingKey, path+".tool_call_id", "the tool message has no tool_call_id")
		return
	}
	s, ok := c.str(path+".tool_call_id", v)
	if !ok {
		return
	}
	if _, ok := c.callIDs[s]; !ok {
		c.add(CodeUnknownToolCallID, path+".tool_call_id", "tool_call_id %s answers no earlier tool call of this example", quote(s))
	}
	for i, id := range c.pending {
		if id == s {
			c.pending = append(c.pending[:i], c.pending[i+1:]...)
			break
		}
	}
}

// toolList checks `tools` and returns the names it declares.
func (c *checker) toolList(path string, v any) map[string]bool {
	list, ok := v.([]any)
	if !ok {
		c.add(CodeInvalidType, path, "tools must be an array, not %s", describe(v))
		return nil
	}
	names := make(map[string]bool, len(list))
	for i, t := range list {
		p := index(path, i)
		tool, ok := t.(map[string]any)
		if !ok {
			c.add(CodeInvalidType, p, "a tool must be an object, not %s", describe(t))
			continue
		}
		c.unknownKeys(p, tool, "type", "function")
		if typ, ok := tool["type"]; !ok {
			c.add(CodeMissingKey, p+".type", `the tool has no type (want "function")`)
		} else if typ != "function" {
			c.add(CodeInvalidValue, p+".type", `tool type %s is not "function"`, describe(typ))
		}
		if fn, ok := tool["function"]; !ok {
			c.add(CodeMissingKey, p+".function", "the tool has no function")
		} else {
			c.functionDef(p+".function", fn, names, true)
		}
	}
	return names
}

// functionList checks the deprecated `functions` and returns the names it declares.
func (c *checker) functionList(path string, v any) map[string]bool {
	list, ok := v.([]any)
	if !ok {
		c.add(CodeInvalidType, path, "functions must be an array, not %s", describe(v))
		return nil
	}
	if len(list) == 0 || len(list) > 128 {
		c.add(CodeInvalidValue, path, "functions has %d entries (want 1 to 128)", len(list))
	}
	names := make(map[string]bool, len(list))
	for i, fn := range list {
		c.functionDef(index(path, i), fn, names, false)
	}
	return names
}

func (c *checker) functionDef(path string, v any, names map[string]bool, strict bool) {
	fn, ok := v.(map[string]any)
	if !ok {
		c.add(CodeInvalidType, path, "a function must be an object, not %s", describe(v))
		return
	}
	if strict {
		c.unknownKeys(path, fn, "name", "description", "parameters", "strict")
	} else {
		c.unknownKeys(path, fn, "name", "description", "parameters")
	}
	if n, ok := fn["name"]; !ok {
		c.add(CodeMissingKey, path+".name", "the function has no name")
	} else if s, ok := c.str(path+".name", n); ok && c.functionName(path+".name", s) {
		if names[s] {
			c.add(CodeDuplicateFunction, path+".name", "function %s is declared twice", quote(s))
		}
		names[s] = true
	}
	if d, ok := fn["description"]; ok {
		c.str(path+".description", d)
	}
	if p, ok := fn["parameters"]; ok {
		if _, ok := p.(map[string]any); !ok {
			c.add(CodeInvalidType, path+".parameters", "parameters must be a JSON Schema object, not %s", describe(p))
		}
	}
	if s, ok := fn["strict"]; ok && strict {
		c.boolean(path+".strict", s)
	}
}

// metadata checks the one key every format may carry: an object, so that
// metadata.KEY paths (ft-split --group-by) mean something.
func (c *checker) metadata(obj map[string]any) {
	if v, ok := obj[MetadataKey]; ok {
		if _, isObj := v.(map[string]any); !isObj {
			c.add(CodeInvalidType, MetadataKey, "metadata must be an object of carried fields, not %s", describe(v))
		}
	}
}

func (c *checker) preference(obj map[string]any) {
	c.unknownKeys("", obj, append(preferenceKeys[:len(preferenceKeys):len(preferenceKeys)], MetadataKey)...)
	c.metadata(obj)
	in, ok := obj["input"]
	switch {
	case !ok:
		c.add(CodeMissingKey, "input", "the preference example has no input")
	case !isObject(in):
		c.add(CodeInvalidType, "input", "input must be an object {\"messages\": …}, not %s", describe(in))
	default:
		in := in.(map[string]any)
		c.unknownKeys("input", in, "messages", "tools", "parallel_tool_calls")
		if v, ok := in["tools"]; ok {
			c.tools = c.toolList("input.tools", v)
		}
		if v, ok := in["parallel_tool_calls"]; ok {
			c.boolean("input.parallel_tool_calls", v)
		}
		if c.messages("input.messages", in["messages"], preferenceInput) && !c.badRole {
			if !c.hasSystem {
				c.add(CodeMissingSystem, "input.messages", "the example has no system message")
			}
			if !c.hasUser {
				c.add(CodeMissingUser, "input.messages", "the example has no user message")
			}
		}
	}
	inputCalls := c.callIDs
	for _, key := range []string{"preferred_output", "non_preferred_output"} {
		c.callIDs = cloneIDs(inputCalls) // each output is an alternative continuation
		c.pending = nil
		v, ok := obj[key]
		if !ok {
			c.add(CodeMissingKey, key, "the preference example has no %s", key)
			continue
		}
		list, ok := v.([]any)
		if !ok {
			c.add(CodeInvalidType, key, "%s must be an array holding one assistant message, not %s", key, describe(v))
			continue
		}
		if len(list) != 1 {
			c.add(CodeInvalidPreference, key, "%s has %d messages; it must have exactly one assistant message", key, len(list))
		}
		for i, m := range list {
			c.message(index(key, i), m, preferenceOutput)
		}
	}
	if reflect.DeepEqual(obj["preferred_output"], obj["non_preferred_output"]) && obj["preferred_output"] != nil {
		c.add(CodePreferenceOutputsSame, "non_preferred_output", "the non-preferred output is the same as the preferred one")
	}
	c.imageCount()
}

func (c *checker) completion(obj map[string]any) {
	c.unknownKeys("", obj, append(completionKeys[:len(completionKeys):len(completionKeys)], MetadataKey)...)
	c.metadata(obj)
	if p, ok := obj["prompt"]; !ok {
		c.add(CodeMissingKey, "prompt", "the example has no prompt")
	} else if s, ok := c.str("prompt", p); ok {
		c.special("prompt", s)
	}
	v, ok := obj["completion"]
	if !ok {
		c.add(CodeMissingKey, "completion", "the example has no completion")
		return
	}
	s, ok := c.str("completion", v)
	if !ok {
		return
	}
	if strings.TrimSpace(s) == "" {
		c.add(CodeEmptyCompletion, "completion", "the completion is %s", emptyOrBlank(s))
		return
	}
	c.special("completion", s)
	if c.rules.AnswerJSON {
		c.answerJSON("completion", s)
	}
}

func (c *checker) imageCount() {
	if c.images > 10 {
		c.add(CodeTooManyImages, "", "the example has %d images; OpenAI accepts at most 10", c.images)
	}
}

func (c *checker) special(path, s string) {
	if !strings.Contains(s, "<|") {
		return
	}
	for _, t := range c.rules.SpecialTokens {
		if strings.Contains(s, t) {
			c.add(CodeSpecialToken, path, "the text contains the special token %q, which OpenAI rejects", t)
			return
		}
	}
}

func (c *checker) answerJSON(path, s string) {
	if !json.Valid([]byte(s)) {
		c.add(CodeAnswerNotJSON, path, "the answer is not valid JSON: %s", quote(s))
	}
}

// typed decodes the line into an Example for the token count and the extra
// checks; it runs only on lines that passed every structural rule.
func (c *checker) typed(raw []byte, count bool) {
	var ex Example
	if err := unmarshal(raw, &ex); err != nil {
		code, path, msg := DecodeProblem(err)
		c.add(code, path, "%s", msg)
		return
	}
	r := c.rules
	if count {
		if n, exact := r.Count(&ex, r.Limit); n > r.Limit {
			model := ""
			if r.Model != "" {
				model = " of " + r.Model
			}
			has := fmt.Sprintf("%d", n)
			if !exact {
				has = fmt.Sprintf("at least %d", n)
			}
			c.add(CodeTooManyTokens, "", "the example has %s tokens, over the %d-token limit%s: OpenAI would truncate it", has, r.Limit, model)
		}
	}
	if r.Extra != nil {
		for _, f := range r.Extra(&ex) {
			if f.Severity == "" {
				f.Severity = SeverityOf(f.Code)
			}
			if f.Severity == SeverityError {
				c.errors++
			}
			c.findings = append(c.findings, f)
		}
	}
}

func (c *checker) unknownKeys(path string, obj map[string]any, known ...string) {
	for _, k := range extraKeys(obj, known) {
		c.add(CodeUnknownKey, join(path, k), "unknown key %q (want %s)", k, andList(known))
	}
}

func (c *checker) str(path string, v any) (string, bool) {
	s, ok := v.(string)
	if !ok {
		c.add(CodeInvalidType, path, "want a string, not %s", describe(v))
	}
	return s, ok
}

func (c *checker) nullableString(path string, v any) {
	if v != nil {
		c.str(path, v)
	}
}

func (c *checker) boolean(path string, v any) {
	if _, ok := v.(bool); !ok {
		c.add(CodeInvalidType, path, "want true or false, not %s", describe(v))
	}
}

func isObject(v any) bool {
	_, ok := v.(map[string]any)
	return ok
}

func cloneIDs(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// kind names the JSON type of a generic value.
func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case float64, json.Number:
		return "number"
	case bool:
		return "boolean"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// describe shows a value in a message: strings quoted, short scalars as
// JSON, objects and arrays by their type.
func describe(v any) string {
	switch v := v.(type) {
	case string:
		return quote(v)
	case nil:
		return "null"
	case []any, map[string]any:
		return "an " + kind(v)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return kind(v)
	}
	return kind(v) + " " + string(b)
}

// quote quotes s for a message, shortened to 60 characters.
func quote(s string) string { return strconv.Quote(truncate(s, 60)) }

func truncate(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j] + "…"
		}
		i++
	}
	return s
}

func emptyOrBlank(s string) string {
	if s == "" {
		return "empty"
	}
	return "only whitespace"
}

func edges(s string) string {
	lead := strings.TrimLeftFunc(s, unicode.IsSpace) != s
	trail := strings.TrimRightFunc(s, unicode.IsSpace) != s
	switch {
	case lead && trail:
		return "starts and ends with"
	case lead:
		return "starts with"
	}
	return "ends with"
}

func andList(items []string) string { return list(items, "and") }
func orList(items []string) string  { return list(items, "or") }

func list(items []string, conj string) string {
	switch len(items) {
	case 0:
		return "nothing"
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + conj + " " + items[len(items)-1]
}

func declaredList(m map[string]bool) string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	if len(names) == 0 {
		return "none"
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

func jsonErrorText(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%s (at byte %d)", se.Error(), se.Offset)
	}
	return err.Error()
}
