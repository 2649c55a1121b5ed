package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/mentorbot/mentorbot/bot/calendar"

	"github.com/mentorbot/mentorbot/bot/console"
	"github.com/mentorbot/mentorbot/bot/delivery"
)

// runConsole is "mentorbot console": the same handlers in a terminal.
func runConsole(ctx context.Context, args []string, env Env) error {
	fs := flag.NewFlagSet("console", flag.ContinueOnError)
	var c common
	c.register(fs, Env{Getenv: func(string) string { return "" }}, "mentorbot-console.db")
	lang := fs.String("lang", "", "what Telegram would say her phone's language is: ky, ru or empty")
	verbose := fs.Bool("v", false, "print the bot's log too")
	if err := parseFlags(fs, args, env); err != nil {
		return err
	}
	logOut := io.Discard
	if *verbose {
		logOut = env.Stderr
	}
	log := slog.New(slog.NewTextHandler(logOut, nil))
	app, err := open(c, log, []int64{console.Personas["staff"]})
	if err != nil {
		return err
	}
	defer app.db.Close()
	con := &console.Console{DB: app.db, In: env.Stdin, Out: env.Stdout, LangCode: *lang}
	con.Outbox = delivery.New(app.db, con.Messenger(), log)
	con.Outbox.Workers = 1 // the console prints in order
	con.Bot = app.bot(nil, nil)
	if err := calendar.SyncProgramme(con.Bot); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "Data: %s\n", app.db.Path())
	return con.Run(ctx)
}
