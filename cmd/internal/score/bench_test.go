package score

import (
	"testing"

	"github.com/ft-tools/ft/cmd/internal/mongoquery"
)

var benchPairs = [][2]string{
	{`db.orders.find({status: "shipped", total: {$gt: 100}}).sort({date: -1}).limit(10)`, `db.getCollection("orders").find({total: {$gt: 100}, status: {$eq: "shipped"}}).limit(10).sort({date: -1});`},
	{`[{"$match":{"fiscal_year":"2024"}},{"$group":{"_id":"$channel","orders":{"$sum":1}}},{"$sort":{"orders":-1}}]`, "```json\n[{\"$group\":{\"_id\":\"$channel\",\"orders\":{\"$sum\":1}}},{\"$match\":{\"fiscal_year\":\"2024\"}}]\n```"},
	{`{"total":{"$gte":100,"$lte":200},"currency":"EUR"}`, `{"total":{"$gte":100,"$lte":200},"currency":"EUR"}`},
	{`db.orders.countDocuments({status: "pending"})`, `I'm sorry, I can't see the schema.`},
}

// BenchmarkScore against BenchmarkParseOnly tells what equivalence costs
// beyond reading the two texts.
func BenchmarkScore(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		p := benchPairs[i%len(benchPairs)]
		Score(p[0], p[1])
	}
}

func BenchmarkParseOnly(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		p := benchPairs[i%len(benchPairs)]
		mongoquery.Parse(p[0])
		mongoquery.Parse(p[1])
	}
}
