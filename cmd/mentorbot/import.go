package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/bot/form"
	"github.com/mentorbot/mentorbot/bot/intake"
	"github.com/mentorbot/mentorbot/locales"
	"github.com/mentorbot/mentorbot/store"
)

// runImport is "mentorbot import applications -db PATH FILE": the
// applications that came on paper or by e-mail, from a workbook or a CSV
// with the columns of the applications export, each checked as the form
// checks her answers in the chat. One bad row and nothing is imported:
// every bad row is listed on stderr by its line, and the database is not
// touched. Otherwise they are stored in one transaction, each with a new
// code, and audited. The bot must be stopped: a running bot holds its
// file exclusively (bbolt's lock), and staff then enter them in the chat
// with /application_add.
func runImport(args []string, env Env) error {
	if len(args) == 0 || args[0] != "applications" {
		return fmt.Errorf("import what? 'applications': %w", errUsage)
	}
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	var c common
	c.register(fs, env, "mentorbot.db")
	fs.SetOutput(env.Stderr)
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%v: %w", err, errUsage)
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("import applications takes one FILE (.xlsx or .csv) after the flags: %w", errUsage)
	}
	file := fs.Arg(0)
	data, err := readImport(file)
	if err != nil {
		return err
	}
	cfg, err := LoadConfig(c.config, time.Now())
	if err != nil {
		return err
	}
	texts, err := locales.New(slog.New(slog.NewTextHandler(env.Stderr, nil)))
	if err != nil {
		return err
	}
	now := time.Now()
	rules := form.Rules{Deadline: cfg.Deadline(), Location: cfg.Location(), Now: now}
	in := func(lang string) intake.Words {
		return func(key string, data map[string]any) string { return texts.Text(lang, key, data) }
	}
	// The file is read alone first, so that its problems are told
	// without the database (missing, or held by a running bot); with the
	// database, it is read again against the applications stored, in the
	// transaction that imports it, and every problem is told at once.
	rd := intake.NewReader(rules, in("ky"), in("ru"))
	_, fileErr := rd.Read(data)
	db, err := openImportDB(c.db)
	if err != nil {
		if fileErr != nil {
			return importProblems(env, file, fileErr)
		}
		return err
	}
	defer db.Close()
	codes, err := importApplications(db, rd, data, filepath.Base(file), now)
	if err != nil {
		return importProblems(env, file, err)
	}
	fmt.Fprintf(env.Stdout, "Imported %d application(s) from %s: %s\n", len(codes), filepath.Base(file), strings.Join(codes, ", "))
	return nil
}

// openImportDB opens the bot's database to import into; it must exist.
func openImportDB(path string) (*store.DB, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("database %s: %w (import into the bot's database)", path, err)
	}
	db, err := store.Open(path, store.Options{})
	if err != nil {
		return nil, openError(path, err, "stop the bot first, or enter them in the chat with /application_add")
	}
	return db, nil
}

// readImport reads FILE, refusing one too large to be a table of
// applications.
func readImport(file string) ([]byte, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, intake.MaxFile+1))
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", file, err)
	}
	return data, nil
}

// importProblems lists the bad rows of file on stderr, if err is them.
func importProblems(env Env, file string, err error) error {
	var problems intake.Problems
	if !errors.As(err, &problems) {
		return err
	}
	for _, p := range problems {
		fmt.Fprintf(env.Stderr, "%s: %s\n", filepath.Base(file), p)
	}
	fmt.Fprintf(env.Stderr, "mentorbot: %s: %d problem(s); nothing imported\n", filepath.Base(file), len(problems))
	return errReported
}

// importApplications reads data with rd against the applications stored
// (a phone one of them has is a bad row) and stores them in one
// transaction, in the file's order, returning their codes; bad rows are
// returned as intake.Problems, and nothing is stored.
func importApplications(db *store.DB, rd *intake.Reader, data []byte, file string, now time.Time) ([]string, error) {
	var codes []string
	err := db.Update(func(tx *store.Tx) error {
		codes = codes[:0]
		stored, err := tx.Applications()
		if err != nil {
			return err
		}
		known := map[string]string{} // phone -> the first application's code
		for _, a := range stored {
			if p := a.Answers["phone"]; p != "" && known[p] == "" {
				known[p] = a.Code
			}
		}
		rd.Known = func(phone string) string { return known[phone] }
		apps, err := rd.Read(data)
		if err != nil {
			return err
		}
		for _, a := range apps {
			app, err := tx.SubmitEntered(a, now)
			if err != nil {
				return err
			}
			codes = append(codes, app.Code)
		}
		return tx.Audit(store.AuditEntry{At: now, Action: "applications imported",
			Detail: fmt.Sprintf("%d from %s: %s–%s", len(codes), file, codes[0], codes[len(codes)-1])})
	})
	var problems intake.Problems
	if errors.As(err, &problems) {
		return nil, problems
	}
	if err != nil {
		return nil, fmt.Errorf("import applications: %w", err)
	}
	return codes, nil
}
