package tokenize

import (
	"bytes"
	"strings"

	"github.com/ft-tools/ft/jsonl"
	"github.com/goccy/go-json"
)

// Constants of the cookbook's num_tokens_for_tools
// (How_to_count_tokens_with_tiktoken.ipynb), which OpenAI verified against
// the API for gpt-4o/gpt-4o-mini (o200k_base) and gpt-3.5-turbo/gpt-4
// (cl100k_base); they differ only in the start of a function.
const (
	propInit = 3
	propKey  = 3
	enumInit = -3
	enumItem = 3
	funcEnd  = 12
)

func (c *Counter) funcInit() int {
	if c.enc.Name() == cl100k {
		return 10
	}
	return 7
}

// toolDefs counts tool and (deprecated) function definitions as the
// cookbook does: per function its init constant and "name:description",
// per property "name:type:description" and its enum items, and once at
// the end funcEnd.
func (c *Counter) toolDefs(tools []jsonl.Tool, funcs []jsonl.Function) int {
	if len(tools) == 0 && len(funcs) == 0 {
		return 0
	}
	total := funcEnd
	for i := range tools {
		total += c.function(&tools[i].Function)
	}
	for i := range funcs {
		total += c.function(&funcs[i])
	}
	return total
}

func (c *Counter) function(f *jsonl.Function) int {
	key := f.Name + "\x00" + f.Description + "\x00" + string(f.Parameters)
	if n, ok := c.tools[key]; ok {
		return n
	}
	n := c.funcInit() + c.Text(f.Name+":"+strings.TrimSuffix(f.Description, "."))
	props := parseProperties(f.Parameters)
	if len(props) > 0 {
		n += propInit
		for _, p := range props {
			n += propKey
			if p.hasEnum {
				n += enumInit
				for _, item := range p.enum {
					n += enumItem + c.Text(item)
				}
			}
			n += c.Text(p.name + ":" + p.typ + ":" + strings.TrimSuffix(p.desc, "."))
		}
	}
	if c.bounded && c.budget < 0 {
		return n // a lower bound: the count stopped inside it
	}
	if c.tools == nil || len(c.tools) >= toolsMaxEntries {
		c.tools = make(map[string]int, 16)
	}
	c.tools[key] = n
	return n
}

type property struct {
	name, typ, desc string
	hasEnum         bool
	enum            []string
}

// parseProperties returns the properties of a JSON Schema object in the
// order they are written, as the cookbook iterates a Python dict. Malformed
// schemas yield what could be read; the validator reports them.
func parseProperties(params json.RawMessage) []property {
	if len(params) == 0 {
		return nil
	}
	var schema struct {
		Properties json.RawMessage `json:"properties"`
	}
	if json.Unmarshal(params, &schema) != nil || len(schema.Properties) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(schema.Properties))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	var out []property
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return out
		}
		name, _ := t.(string)
		var v struct {
			Type        json.RawMessage   `json:"type"`
			Description string            `json:"description"`
			Enum        []json.RawMessage `json:"enum"`
		}
		var raw json.RawMessage
		if dec.Decode(&raw) != nil {
			return out
		}
		_ = json.Unmarshal(raw, &v)
		p := property{name: name, typ: pyString(v.Type), desc: v.Description, hasEnum: v.Enum != nil}
		for _, e := range v.Enum {
			p.enum = append(p.enum, pyString(e))
		}
		out = append(out, p)
	}
	return out
}

// pyString renders a JSON value as Python's str() of the decoded value
// would, for the cases a schema uses: a string as itself, a list of strings
// as "['a', 'b']", anything else as its JSON text.
func pyString(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		var b strings.Builder
		b.WriteByte('[')
		for i, x := range list {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("'" + x + "'")
		}
		b.WriteByte(']')
		return b.String()
	}
	return string(raw)
}
