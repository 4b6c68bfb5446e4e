package score

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	json "github.com/goccy/go-json"
)

func sharedFile(t *testing.T, rel string) string {
	t.Helper()
	root := os.Getenv("FT_SHARED")
	if root == "" {
		t.Skip("FT_SHARED is not set")
	}
	path := filepath.Join(root, rel)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("FT_SHARED is set but %v", err)
	}
	return path
}

var dbColl = regexp.MustCompile(`^db\.([A-Za-z_]\w*)\.`)

// TestTENDQueries holds the rules to the 2,849 mongosh queries of TEND's
// training set: each is equivalent to itself, to itself fenced, with a
// semicolon and through getCollection, and not to the same call on another
// collection.
func TestTENDQueries(t *testing.T) {
	data, err := os.ReadFile(sharedFile(t, "data/tend-text-to-nosql/train.json"))
	if err != nil {
		t.Fatal(err)
	}
	var records []struct {
		MQL string `json:"MQL"`
	}
	if err := json.Unmarshal(data, &records); err != nil {
		t.Fatal(err)
	}
	if len(records) < 2000 {
		t.Fatalf("%d records", len(records))
	}
	compared := 0
	for i, r := range records {
		q := strings.TrimSpace(r.MQL)
		same := []string{q, "```javascript\n" + q + "\n```", strings.TrimRight(q, ";") + ";"}
		m := dbColl.FindStringSubmatch(q)
		if m != nil {
			same = append(same, strings.Replace(q, m[0], `db.getCollection("`+m[1]+`").`, 1))
		}
		for _, a := range same {
			if ok, reason := Equivalent(q, a); !ok {
				t.Errorf("record %d: %q is not equivalent to %q: %s", i, a, q, reason)
			}
		}
		if m == nil {
			continue
		}
		other := strings.Replace(q, m[0], "db."+m[1]+"_x.", 1)
		if ok, _ := Equivalent(q, other); ok {
			t.Errorf("record %d: %q is equivalent to %q", i, other, q)
		}
		if Score(q, q).Parsed {
			compared++
		}
	}
	t.Logf("%d records, %d parsed", len(records), compared)
}

// TestTextToMongoQueries reads the JSON queries of jangel97's evaluation
// set: each is equivalent to itself with its parts (type, filter, …) and its
// filter's keys in reverse order, and not to itself with its first string
// value changed.
func TestTextToMongoQueries(t *testing.T) {
	f, err := os.Open(sharedFile(t, "data/jangel97-text-to-mongo/eval.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	n, changed := 0, 0
	for sc.Scan() {
		var rec struct {
			Output json.RawMessage `json:"output"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		if len(rec.Output) == 0 || rec.Output[0] != '{' {
			continue
		}
		n++
		q := string(rec.Output)
		v, err := decodeValue(q)
		if err != nil {
			t.Fatal(err)
		}
		reverse(v)
		if filter := v.get("filter"); filter != nil && filter.kind == 'o' {
			reverse(filter)
		}
		if ok, reason := Equivalent(q, v.String()); !ok {
			t.Errorf("%s is not equivalent to %s: %s", v, q, reason)
		}
		if s := firstString(v.get("filter")); s != nil {
			s.text += "x"
			changed++
			if ok, _ := Equivalent(q, v.String()); ok {
				t.Errorf("%s is equivalent to %s", v, q)
			}
		}
	}
	if n < 100 || changed < 50 {
		t.Fatalf("%d queries, %d changed", n, changed)
	}
	t.Logf("%d queries, %d changed", n, changed)
}

func firstString(v *value) *value {
	if v == nil {
		return nil
	}
	if v.kind == 's' {
		return v
	}
	for _, el := range v.vals {
		if s := firstString(el); s != nil {
			return s
		}
	}
	return nil
}

func reverse(v *value) {
	for i, j := 0, len(v.keys)-1; i < j; i, j = i+1, j-1 {
		v.keys[i], v.keys[j] = v.keys[j], v.keys[i]
		v.vals[i], v.vals[j] = v.vals[j], v.vals[i]
	}
}
