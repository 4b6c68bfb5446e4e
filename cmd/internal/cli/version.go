package cli

import (
	"regexp"
	"runtime/debug"
	"time"
)

// Stamped by the Makefile with -ldflags -X, because a build from a source
// archive or a module zip has no VCS information of its own.
var (
	version string
	commit  string
	date    string
)

// Version is "VERSION (commit C, built DATE)": the Makefile's stamp where
// there is one, else what the Go toolchain recorded in the binary.
func Version() string {
	info, _ := debug.ReadBuildInfo()
	return versionString(version, commit, date, info)
}

// pseudoVersion matches the tail of a module pseudo-version
// (v0.0.0-20261201205828-c3981dfabcde), which `go install …@COMMIT` records
// instead of VCS settings.
var pseudoVersion = regexp.MustCompile(`[-.](\d{14})-([0-9a-f]{12})$`)

func versionString(version, commit, date string, info *debug.BuildInfo) string {
	var modified bool
	if info != nil {
		if version == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			version = info.Main.Version
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				if commit == "" {
					commit = s.Value
				}
			case "vcs.time":
				if date == "" {
					date = s.Value
				}
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
		if m := pseudoVersion.FindStringSubmatch(info.Main.Version); m != nil {
			if commit == "" {
				commit = m[2]
			}
			if t, err := time.Parse("20060102150405", m[1]); date == "" && err == nil {
				date = t.Format(time.RFC3339)
			}
		}
	}
	if version == "" {
		version = "devel"
	}
	if commit == "" {
		commit = "unknown"
	} else if len(commit) > 12 {
		commit = commit[:12]
	}
	if modified {
		commit += "+modified"
	}
	if date == "" {
		date = "unknown"
	}
	return version + " (commit " + commit + ", built " + date + ")"
}
