package tokenize

import (
	"strings"
	"testing"
)

func TestLookupModel(t *testing.T) {
	tests := []struct {
		in, name, enc string
		limit         int
	}{
		{"gpt-4o-mini-2024-07-18", "gpt-4o-mini-2024-07-18", "o200k_base", 65536},
		{"gpt-4o-mini", "gpt-4o-mini-2024-07-18", "o200k_base", 65536},
		{"GPT-4o", "gpt-4o-2024-08-06", "o200k_base", 65536},
		{"gpt-4.1-nano", "gpt-4.1-nano-2025-04-14", "o200k_base", 65536},
		{"ft:gpt-4o-mini-2024-07-18:org::abc123", "gpt-4o-mini-2024-07-18", "o200k_base", 65536},
		// tiktoken's own prefix table sends ft:gpt-4.1 to cl100k; the base is o200k.
		{"ft:gpt-4.1-2025-04-14:acme:custom:xyz", "gpt-4.1-2025-04-14", "o200k_base", 65536},
		{"ft:gpt-3.5-turbo-0125:org::id", "gpt-3.5-turbo-0125", "cl100k_base", 16385},
		{"gpt-3.5-turbo", "gpt-3.5-turbo-0125", "cl100k_base", 16385},
		{"gpt-3.5-turbo-0613", "gpt-3.5-turbo-0613", "cl100k_base", 4096},
		{"davinci-002", "davinci-002", "cl100k_base", 16384},
		{"o4-mini", "o4-mini-2025-04-16", "o200k_base", 0},
	}
	for _, tt := range tests {
		m, err := LookupModel(tt.in)
		if err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		if m.Name != tt.name || m.Encoding != tt.enc || m.ExampleLimit != tt.limit {
			t.Errorf("%s: got %s %s %d, want %s %s %d", tt.in, m.Name, m.Encoding, m.ExampleLimit, tt.name, tt.enc, tt.limit)
		}
	}
	for _, bad := range []string{"gpt-5", "", "ft:", "ft:llama:org::x", "gpt-4o-mini-2024-07-18x"} {
		_, err := LookupModel(bad)
		if err == nil {
			t.Errorf("%q: no error", bad)
			continue
		}
		if !strings.Contains(err.Error(), "gpt-4o-mini-2024-07-18") {
			t.Errorf("%q: error does not list known models: %v", bad, err)
		}
	}
}

func TestModelsTable(t *testing.T) {
	ms := Models()
	seen := map[string]bool{}
	for _, m := range ms {
		if seen[m.Name] {
			t.Errorf("%s listed twice", m.Name)
		}
		seen[m.Name] = true
		if _, err := GetEncoding(m.Encoding); err != nil {
			t.Errorf("%s: %v", m.Name, err)
		}
		if len(m.Methods) == 0 || m.PriceDate == "" {
			t.Errorf("%s: incomplete: %+v", m.Name, m)
		}
		if m.TrainingUSDPerMTok == 0 && m.Name != "o4-mini-2025-04-16" && m.Name != "gpt-4-0613" {
			t.Errorf("%s: no price", m.Name)
		}
		for _, a := range append([]string{m.Name}, m.Aliases...) {
			got, err := LookupModel(a)
			if err != nil || got.Name != m.Name {
				t.Errorf("LookupModel(%q) = %s, %v", a, got.Name, err)
			}
		}
	}
	ms[0].Name = "changed"
	if Models()[0].Name == "changed" {
		t.Error("Models returns the table itself")
	}
}

func TestSpecialTokens(t *testing.T) {
	if got := SpecialTokens("o200k_base"); len(got) != 2 {
		t.Errorf("o200k: %v", got)
	}
	if got := SpecialTokens("cl100k_base"); len(got) != 5 {
		t.Errorf("cl100k: %v", got)
	}
	if SpecialTokens("nope") != nil {
		t.Error("unknown encoding has special tokens")
	}
}

func TestLookupInferencePrice(t *testing.T) {
	tests := []struct {
		in      string
		ok      bool
		in1, o1 float64
	}{
		{"gpt-4o-mini-2024-07-18", true, 0.15, 0.60},
		{"gpt-4o-mini", true, 0.15, 0.60},
		{"ft:gpt-4o-mini-2024-07-18:acme::abc", true, 0.30, 1.20},
		{"ft:gpt-4o-mini-2024-07-18:acme::abc:ckpt-step-88", true, 0.30, 1.20},
		{"FT:GPT-4.1-2025-04-14:org:s:x", true, 3.00, 12.00},
		{"gpt-4.1-nano", true, 0.10, 0.40},
		{"ft:davinci-002:org::x", true, 12.00, 12.00},
		{"davinci-002", false, 0, 0}, // a base completion model: not priced for chat
		{"gpt-5", false, 0, 0},
		{"ft:llama:org::x", false, 0, 0},
	}
	for _, tt := range tests {
		p, ok := LookupInferencePrice(tt.in)
		if ok != tt.ok || p.InputUSDPerMTok != tt.in1 || p.OutputUSDPerMTok != tt.o1 {
			t.Errorf("%s: got %v %v, want %v %v/%v", tt.in, p, ok, tt.ok, tt.in1, tt.o1)
		}
		if ok && p.Date == "" {
			t.Errorf("%s: no price date", tt.in)
		}
	}
	p, _ := LookupInferencePrice("ft:gpt-4o-mini-2024-07-18:acme::abc")
	if got := p.USD(1_000_000, 0, 500_000); got != 0.30+0.60 {
		t.Errorf("USD = %v, want 0.90", got)
	}
	// Cached prompt tokens at the cached price where one is published, else
	// at the input price.
	if got := p.USD(1_000_000, 400_000, 0); got != 0.6*0.30+0.4*0.15 {
		t.Errorf("USD with cached tokens = %v, want %v", got, 0.6*0.30+0.4*0.15)
	}
	base, _ := LookupInferencePrice("gpt-4o-mini-2024-07-18")
	if got := base.USD(1_000_000, 400_000, 0); got != 0.15 {
		t.Errorf("USD with no published cached price = %v, want 0.15", got)
	}
}

func TestParsePrice(t *testing.T) {
	for in, want := range map[string]float64{"3": 3, "$25": 25, "0.40": 0.4, "1e1": 10} {
		if got, err := ParsePrice(in); err != nil || got != want {
			t.Errorf("ParsePrice(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "-3", "abc", "3 dollars", "NaN", "1e9", "3x"} {
		if _, err := ParsePrice(in); err == nil {
			t.Errorf("ParsePrice(%q) succeeded", in)
		}
	}
	m, _ := LookupModel("gpt-4o-mini")
	p := m.WithPrice(4.5)
	if p.TrainingUSDPerMTok != 4.5 || p.PriceDate != "" || m.TrainingUSDPerMTok != 3 {
		t.Errorf("WithPrice: %+v (from %+v)", p, m)
	}
	if PriceListDate() != m.PriceDate {
		t.Errorf("PriceListDate %s, the table's %s", PriceListDate(), m.PriceDate)
	}
}
