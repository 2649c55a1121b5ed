package main

import (
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/mentorbot/mentorbot/store"
)

// restoreHint points from a damaged file to the README's steps.
const restoreHint = `restore a backup (README, "Restoring a backup")`

// errReported is returned by a command that already told the user why
// it failed: main exits with status 1 and prints nothing more.
var errReported = errors.New("reported")

// runCheck is "mentorbot check -db PATH": open the file read-only, check
// its pages, bbolt's consistency and its schema, and print one line of
// verdict. A damaged file exits with status 1.
func runCheck(args []string, env Env) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	var c common
	c.register(fs, env, "mentorbot.db")
	if err := parseFlags(fs, args, env); err != nil {
		return err
	}
	s, err := checkFile(c.db)
	if errors.Is(err, store.ErrDamaged) {
		fmt.Fprintf(env.Stdout, "%s: DAMAGED: %s; %s\n", c.db, damageOf(err), restoreHint)
		return errReported
	}
	if err != nil {
		return openError(c.db, err, "stop it first, or check one of its backups")
	}
	fmt.Fprintf(env.Stdout, "%s: sound (schema %d, %s, %s users, %s applications)\n",
		c.db, s.Schema, megabytes(s.Bytes), thousands(s.Users), thousands(s.Applications))
	return nil
}

// checkFile opens, checks and counts the file at path.
func checkFile(path string) (store.Summary, error) {
	db, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		return store.Summary{}, err
	}
	defer db.Close()
	if err := db.Check(); err != nil {
		return store.Summary{}, err
	}
	return db.Summary()
}

// damageOf is the cause in a damaged file's error, on one line: the first
// three problems bbolt's check lists, and how many more.
func damageOf(err error) string {
	msg := err.Error()
	if _, cause, ok := strings.Cut(msg, store.ErrDamaged.Error()+": "); ok {
		msg = cause
	}
	lines := strings.Split(msg, "\n")
	if len(lines) > 3 {
		return fmt.Sprintf("%s; and %d more problems", strings.Join(lines[:3], "; "), len(lines)-3)
	}
	return strings.Join(lines, "; ")
}

// openError turns an error of store.Open into one line that says what to
// do: for a file the running bot holds, whenLocked; for a damaged file,
// restore a backup.
func openError(path string, err error, whenLocked string) error {
	switch {
	case errors.Is(err, store.ErrLocked):
		return fmt.Errorf("database %s is in use by the running bot: %s", path, whenLocked)
	case errors.Is(err, store.ErrDamaged):
		return fmt.Errorf("%w; %s", err, restoreHint)
	}
	return err
}

// megabytes is a file size as people read it: 34.2 MB, or 32 KB.
func megabytes(n int64) string {
	if n < 1_000_000 {
		return fmt.Sprintf("%d KB", (n+500)/1000)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}

// thousands writes n with a space between groups of three digits: 10 023.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + " " + s[i:]
	}
	return s
}
