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

// Turn is one update being handled: who sent it, what she has, and the
// replies it owes her. Handlers are methods on it.
type Turn struct {
	bot    *Bot
	Tx     *store.Tx
	Update Update
	Now    time.Time
	User   store.User
	out    []store.Outgoing
	// known is false for someone who has never written before; nothing is
	// stored for a stranger who only blocked the bot or wrote in a group.
	known bool
	// backupRequested is set by /backup, fileRequested by a workbook
	// asked for: the worker is woken after commit.
	backupRequested, fileRequested bool
}

func (b *Bot) begin(tx *store.Tx, u Update) (*Turn, error) {
	t := &Turn{bot: b, Tx: tx, Update: u, Now: b.Now()}
	user, err := tx.User(u.UserID)
	switch {
	case err == nil:
		t.User, t.known = user, true
	case IsNotFound(err):
		t.User = store.User{ID: u.UserID, CreatedAt: t.Now}
	default:
		return nil, err
	}
	// Her Telegram name is shown to staff: stored cleaned, so a bidi
	// override in it cannot turn a line of a staff list around.
	if name := textnorm.Clean(u.Name); name != "" {
		t.User.FirstName = name
	}
	if u.LangCode != "" {
		t.User.LangCode = u.LangCode
	}
	return t, nil
}

// IsStaff reports whether she is staff: listed in the config (checked on
// every update, so removing her from the file takes effect at the next
// start) or given the role in the bot.
func (t *Turn) IsStaff() bool {
	return slices.Contains(t.School().StaffIDs, t.User.ID) || t.User.HasRole(store.RoleStaff)
}

// commit saves the person and queues the replies.
func (t *Turn) commit() error {
	if t.Update.CallbackID != "" && !slices.ContainsFunc(t.out, func(m store.Outgoing) bool { return m.Kind == store.KindCallback }) {
		// Every tap is answered, or her phone shows a spinner for long seconds.
		t.out = append(t.out, store.Outgoing{Kind: store.KindCallback, ChatID: t.Update.ChatID, CallbackID: t.Update.CallbackID})
	}
	for i := range t.out {
		m := &t.out[i]
		if m.Lane == store.LaneUnset && m.ChatID != t.Update.ChatID {
			m.Lane = store.LaneNotice // to someone else: after the replies
		}
		if (m.Kind == store.KindDocument || m.Kind == store.KindPhoto) && m.ChatID == t.Update.ChatID && m.FailNote == "" {
			// A file she asked for: if Telegram refuses it for good, she
			// hears so instead of waiting for it.
			m.FailNote = t.Text("file.failed", nil)
		}
	}
	if t.Update.UserID != 0 && (t.known || (t.Update.Private && t.Update.Kind != KindBlocked)) {
		t.updateMenu(&t.User) // her roles or her language may have changed
		if err := t.Tx.PutUser(t.User); err != nil {
			return err
		}
	}
	return t.Tx.Enqueue(t.Now, t.out...)
}

// Lang is the language to speak to her: her choice, else Telegram's guess.
func (t *Turn) Lang() string {
	if t.User.Language != "" {
		return t.User.Language
	}
	return locales.Guess(t.Update.LangCode)
}

// Text returns a message in her language.
func (t *Turn) Text(key string, data any) string { return t.Texts().Text(t.Lang(), key, data) }

// Send queues a message to her chat, split if Telegram would refuse its
// length; the buttons go with the last part.
func (t *Turn) Send(text string, buttons [][]store.Button) {
	parts := Split(text, MaxMessage)
	for i, p := range parts {
		m := store.Outgoing{Kind: store.KindMessage, ChatID: t.Update.ChatID, Text: p}
		if i == len(parts)-1 {
			m.Buttons = buttons
		}
		t.out = append(t.out, m)
	}
}

// Say queues a message by key.
func (t *Turn) Say(key string, data any) { t.Send(t.Text(key, data), nil) }

// Edit replaces the text and buttons of the message her tap came from.
func (t *Turn) Edit(text string, buttons [][]store.Button) {
	if t.Update.MessageID == 0 {
		t.Send(text, buttons)
		return
	}
	t.out = append(t.out, store.Outgoing{Kind: store.KindEdit, ChatID: t.Update.ChatID, MessageID: t.Update.MessageID, Text: text, Buttons: buttons})
}

// Toast answers her tap; Telegram shows text, if any, as a small notice.
func (t *Turn) Toast(key string) {
	if t.Update.CallbackID == "" {
		return
	}
	m := store.Outgoing{Kind: store.KindCallback, ChatID: t.Update.ChatID, CallbackID: t.Update.CallbackID}
	if key != "" {
		m.Text = t.Text(key, nil)
	}
	t.out = append(t.out, m)
}

// Button makes one inline button labelled by key.
func (t *Turn) Button(key, data string) store.Button {
	return store.Button{Text: t.Text(key, nil), Data: data}
}

// FormRules are the facts eligibility is judged against now.
func (t *Turn) FormRules() form.Rules {
	return form.Rules{Deadline: t.School().Deadline, Location: t.School().Location, Now: t.Now}
}

// Date formats a time as her language writes dates, in the school's zone.
func (t *Turn) Date(tm time.Time) string { return tm.In(t.School().Location).Format("02.01.2006") }

// DateTime formats a time with hours, in the school's zone.
func (t *Turn) DateTime(tm time.Time) string {
	return tm.In(t.School().Location).Format("02.01.2006 15:04")
}

// MentoringOptions are the settings of stage IV's question queues.
type MentoringOptions struct {
	// ReannounceAfter is how long a question may wait untaken before its
	// queue hears of it again; after twice that, staff are told.
	ReannounceAfter time.Duration
	// DigestDelay gathers questions that arrive together into one notice.
	DigestDelay time.Duration
	// LawyerAlways opens the lawyers' queue for the whole stage, not only
	// in the programme's "mentor_lawyer" period.
	LawyerAlways bool
}

// DefaultMentoring: a day before asking again, a minute to gather a digest.
func DefaultMentoring() MentoringOptions {
	return MentoringOptions{ReannounceAfter: 24 * time.Hour, DigestDelay: time.Minute}
}

// DefaultBroadcastProgress is how often the staff member's progress
// message is updated while a broadcast runs.
const DefaultBroadcastProgress = 3 * time.Second

// School is what a part reads of the school's settings: its time zone,
// deadline, staff from the config, calendar and the stages' numbers.
type School struct {
	Location    *time.Location
	Deadline    time.Time
	StaffIDs    []int64
	BotUsername string
	Programme   schedule.Programme
	Selection   SelectionOptions
	Mentoring   MentoringOptions
}

// School returns the school's settings, read-only.
func (t *Turn) School() School {
	o := t.bot.Options
	return School{Location: o.Location, Deadline: o.Deadline, StaffIDs: slices.Clone(o.StaffIDs), BotUsername: o.BotUsername,
		Programme: o.Programme, Selection: o.Selection, Mentoring: o.Mentoring}
}

// Log is the bot's log.
func (t *Turn) Log() *slog.Logger { return t.bot.Log }

// Texts are the bot's texts, for a message in another's language.
func (t *Turn) Texts() *locales.Texts { return t.bot.Texts }

// Known reports whether she had written before this update.
func (t *Turn) Known() bool { return t.known }

// Queue adds messages to those the update sends once it is committed:
// to her chat or to others'.
func (t *Turn) Queue(ms ...store.Outgoing) { t.out = append(t.out, ms...) }

// DropQueued forgets every message queued so far in this update.
func (t *Turn) DropQueued() { t.out = nil }

// Bot is the bot this turn belongs to, for a part's work that the
// background shares with the turn (planning a reminder, announcing a
// question) in the turn's transaction.
func (t *Turn) Bot() *Bot { return t.bot }

// WakeBroadcasts tells RunBroadcasts that copies were recorded.
func (b *Bot) WakeBroadcasts() {
	select {
	case b.broadcastWake <- struct{}{}:
	default:
	}
}

// BroadcastsWoken is where the broadcasts' runner hears WakeBroadcasts.
func (b *Bot) BroadcastsWoken() <-chan struct{} { return b.broadcastWake }
