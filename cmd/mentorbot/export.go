package main

import (
	"flag"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/mentorbot/mentorbot/bot/export"
	"github.com/mentorbot/mentorbot/locales"
	"github.com/mentorbot/mentorbot/store"
)

// runExport is "mentorbot export applications|scores|questions|results":
// CSV to stdout by default, for scripts; -format xlsx for a workbook with
// headers in -lang.
func runExport(args []string, env Env) error {
	if len(args) == 0 || !slices.Contains([]string{"applications", "scores", "questions", "results"}, args[0]) {
		return fmt.Errorf("export what? 'applications', 'scores', 'questions' or 'results': %w", errUsage)
	}
	what := args[0]
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	var c common
	c.register(fs, env, "mentorbot.db")
	formatName := fs.String("format", "csv", "output format: csv (headers are machine keys) or xlsx (a workbook)")
	lang := fs.String("lang", "ru", "language of the xlsx headers: ky or ru")
	if err := parseFlags(fs, args[1:], env); err != nil {
		return err
	}
	format, err := export.ParseFormat(*formatName)
	if err != nil {
		return fmt.Errorf("%w: %w", err, errUsage)
	}
	if !locales.Supported(*lang) {
		return fmt.Errorf("language %q: want ky or ru: %w", *lang, errUsage)
	}
	texts, err := locales.New(slog.New(slog.NewTextHandler(env.Stderr, nil)))
	if err != nil {
		return err
	}
	cfg, err := LoadConfig(c.config, time.Now())
	if err != nil {
		return err
	}
	db, err := store.Open(c.db, store.Options{ReadOnly: true})
	if err != nil {
		return openError(c.db, err, "send /export in the chat, or stop the bot first")
	}
	defer db.Close()
	tb, err := exportTable(db, what, cfg.Location())
	if err != nil {
		return err
	}
	words := func(key string, data map[string]any) string { return texts.Text(*lang, key, data) }
	return tb.Write(env.Stdout, format, words)
}

// exportTable reads what the export holds from db.
func exportTable(db *store.DB, what string, loc *time.Location) (export.Table, error) {
	apps, err := db.Applications()
	if err != nil {
		return export.Table{}, err
	}
	var tb export.Table
	err = db.View(func(tx *store.Tx) error {
		switch what {
		case "scores":
			return scoresTable(tx, apps, &tb)
		case "questions":
			qs, err := tx.Questions()
			tb = export.Questions(qs, loc)
			return err
		case "results":
			rows, err := export.ResultRows(tx)
			tb = export.Results(rows, loc)
			return err
		}
		tb = export.Applications(apps, loc)
		return nil
	})
	return tb, err
}

// scoresTable is the commission's scores, members in ID order.
func scoresTable(tx *store.Tx, apps []store.Application, tb *export.Table) error {
	scores, err := tx.Scores()
	if err != nil {
		return err
	}
	users, err := tx.UsersWithRole(store.RoleCommission)
	if err != nil {
		return err
	}
	members := make([]int64, len(users))
	for i, u := range users {
		members[i] = u.ID
	}
	*tb = export.Scores(apps, scores, members)
	return nil
}
