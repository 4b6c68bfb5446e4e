package mongoexec

import (
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// benchRows are n rows of a typical result: an id, a name, a number, a
// nested document.
func benchRows(n int, shift int) []bson.D {
	rows := make([]bson.D, n)
	for i := range rows {
		rows[i] = row("order_id", int64(i+shift), "status", "pending", "total", float64(i)*1.5,
			"customer", row("name", "Ann", "tier", "gold"))
	}
	return rows
}

// BenchmarkCompare compares results of --max-rows' default size: equal
// rows in another order (paired by canonical form), and rows that all
// differ, and equal rows each with a surplus field, which only the
// pairwise search pairs (the worst case).
func BenchmarkCompare(b *testing.B) {
	want := benchRows(1000, 0)
	same := benchRows(1000, 0)
	for i, j := 0, len(same)-1; i < j; i, j = i+1, j-1 {
		same[i], same[j] = same[j], same[i]
	}
	other := benchRows(1000, 1)
	for i := range other {
		other[i] = append(other[i], bson.E{Key: "extra", Value: i})
	}
	b.Run("same-rows-unordered", func(b *testing.B) {
		for b.Loop() {
			if !Compare(want, same, false, MatchColumns, 2).Match {
				b.Fatal("no match")
			}
		}
	})
	surplus := benchRows(1000, 0)
	for i := range surplus {
		surplus[i] = append(surplus[i], bson.E{Key: "extra", Value: i})
	}
	for i, j := 0, len(surplus)-1; i < j; i, j = i+1, j-1 {
		surplus[i], surplus[j] = surplus[j], surplus[i]
	}
	b.Run("same-rows-with-a-surplus-field", func(b *testing.B) {
		for b.Loop() {
			if !Compare(want, surplus, false, MatchColumns, 2).Match {
				b.Fatal("no match")
			}
		}
	})
	b.Run("all-differ-values-surplus", func(b *testing.B) {
		for b.Loop() {
			Compare(want, other, false, MatchValues, 2)
		}
	})
}
