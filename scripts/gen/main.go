// Gen writes a seeded synthetic chat fine-tuning file for benchmarks: a
// system prompt, a plain-English question about a collection, and a MongoDB
// query or pipeline as the answer, like the data ft is built for. About 5% of
// the lines carry non-ASCII text and 1% a name.
//
// Usage:
//
//	go run ./scripts/gen [-n 100000] [-seed 42] > chat.jsonl
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"

	"github.com/goccy/go-json"
)

var (
	collections = []string{"orders", "customers", "products", "invoices", "shipments", "reviews", "employees",
		"flights", "airports", "tracks", "albums", "students", "courses", "rentals", "listings", "sensors"}
	fields = []string{"status", "total", "price", "created_at", "country", "city", "rating", "name", "email",
		"quantity", "category", "age", "salary", "department", "year", "duration_ms", "genre", "score", "tags"}
	verbs  = []string{"List", "Show", "Find", "Count", "Give me", "Which are", "Return", "Get", "How many are"}
	values = []string{"shipped", "pending", "France", "Berlin", "gold", "2023", "electronics", "rock", "A+",
		"cancelled", "premium", "São Paulo", "Zürich", "東京", "Ελλάδα", "naïve café", "emoji 🚀 launch"}
	ops     = []string{"$gt", "$lt", "$gte", "$lte", "$ne", "$eq"}
	systems = func() []string {
		var s []string
		for i := range 12 {
			s = append(s, fmt.Sprintf("You are an assistant that writes MongoDB queries. Answer with a single "+
				"valid MongoDB shell command for the question, using only the fields of the schema. "+
				"Do not explain. Style %d.", i+1))
		}
		return s
	}()
)

type message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
	Name    string `json:"name,omitempty"`
}

type example struct {
	Messages []message `json:"messages"`
}

func main() {
	n := flag.Int("n", 100000, "number of examples")
	seed := flag.Uint64("seed", 42, "random seed")
	flag.Parse()
	r := rand.New(rand.NewPCG(*seed, *seed^0x9e3779b97f4a7c15))
	out := bufio.NewWriterSize(os.Stdout, 1<<20)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for range *n {
		if err := enc.Encode(gen(r)); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
	}
	if err := out.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

func gen(r *rand.Rand) example {
	coll := pick(r, collections)
	nConds := 1 + r.IntN(4)
	var q strings.Builder
	q.WriteString(pick(r, verbs) + " the " + coll)
	filter := map[string]any{}
	for i := range nConds {
		f := pick(r, fields)
		if i == 0 {
			q.WriteString(" where ")
		} else {
			q.WriteString(" and ")
		}
		if r.IntN(2) == 0 {
			v := pick(r, values)
			if r.IntN(20) != 0 {
				v = strings.Map(func(c rune) rune {
					if c > 127 {
						return 'e'
					}
					return c
				}, v)
			}
			fmt.Fprintf(&q, "%s is %q", strings.ReplaceAll(f, "_", " "), v)
			filter[f] = v
		} else {
			op := pick(r, ops)
			v := r.IntN(100000) - 100
			fmt.Fprintf(&q, "%s %s %d", strings.ReplaceAll(f, "_", " "), strings.Trim(op, "$"), v)
			filter[f] = map[string]any{op: v}
		}
	}
	fb, _ := json.Marshal(filter)
	var answer string
	switch r.IntN(3) {
	case 0:
		answer = fmt.Sprintf("db.%s.find(%s)", coll, fb)
	case 1:
		sort := pick(r, fields)
		q.WriteString(", sorted by " + strings.ReplaceAll(sort, "_", " "))
		answer = fmt.Sprintf("db.%s.find(%s).sort({%q: %d}).limit(%d)", coll, fb, sort, 1-2*r.IntN(2), 1+r.IntN(50))
	default:
		g := pick(r, fields)
		q.WriteString(", grouped by " + g + " with their count")
		answer = fmt.Sprintf(`db.%s.aggregate([{"$match": %s}, {"$group": {"_id": "$%s", "count": {"$sum": 1}}}, {"$sort": {"count": -1}}])`, coll, fb, g)
	}
	q.WriteString("?")
	user := message{Role: "user", Content: q.String()}
	if r.IntN(100) == 0 {
		user.Name = fmt.Sprintf("analyst_%d", r.IntN(10))
	}
	return example{Messages: []message{
		{Role: "system", Content: pick(r, systems)},
		user,
		{Role: "assistant", Content: answer},
	}}
}
