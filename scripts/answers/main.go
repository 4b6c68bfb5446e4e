// Answers writes saved answers of two models to the chat examples on stdin,
// in ft-ask's shape, for the demo and the tests of ft-score: each expected
// query is copied, rewritten without a change of meaning (a code fence,
// white space, keys in another order, $eq, $and, a semicolon,
// getCollection), changed in one point of meaning (a value, a string for a
// number, an operator, a field, a sort direction, the stage order, the
// collection), or replaced by prose or broken syntax. The fine-tuned model
// is right more often than the base one. metadata.variant names what was
// done, so that a test can check ft-score's verdict on every line.
//
// Usage:
//
//	bin/ft-format scripts/sample/orders.json | go run ./scripts/answers > scripts/sample/answers.jsonl
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/goccy/go-json"

	"github.com/ft-tools/ft/jsonl"
)

// Equivalent says, per variant, whether the answer keeps the meaning.
var equivalent = map[string]bool{
	"exact": true, "fence": true, "spaced": true, "reordered": true, "eq": true, "and": true,
	"semicolon": true, "getcollection": true,
	"value": false, "string_for_number": false, "operator": false, "field": false, "sort": false,
	"stage_order": false, "collection": false, "prose": false, "broken": false,
}

type model struct {
	name string
	// weights of the classes: exact, rewritten, changed, prose, broken
	weights [5]int
	latency int // typical milliseconds
}

var models = []model{
	{"gpt-4o-mini-2024-07-18", [5]int{15, 20, 40, 15, 10}, 420},
	{"ft:gpt-4o-mini-2024-07-18:acme::demo", [5]int{55, 20, 20, 2, 3}, 310},
}

var classes = [][]string{
	{"exact"},
	{"and", "reordered", "eq", "fence", "spaced", "getcollection", "semicolon"},
	{"string_for_number", "operator", "sort", "stage_order", "field", "value", "collection"},
	{"prose"},
	{"broken"},
}

var prose = []string{
	"I'm sorry, I need to know the schema of the collection first.",
	"Here are the orders you asked for: run a find on the orders collection.",
	"You can filter the orders collection by that field.",
}

func main() {
	seed := flag.Uint64("seed", 46, "seed of the choices")
	file := flag.String("file", "val.jsonl", "the file name written in each answer")
	flag.Parse()
	if err := run(os.Stdin, os.Stdout, *seed, *file); err != nil {
		fmt.Fprintln(os.Stderr, "answers:", err)
		os.Exit(1)
	}
}

func run(in io.Reader, out io.Writer, seed uint64, file string) error {
	r := jsonl.NewReader(in, "<stdin>")
	w := jsonl.NewWriter(out)
	for r.Next() {
		var ex jsonl.Example
		if err := r.Decode(&ex); err != nil {
			return err
		}
		n := len(ex.Messages)
		if n < 2 || ex.Messages[n-1].Role != "assistant" {
			continue
		}
		expected := ex.Messages[n-1].Content.String()
		prompt := ex.Messages[:n-1]
		question := prompt[len(prompt)-1].Content.String()
		promptTokens := 0
		for _, m := range prompt {
			promptTokens += 4 + len(m.Content.String())/4
		}
		for mi, m := range models {
			rng := rand.New(rand.NewPCG(seed, uint64(r.Line())<<8|uint64(mi)))
			variant, answer := vary(rng, m.weights, expected)
			a := map[string]any{
				"model": m.name, "file": file, "line": r.Line(), "question": question, "expected": expected,
				"answer": answer, "messages": prompt,
				"usage":      map[string]int{"prompt_tokens": promptTokens, "completion_tokens": 1 + len(answer)/4},
				"latency_ms": m.latency/2 + rng.IntN(m.latency), "cached": false,
				"metadata": map[string]any{"variant": variant, "equivalent": equivalent[variant]},
			}
			if err := w.Encode(orderedAnswer(a)); err != nil {
				return err
			}
		}
	}
	if err := r.Err(); err != nil {
		return err
	}
	return w.Flush()
}

// orderedAnswer writes the keys in ft-ask's order.
func orderedAnswer(a map[string]any) json.RawMessage {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range []string{"model", "file", "line", "question", "expected", "answer", "messages", "usage", "latency_ms", "cached", "metadata"} {
		if i > 0 {
			b.WriteByte(',')
		}
		kj, _ := jsonl.Marshal(k)
		vj, _ := jsonl.Marshal(a[k])
		b.Write(kj)
		b.WriteByte(':')
		b.Write(vj)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// vary picks a class by the model's weights, then the first variant of it
// that applies to the query, in an order of its own.
func vary(rng *rand.Rand, weights [5]int, expected string) (string, string) {
	total := 0
	for _, w := range weights {
		total += w
	}
	pick, class := rng.IntN(total), 0
	for pick >= weights[class] {
		pick -= weights[class]
		class++
	}
	options := classes[class]
	start := rng.IntN(len(options))
	for i := range options {
		v := options[(start+i)%len(options)]
		if answer, ok := apply(rng, v, expected); ok {
			return v, answer
		}
	}
	return "exact", expected
}

var (
	dbCall   = regexp.MustCompile(`^db\.([A-Za-z_]\w*)\.`)
	quoted   = regexp.MustCompile(`: *"([^"\\]+)"`)
	sortSpec = regexp.MustCompile(`sort\(\{ ?(\w+): (-?1) ?\}\)`)
)

func apply(rng *rand.Rand, v, q string) (string, bool) {
	switch v {
	case "exact":
		return q, true
	case "fence":
		return "```json\n" + q + "\n```", true
	case "prose":
		return prose[rng.IntN(len(prose))], true
	case "broken":
		return q[:len(q)-1], len(q) > 1
	}
	if m := dbCall.FindStringSubmatch(q); m != nil {
		return mongosh(v, q, m[1])
	}
	doc, err := decode(q)
	if err != nil {
		return "", false
	}
	switch v {
	case "spaced":
		var b bytes.Buffer
		if json.Indent(&b, []byte(q), "", "  ") != nil {
			return "", false
		}
		return b.String(), true
	case "reordered":
		f := filterOf(doc)
		if f == nil || len(f.keys) < 2 {
			return "", false
		}
		for i, j := 0, len(f.keys)-1; i < j; i, j = i+1, j-1 {
			f.keys[i], f.keys[j] = f.keys[j], f.keys[i]
			f.vals[i], f.vals[j] = f.vals[j], f.vals[i]
		}
	case "eq":
		f := filterOf(doc)
		i := f.firstField(func(x *node) bool { return x.kind == 's' || x.kind == 'n' })
		if i < 0 {
			return "", false
		}
		f.vals[i] = &node{kind: 'o', keys: []string{"$eq"}, vals: []*node{f.vals[i]}}
	case "and":
		f := filterOf(doc)
		if f == nil || len(f.keys) < 2 || f.hasOperatorKey() {
			return "", false
		}
		arr := &node{kind: 'a'}
		for i := range f.keys {
			arr.vals = append(arr.vals, &node{kind: 'o', keys: f.keys[i : i+1], vals: f.vals[i : i+1]})
		}
		f.keys, f.vals = []string{"$and"}, []*node{arr}
	case "string_for_number":
		n := doc.find(func(x *node) bool { return x.kind == 'n' && !x.inSort })
		if n == nil {
			return "", false
		}
		n.kind = 's'
	case "value":
		n := doc.find(func(x *node) bool { return x.kind == 's' && !strings.HasPrefix(x.text, "$") })
		if n == nil {
			return "", false
		}
		n.text += "s"
	case "operator":
		swap := map[string]string{"$gt": "$gte", "$gte": "$gt", "$lt": "$lte", "$lte": "$lt", "$in": "$nin", "$nin": "$in", "$ne": "$eq", "$exists": "$ne"}
		if !doc.renameKey(func(k string) (string, bool) { s, ok := swap[k]; return s, ok }) {
			return "", false
		}
	case "field":
		f := filterOf(doc)
		i := f.firstField(func(*node) bool { return true })
		if i < 0 {
			return "", false
		}
		f.keys[i] += "_"
	case "sort":
		n := doc.find(func(x *node) bool { return x.kind == 'n' && x.inSort })
		if n == nil {
			return "", false
		}
		if strings.HasPrefix(n.text, "-") {
			n.text = n.text[1:]
		} else {
			n.text = "-" + n.text
		}
	case "stage_order":
		if doc.kind != 'a' || len(doc.vals) < 2 {
			return "", false
		}
		doc.vals[0], doc.vals[1] = doc.vals[1], doc.vals[0]
	default:
		return "", false
	}
	return doc.String(), true
}

// mongosh varies a db.collection.method(…) answer by its text.
func mongosh(v, q, coll string) (string, bool) {
	switch v {
	case "semicolon":
		return q + ";", true
	case "getcollection":
		return strings.Replace(q, "db."+coll+".", fmt.Sprintf("db.getCollection(%q).", coll), 1), true
	case "collection":
		return strings.Replace(q, "db."+coll+".", "db."+coll+"_archive.", 1), true
	case "value":
		loc := quoted.FindStringSubmatchIndex(q)
		if loc == nil {
			return "", false
		}
		return q[:loc[3]] + "s" + q[loc[3]:], true
	case "sort":
		m := sortSpec.FindStringSubmatchIndex(q)
		if m == nil {
			return "", false
		}
		dir := "-1"
		if q[m[4]:m[5]] == "-1" {
			dir = "1"
		}
		return q[:m[4]] + dir + q[m[5]:], true
	}
	return "", false
}

// node is a JSON value with its keys in order.
type node struct {
	kind   byte // 'o', 'a', 's', 'n', 'l' (true, false, null)
	keys   []string
	vals   []*node
	text   string
	inSort bool
}

func decode(s string) (*node, error) {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	return read(dec, false)
}

func read(dec *json.Decoder, inSort bool) (*node, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		n := &node{kind: 'o'}
		if t == '[' {
			n.kind = 'a'
		}
		for dec.More() {
			key := ""
			if n.kind == 'o' {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key = k.(string)
			}
			el, err := read(dec, inSort || key == "$sort" || key == "sort")
			if err != nil {
				return nil, err
			}
			if n.kind == 'o' {
				n.keys = append(n.keys, key)
			}
			n.vals = append(n.vals, el)
		}
		_, err := dec.Token()
		return n, err
	case string:
		return &node{kind: 's', text: t, inSort: inSort}, nil
	case json.Number:
		return &node{kind: 'n', text: string(t), inSort: inSort}, nil
	default:
		b, _ := json.Marshal(t)
		return &node{kind: 'l', text: string(b)}, nil
	}
}

func (n *node) String() string {
	var b strings.Builder
	n.write(&b)
	return b.String()
}

func (n *node) write(b *strings.Builder) {
	switch n.kind {
	case 'o', 'a':
		open, close := "{", "}"
		if n.kind == 'a' {
			open, close = "[", "]"
		}
		b.WriteString(open)
		for i, v := range n.vals {
			if i > 0 {
				b.WriteByte(',')
			}
			if n.kind == 'o' {
				b.WriteString(strconv.Quote(n.keys[i]))
				b.WriteByte(':')
			}
			v.write(b)
		}
		b.WriteString(close)
	case 's':
		j, _ := jsonl.Marshal(n.text)
		b.Write(j)
	default:
		b.WriteString(n.text)
	}
}

// filterOf returns the filter of a bare filter or the first $match of a
// pipeline, or nil.
func filterOf(doc *node) *node {
	if doc.kind == 'o' {
		if len(doc.keys) == 1 && doc.keys[0] == "$match" && doc.vals[0].kind == 'o' {
			return doc.vals[0]
		}
		if len(doc.keys) > 0 && !strings.HasPrefix(doc.keys[0], "$") || len(doc.keys) > 1 {
			if doc.keys[0] == "filter" {
				return nil
			}
			return doc
		}
		return nil
	}
	for _, st := range doc.vals {
		if st.kind == 'o' && len(st.keys) == 1 && st.keys[0] == "$match" && st.vals[0].kind == 'o' {
			return st.vals[0]
		}
	}
	return nil
}

func (n *node) hasOperatorKey() bool {
	for _, k := range n.keys {
		if strings.HasPrefix(k, "$") {
			return true
		}
	}
	return false
}

// firstField returns the index of the first field (not $-key) whose value
// passes ok, or -1.
func (n *node) firstField(ok func(*node) bool) int {
	if n == nil {
		return -1
	}
	for i, k := range n.keys {
		if !strings.HasPrefix(k, "$") && ok(n.vals[i]) {
			return i
		}
	}
	return -1
}

func (n *node) find(ok func(*node) bool) *node {
	if ok(n) {
		return n
	}
	for _, v := range n.vals {
		if f := v.find(ok); f != nil {
			return f
		}
	}
	return nil
}

func (n *node) renameKey(to func(string) (string, bool)) bool {
	for i, k := range n.keys {
		if s, ok := to(k); ok {
			n.keys[i] = s
			return true
		}
	}
	for _, v := range n.vals {
		if v.renameKey(to) {
			return true
		}
	}
	return false
}
