package tokenize

import (
	"sync"
	"testing"

	tiktoken "github.com/pkoukk/tiktoken-go"
	tiktoken_loader "github.com/pkoukk/tiktoken-go-loader"
)

// pkoukk/tiktoken-go is the independent Go reference: it runs tiktoken's
// split patterns through regexp2 with Go's Unicode 15 tables.

var refOnce sync.Once

func reference(t testing.TB, name string) *tiktoken.Tiktoken {
	t.Helper()
	refOnce.Do(func() { tiktoken.SetBpeLoader(tiktoken_loader.NewOfflineLoader()) })
	tk, err := tiktoken.GetEncoding(name)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// The corpus tells where pkoukk departs from tiktoken; it is reported, not
// failed, since it is the reference that is wrong there.
func TestReferenceOnCorpus(t *testing.T) {
	cases := readCorpus(t)
	for _, name := range []string{"o200k_base", "cl100k_base"} {
		tk := reference(t, name)
		bad := 0
		for _, tc := range cases {
			want := tc.O200k
			if name == "cl100k_base" {
				want = tc.Cl100k
			}
			if got := len(tk.EncodeOrdinary(tc.Text)); got != want {
				bad++
				t.Logf("%s: pkoukk %d, tiktoken %d: %s %q", name, got, want, tc.Name, tc.Text)
			}
		}
		t.Logf("%s: pkoukk disagrees with tiktoken on %d of %d cases", name, bad, len(cases))
	}
}
