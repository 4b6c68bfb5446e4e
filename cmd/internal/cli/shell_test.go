package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

func TestClosestFlag(t *testing.T) {
	names := []string{"help", "val", "ratio", "seed", "group-by", "no-group", "version", "dry-run", "completion"}
	tests := []struct {
		unknown    string
		takesFiles bool
		want       string
	}{
		{"--train-ratio", true, "did you mean --ratio?"},
		{"--train_ratio=0.8", true, "did you mean --ratio?"},
		{"--train-output", false, ""},
		{"--val-output", false, "did you mean --val?"},
		{"--val-output", true, "did you mean --val?"},
		{"--dryrun", true, "did you mean --dry-run?"},
		{"--Dry_Run", true, "did you mean --dry-run?"},
		{"--grup-by", true, "did you mean --group-by?"},
		{"-v", true, "did you mean --version?"},
		{"-V", true, "did you mean --version?"},
		{"-r", true, "did you mean --ratio?"},
		{"-g", true, "did you mean --group-by?"},
		{"-x", true, ""},
		{"--input", true, "input files are arguments, not a flag"},
		{"--input", false, ""},
		{"--zzzzzzzz", true, ""},
		{"--group", true, "did you mean one of --group-by, --no-group?"},
		{"--train", true, "input files are arguments, not a flag"},
		{"--comp", true, "did you mean --completion?"},
	}
	for _, tc := range tests {
		if got := closestFlag(tc.unknown, names, tc.takesFiles); got != tc.want {
			t.Errorf("closestFlag(%q) = %q, want %q", tc.unknown, got, tc.want)
		}
	}
	// ft-format has --system-file: --input-file is still about the inputs.
	if got := closestFlag("--input-file", append(names, "system-file", "user-template-file"), true); got != "input files are arguments, not a flag" {
		t.Errorf("closestFlag(--input-file) with --system-file = %q", got)
	}
	// ft-split has --train: the Python --train-output is it.
	if got := closestFlag("--train-output", append(names, "train"), true); got != "did you mean --train?" {
		t.Errorf("closestFlag(--train-output) with --train = %q", got)
	}
}

func TestParseSuggests(t *testing.T) {
	for _, tc := range []struct{ arg, want string }{
		{"--train-ratio", "ft-test: unknown flag --train-ratio, did you mean --ratio? (see ft-test --help)\n"},
		{"-v", "ft-test: unknown flag -v, did you mean --version? (see ft-test --help)\n"},
		{"--files", "ft-test: unknown flag --files, input files are arguments, not a flag (see ft-test --help)\n"},
	} {
		var flags testFlags
		var stdout, stderr strings.Builder
		code, ok := Parse("ft-test", &flags, Help{}, []string{tc.arg}, &stdout, &stderr)
		if ok || code != ExitUsage || stderr.String() != tc.want {
			t.Errorf("Parse(%s) = (%d, %v), stderr %q; want exit 2 and %q", tc.arg, code, ok, stderr.String(), tc.want)
		}
	}
}

func TestVersionString(t *testing.T) {
	vcs := &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "c3981dfabcdef0123456789"},
		{Key: "vcs.time", Value: "2026-12-01T20:00:00Z"},
		{Key: "vcs.modified", Value: "true"},
	}}
	pseudo := &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261201205828-c3981dfabcde"}}
	tagged := &debug.BuildInfo{Main: debug.Module{Version: "v1.2.0"}}
	tests := []struct {
		name                  string
		version, commit, date string
		info                  *debug.BuildInfo
		want                  string
	}{
		{"nothing", "", "", "", nil, "devel (commit unknown, built unknown)"},
		{"stamped", "v1.0.0", "0123456789abcdef", "2026-12-01T21:00:00Z", nil, "v1.0.0 (commit 0123456789ab, built 2026-12-01T21:00:00Z)"},
		{"stamp wins", "v1.0.0", "feed", "2026-12-02", vcs, "v1.0.0 (commit feed+modified, built 2026-12-02)"},
		{"vcs", "", "", "", vcs, "devel (commit c3981dfabcde+modified, built 2026-12-01T20:00:00Z)"},
		{"go install at a commit", "", "", "", pseudo, "v0.0.0-20261201205828-c3981dfabcde (commit c3981dfabcde, built 2026-12-01T20:58:28Z)"},
		{"go install at a tag", "", "", "", tagged, "v1.2.0 (commit unknown, built unknown)"},
	}
	for _, tc := range tests {
		if got := versionString(tc.version, tc.commit, tc.date, tc.info); got != tc.want {
			t.Errorf("%s: versionString = %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestMakefileStamp builds a tool the way the Makefile does and checks that
// --version shows the stamp, so that a renamed variable cannot go unnoticed.
func TestMakefileStamp(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("no make")
	}
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("make", "-s", "-C", root, "print-ldflags", "VERSION=v9.8.7", "COMMIT=0123456789abcdef", "DATE=2026-12-01T00:00:00Z").Output()
	if err != nil {
		t.Fatalf("make print-ldflags: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "ft-split")
	build := exec.Command("go", "build", "-ldflags", strings.TrimSpace(string(out)), "-o", bin, "./cmd/ft-split")
	build.Dir = root
	if b, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	got, err := exec.Command(bin, "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	if want := "ft-split v9.8.7 (commit 0123456789ab, built 2026-12-01T00:00:00Z)\n"; string(got) != want {
		t.Errorf("--version = %q, want %q", got, want)
	}
}

func TestHelpExits(t *testing.T) {
	for _, tc := range []struct {
		exits []int
		want  string
	}{
		{[]int{ExitOK, ExitDataError, ExitUsage}, "Exit status: 0 success, 1 the data has errors, 2 usage error, 130 interrupted, 143 terminated, 129 hung up.\n"},
		{[]int{ExitOK, 128 + 9, ExitInterrupted}, "Exit status: 0 success, 137 killed by signal 9, 130 interrupted, 143 terminated, 129 hung up.\n"},
		{nil, "Exit status: 0 success, 1 the data has errors, 2 usage error, 3 input unreadable, 4 the API refused the request, 5 the API stayed unavailable, 130 interrupted, 143 terminated, 129 hung up.\n"},
	} {
		var flags testFlags
		var stdout, stderr strings.Builder
		Parse("ft-test", &flags, Help{Summary: "Tests.", Exits: tc.exits}, []string{"--help"}, &stdout, &stderr)
		// kong wraps the description; compare the words.
		if got := strings.Join(strings.Fields(stdout.String()), " "); !strings.Contains(got, strings.TrimSpace(tc.want)) {
			t.Errorf("help with exits %v lacks %q:\n%s", tc.exits, tc.want, stdout.String())
		}
	}
}

type describedFlags struct {
	Val         string   `help:"Write the validation part to FILE." required:"" placeholder:"FILE"`
	Format      string   `help:"Format: one of them." enum:"auto,chat" default:"auto"`
	Model       string   `help:"Model [to] count: for." env:"BASE_MODEL" default:"gpt-4o-mini-2024-07-18" placeholder:"M"`
	StateDir    string   `help:"Where state is kept." placeholder:"DIR"`
	Job         string   `help:"A job ID or a file." placeholder:"JOB|FILE"`
	Sep         string   `help:"A separator." enum:";,|,tab" default:"tab"`
	GroupBy     []string `help:"A path (repeatable). It's | piped." placeholder:"PATH"`
	Quiet       bool     `help:"Say less." short:"q"`
	Method      string   `help:"Checked by the tool." default:"sft" complete:"sft,dpo"`
	Files       []string `arg:"" optional:"" help:"Files."`
	VersionFlag `embed:""`
}

func describeRun(t *testing.T, args ...string) string {
	t.Helper()
	var flags describedFlags
	var stdout, stderr strings.Builder
	help := Help{Summary: "Describes things.\n\nMore about them.", Examples: []string{"ft-test a.jsonl | ft-test -"}, Environment: []string{"BASE_MODEL  the model", "A_KEY, B_KEY     two keys", "ONE one space"}, Exits: []int{ExitOK, ExitUsage}}
	code, ok := Parse("ft-test", &flags, help, args, &stdout, &stderr)
	if ok || code != ExitOK || stderr.Len() > 0 {
		t.Fatalf("Parse(%q) = (%d, %v), stderr %q", args, code, ok, stderr.String())
	}
	return stdout.String()
}

// The description flags work without the tool's required flags (--val).
func TestDescriptions(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"--completion", "bash"}, []string{
			"complete -F _ft_test ft-test",
			"--format)\n            COMPREPLY=($(compgen -W 'auto chat' -- \"$cur\"))",
			"--model)\n            COMPREPLY=($(compgen -W 'gpt-4.1 gpt-4.1-2025-04-14 ",
			"--val|--job)\n            compopt -o filenames",
			"--state-dir)\n            compopt -o filenames 2>/dev/null\n            COMPREPLY=($(compgen -d",
			"--group-by)\n            COMPREPLY=()\n            return ;;",
			"'--help --val --format --model --state-dir --job --sep --group-by --quiet --method --version --completion'",
		}},
		{[]string{"--completion=zsh"}, []string{
			"#compdef ft-test\n",
			`'--model=[Model \[to\] count\: for.]:M:(gpt-4.1 `,
			`'--format=[Format\: one of them.]:FORMAT:(auto chat)'`,
			`'*--group-by=[A path (repeatable).]:PATH: '`,
			`'--val=[Write the validation part to FILE.]:FILE:_files'`,
			`'--state-dir=[Where state is kept.]:DIR:_files -/'`,
			`'-q[Say less.]'`,
			"compdef _ft_test ft-test",
			`:SEP:(\; \| tab)'`,
		}},
		{[]string{"--completion", "fish"}, []string{
			"complete -c ft-test -l format -x -a 'auto chat' -d 'Format: one of them.'\n",
			"complete -c ft-test -l val -r -F -d",
			"complete -c ft-test -l quiet -s q -d 'Say less.'\n",
			"complete -c ft-test -l group-by -x -d 'A path (repeatable).'\n",
			"complete -c ft-test -l state-dir -x -a '(__fish_complete_directories)'",
			"complete -c ft-test -l method -x -a 'sft dpo' -d",
		}},
		{[]string{"--man"}, []string{
			".TH FT\\-TEST 1 ",
			".SH NAME\nft\\-test \\- describes things\n",
			".SH DESCRIPTION\nDescribes things.\n.PP\nMore about them.\n",
			"\\fB\\-\\-format\\fR \\fIFORMAT\\fR\nFormat: one of them. (one of auto, chat; default auto)\n",
			"\\fB\\-q\\fR, \\fB\\-\\-quiet\\fR\n",
			".SH EXIT STATUS\n.TP\n.B 0\nsuccess\n.TP\n.B 2\nusage error\n.TP\n.B 130\ninterrupted\n.TP\n.B 143\nterminated\n.TP\n.B 129\nhung up\n.SH",
			".TP\n.B BASE_MODEL\nthe model\n",
			".TP\n.B A_KEY, B_KEY\ntwo keys\n",
			".TP\n.B ONE\none space\n",
			".nf\nft\\-test a.jsonl | ft\\-test \\-\n.fi\n",
		}},
		{[]string{"--flags-markdown"}, []string{
			"| flag | default | meaning |\n|---|---|---|\n| `--val FILE` |  | Write the validation part to FILE. |\n",
			"| `--format auto\\|chat` | `auto` | Format: one of them. |\n",
			"| `--model M` | `$BASE_MODEL`, else `gpt-4o-mini-2024-07-18` |",
			"| `--group-by PATH` |  | A path (repeatable). It's \\| piped. |\n",
			"| `-q`, `--quiet` |  | Say less. |\n",
			"| `--method sft\\|dpo` | `sft` | Checked by the tool. |\n",
		}},
	} {
		out := describeRun(t, tc.args...)
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("%v lacks %q:\n%s", tc.args, w, out)
			}
		}
		if tc.args[0] == "--flags-markdown" && strings.Contains(out, "--version") {
			t.Errorf("the table repeats the flags every tool has:\n%s", out)
		}
	}
}

func TestCompletionUnknownShell(t *testing.T) {
	var flags describedFlags
	var stdout, stderr strings.Builder
	code, ok := Parse("ft-test", &flags, Help{}, []string{"--completion", "tcsh"}, &stdout, &stderr)
	if ok || code != ExitUsage || !strings.Contains(stderr.String(), `"tcsh"`) || stdout.Len() > 0 {
		t.Errorf("Parse = (%d, %v), stdout %q, stderr %q", code, ok, stdout.String(), stderr.String())
	}
}

// TestBashCompletion loads the script into a real bash and asks it what it
// offers, as a user pressing Tab would.
func TestBashCompletion(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	script := filepath.Join(t.TempDir(), "ft-test.bash")
	if err := os.WriteFile(script, []byte(describeRun(t, "--completion", "bash")), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ words, want string }{
		{"ft-test --fo", "--format"},
		{"ft-test --format ", "auto chat"},
		{"ft-test --format c", "chat"},
		{"ft-test --format = c", "chat"},
		{"ft-test --model gpt-4.1-n", "gpt-4.1-nano gpt-4.1-nano-2025-04-14"},
		{"ft-test --completion ", "bash zsh fish"},
		{"ft-test --group-by ", ""},
	} {
		words := strings.Fields(tc.words)
		cword := len(words)
		if !strings.HasSuffix(tc.words, " ") {
			cword--
		} else {
			words = append(words, "")
		}
		var quoted []string
		for _, w := range words {
			quoted = append(quoted, shQuote(w))
		}
		cmd := exec.Command(bash, "--norc", "-c", `source "$1"; COMP_WORDS=(`+strings.Join(quoted, " ")+`); COMP_CWORD=`+
			string(rune('0'+cword))+`; _ft_test; echo "${COMPREPLY[*]}"`, "bash", script)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", tc.words, err, out)
		}
		if got := strings.TrimSpace(string(out)); got != tc.want {
			t.Errorf("%q<Tab> offers %q, want %q", tc.words, got, tc.want)
		}
	}
}
