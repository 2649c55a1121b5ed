package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"golang.org/x/time/rate"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/bot/telegram"
	"github.com/mentorbot/mentorbot/locales"
	"github.com/mentorbot/mentorbot/schedule"
	"github.com/mentorbot/mentorbot/store"
)

// shutdownGrace is how long a stopping bot keeps delivering replies
// already queued before it closes the database.
const shutdownGrace = 5 * time.Second

// runBot is "mentorbot run": poll Telegram until SIGINT or SIGTERM.
func runBot(ctx context.Context, args []string, env Env) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	var c common
	c.register(fs, env, "mentorbot.db")
	endpoint := fs.String("api-endpoint", envOr(env, "TELEGRAM_API_ENDPOINT", telegram.DefaultEndpoint), "Bot API endpoint `format`: token, then method (TELEGRAM_API_ENDPOINT)")
	if err := parseFlags(fs, args, env); err != nil {
		return err
	}
	token := env.Getenv("TELEGRAM_BOT_TOKEN")
	if token == "" {
		return errors.New("TELEGRAM_BOT_TOKEN is not set: get a token from @BotFather, or try the bot with 'mentorbot console'")
	}
	log := slog.New(slog.NewTextHandler(env.Stderr, nil))
	app, err := open(c, log, nil)
	if err != nil {
		return err
	}
	defer app.db.Close()

	client, err := telegram.Connect(token, *endpoint)
	if err != nil {
		return err
	}
	// One pace for replies and broadcasts: together they stay under
	// Telegram's limit, and a reply waits at most one slot. A burst of 2
	// lets the sender catch up after writing a batch's results to disk
	// while never exceeding rate+2 messages in any second.
	pace := rate.NewLimiter(rate.Limit(app.cfg.Broadcast.Rate), 2)
	outbox := bot.NewOutbox(app.db, client, log)
	outbox.Pace = pace.Wait
	broadcaster := bot.NewBroadcaster(app.db, client, app.texts, log)
	broadcaster.Pace, broadcaster.Wake = pace.Wait, outbox.Wake
	b := app.bot(outbox.Wake, nil)
	b.BotUsername = client.Username()
	b.StartBroadcast = broadcaster.Start
	// The backup worker serves /backup off the update's transaction.
	backupCtx, stopBackups := context.WithCancel(ctx)
	backupsDone := make(chan struct{})
	go func() { b.ServeBackups(backupCtx); close(backupsDone) }()
	defer func() { stopBackups(); <-backupsDone }()
	menus := map[string][]bot.Command{}
	for _, lang := range locales.Languages {
		menus[lang] = bot.Menu(app.texts, lang)
	}
	if err := client.SetCommands(menus, locales.Default); err != nil {
		log.Warn("could not set the command menu", "err", err)
	}

	if err := b.SyncProgramme(); err != nil {
		return err
	}
	// What fell due while the bot was down goes out now, then every minute.
	deliverDue := func() {
		if err := b.DeliverDue(); err != nil {
			log.Error("deliver reminders", "err", err)
		}
		outbox.Wake() // and retry what the outbox could not deliver
	}
	deliverDue()
	cron := schedule.NewCron(app.cfg.Location(), log)
	if _, err := cron.AddFunc("@every 1m", deliverDue); err != nil {
		return fmt.Errorf("schedule reminders: %w", err)
	}
	if spec, _ := app.cfg.BackupSpec(); spec != "" {
		dir := app.backupDir()
		daily := func() {
			if name, err := app.db.Backup(dir, app.cfg.Backup.Keep, time.Now()); err != nil {
				log.Error("daily backup", "err", err)
			} else {
				log.Info("daily backup written", "file", name)
			}
		}
		if _, err := cron.AddFunc(spec, daily); err != nil {
			return fmt.Errorf("schedule backups: %w", err)
		}
	}
	cron.Start()
	defer cron.Stop()

	outCtx, stopOutbox := context.WithCancel(context.Background())
	outDone := make(chan struct{})
	go func() {
		outbox.Run(outCtx)
		close(outDone)
	}()
	// The broadcaster stops with polling: a recipient in flight at the
	// stop is sent again after the restart.
	bcDone := make(chan struct{})
	go func() {
		broadcaster.Run(ctx)
		close(bcDone)
	}()

	log.Info("mentorbot is running", "bot", client.Username(), "db", app.db.Path(), "deadline", app.cfg.Deadline())
	poller := &telegram.Poller{Client: client, DB: app.db, Handler: b, Log: log}
	pollErr := poller.Run(ctx)
	<-bcDone

	log.Info("stopping: delivering the replies already queued", "grace", shutdownGrace)
	flushCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	stopOutbox()
	<-outDone
	if err := outbox.Flush(flushCtx); err != nil {
		log.Warn("some replies stay queued for the next start", "err", err)
	}
	return pollErr
}

// app is what every subcommand that runs the bot opens.
type app struct {
	cfg   Config
	db    *store.DB
	texts *locales.Texts
	log   *slog.Logger
}

// open loads the config, the database and the texts.
func open(c common, log *slog.Logger, extraStaff []int64) (*app, error) {
	cfg, err := LoadConfig(c.config, time.Now())
	if err != nil {
		return nil, err
	}
	cfg.Staff = append(cfg.Staff, extraStaff...)
	texts, err := locales.New(log)
	if err != nil {
		return nil, err
	}
	db, err := store.Open(c.db, store.Options{})
	if errors.Is(err, store.ErrLocked) {
		return nil, fmt.Errorf("database %s is in use by another mentorbot process; stop it first", c.db)
	}
	if err != nil {
		return nil, openError(c.db, err, "")
	}
	return &app{cfg: cfg, db: db, texts: texts, log: log}, nil
}

// backupDir is the config's backup directory, relative to the database's.
func (a *app) backupDir() string {
	dir := a.cfg.Backup.Dir
	if dir != "" && !filepath.IsAbs(dir) {
		dir = filepath.Join(filepath.Dir(a.db.Path()), dir)
	}
	return dir
}

// bot builds the bot on the app; now is the clock (nil for the real one).
func (a *app) bot(delivered func(), now func() time.Time) *bot.Bot {
	return bot.New(bot.Options{
		DB: a.db, Texts: a.texts, Log: a.log,
		Location: a.cfg.Location(), Deadline: a.cfg.Deadline(), StaffIDs: a.cfg.Staff,
		Now: now, Delivered: delivered, Selection: a.cfg.SelectionOptions(), BotUsername: "mentorbot",
		Programme: a.cfg.ProgrammeResolved(), Mentoring: a.cfg.MentoringOptions(), BackupDir: a.backupDir(),
		BackupKeep: a.cfg.Backup.Keep,
	})
}
