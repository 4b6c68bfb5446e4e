package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/alecthomas/kong"

	"github.com/ft-tools/ft/tokenize"
)

// What a value completes to, read from a flag's `complete:""` tag when it
// has one (a kind below, or the values: complete:"supervised,dpo"), else
// from its enum, placeholder and name.
const (
	completeNone  = "none"  // a free value: offer nothing
	completeFile  = "file"  // a path
	completeDir   = "dir"   // a directory
	completeModel = "model" // a model name from the model table
	completeEnum  = "enum"  // one of the flag's enum values
)

// tool is a binary as its flag definitions and Help describe it: the one
// source of its completions, man page and README flag table.
type tool struct {
	name  string
	help  Help
	flags []flagDoc
	args  []argDoc
}

type flagDoc struct {
	long, short string // without dashes; short may be ""
	aliases     []string
	value       string // placeholder; "" for a switch
	help        string
	def         string
	hasDef      bool
	enum        []string
	envs        []string
	repeatable  bool
	complete    string
	common      bool // --help, --version, --completion: documented once for every tool
}

type argDoc struct {
	name, help string
	repeatable bool
	optional   bool
	complete   string
}

// commonFlags are the flags every ft tool has through kong and VersionFlag.
var commonFlags = map[string]bool{"help": true, "version": true, "completion": true}

func describe(app *kong.Application, help Help) tool {
	t := tool{name: app.Name, help: help}
	for _, group := range app.AllFlags(true) {
		for _, f := range group {
			d := flagDoc{
				long:       f.Name,
				aliases:    f.Aliases,
				help:       f.Help,
				def:        f.Default,
				hasDef:     f.HasDefault && f.Default != "",
				envs:       f.Envs,
				repeatable: f.IsSlice() || f.IsMap() || f.IsCounter(),
				common:     commonFlags[f.Name],
			}
			if f.Short != 0 {
				d.short = string(f.Short)
			}
			if !f.IsBool() && !f.IsCounter() {
				// Not kong's FormatPlaceHolder, which gives the quoted default.
				d.value = f.PlaceHolder
				if d.value == "" {
					d.value = strings.ToUpper(f.Name)
				}
			}
			if f.Enum != "" {
				d.enum = f.EnumSlice()
			} else if c := f.Tag.Get("complete"); strings.Contains(c, ",") {
				// A flag that checks its own values (to report every
				// mistake at once) names them for completion this way.
				d.enum = strings.Split(c, ",")
			}
			d.complete = flagCompletion(f, d)
			t.flags = append(t.flags, d)
		}
	}
	for _, p := range app.Positional {
		a := argDoc{name: p.Name, help: p.Help, repeatable: p.IsSlice(), optional: !p.Required}
		a.complete = p.Tag.Get("complete")
		if a.complete == "" {
			a.complete = completeNone
			if ph := strings.ToLower(p.Tag.PlaceHolder + " " + p.Name); strings.Contains(ph, "file") {
				a.complete = completeFile
			}
		}
		t.args = append(t.args, a)
	}
	return t
}

func flagCompletion(f *kong.Flag, d flagDoc) string {
	if c := f.Tag.Get("complete"); c != "" && !strings.Contains(c, ",") {
		return c
	}
	switch {
	case d.value == "":
		return ""
	case f.Name == "completion":
		return completeEnum
	case len(d.enum) > 0:
		return completeEnum
	case f.Name == "model" || strings.HasSuffix(f.Name, "-model"):
		return completeModel
	case strings.Contains(d.value, "FILE"): // FILE, and JOB|FILE
		return completeFile
	case strings.Contains(d.value, "DIR"):
		return completeDir
	}
	return completeNone
}

// values lists what a flag's value completes to, for enum and model flags.
func (d flagDoc) values() []string {
	switch d.complete {
	case completeEnum:
		if d.long == "completion" {
			return shells
		}
		return d.enum
	case completeModel:
		var names []string
		for _, m := range tokenize.Models() {
			names = append(names, m.Aliases...)
			names = append(names, m.Name)
		}
		return names
	}
	return nil
}

var shells = []string{"bash", "zsh", "fish"}

// The hidden flags of VersionFlag: each prints a description of the tool
// made from kong's model and exits, before required flags are checked (as
// kong's own --version does), so `ft-split --man` needs no --val.

type completionFlag string

func (completionFlag) BeforeReset(app *kong.Kong, ctx *kong.Context, p *kong.Path, help Help) error {
	shell := fmt.Sprint(ctx.FlagValue(p.Flag))
	t := describe(app.Model, help)
	var err error
	switch shell {
	case "bash":
		err = t.bash(app.Stdout)
	case "zsh":
		err = t.zsh(app.Stdout)
	case "fish":
		err = t.fish(app.Stdout)
	default:
		return fmt.Errorf("--completion: %q is not a shell this tool completes in; use bash, zsh or fish", shell)
	}
	if err != nil {
		return err
	}
	app.Exit(ExitOK)
	return nil
}

type manFlag bool

func (manFlag) BeforeReset(app *kong.Kong, help Help) error {
	if err := describe(app.Model, help).man(app.Stdout, Version()); err != nil {
		return err
	}
	app.Exit(ExitOK)
	return nil
}

type markdownFlag bool

func (markdownFlag) BeforeReset(app *kong.Kong, help Help) error {
	if err := describe(app.Model, help).markdown(app.Stdout); err != nil {
		return err
	}
	app.Exit(ExitOK)
	return nil
}

// errWriter keeps the first write error so that a generator can write
// freely and report once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}
