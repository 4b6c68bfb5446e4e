// Package mongotest starts a MongoDB-wire server for tests: the ferret
// program (FerretDB on SQLite, a module of its own under cmd/internal/ferret)
// behind a proxy on 127.0.0.1 that records every command it is sent, so that
// a test can prove from what the server received which commands were sent,
// and can make the server go away mid-run.
package mongotest

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Command is one command the server was sent.
type Command struct {
	Name string   // the command: find, aggregate, hello, …
	DB   string   // its $db
	Doc  bson.Raw // the whole command document
}

// Server is a running ferret process behind a recording proxy.
type Server struct {
	proc    *exec.Cmd
	stdin   io.WriteCloser
	backend string
	ln      net.Listener

	mu        sync.Mutex
	cmds      []Command
	conns     map[net.Conn]bool
	stopAfter int // close everything once this many commands were received; 0: never
	stopped   bool
	slow      string
	delay     time.Duration
	drop      string
}

// startDir is the working directory the process started in, which for a
// test is its package's directory: the module is found from there even
// after a test changes directory.
var startDir, _ = os.Getwd()

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// Binary builds the ferret program once per process and returns its path.
// The module is found from the go command's idea of the main module, so the
// process must have started inside this repository, as a test does.
func Binary() (string, error) {
	buildOnce.Do(func() {
		goenv := exec.Command("go", "env", "GOMOD")
		goenv.Dir = startDir
		out, err := goenv.Output()
		if err != nil {
			buildErr = fmt.Errorf("go env GOMOD: %w", err)
			return
		}
		gomod := strings.TrimSpace(string(out))
		if gomod == "" || gomod == os.DevNull {
			buildErr = errors.New("not inside the ft module")
			return
		}
		dir := filepath.Join(filepath.Dir(gomod), "cmd", "internal", "ferret")
		tmp, err := os.MkdirTemp("", "ferret-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(tmp, "ferret")
		// go test ./... runs the test binaries of several packages at once,
		// and go build does not share a compile in progress between
		// processes: without the lock a cold cache compiles FerretDB once
		// per package. With it the first compiles and the others only link.
		if lock, err := os.OpenFile(filepath.Join(os.TempDir(), "ft-ferret-build.lock"), os.O_CREATE|os.O_RDWR, 0o644); err == nil {
			defer lock.Close()
			if syscall.Flock(int(lock.Fd()), syscall.LOCK_EX) == nil {
				defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
			}
		}
		build := exec.Command("go", "build", "-C", dir, "-o", binPath, ".")
		build.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=readonly")
		if out, err := build.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("building %s: %v\n%s", dir, err, out)
		}
	})
	return binPath, buildErr
}

// Options configure Start.
type Options struct {
	// Load lists DB.COLL=FILE: FILE's documents (a JSON array or JSON lines
	// of Extended JSON) are inserted before the server is handed over.
	Load []string
	// StopAfter makes the server go away, every connection and the listener
	// closed, once it has received this many commands; 0 means never.
	StopAfter int
	// Slow holds back each command whose filter or pipeline mentions this
	// text by Delay before it is forwarded: a slow query on a live server.
	Slow  string
	Delay time.Duration
	// Drop closes the connection of each command that mentions this text,
	// before it is forwarded, as a server that cannot take that command
	// does; the server stays up for every other.
	Drop string
}

// Start runs a server. Commands sent while loading are not recorded: the
// loader talks to the server directly.
func Start(opts Options) (*Server, error) {
	bin, err := Binary()
	if err != nil {
		return nil, err
	}
	args := []string{}
	for _, l := range opts.Load {
		args = append(args, "-load", l)
	}
	proc := exec.Command(bin, args...)
	stdin, err := proc.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := proc.StdoutPipe()
	if err != nil {
		return nil, err
	}
	var stderr strings.Builder
	proc.Stderr = &stderr
	if err := proc.Start(); err != nil {
		return nil, err
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		stdin.Close()
		proc.Wait()
		return nil, fmt.Errorf("ferret did not start: %v: %s", err, stderr.String())
	}
	backend := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(line), "mongodb://"), "/")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		stdin.Close()
		proc.Wait()
		return nil, err
	}
	s := &Server{proc: proc, stdin: stdin, backend: backend, ln: ln,
		conns: map[net.Conn]bool{}, stopAfter: opts.StopAfter, slow: opts.Slow, delay: opts.Delay, drop: opts.Drop}
	go s.accept()
	return s, nil
}

// URI is the address clients use: the proxy's.
func (s *Server) URI() string { return "mongodb://" + s.ln.Addr().String() + "/" }

// Commands returns the commands received so far, in order.
func (s *Server) Commands() []Command {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Command(nil), s.cmds...)
}

// Stop makes the server go away for its clients: the listener and every
// connection are closed. The ferret process runs on until Close.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopLocked()
}

func (s *Server) stopLocked() {
	if s.stopped {
		return
	}
	s.stopped = true
	s.ln.Close()
	for c := range s.conns {
		c.Close()
	}
}

// Close stops the server and ends the ferret process.
func (s *Server) Close() error {
	s.Stop()
	s.stdin.Close()
	done := make(chan error, 1)
	go func() { done <- s.proc.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		s.proc.Process.Kill()
		return <-done
	}
}

func (s *Server) accept() {
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		go s.serve(c)
	}
}

func (s *Server) track(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		c.Close()
		return false
	}
	s.conns[c] = true
	return true
}

func (s *Server) serve(client net.Conn) {
	if !s.track(client) {
		return
	}
	server, err := net.Dial("tcp", s.backend)
	if err != nil {
		client.Close()
		return
	}
	if !s.track(server) {
		client.Close()
		return
	}
	go func() {
		io.Copy(client, server)
		client.Close()
	}()
	defer server.Close()
	defer client.Close()
	for {
		msg, err := readMessage(client)
		if err != nil {
			return
		}
		cmd, ok := s.record(msg)
		if !ok {
			return
		}
		if s.slow != "" && cmd.Doc != nil && strings.Contains(cmd.Doc.String(), s.slow) {
			time.Sleep(s.delay)
		}
		if s.drop != "" && cmd.Doc != nil && strings.Contains(cmd.Doc.String(), s.drop) {
			return
		}
		if _, err := server.Write(msg); err != nil {
			return
		}
	}
}

// record notes the command in msg and reports whether it is to be
// forwarded: not once the server has gone away.
func (s *Server) record(msg []byte) (Command, bool) {
	cmd := parseCommand(msg)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return cmd, false
	}
	s.cmds = append(s.cmds, cmd)
	if s.stopAfter > 0 && len(s.cmds) >= s.stopAfter {
		s.stopLocked()
		return cmd, false
	}
	return cmd, true
}

// Wire protocol opcodes, from MongoDB's wire protocol reference.
const (
	opQuery      = 2004
	opCompressed = 2012
	opMsg        = 2013
	maxMessage   = 48 << 20
)

func readMessage(r io.Reader) ([]byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	n := int(int32(binary.LittleEndian.Uint32(hdr[:])))
	if n < 16 || n > maxMessage {
		return nil, fmt.Errorf("message length %d", n)
	}
	msg := make([]byte, n)
	copy(msg, hdr[:])
	if _, err := io.ReadFull(r, msg[4:]); err != nil {
		return nil, err
	}
	return msg, nil
}

// parseCommand names the command a client message carries. A message it
// cannot read is recorded by opcode, so that it shows in a test's check
// rather than being left out.
func parseCommand(msg []byte) Command {
	op := binary.LittleEndian.Uint32(msg[12:16])
	body := msg[16:]
	var doc bson.Raw
	switch op {
	case opMsg:
		// flagBits, then sections; the kind-0 section is the command.
		if len(body) < 5 {
			break
		}
		for p := body[4:]; len(p) > 0; {
			kind := p[0]
			p = p[1:]
			if len(p) < 4 {
				break
			}
			size := int(int32(binary.LittleEndian.Uint32(p)))
			if size < 5 || size > len(p) {
				break
			}
			if kind == 0 {
				doc = bson.Raw(p[:size])
				break
			}
			p = p[size:]
		}
	case opQuery:
		// flags, fullCollectionName, numberToSkip, numberToReturn, query.
		if len(body) < 4 {
			break
		}
		p := body[4:]
		i := 0
		for i < len(p) && p[i] != 0 {
			i++
		}
		if i+9 > len(p) {
			break
		}
		p = p[i+9:]
		if len(p) >= 4 {
			size := int(int32(binary.LittleEndian.Uint32(p)))
			if size >= 5 && size <= len(p) {
				doc = bson.Raw(p[:size])
			}
		}
	}
	if doc == nil || doc.Validate() != nil {
		return Command{Name: fmt.Sprintf("opcode %d", op)}
	}
	c := Command{Doc: doc}
	if elems, err := doc.Elements(); err == nil && len(elems) > 0 {
		c.Name = elems[0].Key()
	}
	if v, err := doc.LookupErr("$db"); err == nil {
		c.DB, _ = v.StringValueOK()
	}
	if op == opCompressed {
		c.Name = "compressed"
	}
	return c
}
