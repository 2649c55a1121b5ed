package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/mentorbot/mentorbot/bot/export"
	"github.com/mentorbot/mentorbot/bot/programme"
	"github.com/mentorbot/mentorbot/bot/report"
	"github.com/mentorbot/mentorbot/locales"
	"github.com/mentorbot/mentorbot/store"
)

// runReport is "mentorbot report -db PATH -out FILE.xlsx": the
// programme's report, the workbook /report sends, headers in -lang. A
// stopped bot's file is read directly; a running bot, which holds the
// file, is asked over its status socket and makes the same workbook.
func runReport(args []string, env Env) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	var c common
	c.register(fs, env, "mentorbot.db")
	out := fs.String("out", "", "the workbook `file` to write (.xlsx)")
	lang := fs.String("lang", "ru", "language of the workbook: ky or ru")
	if err := parseFlags(fs, args, env); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("report: -out FILE.xlsx is needed: %w", errUsage)
	}
	if !locales.Supported(*lang) {
		return fmt.Errorf("language %q: want ky or ru: %w", *lang, errUsage)
	}
	texts, err := locales.New(slog.New(slog.NewTextHandler(env.Stderr, nil)))
	if err != nil {
		return err
	}
	cfg, err := LoadConfig(c.config, env.now())
	if err != nil {
		return err
	}
	data, err := readReport(c.db, reportMaker{cfg: cfg, texts: texts}, *lang, env.now())
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, data, 0o600); err != nil {
		return fmt.Errorf("write the report: %w", err)
	}
	return nil
}

// readReport makes the report of the database at path, asking the
// running bot when it holds the file.
func readReport(path string, m reportMaker, lang string, at time.Time) ([]byte, error) {
	db, err := store.Open(path, store.Options{ReadOnly: true, Timeout: 300 * time.Millisecond})
	if err == nil {
		defer db.Close()
		return m.workbook(db, lang, at)
	}
	if !errors.Is(err, store.ErrLocked) {
		return nil, openError(path, err, "")
	}
	return askReport(path, lang, at)
}

// reportMaker makes the programme's report with a config's staff and
// time zone and the texts of its headers: the command line's, or the
// running bot's when it is asked.
type reportMaker struct {
	cfg   Config
	texts *locales.Texts
}

// workbook is the report of db at at, in lang, as an .xlsx file: the
// same workbook /report sends.
func (m reportMaker) workbook(db *store.DB, lang string, at time.Time) ([]byte, error) {
	loc := m.cfg.Location()
	var r report.Report
	err := db.View(func(tx *store.Tx) error {
		facts, err := programme.ReportFacts(tx, m.cfg.Staff, at, loc)
		r = report.Compute(facts)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read the report: %w", err)
	}
	words := func(key string, data map[string]any) string { return m.texts.Text(lang, key, data) }
	var buf bytes.Buffer
	if err := export.Report(r, lang, loc, words).WriteXLSX(&buf, words); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
