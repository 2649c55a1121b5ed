package bot_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/mentoring"

	"github.com/mentorbot/mentorbot/bot/calendar"

	"github.com/mentorbot/mentorbot/bot/broadcasts"

	"github.com/mentorbot/mentorbot/bot/school"

	"github.com/robfig/cron/v3"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/bot/delivery"
	"github.com/mentorbot/mentorbot/bot/telegram"
	"github.com/mentorbot/mentorbot/bot/telegramtest"
	"github.com/mentorbot/mentorbot/locales"
	"github.com/mentorbot/mentorbot/schedule"
	"github.com/mentorbot/mentorbot/store"
)

var bishkek = mustLocation(schedule.Location)

func mustLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// The school's dates in the tests: today, and the deadline of the cycle.
var (
	today    = time.Date(2026, 11, 22, 10, 0, 0, 0, bishkek)
	deadline = time.Date(2026, 12, 11, 17, 0, 0, 0, bishkek)
)

// staffUser is configured as staff.
var staffUser = telegramtest.User{ID: 900, FirstName: "Altynai", LanguageCode: "ru"}

// clock is a settable clock shared by the bot and the test.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// syncBuffer collects logs from several goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// harness runs the real bot, poller and outbox against the fake Bot API
// server, on a bbolt file in the test's temporary directory.
type harness struct {
	// diskFull makes every commit fail as a full disk does.
	diskFull atomic.Bool

	t     *testing.T
	srv   *telegramtest.Server
	path  string
	clock *clock
	texts *locales.Texts
	logs  *syncBuffer

	db     *store.DB
	bot    *bot.Bot
	outbox *delivery.Outbox
	// rate, if set, paces the outbox as mentorbot run does: rate messages
	// a second, one a second per chat with bursts of two.
	rate float64
	// progress is how often broadcasts update staff's progress message
	// (0: whenever it moved, so tests see the progress message).
	progress time.Duration
	cancel   context.CancelFunc
	wg       sync.WaitGroup

	mu     sync.Mutex
	sleeps []time.Duration // what the outbox was asked to wait

	// configure, if set, changes the bot's options at every start.
	configure func(*bot.Options)
	// dueOnTime runs the due schedule on a real cron, as mentorbot run
	// does, instead of tick; the bot then goes by the real clock.
	dueOnTime bool
	cron      *cron.Cron
	// noBackupWorker leaves /backup requests waiting, as a bot killed
	// before its worker got to them would.
	noBackupWorker bool
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	return newHarnessOn(t, filepath.Join(t.TempDir(), "mentorbot.db"), nil)
}

// newHarnessOn starts the bot on a database file, with options changed by
// configure if it is not nil.
func newHarnessOn(t *testing.T, path string, configure func(*bot.Options)) *harness {
	t.Helper()
	h := unstartedHarness(t, path, configure)
	h.start()
	t.Cleanup(h.stop)
	return h
}

// unstartedHarness is a harness whose bot is not started yet.
func unstartedHarness(t *testing.T, path string, configure func(*bot.Options)) *harness {
	t.Helper()
	h := &harness{
		t:     t,
		srv:   telegramtest.NewServer(t),
		path:  path,
		clock: &clock{now: today},
		logs:  &syncBuffer{},

		configure: configure,
	}
	texts, err := locales.New(slog.New(slog.NewTextHandler(h.logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	h.texts = texts
	return h
}

// start opens the database and starts the bot, as a process start would.
func (h *harness) start() {
	h.t.Helper()
	db, err := store.Open(h.path, store.Options{Timeout: time.Second, CommitFault: func() error {
		if h.diskFull.Load() {
			return syscall.ENOSPC
		}
		return nil
	}})
	if err != nil {
		h.t.Fatal(err)
	}
	h.db = db
	log := slog.New(slog.NewTextHandler(h.logs, nil))
	client, err := telegram.Connect(telegramtest.Token, h.srv.Endpoint())
	if err != nil {
		h.t.Fatal(err)
	}
	outbox := delivery.New(db, client, log)
	outbox.Now = h.clock.Now
	// Outcomes are recorded at once: the tests wait for an empty outbox
	// after every step, and a 100 ms window would only make them slow.
	outbox.RecordEvery = time.Millisecond
	// Waits are recorded, not waited: retry_after and backoff are asserted.
	outbox.Delay = func(d time.Duration) time.Duration {
		h.mu.Lock()
		h.sleeps = append(h.sleeps, d)
		h.mu.Unlock()
		return 0
	}
	if h.rate > 0 {
		outbox.Rate, outbox.ChatRate, outbox.ChatBurst = h.rate, 1, 2
	}
	h.outbox = outbox
	progress := h.progress
	if progress == 0 {
		progress = -1
	}
	opts := bot.Options{
		DB: db, Texts: h.texts, Log: log, Location: bishkek, Deadline: deadline,
		StaffIDs: []int64{staffUser.ID}, Now: h.clock.Now, WorkerRetry: 20 * time.Millisecond, Delivered: outbox.Wake, BotUsername: telegramtest.BotUsername,
		BackupDir: filepath.Join(filepath.Dir(h.path), "backups"), BroadcastProgress: progress,
		Features: school.Features(),
	}
	if h.dueOnTime {
		opts.Now = time.Now
	}
	if h.configure != nil {
		h.configure(&opts)
	}
	b := bot.New(opts)
	h.bot = b
	outbox.Recorded = func([]store.Outcome) { b.WakeBroadcasts() }
	// As mentorbot run does: the programme into the store, then what fell
	// due while the bot was down.
	if err := calendar.SyncProgramme(b); err != nil {
		h.t.Fatal(err)
	}
	if err := broadcasts.Resume(b); err != nil {
		h.t.Fatal(err)
	}
	if err := b.DeliverDue(); err != nil {
		h.t.Fatal(err)
	}
	// As mentorbot run does: the default menu, then role holders' own.
	menus := map[string][]store.MenuCommand{}
	for _, lang := range locales.Languages {
		menus[lang] = b.Menu(lang)
	}
	if err := client.SetCommands(menus, locales.Default); err != nil {
		h.t.Fatal(err)
	}
	if err := b.SyncMenus(); err != nil {
		h.t.Fatal(err)
	}
	if h.dueOnTime {
		h.cron = schedule.NewCron(bishkek, log)
		b.Planned = schedule.NewDue(h.cron, db, b.DeliverDue, log).Planned
		h.cron.Start()
	}
	poller := &telegram.Poller{Client: client, DB: db, Handler: b, Log: log, Timeout: 5 * time.Second,
		Sleep: func(ctx context.Context, d time.Duration) error { return ctx.Err() }}
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	h.wg.Add(3)
	go func() {
		defer h.wg.Done()
		broadcasts.Run(ctx, b)
	}()
	go func() {
		defer h.wg.Done()
		if err := poller.Run(ctx); err != nil {
			h.t.Errorf("poller: %v", err)
		}
	}()
	go func() {
		defer h.wg.Done()
		if err := outbox.Run(ctx); err != nil {
			h.t.Errorf("outbox: %v", err)
		}
	}()
	if !h.noBackupWorker {
		h.wg.Add(1)
		go func() {
			defer h.wg.Done()
			b.ServeBackups(ctx)
		}()
	}
}

// stop stops the bot and closes the file, as a process exit would.
func (h *harness) stop() {
	if h.cancel == nil {
		return
	}
	h.cancel()
	h.wg.Wait()
	h.cancel = nil
	if h.cron != nil {
		<-h.cron.Stop().Done() // and the delivery under way, if any
		h.cron = nil
	}
	if err := h.db.Check(); err != nil {
		h.t.Errorf("database check: %v", err)
	}
	h.db.Close()
}

// restart is a process restart: a new bot instance on the same file.
func (h *harness) restart() {
	h.stop()
	h.start()
}

// settle waits until the bot confirmed the update and delivered every
// reply it queued.
func (h *harness) settle(updateID int) {
	h.t.Helper()
	h.srv.WaitConfirmed(h.t, updateID)
	if !h.noBackupWorker {
		// A workbook is made after its update, by the worker.
		h.srv.WaitFor(h.t, func() bool {
			jobs, err := h.db.FileJobs()
			return err == nil && len(jobs) == 0
		})
	}
	h.waitOutbox()
}

// waitBroadcasts waits until no broadcast has anyone left to send to,
// then until the outbox (progress and reports) is empty.
func (h *harness) waitBroadcasts() {
	h.t.Helper()
	h.srv.WaitFor(h.t, func() bool {
		busy := false
		_ = h.db.View(func(tx *store.Tx) error {
			all, _ := tx.Broadcasts()
			for _, b := range all {
				if b.Status == store.BroadcastRunning {
					busy = true
				}
			}
			return nil
		})
		return !busy
	})
	h.waitOutbox()
}

// waitOutbox waits until every queued message was delivered.
func (h *harness) waitOutbox() {
	h.t.Helper()
	h.srv.WaitFor(h.t, func() bool {
		items, err := h.db.Outbox(1)
		return err == nil && len(items) == 0
	})
}

// tick is a moment on the clock: deliver what is due then, do the cron
// job's minute (questions waiting too long), and wait until the outbox is
// empty.
func (h *harness) tick(at time.Time) {
	h.t.Helper()
	h.clock.Set(at)
	if err := h.bot.DeliverDue(); err != nil {
		h.t.Fatal(err)
	}
	if err := mentoring.ChaseQuestions(h.bot); err != nil {
		h.t.Fatal(err)
	}
	h.waitOutbox()
}

// person is someone writing to the bot.
type person struct {
	h    *harness
	user telegramtest.User
	seen int // messages already looked at by news()
}

func (h *harness) person(id int64, lang string) *person {
	return &person{h: h, user: telegramtest.User{ID: id, FirstName: "Айгүл", LanguageCode: lang}}
}

func (p *person) says(text string) {
	p.h.t.Helper()
	p.h.settle(p.h.srv.SendText(p.user, text))
}

// taps presses the newest button labelled label in her chat.
func (p *person) taps(label string) {
	p.h.t.Helper()
	msgs := p.h.srv.Messages(p.user.ID)
	for i := len(msgs) - 1; i >= 0; i-- {
		for _, row := range msgs[i].Buttons {
			for _, b := range row {
				if b.Text == label {
					p.h.settle(p.h.srv.Tap(p.user, msgs[i].ID, b.Data))
					return
				}
			}
		}
	}
	p.h.t.Fatalf("no button %q in her chat; last message: %q", label, p.h.srv.Last(p.user.ID).Text)
}

// tapsOn presses a button by its data on a given message, even an old one.
func (p *person) tapsOn(messageID int, data string) int {
	p.h.t.Helper()
	id := p.h.srv.Tap(p.user, messageID, data)
	p.h.settle(id)
	return id
}

func (p *person) sharesContact(phone string, own bool) {
	p.h.t.Helper()
	p.h.settle(p.h.srv.SendContact(p.user, phone, own))
}

// news returns the texts of the messages that arrived since the last call.
func (p *person) news() []string {
	msgs := p.h.srv.Messages(p.user.ID)
	var texts []string
	for _, m := range msgs[min(p.seen, len(msgs)):] {
		texts = append(texts, m.Text)
	}
	p.seen = len(msgs)
	return texts
}

// expect asserts the exact messages that arrived since the last look.
func (p *person) expect(want ...string) {
	p.h.t.Helper()
	got := p.news()
	if !slices.Equal(got, want) {
		p.h.t.Fatalf("she sees:\n%s\nwant:\n%s", strings.Join(quote(got), "\n"), strings.Join(quote(want), "\n"))
	}
}

func quote(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("  %q", s)
	}
	return out
}

// text is a message in lang, as the bot would render it.
func (h *harness) text(lang, key string, data any) string { return h.texts.Text(lang, key, data) }

func (h *harness) sleptFor() []time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.sleeps)
}

// stored is one thing read from the bot's store, the test failing when
// it cannot be read.
func stored[T any](t *testing.T, h *harness, read func(tx *store.Tx) (T, error)) T {
	t.Helper()
	var v T
	if err := h.db.View(func(tx *store.Tx) (err error) { v, err = read(tx); return err }); err != nil {
		t.Fatal(err)
	}
	return v
}

// putFAQs stores FAQ entries, numbered 1, 2, … in the order given.
func putFAQs(t *testing.T, h *harness, entries ...store.FAQEntry) {
	t.Helper()
	if err := h.db.Update(func(tx *store.Tx) error {
		for _, e := range entries {
			if _, err := tx.PutFAQ(e); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}
