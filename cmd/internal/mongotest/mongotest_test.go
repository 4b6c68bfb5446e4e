package mongotest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// TestRecord shows that the record, and so CheckReadOnly, sees what a
// client really sends: a write and an $out are caught, reads pass.
func TestRecord(t *testing.T) {
	data := filepath.Join(t.TempDir(), "docs.json")
	if err := os.WriteFile(data, []byte("{\"a\": 1}\n{\"a\": 2}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Start(Options{Load: []string{"db1.c=" + data}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c, err := mongo.Connect(options.Client().ApplyURI(s.URI()).SetServerSelectionTimeout(2 * time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Disconnect(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	coll := c.Database("db1").Collection("c")

	n, err := coll.CountDocuments(ctx, bson.D{})
	if err != nil || n != 2 {
		t.Fatalf("the loaded documents: %d, %v", n, err)
	}
	if err := CheckReadOnly(s.Commands()); err != nil {
		t.Errorf("reads only: %v", err)
	}
	last := s.Commands()[len(s.Commands())-1]
	if last.Name != "aggregate" || last.DB != "db1" {
		t.Errorf("countDocuments recorded as %s on %s, want aggregate on db1", last.Name, last.DB)
	}

	if _, err := coll.InsertOne(ctx, bson.D{{Key: "a", Value: 3}}); err != nil {
		t.Fatal(err)
	}
	err = CheckReadOnly(s.Commands())
	if err == nil || !strings.Contains(err.Error(), "received insert") {
		t.Errorf("after an insert: %v", err)
	}

	s2, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	c2, err := mongo.Connect(options.Client().ApplyURI(s2.URI()).SetServerSelectionTimeout(2 * time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Disconnect(context.Background())
	cur, err := c2.Database("db1").RunCommandCursor(ctx, bson.D{{Key: "aggregate", Value: "c"},
		{Key: "pipeline", Value: bson.A{bson.D{{Key: "$out", Value: "d"}}}}, {Key: "cursor", Value: bson.D{}},
		{Key: "maxTimeMS", Value: 1000}})
	if err == nil {
		cur.Close(ctx)
	}
	err = CheckReadOnly(s2.Commands())
	if err == nil || !strings.Contains(err.Error(), "with \"$out\"") {
		t.Errorf("after an $out: %v", err)
	}

	s2.Stop()
	if err := c2.Ping(ctx, nil); err == nil {
		t.Error("the server answered after Stop")
	}
	if err := CheckReadOnly(nil); err == nil {
		t.Error("an empty record passed")
	}
}
