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
	apps, err := intake.NewReader(rules, in("ky"), in("ru")).Read(data)
	var problems intake.Problems
	if errors.As(err, &problems) {
		for _, p := range problems {
			fmt.Fprintf(env.Stderr, "%s: %s\n", filepath.Base(file), p)
		}
		fmt.Fprintf(env.Stderr, "mentorbot: %s: %d problem(s); nothing imported\n", filepath.Base(file), len(problems))
		return errReported
	}
	if err != nil {
		return err
	}
	if _, err := os.Stat(c.db); err != nil {
		return fmt.Errorf("database %s: %w (import into the bot's database)", c.db, err)
	}
	db, err := store.Open(c.db, store.Options{})
	if err != nil {
		return openError(c.db, err, "stop the bot first, or enter them in the chat with /application_add")
	}
	defer db.Close()
	codes, err := importApplications(db, apps, filepath.Base(file), now)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Imported %d application(s) from %s: %s\n", len(codes), filepath.Base(file), strings.Join(codes, ", "))
	return nil
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

// importApplications stores apps in one transaction, in the file's
// order, and returns their codes.
func importApplications(db *store.DB, apps []store.Application, file string, now time.Time) ([]string, error) {
	var codes []string
	err := db.Update(func(tx *store.Tx) error {
		codes = codes[:0]
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
	if err != nil {
		return nil, fmt.Errorf("import applications: %w", err)
	}
	return codes, nil
}
