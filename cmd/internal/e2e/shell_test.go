package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// tools lists every cmd/ft-* directory, so that a tool added later is
// checked without touching these tests.
func tools(t *testing.T) []string {
	t.Helper()
	dirs, err := filepath.Glob("../../ft-*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no cmd/ft-* directories (%v)", err)
	}
	var names []string
	for _, d := range dirs {
		if fi, err := os.Stat(d); err == nil && fi.IsDir() {
			names = append(names, filepath.Base(d))
		}
	}
	return names
}

func runTool(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	var stderr bytes.Buffer
	cmd := exec.Command(filepath.Join(binDir, name), args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return out
}

// TestFlagTables fails when a README's flag table is not what the tool's
// flags give; `make docs` rewrites the tables.
func TestFlagTables(t *testing.T) {
	const begin, end = "<!-- flags -->\n", "<!-- /flags -->"
	for _, name := range tools(t) {
		readme, err := os.ReadFile(filepath.Join("../..", name, "README.md"))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		text := string(readme)
		i, j := strings.Index(text, begin), strings.Index(text, end)
		if i < 0 || j < i {
			t.Errorf("cmd/%s/README.md has no %q … %q section for the flag table", name, strings.TrimSpace(begin), end)
			continue
		}
		got := text[i+len(begin) : j]
		if want := string(runTool(t, name, "--flags-markdown")); got != want {
			t.Errorf("cmd/%s/README.md: the flag table differs from the flags (run make docs):\n%s", name, firstDiff(got, want))
		}
	}
}

// firstDiff shows the first line where the README's table and the flags'
// part, which is all one needs to see that make docs has not run.
func firstDiff(readme, flags string) string {
	a, b := strings.Split(readme, "\n"), strings.Split(flags, "\n")
	for i := 0; i < len(a) || i < len(b); i++ {
		var x, y string
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			return fmt.Sprintf("line %d of the table\n  README: %s\n  flags:  %s", i+1, x, y)
		}
	}
	return ""
}

// manLinter finds groff (or mandoc), installing groff when the test runs as
// root where apt-get works (as in CI), and returns the command that prints
// a page's warnings.
func manLinter(t *testing.T) []string {
	t.Helper()
	find := func() []string {
		if p, err := exec.LookPath("groff"); err == nil {
			return []string{p, "-man", "-ww", "-z"}
		}
		if p, err := exec.LookPath("mandoc"); err == nil {
			return []string{p, "-Tlint", "-W", "warning"}
		}
		return nil
	}
	if lint := find(); lint != nil {
		return lint
	}
	apt, err := exec.LookPath("apt-get")
	if err != nil || os.Geteuid() != 0 {
		t.Skip("neither mandoc nor groff is installed, and apt-get cannot install one here (not root, or no apt-get)")
	}
	for _, args := range [][]string{{"update", "-q"}, {"install", "-y", "-q", "groff-base"}} {
		if out, err := exec.Command(apt, args...).CombinedOutput(); err != nil {
			t.Skipf("apt-get %s failed, so the man pages go unchecked: %v\n%s", args[0], err, out)
		}
	}
	if lint := find(); lint != nil {
		return lint
	}
	t.Skip("groff-base was installed but groff is not on PATH")
	return nil
}

// TestManPages renders every tool's page and fails on any warning.
func TestManPages(t *testing.T) {
	lint := manLinter(t)
	for _, name := range tools(t) {
		page := runTool(t, name, "--man")
		for _, want := range []string{".TH " + strings.ToUpper(strings.ReplaceAll(name, "-", `\-`)) + " 1", ".SH SYNOPSIS", ".SH OPTIONS", ".SH EXIT STATUS", `\fB\-\-help\fR`} {
			if !bytes.Contains(page, []byte(want)) {
				t.Errorf("%s --man lacks %q", name, want)
			}
		}
		cmd := exec.Command(lint[0], lint[1:]...)
		cmd.Stdin = bytes.NewReader(page)
		out, err := cmd.CombinedOutput()
		if err != nil || len(out) > 0 {
			t.Errorf("%s: %s: %v\n%s", name, strings.Join(lint, " "), err, out)
		}
	}
}

// TestBashCompletions loads each tool's bash script into a real bash and
// checks that Tab offers its flags, and enum values where it has them.
func TestBashCompletions(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	offers := func(t *testing.T, script string, words ...string) []string {
		t.Helper()
		var quoted []string
		for _, w := range words {
			quoted = append(quoted, "'"+w+"'")
		}
		fn := "_" + strings.ReplaceAll(words[0], "-", "_")
		cmd := exec.Command(bash, "--norc", "-c", `source "$1"; COMP_WORDS=(`+strings.Join(quoted, " ")+`); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); `+fn+`; echo "${COMPREPLY[*]}"`, "bash", script)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %v\n%s", words, err, out)
		}
		return strings.Fields(string(out))
	}
	dir := t.TempDir()
	for _, name := range tools(t) {
		script := filepath.Join(dir, name)
		if err := os.WriteFile(script, runTool(t, name, "--completion", "bash"), 0o644); err != nil {
			t.Fatal(err)
		}
		if got := offers(t, script, name, "--he"); strings.Join(got, " ") != "--help" {
			t.Errorf("%s --he<Tab> offers %q, want --help", name, got)
		}
		if got := offers(t, script, name, "--completion", ""); strings.Join(got, " ") != "bash zsh fish" {
			t.Errorf("%s --completion <Tab> offers %q", name, got)
		}
		switch name {
		case "ft-validate":
			if got := offers(t, script, name, "--report", ""); strings.Join(got, " ") != "records json" {
				t.Errorf("ft-validate --report <Tab> offers %q", got)
			}
		case "ft-stats":
			if got := offers(t, script, name, "--model", "gpt-4o-mini"); strings.Join(got, " ") != "gpt-4o-mini gpt-4o-mini-2024-07-18" {
				t.Errorf("ft-stats --model gpt-4o-mini<Tab> offers %q", got)
			}
		}
	}
}

// TestZshFishCompletions loads the zsh and fish scripts into those shells,
// where they are installed: zsh must register the completion function, and
// fish must offer a flag and enum values.
func TestZshFishCompletions(t *testing.T) {
	dir := t.TempDir()
	t.Run("zsh", func(t *testing.T) {
		zsh, err := exec.LookPath("zsh")
		if err != nil {
			t.Skip("zsh is not installed")
		}
		// One shell for all tools: compinit is slow.
		var want strings.Builder
		args := []string{"-f", "-c", `autoload -Uz compinit; compinit -u -D; for s n in "$@"; do source $s; print -r -- "$n $_comps[$n]"; done`, "zsh"}
		for _, name := range tools(t) {
			script := filepath.Join(dir, "_"+name)
			if err := os.WriteFile(script, runTool(t, name, "--completion", "zsh"), 0o644); err != nil {
				t.Fatal(err)
			}
			args = append(args, script, name)
			want.WriteString(name + " _" + strings.ReplaceAll(name, "-", "_") + "\n")
		}
		out, err := exec.Command(zsh, args...).CombinedOutput()
		if err != nil || string(out) != want.String() {
			t.Errorf("zsh registers (%v):\n%s\nwant:\n%s", err, out, want.String())
		}
	})
	t.Run("fish", func(t *testing.T) {
		fish, err := exec.LookPath("fish")
		if err != nil {
			t.Skip("fish is not installed")
		}
		offers := func(script, line string) string {
			out, err := exec.Command(fish, "--no-config", "-c", `source $argv[1]; complete -C $argv[2]`, script, line).CombinedOutput()
			if err != nil {
				t.Fatalf("fish: %v\n%s", err, out)
			}
			var words []string
			for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
				w, _, _ := strings.Cut(l, "\t")
				words = append(words, w)
			}
			return strings.Join(words, " ")
		}
		for _, name := range tools(t) {
			script := filepath.Join(dir, name+".fish")
			if err := os.WriteFile(script, runTool(t, name, "--completion", "fish"), 0o644); err != nil {
				t.Fatal(err)
			}
			if got := offers(script, name+" --he"); got != "--help" {
				t.Errorf("fish: %s --he<Tab> offers %q", name, got)
			}
			if name == "ft-validate" {
				if got := offers(script, name+" --report "); got != "json records" {
					t.Errorf("fish: ft-validate --report <Tab> offers %q", got)
				}
			}
		}
	})
}

// TestMakeInstall runs `make install PREFIX=…` into a temporary directory
// and checks that every tool's binary, man page and three completion
// scripts land where each consumer looks for them.
func TestMakeInstall(t *testing.T) {
	if testing.Short() {
		t.Skip("builds every binary")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("no make")
	}
	tmp := t.TempDir()
	prefix := filepath.Join(tmp, "prefix")
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("make", "-s", "-C", root, "install", "PREFIX="+prefix, "BIN="+filepath.Join(tmp, "bin"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make install: %v\n%s", err, out)
	}
	for _, name := range tools(t) {
		for _, f := range []string{
			"bin/" + name,
			"share/man/man1/" + name + ".1",
			"share/bash-completion/completions/" + name,
			"share/zsh/site-functions/_" + name,
			"share/fish/vendor_completions.d/" + name + ".fish",
		} {
			fi, err := os.Stat(filepath.Join(prefix, f))
			if err != nil || fi.Size() == 0 {
				t.Errorf("make install left no %s (%v)", f, err)
			}
		}
		out, err := exec.Command(filepath.Join(prefix, "bin", name), "--version").Output()
		if err != nil || !strings.HasPrefix(string(out), name+" ") || strings.Contains(string(out), "built unknown") {
			t.Errorf("installed %s --version = %q (%v); want the Makefile's stamp", name, out, err)
		}
	}
}
