package tokenize

import (
	"strings"
	"testing"

	"github.com/ft-tools/ft/jsonl"
	"github.com/goccy/go-json"
)

func decode(t *testing.T, line string) *jsonl.Example {
	t.Helper()
	var ex jsonl.Example
	if err := json.Unmarshal([]byte(line), &ex); err != nil {
		t.Fatalf("decode %s: %v", line, err)
	}
	return &ex
}

// The cookbook (How_to_count_tokens_with_tiktoken.ipynb) checked its
// formula against the prompt_tokens the API reported for these two samples:
// 129 (gpt-3.5-turbo, gpt-4) and 124 (gpt-4o, gpt-4o-mini) for the
// messages; 105 and 101 for the weather tool.
const cookbookMessages = `{"messages":[
{"role":"system","content":"You are a helpful, pattern-following assistant that translates corporate jargon into plain English."},
{"role":"system","name":"example_user","content":"New synergies will help drive top-line growth."},
{"role":"system","name":"example_assistant","content":"Things working well together will increase revenue."},
{"role":"system","name":"example_user","content":"Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage."},
{"role":"system","name":"example_assistant","content":"Let's talk later when we're less busy about how to do better."},
{"role":"user","content":"This late pivot means we don't have time to boil the ocean for the client deliverable."}]}`

const cookbookTools = `{"messages":[
{"role":"system","content":"You are a helpful assistant that can answer to questions about the weather."},
{"role":"user","content":"What's the weather like in San Francisco?"}],
"tools":[{"type":"function","function":{"name":"get_current_weather","description":"Get the current weather in a given location",
"parameters":{"type":"object","properties":{
"location":{"type":"string","description":"The city and state, e.g. San Francisco, CA"},
"unit":{"type":"string","description":"The unit of temperature to return","enum":["celsius","fahrenheit"]}},
"required":["location"]}}}]}`

func TestExampleCookbook(t *testing.T) {
	tests := []struct {
		model, line string
		want        int
	}{
		{"gpt-3.5-turbo", cookbookMessages, 129},
		{"gpt-4-0613", cookbookMessages, 129},
		{"gpt-4o", cookbookMessages, 124},
		{"gpt-4o-mini", cookbookMessages, 124},
		{"gpt-3.5-turbo", cookbookTools, 105},
		{"gpt-4", cookbookTools, 105},
		{"gpt-4o", cookbookTools, 101},
		{"gpt-4o-mini", cookbookTools, 101},
	}
	for _, tt := range tests {
		c, err := New(tt.model)
		if err != nil {
			t.Fatal(err)
		}
		got := c.Example(decode(t, tt.line))
		if got.Total != tt.want {
			t.Errorf("%s: Total = %d, want %d (%+v)", tt.model, got.Total, tt.want, got)
		}
	}
}

func TestExampleParts(t *testing.T) {
	c, err := New("gpt-4o-mini")
	if err != nil {
		t.Fatal(err)
	}
	tok := c.Text
	tests := []struct {
		name, line string
		want       Counts
	}{
		{"chat", `{"messages":[{"role":"user","content":"Hi there"},{"role":"assistant","content":"Hello!"}]}`,
			Counts{Total: 3 + 3 + tok("user") + tok("Hi there") + 3 + tok("assistant") + tok("Hello!"), Assistant: tok("Hello!"), Messages: 2}},
		{"weight 0 not trained", `{"messages":[{"role":"user","content":"a"},{"role":"assistant","content":"b c","weight":0},{"role":"user","content":"d"},{"role":"assistant","content":"e f g","weight":1}]}`,
			Counts{Total: 3 + 4*3 + 2*tok("user") + 2*tok("assistant") + tok("a") + tok("b c") + tok("d") + tok("e f g"), Assistant: tok("e f g"), Messages: 4}},
		{"name", `{"messages":[{"role":"user","name":"bob","content":"x"}]}`,
			Counts{Total: 3 + 3 + tok("user") + tok("x") + tok("bob") + 1, Messages: 1}},
		{"tool call", `{"messages":[{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}}]},{"role":"tool","tool_call_id":"c1","content":"42"}]}`,
			Counts{Total: 3 + 3 + tok("assistant") + tok("f") + tok(`{"a":1}`) + 3 + tok("tool") + tok("c1") + tok("42"), Messages: 2}},
		{"function call", `{"messages":[{"role":"assistant","content":null,"function_call":{"name":"f","arguments":"{}"}}]}`,
			Counts{Total: 3 + 3 + tok("assistant") + tok("f") + tok("{}"), Messages: 1}},
		{"image parts", `{"messages":[{"role":"user","content":[{"type":"text","text":"what is it"},{"type":"image_url","image_url":{"url":"https://x/y.png"}},{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA"}}]},{"role":"assistant","content":"a cat"}]}`,
			Counts{Total: 3 + 3 + tok("user") + tok("what is it") + 3 + tok("assistant") + tok("a cat"), Assistant: tok("a cat"), Messages: 2, Images: 2}},
		{"completion", `{"prompt":"Q: 2+2?","completion":" 4"}`,
			Counts{Total: tok("Q: 2+2?") + tok(" 4"), Assistant: tok(" 4")}},
		{"preference", `{"input":{"messages":[{"role":"user","content":"hi"}]},"preferred_output":[{"role":"assistant","content":"hello there"}],"non_preferred_output":[{"role":"assistant","content":"go away now please"}]}`,
			Counts{Total: 3 + 3 + tok("user") + tok("hi") + 3 + tok("assistant") + tok("hello there"), Assistant: tok("hello there"), Messages: 2,
				NonPreferred: 3 + 3 + tok("user") + tok("hi") + 3 + tok("assistant") + tok("go away now please")}},
	}
	for _, tt := range tests {
		got := c.Example(decode(t, tt.line))
		if got != tt.want {
			t.Errorf("%s: got %+v, want %+v", tt.name, got, tt.want)
		}
	}
}

func TestToolDefinitionsPart(t *testing.T) {
	c, err := New("gpt-4o")
	if err != nil {
		t.Fatal(err)
	}
	with := c.Example(decode(t, cookbookTools))
	without := decode(t, cookbookTools)
	without.Tools = nil
	plain := c.Example(without)
	if with.ToolDefinitions == 0 || with.Total-plain.Total != with.ToolDefinitions {
		t.Errorf("ToolDefinitions = %d, Total with tools %d, without %d", with.ToolDefinitions, with.Total, plain.Total)
	}
	// The deprecated functions field is counted like tools.
	var fn struct {
		Tools []jsonl.Tool `json:"tools"`
	}
	if err := json.Unmarshal([]byte(cookbookTools), &fn); err != nil {
		t.Fatal(err)
	}
	without.Functions = []jsonl.Function{fn.Tools[0].Function}
	if got := c.Example(without); got != with {
		t.Errorf("functions: %+v, tools: %+v", got, with)
	}
}

func TestCloneAndMemo(t *testing.T) {
	c, err := New("gpt-4o")
	if err != nil {
		t.Fatal(err)
	}
	d := c.Clone()
	s := strings.Repeat("Hello, world! ", 50)
	for i := 0; i < 3; i++ {
		if a, b, e := c.Text(s), d.Text(s), c.Encoding().Count(s); a != e || b != e {
			t.Fatalf("Text %d, clone %d, Count %d", a, b, e)
		}
	}
	if c.Model().Name != d.Model().Name || c.Encoding() != d.Encoding() {
		t.Error("clone differs")
	}
}

func TestCountUpTo(t *testing.T) {
	o, c := encodings(t)
	long := strings.Repeat("a", 1<<20)
	texts := []string{"", "a", "Hello, world! How are you?", strings.Repeat("the cat ", 500), long, "x " + long + " y"}
	for _, enc := range []*Encoding{o, c} {
		for _, s := range texts {
			full := enc.Count(s)
			for _, limit := range []int{0, 1, 5, full - 1, full, full + 1, 10 * full} {
				if limit < 0 {
					continue
				}
				got := enc.CountUpTo(s, limit)
				if full <= limit && got != full || full > limit && (got <= limit || got > full) {
					t.Errorf("%s: CountUpTo(%d bytes, %d) = %d, count %d", enc.Name(), len(s), limit, got, full)
				}
			}
		}
		// A piece that cannot fit is not counted: its lower bound is its
		// length over the longest token's.
		if got, full := enc.CountUpTo(long, 100), enc.Count(long); got >= full || got != len(long)/enc.ranks.maxLen {
			t.Errorf("%s: CountUpTo(1 MiB of a, 100) = %d, count %d: it counted", enc.Name(), got, full)
		}
	}
}

func TestExampleUpTo(t *testing.T) {
	c, err := New("gpt-4o-mini")
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("ab", 40000)
	lines := []string{
		cookbookMessages,
		cookbookTools,
		`{"messages":[{"role":"user","content":"` + long + `"},{"role":"assistant","content":"` + long + `"}]}`,
		`{"prompt":"` + long + `","completion":"done"}`,
	}
	for _, line := range lines {
		ex := decode(t, line)
		full := c.Example(ex).Total
		for _, limit := range []int{0, 3, 50, full - 1, full, full + 100} {
			c := c.Clone() // nothing remembered from the full count
			n, exact := c.ExampleUpTo(ex, limit)
			switch {
			case full <= limit && (n != full || !exact):
				t.Errorf("ExampleUpTo(%d-token example, %d) = %d, %v", full, limit, n, exact)
			case full > limit && !exact && (n <= limit || n > full):
				t.Errorf("ExampleUpTo(%d-token example, %d) = %d, inexact", full, limit, n)
			case exact && n != full:
				t.Errorf("ExampleUpTo(%d-token example, %d) = %d, said to be exact", full, limit, n)
			}
			// What a bounded count remembers is exact.
			if again := c.Example(ex).Total; again != full {
				t.Fatalf("after ExampleUpTo(.., %d), Example = %d, was %d", limit, again, full)
			}
		}
	}
}
