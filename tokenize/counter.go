package tokenize

import (
	"hash/maphash"

	"github.com/ft-tools/ft/jsonl"
)

// Counts are the token counts of one training example.
type Counts struct {
	// Total is the example's tokens by the cookbook formula, tool
	// definitions included: what OpenAI bills per epoch (before capping at
	// the model's ExampleLimit). For a preference example it is the input
	// messages plus the preferred output.
	Total int
	// Assistant is the tokens of the contents of the assistant messages that
	// are trained on (weight absent or 1), without per-message overhead;
	// for a completion example, the completion.
	Assistant int
	// Messages is the number of messages counted in Total.
	Messages int
	// Images is the number of image parts seen. Their tokens are NOT in
	// Total: an image's cost depends on its pixel size, which is not in the
	// file.
	Images int
	// ToolDefinitions is the part of Total that comes from the definitions
	// of tools and functions offered to the model.
	ToolDefinitions int
	// NonPreferred is, for a preference example, the input messages plus the
	// non-preferred output counted the same way as Total. DPO trains on both
	// completions; OpenAI does not document which of them is billed, so
	// Total follows the cookbook's view of the conversation a model sees
	// (input plus preferred reply) and this is reported beside it.
	NonPreferred int
}

// Cookbook constants (How_to_count_tokens_with_tiktoken.ipynb): every
// message is framed by 3 tokens, a name costs 1 more, and the reply is
// primed with 3.
const (
	tokensPerMessage = 3
	tokensPerName    = 1
	tokensReply      = 3
)

// Counter counts the tokens of texts and training examples for one model.
// A Counter remembers the counts of strings it has seen (bounded), so it is
// not safe for concurrent use: give each goroutine its own Clone.
type Counter struct {
	model Model
	enc   *Encoding
	st    *state
	memo  *[memoSlots]memoEntry
	seed  maphash.Seed
	tools map[string]int
	// During ExampleUpTo, budget is the text tokens that may still be
	// counted before the example is known to be over the limit.
	bounded bool
	budget  int
}

// memoEntry remembers the count of one whole string. The memo is
// direct-mapped: a string evicts whatever shared its slot, so it costs no
// allocation and its size is fixed.
type memoEntry struct {
	s string
	n int
}

// Strings longer than memoMaxLen are not remembered whole (the piece cache
// still serves their words): the memo pays off for what repeats whole, such
// as system prompts, roles and names, and holds at most memoSlots strings.
const (
	memoSlots       = 4096
	memoMaxLen      = 2048
	toolsMaxEntries = 1024
)

// New returns a Counter for the model, using its encoding (see LookupModel
// for the names accepted).
func New(model string) (*Counter, error) {
	m, err := LookupModel(model)
	if err != nil {
		return nil, err
	}
	enc, err := GetEncoding(m.Encoding)
	if err != nil {
		return nil, err
	}
	return newCounter(m, enc), nil
}

func newCounter(m Model, enc *Encoding) *Counter {
	return &Counter{model: m, enc: enc, st: newState(), memo: new([memoSlots]memoEntry), seed: maphash.MakeSeed()}
}

// Model returns the model the counter counts for.
func (c *Counter) Model() Model { return c.model }

// Encoding returns the counter's encoding.
func (c *Counter) Encoding() *Encoding { return c.enc }

// Clone returns a Counter for the same model with its own memory, for use
// in another goroutine. The encoding's tables are shared, not copied.
func (c *Counter) Clone() *Counter {
	return newCounter(c.model, c.enc)
}

// Text returns the number of tokens in s (encode_ordinary: special-token
// text is counted as plain text).
func (c *Counter) Text(s string) int {
	if s == "" {
		return 0
	}
	if c.bounded {
		return c.textUpTo(s)
	}
	if len(s) > memoMaxLen {
		return c.enc.count(c.st, s)
	}
	e := &c.memo[maphash.String(c.seed, s)%memoSlots]
	if e.s == s {
		return e.n
	}
	n := c.enc.count(c.st, s)
	e.s, e.n = s, n
	return n
}

// textUpTo counts s within the budget and takes its count from it. Once
// the budget is spent nothing more is counted; a count that overran it is
// a lower bound and is not remembered.
func (c *Counter) textUpTo(s string) int {
	if c.budget < 0 {
		return 0
	}
	var e *memoEntry
	if len(s) <= memoMaxLen {
		e = &c.memo[maphash.String(c.seed, s)%memoSlots]
		if e.s == s {
			c.budget -= e.n
			return e.n
		}
	}
	n := c.enc.countUpTo(c.st, s, c.budget)
	c.budget -= n
	if e != nil && c.budget >= 0 {
		e.s, e.n = s, n
	}
	return n
}

// ExampleUpTo returns Example(ex).Total and true when that is at most
// limit. Past the limit it may stop counting: it then returns a number
// above limit and at most the Total, and false. A validator needs no more
// to report an example over the limit, and an example of megabytes is
// then decided in a fraction of the time of its full count.
func (c *Counter) ExampleUpTo(ex *jsonl.Example, limit int) (int, bool) {
	c.bounded, c.budget = true, limit
	defer func() { c.bounded = false }()
	n := c.Example(ex).Total
	return n, c.budget >= 0
}

// Example counts a training example of any format:
//
//   - chat and reinforcement: the cookbook's num_tokens_from_messages: for
//     each message 3 tokens plus the tokens of every string in it (role,
//     content text, name, refusal, tool_call_id, and the name and arguments
//     of function_call and each tool call), plus 1 if it has a name; then 3
//     for the reply. Tool and function definitions add the cookbook's
//     num_tokens_for_tools. An assistant message with weight 0 is in Total
//     but not in Assistant.
//   - preference: input.messages followed by preferred_output, counted as
//     chat (with input.tools); see Counts.NonPreferred.
//   - completion: tokens(prompt) + tokens(completion), no overhead.
//
// Image parts are counted in Counts.Images and add no tokens.
func (c *Counter) Example(ex *jsonl.Example) Counts {
	var n Counts
	switch {
	case ex.Input != nil:
		n.ToolDefinitions = c.toolDefs(ex.Input.Tools, nil)
		base := tokensReply + n.ToolDefinitions + c.messages(ex.Input.Messages, &n)
		n.Total = base + c.messages(ex.PreferredOutput, &n)
		var scratch Counts
		n.NonPreferred = base + c.messages(ex.NonPreferredOutput, &scratch)
		n.Images += scratch.Images
	case len(ex.Messages) == 0 && (ex.Prompt != nil || ex.Completion != nil):
		if ex.Prompt != nil {
			n.Total += c.Text(*ex.Prompt)
		}
		if ex.Completion != nil {
			a := c.Text(*ex.Completion)
			n.Total += a
			n.Assistant = a
		}
	default:
		n.ToolDefinitions = c.toolDefs(ex.Tools, ex.Functions)
		n.Total = tokensReply + n.ToolDefinitions + c.messages(ex.Messages, &n)
	}
	return n
}

// messages returns the cookbook count of msgs without the reply priming,
// and adds to n's Messages, Assistant and Images.
func (c *Counter) messages(msgs []jsonl.Message, n *Counts) int {
	total := 0
	for i := range msgs {
		m := &msgs[i]
		t := tokensPerMessage + c.Text(m.Role)
		content := 0
		if m.Content.Parts != nil {
			for _, p := range m.Content.Parts {
				if p.ImageURL != nil || p.Type == "image_url" {
					n.Images++
					continue
				}
				if p.Text != "" {
					content += c.Text(p.Text)
				}
			}
		} else if m.Content.Text != "" {
			content = c.Text(m.Content.Text)
		}
		t += content
		if m.Name != "" {
			t += c.Text(m.Name) + tokensPerName
		}
		if m.Refusal != nil && *m.Refusal != "" {
			t += c.Text(*m.Refusal)
		}
		if m.ToolCallID != "" {
			t += c.Text(m.ToolCallID)
		}
		if m.FunctionCall != nil {
			t += c.Text(m.FunctionCall.Name) + c.Text(m.FunctionCall.Arguments)
		}
		for j := range m.ToolCalls {
			f := &m.ToolCalls[j].Function
			t += c.Text(f.Name) + c.Text(f.Arguments)
		}
		if m.Trained() {
			n.Assistant += content
		}
		n.Messages++
		total += t
	}
	return total
}
