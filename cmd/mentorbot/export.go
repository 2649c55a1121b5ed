package main

import (
	"flag"
	"fmt"
	"slices"
	"time"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/bot/export"
	"github.com/mentorbot/mentorbot/store"
)

// runExport is "mentorbot export applications".
func runExport(args []string, env Env) error {
	if len(args) == 0 || !slices.Contains([]string{"applications", "scores", "questions", "results"}, args[0]) {
		return fmt.Errorf("export what? 'applications', 'scores', 'questions' or 'results': %w", errUsage)
	}
	what := args[0]
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	var c common
	c.register(fs, env, "mentorbot.db")
	format := fs.String("format", "csv", "output format: csv")
	if err := parseFlags(fs, args[1:], env); err != nil {
		return err
	}
	if *format != "csv" {
		return fmt.Errorf("format %q: only csv is supported: %w", *format, errUsage)
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
	apps, err := db.Applications()
	if err != nil {
		return err
	}
	switch what {
	case "scores":
		return exportScores(db, apps, env)
	case "questions":
		var qs []store.Question
		if err := db.View(func(tx *store.Tx) (err error) { qs, err = tx.Questions(); return err }); err != nil {
			return err
		}
		return export.Questions(env.Stdout, qs, cfg.Location())
	case "results":
		var rows []export.ResultRow
		if err := db.View(func(tx *store.Tx) (err error) { rows, err = bot.ResultRows(tx); return err }); err != nil {
			return err
		}
		return export.Results(env.Stdout, rows, cfg.Location())
	}
	return export.Applications(env.Stdout, apps, cfg.Location())
}

// exportScores writes the commission's scores, members in ID order.
func exportScores(db *store.DB, apps []store.Application, env Env) error {
	var scores []store.Score
	var members []int64
	err := db.View(func(tx *store.Tx) error {
		var err error
		if scores, err = tx.Scores(); err != nil {
			return err
		}
		users, err := tx.UsersWithRole(store.RoleCommission)
		for _, u := range users {
			members = append(members, u.ID)
		}
		return err
	})
	if err != nil {
		return err
	}
	return export.Scores(env.Stdout, apps, scores, members)
}
