package main

import (
	"fmt"
	"runtime/debug"
	"strings"
)

// Build is what the binary knows of its own making: the module version,
// the commit and its time (from the VCS stamp Go puts in every build made
// in a checkout), and the Go release.
type Build struct {
	Version, Commit, Time, Go string
	// Modified is set when the checkout had uncommitted changes.
	Modified bool
}

// readBuild reads the binary's build information.
func readBuild() Build {
	b := Build{Version: "(devel)", Commit: "unknown", Time: "unknown"}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	b.Go = info.GoVersion
	if v := info.Main.Version; v != "" {
		b.Version = v
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Commit = s.Value
		case "vcs.time":
			b.Time = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	return b
}

// String is the one line "mentorbot version" prints.
func (b Build) String() string {
	commit := b.Commit
	if b.Modified {
		commit += " (modified)"
	}
	return strings.TrimSpace(fmt.Sprintf("mentorbot %s, commit %s, built from a commit of %s, %s", b.Version, commit, b.Time, b.Go))
}

// runVersion is "mentorbot version".
func runVersion(args []string, env Env) error {
	if len(args) > 0 {
		return fmt.Errorf("unexpected argument %q: %w", args[0], errUsage)
	}
	fmt.Fprintln(env.Stdout, readBuild())
	return nil
}
