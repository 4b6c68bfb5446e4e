package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goccy/go-json"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/ft-tools/ft/cmd/internal/scriptfiles"

	"github.com/ft-tools/ft/cmd/internal/cli"
	"github.com/ft-tools/ft/jsonl"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		name: main, // main, not only run: it sets up the SIGPIPE handling that pipe.txtar checks
	})
}

func TestScript(t *testing.T) {
	testscript.Run(t, testscript.Params{Dir: "testdata/script", RequireExplicitExec: true,
		Cmds: scriptfiles.Cmds, Condition: scriptfiles.Condition})
}

// TestExitCodes pins the exact statuses, which testscript sees only as zero
// or not.
func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.jsonl", `{"question":"q","query":{"a":1}}`+"\n")
	bad := write("bad.jsonl", `{"question":"q","query":{"a":1}}`+"\n"+`{"question":"q"}`+"\n")
	ambiguous := write("amb.jsonl", `{"question":"q","prompt":"p","query":"x"}`+"\n")
	twoQueries := write("twoq.jsonl", `{"question":"q","query":"db.a.find()","mql":"db.b.find()"}`+"\n")
	misnamed := write("misnamed.jsonl", `{"question":"q","query":"x"}`+"\n")
	truncated := write("trunc.json", `[{"question":"q","query":"x"},`)
	badCSV := write("bad.csv", "question,query\n\"q,x\n")
	for _, tc := range []struct {
		name  string
		args  []string
		stdin string
		want  int
	}{
		{"good", []string{good}, "", cli.ExitOK},
		{"stdin", nil, `{"question":"q","query":"x"}`, cli.ExitOK},
		{"empty input", nil, "", cli.ExitOK},
		{"help", []string{"--help"}, "", cli.ExitOK},
		{"version", []string{"--version"}, "", cli.ExitOK},
		{"bad record", []string{bad}, "", cli.ExitDataError},
		{"not UTF-8", nil, "{\"question\":\"\xff\",\"query\":\"x\"}\n", cli.ExitUnreadable},
		{"no record is JSON", []string{"--from", "jsonl"}, "{bad json\n{also bad\n", cli.ExitUnreadable},
		{"one record is not JSON", nil, "{\"question\":\"q\",\"query\":\"x\"}\n{bad json\n", cli.ExitDataError},
		{"unknown flag", []string{"--nope"}, "", cli.ExitUsage},
		{"bad --from", []string{"--from", "xml"}, "", cli.ExitUsage},
		{"ambiguous fields", []string{ambiguous}, "", cli.ExitUsage},
		{"two answers read as queries", []string{twoQueries}, "", cli.ExitUsage},
		{"a named field no record has", []string{"--question", "nl_question", misnamed}, "", cli.ExitDataError},
		{"bad --delimiter", []string{"--delimiter", "ab", good}, "", cli.ExitUsage},
		{"two system flags", []string{"--no-system", "--system", "x"}, "", cli.ExitUsage},
		{"empty --system", []string{"--system", "", good}, "", cli.ExitUsage},
		{"bad template", []string{"--user-template", "{{.question", good}, "", cli.ExitUsage},
		{"bad path", []string{"--question", "a..b", good}, "", cli.ExitUsage},
		{"missing file", []string{filepath.Join(dir, "none.json")}, "", cli.ExitUnreadable},
		{"missing system file", []string{"--system-file", filepath.Join(dir, "none.txt"), good}, "", cli.ExitUnreadable},
		{"truncated array", []string{truncated}, "", cli.ExitUnreadable},
		{"broken CSV", []string{badCSV}, "", cli.ExitUnreadable},
		{"not an array", []string{"--from", "json"}, `{"question":"q"}`, cli.ExitUnreadable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if got := run(tc.args, strings.NewReader(tc.stdin), &stdout, &stderr); got != tc.want {
				t.Errorf("exit %d, want %d; stderr:\n%s", got, tc.want, stderr.String())
			}
		})
	}
}

// TestClosedStdout is `ft-format ... | head -1`: once the reader of stdout
// has gone, ft-format stops, quietly, with status 0.
func TestClosedStdout(t *testing.T) {
	var in strings.Builder
	in.WriteString("[")
	for i := range 20000 {
		if i > 0 {
			in.WriteString(",")
		}
		in.WriteString(`{"question":"how many orders?","query":{"$match":{}}}`)
	}
	in.WriteString("]")
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	defer w.Close()
	var stderr bytes.Buffer
	if code := run(nil, strings.NewReader(in.String()), w, &stderr); code != 0 {
		t.Errorf("exit %d, want 0", code)
	}
	if strings.Contains(stderr.String(), "pipe") || strings.Contains(stderr.String(), "examples from") {
		t.Errorf("stderr is not quiet:\n%s", stderr.String())
	}
}

// TestShared formats the public text-to-MongoDB datasets in ../shared.
func TestShared(t *testing.T) {
	root := os.Getenv("FT_SHARED")
	if root == "" {
		t.Skip("FT_SHARED is not set")
	}
	t.Run("tend", func(t *testing.T) {
		path := filepath.Join(root, "data/tend-text-to-nosql/train.json")
		var records []struct {
			NLQueries []string `json:"nl_queries"`
			MQL       string   `json:"MQL"`
		}
		readJSON(t, path, &records)
		exs := format(t, path)
		if len(records) == 0 || len(exs) != 5*len(records) {
			t.Fatalf("%d examples from %d records, want 5 each", len(exs), len(records))
		}
		k := 0
		for _, rec := range records {
			for _, q := range rec.NLQueries {
				user, _ := exs[k].LastText("user")
				answer, _ := exs[k].LastText("assistant")
				if user != q || answer != rec.MQL {
					t.Fatalf("example %d: user %q, assistant %q; want %q, %q", k, user, answer, q, rec.MQL)
				}
				k++
			}
		}
	})
	t.Run("jangel97", func(t *testing.T) {
		path := filepath.Join(root, "data/jangel97-text-to-mongo/eval.jsonl")
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		lines := bytes.Split(bytes.TrimSpace(data), []byte("\n"))
		tmpl := "Collection: {{.schema.collection}}\n{{.question}}"
		plain := format(t, "--question", "intent", "--answer", "output", path)
		templated := format(t, "--user-template", tmpl, path)
		if len(plain) != len(lines) || len(templated) != len(lines) {
			t.Fatalf("%d and %d examples from %d lines", len(plain), len(templated), len(lines))
		}
		for i, line := range lines {
			var rec struct {
				Intent string          `json:"intent"`
				Output json.RawMessage `json:"output"`
				Schema struct {
					Collection string `json:"collection"`
				} `json:"schema"`
			}
			if err := json.Unmarshal(line, &rec); err != nil {
				t.Fatal(err)
			}
			var want bytes.Buffer
			if err := json.Compact(&want, rec.Output); err != nil {
				t.Fatal(err)
			}
			answer, _ := plain[i].LastText("assistant")
			if answer != want.String() {
				t.Fatalf("line %d: answer %s, want the output as written, compacted: %s", i+1, answer, want.String())
			}
			user, _ := templated[i].LastText("user")
			if wantUser := "Collection: " + rec.Schema.Collection + "\n" + rec.Intent; user != wantUser {
				t.Fatalf("line %d: user %q, want %q", i+1, user, wantUser)
			}
		}
	})
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err) // FT_SHARED is set: a missing file is a failure
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatal(err)
	}
}

func format(t *testing.T, args ...string) []jsonl.Example {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := run(args, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("ft-format %v: exit %d\n%s", args, code, stderr.String())
	}
	var exs []jsonl.Example
	r := jsonl.NewReader(&stdout, "<stdout>")
	for r.Next() {
		var ex jsonl.Example
		if err := r.Decode(&ex); err != nil {
			t.Fatal(err)
		}
		if len(ex.Messages) != 3 || ex.Messages[0].Role != "system" || ex.Messages[0].Content.String() != defaultSystem {
			t.Fatalf("line %d: not a system/user/assistant example: %s", r.Line(), r.Bytes())
		}
		exs = append(exs, ex)
	}
	return exs
}
