package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/mentorbot/mentorbot/bot/mentoring"

	"github.com/mentorbot/mentorbot/bot/calendar"

	"github.com/mentorbot/mentorbot/bot/broadcasts"
	"github.com/mentorbot/mentorbot/bot/school"

	"github.com/robfig/cron/v3"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/bot/delivery"
	"github.com/mentorbot/mentorbot/bot/telegram"
	"github.com/mentorbot/mentorbot/cmd/mentorbot/systemd"
	"github.com/mentorbot/mentorbot/locales"
	"github.com/mentorbot/mentorbot/schedule"
	"github.com/mentorbot/mentorbot/store"
)

// shutdownGrace is how long a stopping bot keeps delivering replies
// already queued before it closes the database.
const shutdownGrace = 5 * time.Second

// fatalGrace bounds how long a bot that cannot go on (a revoked token, a
// store that cannot commit) waits for its parts to stop before it exits.
const fatalGrace = 4 * time.Second

// startRetry is how long a bot that cannot reach Telegram at start keeps
// trying before it gives up (a supervisor then restarts it).
const startRetry = 5 * time.Minute

// runBot is "mentorbot run": poll Telegram until SIGINT or SIGTERM, or
// until something retrying cannot fix stops it: then it returns one line
// saying what, and every undelivered message waits in the store.
func runBot(ctx context.Context, args []string, env Env) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	var c common
	c.register(fs, env, "mentorbot.db")
	var logs logFlags
	logs.register(fs, env)
	endpoint := fs.String("api-endpoint", envOr(env, "TELEGRAM_API_ENDPOINT", telegram.DefaultEndpoint), "Bot API endpoint `format`: token, then method (TELEGRAM_API_ENDPOINT)")
	if err := parseFlags(fs, args, env); err != nil {
		return err
	}
	token := env.Getenv("TELEGRAM_BOT_TOKEN")
	if token == "" {
		return errors.New("TELEGRAM_BOT_TOKEN is not set: get a token from @BotFather, or try the bot with 'mentorbot console'")
	}
	log, err := logs.logger(env.Stderr, token)
	if err != nil {
		return err
	}
	app, err := open(c, log, nil)
	if err != nil {
		return err // one line, from main
	}
	defer app.db.Close()
	build := readBuild()
	log.Info("mentorbot starting", "version", build.Version, "commit", build.Commit, "built", build.Time, "go", build.Go)

	client, err := telegram.ConnectRetrying(ctx, token, *endpoint, startRetry, log, sleep)
	if err != nil {
		return err
	}
	outbox := app.outbox(client)
	b := app.bot(outbox.Wake, nil)
	b.BotUsername = client.Username()
	outbox.Recorded = func([]store.Outcome) { b.WakeBroadcasts() }
	// The backup worker serves /backup off the update's transaction.
	backupCtx, stopBackups := context.WithCancel(ctx)
	backupsDone := make(chan struct{})
	go func() { b.ServeBackups(backupCtx); close(backupsDone) }()
	defer func() { stopBackups(); <-backupsDone }()
	menus := map[string][]store.MenuCommand{}
	for _, lang := range locales.Languages {
		menus[lang] = b.Menu(lang)
	}
	if err := client.SetCommands(menus, locales.Default); err != nil {
		log.Warn("could not set the command menu", "err", err)
	}
	// Role holders' own menus go through the outbox, retried like replies.
	if err := b.SyncMenus(); err != nil {
		return err
	}
	if err := calendar.SyncProgramme(b); err != nil {
		return err
	}
	if err := broadcasts.Resume(b); err != nil {
		return err
	}

	// Every part reports here when it cannot go on.
	fatal := make(chan error, 4)
	report := func(err error) {
		select {
		case fatal <- err:
		default:
		}
	}
	// A delivery of due items the store cannot commit at all ends the bot.
	deliverDue := func() error {
		err := b.DeliverDue()
		if store.IsFatal(err) {
			report(err)
		}
		return err
	}
	jobs := schedule.NewCron(app.cfg.Location(), log)
	startDue(jobs, b, deliverDue, log)
	// Every minute: questions waiting too long, and the outbox retries
	// what it could not deliver.
	minutely := func() {
		if err := mentoring.ChaseQuestions(b); err != nil {
			log.Error("chase questions", "err", err)
		}
		outbox.Wake()
	}
	if _, err := jobs.AddFunc("@every 1m", minutely); err != nil {
		return fmt.Errorf("schedule the minute's work: %w", err)
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
		if _, err := jobs.AddFunc(spec, daily); err != nil {
			return fmt.Errorf("schedule backups: %w", err)
		}
	}
	jobs.Start()
	defer func() { <-jobs.Stop().Done() }() // a delivery under way ends before the file closes

	// Delivery outlives polling: on a stop, the replies to the last
	// updates still go out.
	sendCtx, stopSending := context.WithCancel(context.Background())
	defer stopSending()
	client.SetSendContext(sendCtx)
	outDone := make(chan struct{})
	go func() {
		defer close(outDone)
		if err := outbox.Run(sendCtx); err != nil {
			report(err)
		}
	}()
	go broadcasts.Run(sendCtx, b)

	// `mentorbot status` asks here while the bot holds the database.
	// It is a convenience: a bot that cannot open it still runs.
	if statusLn, err := listenStatus(app.db.Path()); err != nil {
		log.Warn("mentorbot status will not reach this bot", "err", err)
	} else {
		statusCtx, stopStatus := context.WithCancel(ctx)
		statusDone := make(chan struct{})
		go func() {
			serveStatus(statusCtx, statusLn, app.db, app.backupDir(), reportMaker{cfg: app.cfg, texts: app.texts}, log)
			close(statusDone)
		}()
		defer func() { stopStatus(); <-statusDone; os.Remove(statusSocket(app.db.Path())) }()
	}

	log.Info("mentorbot is running", "bot", client.Username(), "db", app.db.Path(), "deadline", app.cfg.Deadline())
	pollCtx, stopPolling := context.WithCancel(ctx)
	defer stopPolling()
	pollDone := make(chan struct{})
	// systemd hears that the bot is ready after the first poll, and the
	// watchdog is pinged only while polls come back and their updates are
	// saved: a hung or wedged bot is restarted.
	notifier := systemd.FromEnv(env.Getenv, os.Getpid())
	alive := func() {
		if err := notifier.Alive(time.Now()); err != nil {
			log.Warn("cannot tell systemd the bot is alive", "err", err)
		}
	}
	poller := &telegram.Poller{Client: client, DB: app.db, Handler: b, Log: log, Polled: alive}
	go func() {
		defer close(pollDone)
		if err := poller.Run(pollCtx); err != nil {
			report(err)
		}
	}()

	// Nothing more can be sent or saved: stop everything at once; what is
	// queued stays in the store for the next start.
	stopNow := func(err error) error {
		log.Error("mentorbot cannot go on; stopping", "err", err)
		_ = notifier.Stopping()
		stopPolling()
		stopSending()
		waitFor(fatalGrace, pollDone, outDone)
		return err
	}
	select {
	case err := <-fatal:
		return stopNow(err)
	case <-ctx.Done():
	case <-pollDone:
		select {
		case err := <-fatal:
			return stopNow(err)
		default: // the poller ends without an error only on a stop
		}
	}
	_ = notifier.Stopping()
	log.Info("stopping: delivering the replies already queued", "grace", shutdownGrace)
	stopPolling()
	<-pollDone // the updates being handled are finished
	outbox.Drain()
	if !waitFor(shutdownGrace, outDone) {
		log.Warn("some replies stay queued for the next start")
	}
	stopSending()
	waitFor(fatalGrace, outDone)
	select {
	case err := <-fatal:
		return err
	default:
		return nil
	}
}

// waitFor waits until every channel is closed, for at most d, and
// reports whether they all were.
func waitFor(d time.Duration, done ...<-chan struct{}) bool {
	timeout := time.After(d)
	for _, ch := range done {
		select {
		case <-ch:
		case <-timeout:
			return false
		}
	}
	return true
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// chatBurst is how many messages one chat may get at once after a pause:
// the intro and the first question after her consent go together.
const chatBurst = 2

// outbox builds the outbox delivering through m at the config's pace.
func (a *app) outbox(m delivery.Messenger) *delivery.Outbox {
	o := delivery.New(a.db, m, a.log)
	o.Rate, o.ChatRate, o.ChatBurst = a.cfg.Broadcast.Rate, a.cfg.Broadcast.ChatRate, chatBurst
	return o
}

// startDue delivers what fell due while the bot was down, then each due
// item at its time: one cron entry at the next item's time, moved earlier
// whenever the bot plans something sooner. Call it before c starts and
// before updates are handled.
func startDue(c *cron.Cron, b *bot.Bot, deliver func() error, log *slog.Logger) {
	if err := deliver(); err != nil {
		log.Error("deliver what fell due while the bot was down", "err", err)
	}
	b.Planned = schedule.NewDue(c, b.DB, deliver, log).Planned
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
func (a *app) backupDir() string { return a.backupDirFor(a.db.Path()) }

// backupDirFor is the backup directory of the database at path: the
// config's, relative to the database file's directory.
func (a *app) backupDirFor(path string) string {
	dir := a.cfg.Backup.Dir
	if dir != "" && !filepath.IsAbs(dir) {
		dir = filepath.Join(filepath.Dir(path), dir)
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
		BackupKeep: a.cfg.Backup.Keep, Features: school.Features(),
	})
}
