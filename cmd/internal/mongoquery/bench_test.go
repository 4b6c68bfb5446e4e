package mongoquery

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// chatAnswers are mongosh answers shaped like those of scripts/gen, the
// file scripts/bench times ft-stats on: a find with a filter, the same with
// sort and limit, or an aggregate of match, group and sort.
func chatAnswers(n int) []string {
	r := rand.New(rand.NewPCG(42, 0))
	pick := func(s []string) string { return s[r.IntN(len(s))] }
	colls := []string{"orders", "customers", "products", "reviews", "flights", "tracks", "students", "sensors"}
	fields := []string{"status", "total", "price", "created_at", "city", "rating", "name", "quantity", "age", "duration_ms"}
	values := []string{"shipped", "pending", "Berlin", "A+", "São Paulo", "東京", "emoji 🚀 launch"}
	ops := []string{"$gt", "$lt", "$gte", "$lte", "$ne", "$eq"}
	out := make([]string, n)
	for i := range out {
		var conds []string
		for range 1 + r.IntN(4) {
			if r.IntN(2) == 0 {
				conds = append(conds, fmt.Sprintf("%q:%q", pick(fields), pick(values)))
			} else {
				conds = append(conds, fmt.Sprintf("%q:{%q:%d}", pick(fields), pick(ops), r.IntN(100000)-100))
			}
		}
		filter := "{" + strings.Join(conds, ",") + "}"
		coll := pick(colls)
		switch r.IntN(3) {
		case 0:
			out[i] = fmt.Sprintf("db.%s.find(%s)", coll, filter)
		case 1:
			out[i] = fmt.Sprintf("db.%s.find(%s).sort({%q: %d}).limit(%d)", coll, filter, pick(fields), 1-2*r.IntN(2), 1+r.IntN(50))
		default:
			out[i] = fmt.Sprintf(`db.%s.aggregate([{"$match": %s}, {"$group": {"_id": "$%s", "count": {"$sum": 1}}}, {"$sort": {"count": -1}}])`, coll, filter, pick(fields))
		}
	}
	return out
}

// BenchmarkStatsAddChat is the work of ft-stats' queries section per answer.
func BenchmarkStatsAddChat(b *testing.B) {
	answers := chatAnswers(1000)
	size := 0
	for _, a := range answers {
		size += len(a)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		var s Stats
		for _, a := range answers {
			s.Add("f", 1, a)
		}
	}
}
