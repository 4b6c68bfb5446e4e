package jsonl

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

const (
	sys  = `{"role":"system","content":"S"}`
	usr  = `{"role":"user","content":"Q"}`
	asst = `{"role":"assistant","content":"A"}`
)

// chat builds a chat line from messages and extra top-level members.
func chat(extra string, msgs ...string) string {
	if extra != "" {
		extra = "," + extra
	}
	return `{"messages":[` + strings.Join(msgs, ",") + `]` + extra + `}`
}

const weather = `"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]`

func call(id, fn, args string) string {
	return `{"role":"assistant","content":null,"tool_calls":[{"id":"` + id + `","type":"function","function":{"name":"` + fn + `","arguments":` + args + `}}]}`
}

func image(url string) string {
	return `{"type":"image_url","image_url":{"url":"` + url + `"}}`
}

func pref(input, preferred, nonPreferred string) string {
	return `{"input":{"messages":[` + input + `]},"preferred_output":[` + preferred + `],"non_preferred_output":[` + nonPreferred + `]}`
}

// countMessages is a stand-in token counter: one token per message.
func countMessages(ex *Example, _ int) (int, bool) { return len(ex.Conversation()), true }

// countStops counts a message a token, as a bounded counter does: it stops
// at the first message past the limit.
func countStops(ex *Example, limit int) (int, bool) {
	n := len(ex.Conversation())
	if n > limit {
		return limit + 1, false
	}
	return n, true
}

type codeCase struct {
	name  string
	rules Rules
	prior []string // lines checked first
	line  string
	code  string
	path  string
	in    string // the message must contain this
}

var codeCases = []codeCase{
	{name: "utf8", line: "{\"messages\":\"\xff\"}", code: CodeInvalidUTF8, in: "byte 14"},
	{name: "json", line: `{"messages":[`, code: CodeInvalidJSON},
	{name: "json trailing", line: `{"a":1} x`, code: CodeInvalidJSON},
	{name: "number out of range", line: chat("", usr, `{"role":"assistant","content":"A","weight":1e999999}`), code: CodeNumberOutOfRange, path: "messages[1].weight", in: "1e999999 is out of range"},
	{name: "not an object", line: `[1,2]`, code: CodeDataType, in: "array"},
	{name: "string line", line: `"hi"`, code: CodeDataType, in: "string"},
	{name: "completion in chat file", prior: []string{chat("", sys, usr, asst)}, line: `{"prompt":"a","completion":"b"}`, code: CodeFormatMixed, in: "line 1"},
	{name: "chat in preference file", prior: []string{pref(usr, asst, `{"role":"assistant","content":"B"}`)}, line: chat("", usr, asst), code: CodeFormatMixed},
	{name: "forced format", rules: Rules{Format: FormatCompletion}, line: chat("", usr, asst), code: CodeFormatMixed, in: "--format completion"},
	{name: "empty messages", line: `{"messages":[]}`, code: CodeMissingMessagesList, path: "messages", in: "empty"},
	{name: "no messages", line: `{"id":1}`, code: CodeMissingMessagesList, path: "messages", in: "absent"},
	{name: "null messages", line: `{"messages":null}`, code: CodeMissingMessagesList, path: "messages", in: "null"},
	{name: "no role", line: chat("", `{"content":"x"}`, asst), code: CodeMessageMissingKey, path: "messages[0].role"},
	{name: "no content", line: chat("", `{"role":"user"}`, asst), code: CodeMessageMissingKey, path: "messages[0].content"},
	{name: "tool without id", line: chat(weather, usr, call("c1", "get_weather", `"{}"`), `{"role":"tool","content":"ok"}`, asst), code: CodeMessageMissingKey, path: "messages[2].tool_call_id"},
	{name: "function without name", line: chat("", usr, `{"role":"function","content":"ok"}`, asst), code: CodeMessageMissingKey, path: "messages[1].name"},
	{name: "weight on user", line: chat("", `{"role":"user","content":"Q","weight":1}`, asst), code: CodeMessageUnrecognized, path: "messages[0].weight", in: "only allowed on assistant"},
	{name: "typo key", line: chat("", usr, `{"role":"assistant","contents":"A","content":"A"}`), code: CodeMessageUnrecognized, path: "messages[1].contents", in: `"contents"`},
	{name: "tool_call_id on user", line: chat("", `{"role":"user","content":"Q","tool_call_id":"x"}`, asst), code: CodeMessageUnrecognized, path: "messages[0].tool_call_id", in: "not allowed on a user message"},
	{name: "weight in reinforcement", rules: Rules{Format: FormatReinforcement}, line: chat("", `{"role":"developer","content":"D"}`, usr, `{"role":"assistant","content":"A","weight":1}`), code: CodeMessageUnrecognized, path: "messages[2].weight", in: "only used in supervised chat"},
	{name: "stray key in reinforcement-looking chat", prior: []string{chat("", sys, usr, asst)}, line: chat(`"id":7`, usr, asst), code: CodeUnknownKey, path: "id"},
	{name: "bot role", line: chat("", usr, `{"role":"bot","content":"A"}`, asst), code: CodeUnrecognizedRole, path: "messages[1].role", in: `"bot" is not a role`},
	{name: "numeric role", line: chat("", `{"role":3,"content":"Q"}`, asst), code: CodeUnrecognizedRole, path: "messages[0].role", in: "number 3"},
	{name: "developer in chat file", prior: []string{chat("", sys, usr, asst)}, line: chat(`"answer":"1"`, `{"role":"developer","content":"D"}`, usr), code: CodeFormatMixed, in: "a reinforcement example (a developer message) in a chat file (format set by line 1)"},
	{name: "system in reinforcement file", prior: []string{chat(`"answer":"1"`, `{"role":"developer","content":"D"}`, usr)}, line: chat("", sys, usr, asst), code: CodeFormatMixed, in: "a chat example (a system message) in a reinforcement file"},
	{name: "developer and system", line: chat("", sys, `{"role":"developer","content":"D"}`, usr, asst), code: CodeUnrecognizedRole, path: "messages[1].role", in: `"developer" is for reinforcement files`},
	{name: "developer and weight", rules: Rules{Format: FormatReinforcement}, line: chat("", `{"role":"developer","content":"D"}`, sys, usr), code: CodeUnrecognizedRole, path: "messages[1].role", in: `use "developer"`},
	{name: "developer in preference", line: pref(`{"role":"developer","content":"D"}`+","+usr, asst, `{"role":"assistant","content":"B"}`), code: CodeUnrecognizedRole, path: "input.messages[0].role"},
	{name: "null user content", line: chat("", `{"role":"user","content":null}`, asst), code: CodeMissingContent, path: "messages[0].content"},
	{name: "null assistant content without calls", line: chat("", usr, `{"role":"assistant","content":null}`), code: CodeMissingContent, path: "messages[1].content"},
	{name: "empty parts", line: chat("", `{"role":"user","content":[]}`, asst), code: CodeMissingContent, path: "messages[0].content"},
	{name: "no assistant", line: chat("", sys, usr), code: CodeMissingAssistant, path: "messages"},
	{name: "all weights zero", line: chat("", usr, `{"role":"assistant","content":"A","weight":0}`), code: CodeNoTrainedAssistant},
	{name: "stray top-level key", line: chat(`"id":7`, sys, usr, asst), code: CodeUnknownKey, path: "id"},
	{name: "stray key in tool call", line: chat(weather, usr, `{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"get_weather","arguments":"{}"},"x":1}]}`), code: CodeUnknownKey, path: "messages[1].tool_calls[0].x"},
	{name: "stray key in preference input", line: `{"input":{"messages":[` + usr + `],"x":1},"preferred_output":[` + asst + `],"non_preferred_output":[{"role":"assistant","content":"B"}]}`, code: CodeUnknownKey, path: "input.x"},
	{name: "stray key in completion", line: `{"prompt":"p","completion":"c","x":1}`, code: CodeUnknownKey, path: "x"},
	{name: "call without id", line: chat(weather, usr, `{"role":"assistant","tool_calls":[{"type":"function","function":{"name":"get_weather","arguments":"{}"}}]}`), code: CodeMissingKey, path: "messages[1].tool_calls[0].id"},
	{name: "no completion", line: `{"prompt":"p"}`, code: CodeMissingKey, path: "completion"},
	{name: "no preferred output", line: `{"input":{"messages":[` + usr + `]},"non_preferred_output":[` + asst + `]}`, code: CodeMissingKey, path: "preferred_output"},
	{name: "content number", line: chat("", `{"role":"user","content":5}`, asst), code: CodeInvalidType, path: "messages[0].content", in: "number 5"},
	{name: "metadata string", line: chat(`"metadata":"shop"`, sys, usr, asst), code: CodeInvalidType, path: "metadata", in: "object"},
	{name: "completion metadata array", line: `{"prompt":"p","completion":"c","metadata":[1]}`, code: CodeInvalidType, path: "metadata"},
	{name: "messages object", line: `{"messages":{"role":"user"}}`, code: CodeInvalidType, path: "messages"},
	{name: "name number", line: chat("", `{"role":"user","content":"Q","name":1}`, asst), code: CodeInvalidType, path: "messages[0].name"},
	{name: "parallel_tool_calls string", line: chat(`"parallel_tool_calls":"yes"`, usr, asst), code: CodeInvalidType, path: "parallel_tool_calls"},
	{name: "parameters string", line: chat(`"tools":[{"type":"function","function":{"name":"f","parameters":"{}"}}]`, usr, asst), code: CodeInvalidType, path: "tools[0].function.parameters"},
	{name: "message string", line: chat("", `"hello"`, asst), code: CodeInvalidType, path: "messages[0]"},
	{name: "call type", line: chat(weather, usr, `{"role":"assistant","tool_calls":[{"id":"c","type":"fn","function":{"name":"get_weather","arguments":"{}"}}]}`), code: CodeInvalidValue, path: "messages[1].tool_calls[0].type"},
	{name: "image detail", line: chat("", `{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://x/y.png","detail":"max"}}]}`, asst), code: CodeInvalidValue, path: "messages[0].content[0].image_url.detail"},
	{name: "weight 2", line: chat("", usr, `{"role":"assistant","content":"A","weight":2}`), code: CodeInvalidWeight, path: "messages[1].weight", in: "number 2"},
	{name: "weight string", line: chat("", usr, `{"role":"assistant","content":"A","weight":"1"}`), code: CodeInvalidWeight},
	{name: "audio part", line: chat("", `{"role":"user","content":[{"type":"input_audio","input_audio":{}}]}`, asst), code: CodeInvalidPartType, path: "messages[0].content[0].type", in: "input_audio"},
	{name: "ftp image", line: chat("", `{"role":"user","content":[`+image("ftp://x/y.png")+`]}`, asst), code: CodeInvalidImageURL, path: "messages[0].content[0].image_url.url"},
	{name: "no host", line: chat("", `{"role":"user","content":[`+image("https://")+`]}`, asst), code: CodeInvalidImageURL},
	{name: "data url not image", line: chat("", `{"role":"user","content":[`+image("data:text/plain;base64,AAAA")+`]}`, asst), code: CodeInvalidImageURL},
	{name: "image in assistant", line: chat("", usr, `{"role":"assistant","content":[`+image("https://x/y.png")+`]}`), code: CodeImageNotAllowed, path: "messages[1].content[0]"},
	{name: "image in preference", line: pref(`{"role":"user","content":[`+image("https://x/y.png")+`]}`, asst, `{"role":"assistant","content":"B"}`), code: CodeImageNotAllowed},
	{name: "eleven images", line: chat("", `{"role":"user","content":[`+strings.Repeat(image("https://x/y.png")+",", 10)+image("https://x/y.png")+`]}`, asst), code: CodeTooManyImages, in: "11"},
	{name: "bad arguments", line: chat(weather, usr, call("c1", "get_weather", `"{city: Paris}"`)), code: CodeInvalidArguments, path: "messages[1].tool_calls[0].function.arguments"},
	{name: "object arguments", line: chat(weather, usr, call("c1", "get_weather", `{"city":"Paris"}`)), code: CodeInvalidArguments, in: "string of JSON"},
	{name: "bad function name", line: chat(`"tools":[{"type":"function","function":{"name":"get weather"}}]`, usr, asst), code: CodeInvalidFunctionName, path: "tools[0].function.name"},
	{name: "undeclared", line: chat(weather, usr, call("c1", "get_time", `"{}"`)), code: CodeUndeclaredFunction, path: "messages[1].tool_calls[0].function.name", in: "get_weather"},
	{name: "undeclared legacy function", line: chat(`"functions":[{"name":"a"}]`, usr, `{"role":"assistant","function_call":{"name":"b","arguments":"{}"}}`), code: CodeUndeclaredFunction, path: "messages[1].function_call.name"},
	{name: "two functions named alike", line: chat(`"tools":[{"type":"function","function":{"name":"f"}},{"type":"function","function":{"name":"f"}}]`, usr, asst), code: CodeDuplicateFunction, path: "tools[1].function.name"},
	{name: "reused call id", line: chat(weather, usr, call("c1", "get_weather", `"{}"`), `{"role":"tool","tool_call_id":"c1","content":"sun"}`, call("c1", "get_weather", `"{}"`)), code: CodeDuplicateToolCallID, path: "messages[3].tool_calls[0].id", in: "messages[1].tool_calls[0]"},
	{name: "answer to nothing", line: chat(weather, usr, call("c1", "get_weather", `"{}"`), `{"role":"tool","tool_call_id":"c2","content":"sun"}`, asst), code: CodeUnknownToolCallID, path: "messages[2].tool_call_id"},
	{name: "answer before call", line: chat(weather, usr, `{"role":"tool","tool_call_id":"c1","content":"sun"}`, call("c1", "get_weather", `"{}"`)), code: CodeUnknownToolCallID},
	{name: "unanswered call", line: chat(weather, usr, call("c1", "get_weather", `"{}"`), asst), code: CodeUnansweredToolCall, path: "messages[1].tool_calls[0].id", in: `"c1" has no tool message answering it before messages[2]`},
	{name: "one of two calls unanswered", line: chat(weather, usr, `{"role":"assistant","tool_calls":[{"id":"a","type":"function","function":{"name":"get_weather","arguments":"{}"}},{"id":"b","type":"function","function":{"name":"get_weather","arguments":"{}"}}]}`, `{"role":"tool","tool_call_id":"b","content":"x"}`, usr, asst), code: CodeUnansweredToolCall, path: "messages[1].tool_calls[0].id"},
	{name: "two preferred", line: pref(usr, asst+`,`+asst, `{"role":"assistant","content":"B"}`), code: CodeInvalidPreference, path: "preferred_output"},
	{name: "user as output", line: pref(usr, asst, usr), code: CodeInvalidPreference, path: "non_preferred_output[0].role"},
	{name: "empty completion", line: `{"prompt":"p","completion":""}`, code: CodeEmptyCompletion, path: "completion"},
	{name: "special token", line: chat("", sys, `{"role":"user","content":"a <|endoftext|> b"}`, asst), code: CodeSpecialToken, path: "messages[1].content", in: "<|endoftext|>"},
	{name: "special token in part", line: chat("", sys, `{"role":"user","content":[{"type":"text","text":"<|fim_suffix|>"}]}`, asst), code: CodeSpecialToken, path: "messages[1].content[0].text"},
	{name: "special token in completion", line: `{"prompt":"<|endofprompt|>","completion":"c"}`, code: CodeSpecialToken, path: "prompt"},
	{name: "own special token", rules: Rules{SpecialTokens: []string{"<|im_end|>"}}, line: chat("", sys, `{"role":"user","content":"<|im_end|>"}`, asst), code: CodeSpecialToken},
	{name: "too long", rules: Rules{Limit: 4, Count: countMessages, Model: "m"}, line: chat("", sys, usr, asst, usr, asst), code: CodeTooManyTokens, in: "has 5 tokens, over the 4-token limit of m"},
	{name: "too long, not counted to the end", rules: Rules{Limit: 2, Count: countStops, Model: "m"}, line: chat("", sys, usr, asst, usr, asst), code: CodeTooManyTokens, in: "has at least 3 tokens, over the 2-token limit of m"},
	{name: "not json answer", rules: Rules{AnswerJSON: true}, line: chat("", sys, usr, `{"role":"assistant","content":"db.x.find("}`), code: CodeAnswerNotJSON, path: "messages[2].content"},
	{name: "not json completion", rules: Rules{AnswerJSON: true}, line: `{"prompt":"p","completion":"nope"}`, code: CodeAnswerNotJSON, path: "completion"},
	{name: "not json preferred", rules: Rules{AnswerJSON: true}, line: pref(usr, asst, `{"role":"assistant","content":"{}"}`), code: CodeAnswerNotJSON, path: "preferred_output[0].content"},
	{name: "duplicate", prior: []string{chat("", sys, usr, asst)}, line: `{"messages": [` + sys + `, ` + usr + `, ` + asst + `]}`, code: CodeDuplicateExample, in: "line 1"},
	{name: "no system", line: chat("", usr, asst), code: CodeMissingSystem, path: "messages"},
	{name: "no system in preference", line: pref(usr, asst, `{"role":"assistant","content":"B"}`), code: CodeMissingSystem, path: "input.messages"},
	{name: "no user", line: chat("", sys, asst), code: CodeMissingUser, path: "messages"},
	{name: "blank user", line: chat("", sys, `{"role":"user","content":" \n"}`, asst), code: CodeEmptyContent, path: "messages[1].content", in: "only whitespace"},
	{name: "empty assistant", line: chat("", sys, usr, `{"role":"assistant","content":""}`), code: CodeEmptyContent, in: "empty"},
	{name: "padded answer", line: chat("", sys, usr, `{"role":"assistant","content":" A\n"}`), code: CodeAssistantWhitespace, path: "messages[2].content", in: "starts and ends"},
	{name: "same outputs", line: pref(sys+","+usr, asst, asst), code: CodePreferenceOutputsSame},
}

func TestCodes(t *testing.T) {
	for _, tc := range codeCases {
		t.Run(tc.name, func(t *testing.T) {
			v := NewValidator(tc.rules, "f.jsonl")
			for i, p := range tc.prior {
				if fs := v.Line(i+1, []byte(p)); HasError(fs) {
					t.Fatalf("prior line %d: %v", i+1, fs)
				}
			}
			line := len(tc.prior) + 1
			fs := v.Line(line, []byte(tc.line))
			var got *Finding
			for i := range fs {
				if fs[i].Code == tc.code && (tc.path == "" || fs[i].Path == tc.path) {
					got = &fs[i]
				}
			}
			if got == nil {
				t.Fatalf("no %s at %q; got %v", tc.code, tc.path, fs)
			}
			if got.File != "f.jsonl" || got.Line != line || got.Severity != SeverityOf(tc.code) {
				t.Errorf("finding %+v: want file f.jsonl, line %d, severity %s", *got, line, SeverityOf(tc.code))
			}
			if !strings.Contains(got.Message, tc.in) {
				t.Errorf("message %q does not contain %q", got.Message, tc.in)
			}
			if (SeverityOf(tc.code) == SeverityError) == (v.Valid() == len(tc.prior)+1) {
				t.Errorf("valid count %d after a line with %s", v.Valid(), tc.code)
			}
		})
	}
}

// TestEveryCodeTested keeps the table above in step with Codes. The reader
// reports line_too_long and not_utf8_file, and Finish the file-level codes (tested below).
func TestEveryCodeTested(t *testing.T) {
	tested := map[string]bool{CodeLineTooLong: true, CodeNotUTF8File: true, CodeTooFew: true, CodeSystemPromptDiffers: true}
	for _, tc := range codeCases {
		tested[tc.code] = true
	}
	for _, c := range Codes {
		if !tested[c.Name] {
			t.Errorf("code %s has no test case", c.Name)
		}
		if c.Meaning == "" || c.Fix == "" || (c.Severity != SeverityError && c.Severity != SeverityWarning) {
			t.Errorf("code %s is not fully described: %+v", c.Name, c)
		}
	}
}

// Lines that must pass with no finding at all.
var validLines = []struct {
	name  string
	rules Rules
	line  string
}{
	{"plain chat", Rules{}, chat("", sys, usr, asst)},
	{"multi-turn with weights and names", Rules{}, chat("", sys, `{"role":"user","content":"Q","name":"ann"}`, `{"role":"assistant","content":"A","weight":0}`, usr, `{"role":"assistant","content":"B","weight":1}`)},
	{"tool calling", Rules{}, chat(weather+`,"parallel_tool_calls":false`, sys, usr, call("call_1", "get_weather", `"{\"city\":\"Paris\"}"`), `{"role":"tool","tool_call_id":"call_1","name":"get_weather","content":"{\"temp\":21}"}`, asst)},
	{"parallel calls answered in any order", Rules{}, chat(weather, sys, usr, `{"role":"assistant","tool_calls":[{"id":"a","type":"function","function":{"name":"get_weather","arguments":"{}"}},{"id":"b","type":"function","function":{"name":"get_weather","arguments":"{}"}}]}`, `{"role":"tool","tool_call_id":"b","content":"x"}`, `{"role":"tool","tool_call_id":"a","content":"y"}`, asst)},
	{"tool call with empty content", Rules{}, chat(weather, sys, usr, `{"role":"assistant","content":"","tool_calls":[{"id":"c","type":"function","function":{"name":"get_weather","arguments":"{}"}}]}`)},
	{"legacy functions", Rules{}, chat(`"functions":[{"name":"f","description":"d","parameters":{"type":"object"}}]`, sys, usr, `{"role":"assistant","content":null,"function_call":{"name":"f","arguments":"{}"}}`, `{"role":"function","name":"f","content":"ok"}`, asst)},
	{"vision", Rules{}, chat("", sys, `{"role":"user","content":[{"type":"text","text":"What is this?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"low"}}]}`, asst)},
	{"refusal", Rules{}, chat("", sys, usr, `{"role":"assistant","content":"No.","refusal":null}`)},
	{"preference", Rules{}, pref(sys+","+usr, asst, `{"role":"assistant","content":"B"}`)},
	{"preference with tools", Rules{}, `{"input":{"messages":[` + sys + `,` + usr + `],` + weather + `},"preferred_output":[` + call("c", "get_weather", `"{}"`) + `],"non_preferred_output":[` + call("c", "get_weather", `"{\"city\":\"x\"}"`) + `]}`},
	{"reinforcement", Rules{}, `{"messages":[{"role":"developer","content":"D"},` + usr + `],"reference_answer":"42","tools":[]}`},
	{"reinforcement by extra key", Rules{}, `{"messages":[` + usr + `],"reference_answer":"42"}`},
	{"completion", Rules{}, `{"prompt":"2+2 ->","completion":" 4\n"}`},
	{"chat with metadata", Rules{}, chat(`"metadata":{"db_id":"shop","n":[1]}`, sys, usr, asst)},
	{"preference with metadata", Rules{}, `{"input":{"messages":[` + sys + `,` + usr + `]},"preferred_output":[` + asst + `],"non_preferred_output":[{"role":"assistant","content":"B"}],"metadata":{}}`},
	{"completion with metadata", Rules{}, `{"prompt":"p","completion":"c","metadata":{"k":"v"}}`},
	{"empty prompt", Rules{}, `{"prompt":"","completion":"c"}`},
	{"json answer", Rules{AnswerJSON: true}, chat("", sys, usr, `{"role":"assistant","content":"{\"find\":{}}"}`)},
	{"under the limit", Rules{Limit: 3, Count: countMessages}, chat("", sys, usr, asst)},
	{"tool call answering json", Rules{AnswerJSON: true}, chat(weather, sys, usr, call("c", "get_weather", `"{}"`))},
	{"tool call with empty content answering json", Rules{AnswerJSON: true}, chat(weather, sys, usr, `{"role":"assistant","content":"","tool_calls":[{"id":"c","type":"function","function":{"name":"get_weather","arguments":"{}"}}]}`)},
}

func TestValidLines(t *testing.T) {
	for _, tc := range validLines {
		t.Run(tc.name, func(t *testing.T) {
			v := NewValidator(tc.rules, "f")
			if fs := v.Line(1, []byte(tc.line)); len(fs) != 0 {
				t.Errorf("findings for a valid line: %v", fs)
			}
			if v.Valid() != 1 {
				t.Errorf("valid = %d", v.Valid())
			}
		})
	}
}

func TestStrictPromotesWarnings(t *testing.T) {
	line := []byte(chat("", usr, asst))
	for _, strict := range []bool{false, true} {
		v := NewValidator(Rules{Strict: strict}, "f")
		fs := v.Line(1, line)
		if len(fs) == 0 || HasError(fs) != strict {
			t.Errorf("strict=%v: %v", strict, fs)
		}
	}
}

func TestShortLinesAreNotCounted(t *testing.T) {
	counted := 0
	v := NewValidator(Rules{Limit: 1000, Count: func(*Example, int) (int, bool) { counted++; return 5000, true }}, "f")
	v.Line(1, []byte(chat("", sys, usr, asst)))
	if counted != 0 {
		t.Errorf("a %d-byte line was tokenized for a limit of 1000", len(chat("", sys, usr, asst)))
	}
	long := chat("", sys, usr, `{"role":"assistant","content":"`+strings.Repeat("x", 600)+`"}`)
	if fs := v.Line(2, []byte(long)); !hasCode(fs, CodeTooManyTokens) || counted != 1 {
		t.Errorf("long line: counted %d, findings %v", counted, fs)
	}
}

func TestExtraChecks(t *testing.T) {
	rules := Rules{Extra: func(ex *Example) []Finding {
		text, _ := ex.LastText("assistant")
		if text != "A" {
			return nil
		}
		return []Finding{{Code: "mongo_syntax", Path: "messages[2].content", Message: "no"}}
	}}
	v := NewValidator(rules, "f")
	fs := v.Line(3, []byte(chat("", sys, usr, asst)))
	if len(fs) != 1 || fs[0].Code != "mongo_syntax" || fs[0].Line != 3 || fs[0].Severity != SeverityError || v.Valid() != 0 {
		t.Errorf("extra findings: %v (valid %d)", fs, v.Valid())
	}
}

func hasCode(fs []Finding, code string) bool {
	for _, f := range fs {
		if f.Code == code {
			return true
		}
	}
	return false
}

func TestFinish(t *testing.T) {
	prompt := func(s string) string {
		return chat("", `{"role":"system","content":"`+s+`"}`, usr, fmt.Sprintf(`{"role":"assistant","content":"%s"}`, s))
	}
	tests := []struct {
		name    string
		min     int
		lines   []string
		want    []string // code@line
		message string
	}{
		{"enough", 2, []string{prompt("a"), prompt("b")}, nil, ""},
		{"too few", 3, []string{prompt("a"), prompt("a2"), `[]`}, []string{"too_few_examples@0"}, "2 valid examples; a training file needs at least 3"},
		{"one odd prompt", 0, []string{prompt("a"), prompt("a" + " "), prompt("b"), prompt("a")}, nil, ""},
		{"minority prompt", 0, []string{chat("", `{"role":"system","content":"usual"}`, usr, asst), chat("", `{"role":"system","content":"usual"}`, usr, `{"role":"assistant","content":"B"}`), chat("", `{"role":"system","content":"odd"}`, usr, asst), chat("", `{"role":"system","content":"usual"}`, usr, `{"role":"assistant","content":"C"}`)},
			[]string{"system_prompt_differs@3"}, `"odd" (1 example: line 3) differs from the file's usual one "usual" (3 of 4 examples, first at line 1)`},
		{"no majority", 0, []string{prompt("a"), prompt("b"), prompt("c")}, nil, ""},
		{"invalid lines do not count", 0, []string{chat("", `{"role":"system","content":"x"}`, usr), chat("", `{"role":"system","content":"x"}`, usr), chat("", `{"role":"system","content":"y"}`, usr, asst)}, nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := NewValidator(Rules{MinExamples: tc.min}, "f")
			for i, l := range tc.lines {
				v.Line(i+1, []byte(l))
			}
			var got []string
			fs := v.Finish()
			for _, f := range fs {
				got = append(got, fmt.Sprintf("%s@%d", f.Code, f.Line))
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Fatalf("got %v, want %v (%v)", got, tc.want, fs)
			}
			if tc.message != "" && !strings.Contains(fs[0].Message, tc.message) {
				t.Errorf("message %q lacks %q", fs[0].Message, tc.message)
			}
		})
	}
}

func TestDetectFormat(t *testing.T) {
	tests := []struct {
		line string
		want Format
	}{
		{chat("", sys, usr, asst), FormatChat},
		{chat(`"id":1`, sys, usr, asst), FormatChat}, // a system message marks chat: the key is a mistake
		{chat(`"answer":"42"`, usr), FormatReinforcement},
		{chat(`"metadata":{"db_id":"x"}`, usr, asst), FormatChat}, // metadata is not a grader's field
		{chat(`"metadata":{},"answer":"42"`, usr), FormatReinforcement},
		{chat("", `{"role":"developer","content":"D"}`, usr), FormatReinforcement},
		{pref(usr, asst, asst), FormatPreference},
		{`{"preferred_output":[]}`, FormatPreference},
		{`{"prompt":"p","completion":"c"}`, FormatCompletion},
		{`{"completion":"c"}`, FormatCompletion},
		{`{"text":"x"}`, FormatUnknown},
		{`[]`, FormatUnknown},
		{`{`, FormatUnknown},
	}
	for _, tc := range tests {
		if got := DetectFormat([]byte(tc.line)); got != tc.want {
			t.Errorf("DetectFormat(%s) = %q, want %q", tc.line, got, tc.want)
		}
	}
	for _, s := range []string{"", "auto", "chat", "preference", "reinforcement", "completion"} {
		if _, err := ParseFormat(s); err != nil {
			t.Errorf("ParseFormat(%q): %v", s, err)
		}
	}
	if _, err := ParseFormat("dpo"); err == nil {
		t.Error("ParseFormat(dpo) accepted")
	}
}

// A reinforcement file stays one when later lines look like chat, and a chat
// line in it is judged by the reinforcement rules.
func TestReinforcementFileKeepsItsFormat(t *testing.T) {
	v := NewValidator(Rules{}, "f")
	v.Line(1, []byte(`{"messages":[{"role":"developer","content":"D"},`+usr+`],"answer":"1"}`))
	if fs := v.Line(2, []byte(chat("", usr))); len(fs) != 0 {
		t.Errorf("plain user line in a reinforcement file: %v", fs)
	}
	if v.Format() != FormatReinforcement {
		t.Errorf("format = %q", v.Format())
	}
}

func FuzzValidate(f *testing.F) {
	for _, tc := range codeCases {
		f.Add([]byte(tc.line))
	}
	for _, tc := range validLines {
		f.Add([]byte(tc.line))
	}
	f.Add([]byte(chat("", sys, usr, asst) + "\n" + `{"prompt":"p","completion":"c"}` + "\n" + chat("", sys, usr, asst)))
	// The input is a file: its lines, then the same lines again, so that
	// format changes and duplicates are exercised too.
	f.Fuzz(func(t *testing.T, file []byte) {
		v := NewValidator(Rules{AnswerJSON: true, Limit: 10, Count: countMessages, MinExamples: 1}, "f")
		lines := bytes.Split(file, []byte("\n"))
		for i, line := range append(lines, lines...) {
			for _, f := range v.Line(i+1, line) {
				if f.Code == "" || f.Line != i+1 || SeverityOf(f.Code) != f.Severity {
					t.Fatalf("bad finding %+v", f)
				}
			}
		}
		for _, f := range v.Finish() {
			if f.Code == "" || SeverityOf(f.Code) != f.Severity {
				t.Fatalf("bad finding %+v", f)
			}
		}
	})
}

// BenchmarkValidate measures the rules alone on chat lines of the usual
// shape; b.SetBytes makes the result a throughput.
func BenchmarkValidate(b *testing.B) {
	var lines [][]byte
	size := 0
	for i := range 1000 {
		l := []byte(chat("", `{"role":"system","content":"You are an assistant that writes MongoDB queries. Answer with one shell command."}`,
			fmt.Sprintf(`{"role":"user","content":"How many orders from customer %d were shipped to Zürich after 2023?"}`, i),
			fmt.Sprintf(`{"role":"assistant","content":"db.orders.countDocuments({\"customer\":%d,\"status\":\"shipped\",\"city\":\"Zürich\",\"year\":{\"$gt\":2023}})"}`, i)))
		lines = append(lines, l)
		size += len(l) + 1
	}
	b.SetBytes(int64(size))
	for b.Loop() {
		v := NewValidator(Rules{}, "f")
		for i, l := range lines {
			v.Line(i+1, l)
		}
		v.Finish()
	}
}
