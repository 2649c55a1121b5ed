package bot

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"time"

	"github.com/mentorbot/mentorbot/bot/form"
	"github.com/mentorbot/mentorbot/bot/selection"
	"github.com/mentorbot/mentorbot/bot/textnorm"
	"github.com/mentorbot/mentorbot/locales"
	"github.com/mentorbot/mentorbot/schedule"
	"github.com/mentorbot/mentorbot/store"
)

// Options are what the bot needs to know about the school and its world.
type Options struct {
	DB       *store.DB
	Texts    *locales.Texts
	Log      *slog.Logger
	Location *time.Location // the school's time zone, Asia/Bishkek
	Deadline time.Time      // applications are taken until then
	StaffIDs []int64        // Telegram user IDs who are staff from the start
	// Now is the clock; tests move it instead of sleeping. Defaults to time.Now.
	Now func() time.Time
	// Delivered, if set, is called after an update queued replies, so the
	// outbox can deliver them at once instead of at its next tick.
	Delivered func()
	// BotUsername is the bot's @username, for invitation links.
	BotUsername string
	Selection   SelectionOptions
	// Programme is the school's calendar; the default programme for
	// Deadline when empty.
	Programme schedule.Programme
	Mentoring MentoringOptions
	// BackupDir is where /backup writes its copy before sending it; the
	// system's temporary directory when empty.
	BackupDir string
	// BroadcastProgress is how often a running broadcast's progress
	// message is edited; DefaultBroadcastProgress when zero, and every
	// time something moved when negative.
	BroadcastProgress time.Duration
	// Planned, if set, is called with a due item's time once the
	// transaction that planned it is committed, so the due schedule can
	// wake at that time (schedule.Due.Planned).
	Planned func(at time.Time)
	// WorkerRetry is how long the file worker (ServeBackups) waits to try
	// again after the store refused its write (a full disk); 30 seconds
	// when zero.
	WorkerRetry time.Duration
	// Features are the parts of the school the bot runs, in the order
	// /help and the menus list their commands (bot/school.Features); the
	// core's own come first.
	Features []Feature
	// BackupKeep is how many backups BackupDir keeps, daily ones and
	// those made for /backup together; 7 when zero.
	BackupKeep int
}

// SelectionOptions are the settings of stage II.
type SelectionOptions struct {
	// Quotas are how many to accept and waitlist in each category.
	Quotas map[store.Category]selection.Quota
	// SpreadLimit flags an application whose members' totals differ by
	// more than this many points.
	SpreadLimit float64
	// InviteTTL is how long an invitation link works.
	InviteTTL time.Duration
	// SchoolStart and SchoolEnd are the dates of the school (stage III),
	// told to those accepted.
	SchoolStart, SchoolEnd time.Time
}

// DefaultSelection are the school's own numbers: about 20 women aged 28
// and over and 10–20 under 28, a 20-point spread, week-long invitations,
// and the school from 25 to 29 January after the deadline.
func DefaultSelection(deadline time.Time, loc *time.Location) SelectionOptions {
	year := deadline.In(loc).Year() + 1
	return SelectionOptions{
		Quotas: map[store.Category]selection.Quota{
			store.Category28Plus:  {Accept: 20, Waitlist: 5},
			store.CategoryUnder28: {Accept: 15, Waitlist: 5},
		},
		SpreadLimit: 20,
		InviteTTL:   7 * 24 * time.Hour,
		SchoolStart: time.Date(year, time.January, 25, 0, 0, 0, 0, loc),
		SchoolEnd:   time.Date(year, time.January, 29, 0, 0, 0, 0, loc),
	}
}

// Bot handles updates. It is safe for concurrent use: every update runs in
// its own store transaction.
type Bot struct {
	Options
	routes        *registry
	broadcastWake chan struct{}

	// backupWake wakes ServeBackups after an update recorded a /backup.
	backupWake chan struct{}
}

// New returns a bot.
func New(opts Options) *Bot {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.Delivered == nil {
		opts.Delivered = func() {}
	}
	switch {
	case opts.BroadcastProgress == 0:
		opts.BroadcastProgress = DefaultBroadcastProgress
	case opts.BroadcastProgress < 0:
		opts.BroadcastProgress = 0
	}
	if opts.Planned == nil {
		opts.Planned = func(time.Time) {}
	}
	if opts.Programme.Stages == nil {
		opts.Programme = schedule.DefaultProgramme(opts.Deadline, opts.Location)
	}
	if opts.Mentoring == (MentoringOptions{}) {
		opts.Mentoring = DefaultMentoring()
	}
	if opts.Selection.Quotas == nil {
		opts.Selection = DefaultSelection(opts.Deadline, opts.Location)
	}
	if opts.BackupKeep < 1 {
		opts.BackupKeep = 7
	}
	if opts.Features == nil {
		opts.Features = features()
	}
	return &Bot{Options: opts, routes: newRegistry(opts.Features...), broadcastWake: make(chan struct{}, 1), backupWake: make(chan struct{}, 1)}
}

// Handle applies one update. An update already handled (Telegram sends it
// again after a crash) is skipped.
//
// When the disk refuses to save the update, Handle returns the
// *store.StorageError and nothing is kept: the update must not be
// confirmed to Telegram, and it is handled again once saving works. She
// is told nothing, since nothing could be saved.
//
// When handling fails for any other reason, or panics (a bug), the cause
// is logged, she gets a kind apology that asks her to send it again, and
// the update counts as handled so it is not retried forever. Handle
// returns an error then only when not even that could be saved.
func (b *Bot) Handle(ctx context.Context, u Update) error {
	err := b.handle(u)
	if err == nil {
		b.Delivered()
		return nil
	}
	if store.IsStorage(err) {
		return err
	}
	b.Log.Error("handle update", "update_id", u.ID, "chat_id", u.ChatID, "err", err)
	_, err2 := b.DB.HandleUpdate(u.ID, func(tx *store.Tx) error {
		if !u.Private || u.ChatID == 0 {
			return nil
		}
		lang := locales.Guess(u.LangCode)
		if user, err := tx.User(u.UserID); err == nil && user.Language != "" {
			lang = user.Language
		}
		return tx.Enqueue(b.Now(), store.Outgoing{Kind: store.KindMessage, ChatID: u.ChatID, Text: b.Texts.Text(lang, "error.internal", nil)})
	})
	if err2 != nil {
		// Usually the disk: the update is tried again once it has room.
		return fmt.Errorf("update %d: could not record the failure %v: %w", u.ID, err, err2)
	}
	b.Delivered()
	return nil
}

func (b *Bot) handle(u Update) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v\n%s", r, debug.Stack())
		}
	}()
	backup := false
	_, err = b.DB.HandleUpdate(u.ID, func(tx *store.Tx) error {
		t, err := b.begin(tx, u)
		if err != nil {
			return err
		}
		if err := t.route(); err != nil {
			return err
		}
		backup = t.backupRequested || t.fileRequested
		return t.commit()
	})
	if err == nil && backup {
		b.wakeBackups() // now that the request is committed
	}
	return err
}

// turn is one update being handled: who sent it, what she has, and the
// replies it owes her. Handlers are methods on it.
type turn struct {
	*Bot
	tx   *store.Tx
	u    Update
	now  time.Time
	user store.User
	out  []store.Outgoing
	// known is false for someone who has never written before; nothing is
	// stored for a stranger who only blocked the bot or wrote in a group.
	known bool
	// backupRequested is set by /backup, fileRequested by a workbook
	// asked for: the worker is woken after commit.
	backupRequested, fileRequested bool
}

func (b *Bot) begin(tx *store.Tx, u Update) (*turn, error) {
	t := &turn{Bot: b, tx: tx, u: u, now: b.Now()}
	user, err := tx.User(u.UserID)
	switch {
	case err == nil:
		t.user, t.known = user, true
	case isNotFound(err):
		t.user = store.User{ID: u.UserID, CreatedAt: t.now}
	default:
		return nil, err
	}
	// Her Telegram name is shown to staff: stored cleaned, so a bidi
	// override in it cannot turn a line of a staff list around.
	if name := textnorm.Clean(u.Name); name != "" {
		t.user.FirstName = name
	}
	if u.LangCode != "" {
		t.user.LangCode = u.LangCode
	}
	return t, nil
}

// isStaff reports whether she is staff: listed in the config (checked on
// every update, so removing her from the file takes effect at the next
// start) or given the role in the bot.
func (t *turn) isStaff() bool {
	return slices.Contains(t.StaffIDs, t.user.ID) || t.user.HasRole(store.RoleStaff)
}

// commit saves the person and queues the replies.
func (t *turn) commit() error {
	if t.u.CallbackID != "" && !slices.ContainsFunc(t.out, func(m store.Outgoing) bool { return m.Kind == store.KindCallback }) {
		// Every tap is answered, or her phone shows a spinner for long seconds.
		t.out = append(t.out, store.Outgoing{Kind: store.KindCallback, ChatID: t.u.ChatID, CallbackID: t.u.CallbackID})
	}
	for i := range t.out {
		m := &t.out[i]
		if m.Lane == store.LaneUnset && m.ChatID != t.u.ChatID {
			m.Lane = store.LaneNotice // to someone else: after the replies
		}
		if (m.Kind == store.KindDocument || m.Kind == store.KindPhoto) && m.ChatID == t.u.ChatID && m.FailNote == "" {
			// A file she asked for: if Telegram refuses it for good, she
			// hears so instead of waiting for it.
			m.FailNote = t.text("file.failed", nil)
		}
	}
	if t.u.UserID != 0 && (t.known || (t.u.Private && t.u.Kind != KindBlocked)) {
		t.updateMenu(&t.user) // her roles or her language may have changed
		if err := t.tx.PutUser(t.user); err != nil {
			return err
		}
	}
	return t.tx.Enqueue(t.now, t.out...)
}

// lang is the language to speak to her: her choice, else Telegram's guess.
func (t *turn) lang() string {
	if t.user.Language != "" {
		return t.user.Language
	}
	return locales.Guess(t.u.LangCode)
}

// text returns a message in her language.
func (t *turn) text(key string, data any) string { return t.Texts.Text(t.lang(), key, data) }

// send queues a message to her chat, split if Telegram would refuse its
// length; the buttons go with the last part.
func (t *turn) send(text string, buttons [][]store.Button) {
	parts := Split(text, MaxMessage)
	for i, p := range parts {
		m := store.Outgoing{Kind: store.KindMessage, ChatID: t.u.ChatID, Text: p}
		if i == len(parts)-1 {
			m.Buttons = buttons
		}
		t.out = append(t.out, m)
	}
}

// say queues a message by key.
func (t *turn) say(key string, data any) { t.send(t.text(key, data), nil) }

// edit replaces the text and buttons of the message her tap came from.
func (t *turn) edit(text string, buttons [][]store.Button) {
	if t.u.MessageID == 0 {
		t.send(text, buttons)
		return
	}
	t.out = append(t.out, store.Outgoing{Kind: store.KindEdit, ChatID: t.u.ChatID, MessageID: t.u.MessageID, Text: text, Buttons: buttons})
}

// toast answers her tap; Telegram shows text, if any, as a small notice.
func (t *turn) toast(key string) {
	if t.u.CallbackID == "" {
		return
	}
	m := store.Outgoing{Kind: store.KindCallback, ChatID: t.u.ChatID, CallbackID: t.u.CallbackID}
	if key != "" {
		m.Text = t.text(key, nil)
	}
	t.out = append(t.out, m)
}

// button makes one inline button labelled by key.
func (t *turn) button(key, data string) store.Button {
	return store.Button{Text: t.text(key, nil), Data: data}
}

// formRules are the facts eligibility is judged against now.
func (t *turn) formRules() form.Rules {
	return form.Rules{Deadline: t.Deadline, Location: t.Location, Now: t.now}
}

// date formats a time as her language writes dates, in the school's zone.
func (t *turn) date(tm time.Time) string { return tm.In(t.Location).Format("02.01.2006") }

// dateTime formats a time with hours, in the school's zone.
func (t *turn) dateTime(tm time.Time) string { return tm.In(t.Location).Format("02.01.2006 15:04") }
