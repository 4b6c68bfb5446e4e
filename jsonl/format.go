package jsonl

import (
	"fmt"
	"sort"
	"strings"
)

// ParseFormat reads a --format value: auto (or empty), chat, preference,
// reinforcement or completion. Auto is FormatUnknown.
func ParseFormat(s string) (Format, error) {
	switch f := Format(s); f {
	case "", "auto":
		return FormatUnknown, nil
	case FormatChat, FormatPreference, FormatReinforcement, FormatCompletion:
		return f, nil
	}
	return FormatUnknown, fmt.Errorf("unknown format %q (want auto, chat, preference, reinforcement or completion)", s)
}

// The top-level keys of each format. Reinforcement examples may have any
// other key too: graders read them as {{item.<key>}}.
var (
	chatKeys          = []string{"messages", "tools", "functions", "parallel_tool_calls"}
	preferenceKeys    = []string{"input", "preferred_output", "non_preferred_output"}
	completionKeys    = []string{"prompt", "completion"}
	reinforcementKeys = []string{"messages", "tools"}
)

// MetadataKey is the top-level key that every format may carry besides its
// own: an object of fields kept from the source (ft-format --keep) for the
// tools that follow, such as ft-split --group-by metadata.db_id. It is not
// training data: OpenAI documents no such key for chat, preference or
// completion lines, so ft-upload leaves it out of what it sends.
const MetadataKey = "metadata"

// DetectFormat tells the format of one line from its raw JSON, looking only
// at its top-level keys and message roles: FormatUnknown when the line is
// not a JSON object or has none of the keys of any format.
func DetectFormat(raw []byte) Format {
	var obj map[string]any
	if err := unmarshal(raw, &obj); err != nil {
		return FormatUnknown
	}
	f, _, _ := detect(obj)
	return f
}

// detect returns the line's format, a few words on why, and whether the
// line could not be of the other messages format (a line of preference or
// completion is always sure).
//
// A line with "messages" is surely reinforcement when a message has the
// developer role, and surely chat when it has what only chat has: a system
// or function message, a weight, functions or parallel_tool_calls. Short of
// both, it is reinforcement when it has top-level keys no chat example has,
// chat otherwise; such a line is judged by the rules of the file's format,
// so that a chat file with a stray key gets an unknown_key error rather
// than a change of format.
func detect(obj map[string]any) (f Format, why string, sure bool) {
	if has(obj, preferenceKeys...) {
		return FormatPreference, "keys " + present(obj, preferenceKeys), true
	}
	_, hasMessages := obj["messages"]
	if !hasMessages {
		if has(obj, completionKeys...) {
			return FormatCompletion, "keys " + present(obj, completionKeys), true
		}
		return FormatUnknown, "", false
	}
	chatOnly := ""
	for _, k := range []string{"functions", "parallel_tool_calls"} {
		if _, ok := obj[k]; ok && chatOnly == "" {
			chatOnly = fmt.Sprintf("key %q", k)
		}
	}
	developer := false
	if msgs, ok := obj["messages"].([]any); ok {
		for _, m := range msgs {
			m, ok := m.(map[string]any)
			if !ok {
				continue
			}
			switch role := m["role"]; role {
			case "developer":
				developer = true
			case "system", "function":
				if chatOnly == "" {
					chatOnly = fmt.Sprintf("a %s message", role)
				}
			}
			if _, ok := m["weight"]; ok && chatOnly == "" {
				chatOnly = "a weight"
			}
		}
	}
	switch {
	case developer && chatOnly == "":
		return FormatReinforcement, "a developer message", true
	case developer:
		// Both kinds of sign: neither format fits. Chat, far more common, is
		// assumed, and the file's rules say what is wrong.
		return FormatChat, chatOnly, false
	case chatOnly != "":
		return FormatChat, chatOnly, true
	}
	if extra := extraKeys(obj, chatKeys, MetadataKey); len(extra) > 0 {
		return FormatReinforcement, fmt.Sprintf("extra key %q", extra[0]), false
	}
	return FormatChat, `key "messages"`, false
}

// family groups the formats whose lines share a shape: chat and
// reinforcement lines both have messages, and a line of one is judged by the
// rules of the other when the file is of the other.
func family(f Format) Format {
	if f == FormatReinforcement {
		return FormatChat
	}
	return f
}

func has(obj map[string]any, keys ...string) bool {
	for _, k := range keys {
		if _, ok := obj[k]; ok {
			return true
		}
	}
	return false
}

func present(obj map[string]any, keys []string) string {
	var q []string
	for _, k := range keys {
		if _, ok := obj[k]; ok {
			q = append(q, fmt.Sprintf("%q", k))
		}
	}
	return strings.Join(q, ", ")
}

// extraKeys returns the keys of obj not in known, sorted; nil, without
// allocating, in the usual case of none.
func extraKeys(obj map[string]any, known []string, alsoKnown ...string) []string {
	var extra []string
	for k := range obj {
		if !contains(known, k) && !contains(alsoKnown, k) {
			extra = append(extra, k)
		}
	}
	if len(extra) > 1 {
		sort.Strings(extra)
	}
	return extra
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
