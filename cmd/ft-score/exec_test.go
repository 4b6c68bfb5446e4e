package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ft-tools/ft/cmd/internal/cli"
	"github.com/ft-tools/ft/cmd/internal/mongotest"
)

// TestExecExitCodes runs ft-score in the test process for what a script cannot
// check: the exit status of a run whose database goes away, or is never
// there, and of usage errors of the database flags.
func TestExecExitCodes(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("MONGODB_URI", "")
	data := filepath.Join(dir, "orders.json")
	if err := os.WriteFile(data, []byte(`[{"order_id":"A1"},{"order_id":"A2"}]`), 0o644); err != nil {
		t.Fatal(err)
	}
	var in strings.Builder
	for range 20 {
		in.WriteString(`{"model":"m","expected":"db.orders.find({order_id: \"A1\"})","answer":"db.orders.find({order_id: \"A1\"})"}` + "\n")
		in.WriteString(`{"model":"m","expected":"db.orders.find({order_id: \"A2\"})","answer":"db.orders.find({})"}` + "\n")
	}
	srv, err := mongotest.Start(mongotest.Options{Load: []string{"shop.orders=" + data}, StopAfter: 12})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()

	tests := []struct {
		name   string
		args   []string
		dotenv string
		code   int
		stderr string
	}{
		{"goes away mid-run", []string{"--mongo-uri", srv.URI(), "--db", "shop", "--connect-timeout", "2s"}, "", cli.ExitUnavailable, "stayed unreachable"},
		{"never there, from .env", []string{"--db", "shop", "--connect-timeout", "2s"}, "MONGODB_URI=mongodb://bob:pa55word@127.0.0.1:1/\n", cli.ExitUnavailable, "mongodb://***@127.0.0.1:1/"},
		{"no database name", []string{"--mongo-uri", srv.URI()}, "", cli.ExitUsage, "one of --db NAME or --db-field PATH"},
		{"--db without a server", []string{"--db", "shop"}, "", cli.ExitUsage, "--db needs --mongo-uri"},
		{"a bad URI", []string{"--mongo-uri", "mongodb://carol:s3cret@", "--db", "shop"}, "", cli.ExitUsage, "--mongo-uri"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			os.Remove(".env")
			if tt.dotenv != "" {
				if err := os.WriteFile(".env", []byte(tt.dotenv), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			var stdout, stderr bytes.Buffer
			code := run(tt.args, strings.NewReader(in.String()), &stdout, &stderr)
			if code != tt.code || !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit %d and %q", code, stderr.String(), tt.code, tt.stderr)
			}
			for _, secret := range []string{"pa55word", "s3cret"} {
				if strings.Contains(stderr.String()+stdout.String(), secret) {
					t.Errorf("the password %s was printed:\n%s", secret, stderr.String())
				}
			}
		})
	}
}
