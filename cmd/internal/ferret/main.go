// Command ferret runs FerretDB, a MongoDB-wire server on a SQLite
// directory, on 127.0.0.1 for tests and the demo, and loads collections
// into it. It is a module of its own so that FerretDB and its dependencies
// stay out of the tools' module and binaries.
//
//	ferret [-dir DIR] [-listen 127.0.0.1:0] [-load DB.COLL=FILE]...
//
// FILE holds the documents as a JSON array or as JSON lines, in Extended
// JSON ({"$date": …}, {"$oid": …}, {"$numberDecimal": …}). Once they are
// loaded, the server's URI is printed on stdout as the only line, and it
// serves until stdin is closed or a signal arrives. Without -dir the SQLite
// files go to a temporary directory that is removed at exit.
package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

type loads []string

func (l *loads) String() string     { return strings.Join(*l, ",") }
func (l *loads) Set(s string) error { *l = append(*l, s); return nil }

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "ferret:", err)
		os.Exit(1)
	}
}

func run() error {
	dir := flag.String("dir", "", "SQLite directory (default: a temporary one, removed at exit)")
	listen := flag.String("listen", "127.0.0.1:0", "TCP address to listen on; only loopback addresses are accepted")
	var toLoad loads
	flag.Var(&toLoad, "load", "DB.COLL=FILE: insert FILE's documents into DB.COLL (repeatable)")
	flag.Parse()

	if host, _, ok := strings.Cut(*listen, ":"); !ok || (host != "127.0.0.1" && host != "localhost") {
		return fmt.Errorf("-listen %s: only 127.0.0.1:PORT is served", *listen)
	}
	if *dir == "" {
		d, err := os.MkdirTemp("", "ferret-sqlite")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		*dir = d
	} else if err := os.MkdirAll(*dir, 0o755); err != nil {
		return err
	}
	abs, err := filepath.Abs(*dir)
	if err != nil {
		return err
	}

	// FerretDB logs every connection at info level and every failed command
	// (endSessions, which it lacks, on each disconnect) as a warning.
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Handler:   "sqlite",
		SQLiteURL: "file:" + abs + "/",
		Logger:    logger,
	})
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f.Run(ctx)
	}()
	uri := f.MongoDBURI()

	for _, spec := range toLoad {
		if err := load(ctx, uri, spec); err != nil {
			cancel()
			<-done
			return err
		}
	}
	fmt.Println(uri)

	go func() {
		io.Copy(io.Discard, os.Stdin)
		cancel()
	}()
	<-done
	return nil
}

// load inserts the documents of one -load DB.COLL=FILE.
func load(ctx context.Context, uri, spec string) error {
	target, file, ok := strings.Cut(spec, "=")
	db, coll, ok2 := strings.Cut(target, ".")
	if !ok || !ok2 || db == "" || coll == "" || file == "" {
		return fmt.Errorf("-load %q: want DB.COLL=FILE", spec)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	docs, err := readDocs(data)
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	if len(docs) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	client, err := mongo.Connect(options.Client().ApplyURI(uri))
	if err != nil {
		return err
	}
	defer client.Disconnect(context.Background())
	if _, err := client.Database(db).Collection(coll).InsertMany(ctx, docs); err != nil {
		return fmt.Errorf("loading %s into %s: %w", file, target, err)
	}
	return nil
}

// readDocs reads a JSON array of documents or one document per line.
func readDocs(data []byte) ([]any, error) {
	data = bytes.TrimSpace(data)
	if bytes.HasPrefix(data, []byte("[")) {
		return readWrapped(data)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 16<<20)
	var docs []any
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var d bson.D
		if err := bson.UnmarshalExtJSON(line, false, &d); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		docs = append(docs, d)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(docs) == 0 {
		return nil, errors.New("no documents")
	}
	return docs, nil
}

// readWrapped reads a JSON array by wrapping it in a document, the only
// top-level value Extended JSON decodes.
func readWrapped(data []byte) ([]any, error) {
	var w struct {
		Docs []bson.D `bson:"docs"`
	}
	if err := bson.UnmarshalExtJSON(append(append([]byte(`{"docs":`), data...), '}'), false, &w); err != nil {
		return nil, err
	}
	docs := make([]any, len(w.Docs))
	for i, d := range w.Docs {
		docs[i] = d
	}
	return docs, nil
}
