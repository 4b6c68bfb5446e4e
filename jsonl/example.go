package jsonl

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/goccy/go-json"
)

// Example is one line of a fine-tuning file in any of OpenAI's formats. The
// fields used tell the format apart (see Format): chat and reinforcement use
// Messages; preference (DPO) uses Input, PreferredOutput and
// NonPreferredOutput; the legacy format uses Prompt and Completion.
type Example struct {
	Messages          []Message  `json:"messages,omitempty"`
	Tools             []Tool     `json:"tools,omitempty"`
	Functions         []Function `json:"functions,omitempty"`
	ParallelToolCalls *bool      `json:"parallel_tool_calls,omitempty"`

	Input              *PreferenceInput `json:"input,omitempty"`
	PreferredOutput    []Message        `json:"preferred_output,omitempty"`
	NonPreferredOutput []Message        `json:"non_preferred_output,omitempty"`

	Prompt     *string `json:"prompt,omitempty"`
	Completion *string `json:"completion,omitempty"`

	// Metadata is an object of fields carried from the source record
	// (ft-format --keep) for the tools after it; it is not training data,
	// and ft-upload leaves it out of what it sends.
	Metadata json.RawMessage `json:"metadata,omitempty"`
}

// PreferenceInput is the prompt side of a preference (DPO) example.
type PreferenceInput struct {
	Messages          []Message `json:"messages"`
	Tools             []Tool    `json:"tools,omitempty"`
	ParallelToolCalls *bool     `json:"parallel_tool_calls,omitempty"`
}

// Message is one turn of a conversation.
type Message struct {
	Role         string        `json:"role"`
	Content      Content       `json:"content"`
	Name         string        `json:"name,omitempty"`
	Weight       *float64      `json:"weight,omitempty"` // 0 or 1; a float so that 1.0 decodes
	Refusal      *string       `json:"refusal,omitempty"`
	ToolCalls    []ToolCall    `json:"tool_calls,omitempty"`
	ToolCallID   string        `json:"tool_call_id,omitempty"`
	FunctionCall *FunctionCall `json:"function_call,omitempty"`
}

// Trained reports whether an assistant message is trained on: weight absent or 1.
func (m *Message) Trained() bool {
	return m.Role == "assistant" && (m.Weight == nil || *m.Weight == 1)
}

// ToolCall is an assistant's call of a function tool.
type ToolCall struct {
	ID       string       `json:"id"`
	Type     string       `json:"type"`
	Function FunctionCall `json:"function"`
}

// FunctionCall names a function and carries its arguments as a JSON string.
type FunctionCall struct {
	Name      string `json:"name"`
	Arguments string `json:"arguments"`
}

// Tool is a tool definition offered to the model.
type Tool struct {
	Type     string   `json:"type"`
	Function Function `json:"function"`
}

// Function is a function definition; Parameters is a JSON Schema kept as raw JSON.
type Function struct {
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Parameters  json.RawMessage `json:"parameters,omitempty"`
	Strict      *bool           `json:"strict,omitempty"`
}

// Content is a message's content: a string, an array of parts, or null.
type Content struct {
	Text  string
	Parts []Part // non-nil when the content was an array
	Null  bool   // the content was null or absent
}

// Part is one element of array content: text or an image.
type Part struct {
	Type     string    `json:"type"`
	Text     string    `json:"text,omitempty"`
	ImageURL *ImageURL `json:"image_url,omitempty"`
}

// ImageURL points at an image: an http(s) URL or a data: URL.
type ImageURL struct {
	URL    string `json:"url"`
	Detail string `json:"detail,omitempty"`
}

// TextContent returns a plain-text content.
func TextContent(s string) Content { return Content{Text: s} }

// String returns the text of the content: the string itself, or the text
// parts joined with newlines.
func (c Content) String() string {
	if c.Parts == nil {
		return c.Text
	}
	var b strings.Builder
	for i, p := range c.Parts {
		if p.Type != "text" {
			continue
		}
		if i > 0 && b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.Text)
	}
	return b.String()
}

// UnmarshalJSON accepts a string, an array of parts, or null.
func (c *Content) UnmarshalJSON(data []byte) error {
	*c = Content{}
	data = bytes.TrimSpace(data)
	switch {
	case bytes.Equal(data, []byte("null")):
		c.Null = true
		return nil
	case len(data) > 0 && data[0] == '[':
		c.Parts = []Part{}
		return json.Unmarshal(data, &c.Parts)
	default:
		if t, ok := plainString(data); ok {
			c.Text = t
			return nil
		}
		return json.Unmarshal(data, &c.Text)
	}
}

// plainString returns the value of a JSON string that has no escapes, no
// control characters and valid UTF-8, whose value is its bytes. Most
// contents are such strings, and a nested json.Unmarshal costs several
// times more than the rest of decoding a line.
func plainString(data []byte) (string, bool) {
	if len(data) < 2 || data[0] != '"' || data[len(data)-1] != '"' {
		return "", false
	}
	in := data[1 : len(data)-1]
	for _, b := range in {
		if b < 0x20 || b == '"' || b == '\\' {
			return "", false
		}
	}
	if !utf8.Valid(in) {
		return "", false
	}
	return string(in), true
}

// MarshalJSON writes the content back in the form it was read in.
func (c Content) MarshalJSON() ([]byte, error) {
	switch {
	case c.Null:
		return []byte("null"), nil
	case c.Parts != nil:
		return Marshal(c.Parts)
	default:
		return Marshal(c.Text)
	}
}

// Format names the kinds of fine-tuning line.
type Format string

// The formats OpenAI accepts.
const (
	FormatChat          Format = "chat"          // supervised: messages
	FormatPreference    Format = "preference"    // DPO: input, preferred_output, non_preferred_output
	FormatReinforcement Format = "reinforcement" // messages with developer role or extra keys for graders
	FormatCompletion    Format = "completion"    // legacy prompt/completion
	FormatUnknown       Format = ""
)

// Conversation returns the messages a model sees for the example, in order:
// the chat messages, or a preference example's input followed by its
// preferred output. The legacy format has none.
func (e *Example) Conversation() []Message {
	if e.Input != nil {
		out := make([]Message, 0, len(e.Input.Messages)+len(e.PreferredOutput))
		out = append(out, e.Input.Messages...)
		return append(out, e.PreferredOutput...)
	}
	return e.Messages
}

// FirstText returns the text of the first message with the given role in the
// conversation, and whether there was one.
func (e *Example) FirstText(role string) (string, bool) {
	for _, m := range e.Conversation() {
		if m.Role == role {
			return m.Content.String(), true
		}
	}
	return "", false
}

// LastText returns the text of the last message with the given role.
func (e *Example) LastText(role string) (string, bool) {
	msgs := e.Conversation()
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Role == role {
			return msgs[i].Content.String(), true
		}
	}
	return "", false
}
