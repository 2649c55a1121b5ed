package applying

import (
	"fmt"
	"strconv"
	"time"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/store"
)

// Reminders to finish the form. A woman who started it and went quiet is
// reminded kindly, with "Continue" and "Don't remind me": after two days
// of silence, and three days and one day before the deadline; at most
// three in all, only between 10:00 and 20:00 in the school's time zone
// (one falling outside waits for the next 10:00), none after the
// deadline. She has one reminder planned at a time: a due item
// (store.DueFinish) whose time her draft keeps (Nudges.NextAt), planned
// again in the transaction of every answer she gives and of every
// reminder sent. Submitting, withdrawing (which only a submitted
// application can), declining consent or erasing her data, blocking the
// bot, and "Don't remind me" stop them: what is due is checked against
// her record when it falls due.

// Prefix of the buttons under a reminder to finish: "nudge:go" asks her
// question again, "nudge:off" stops the reminders.
const prefixNudge = "nudge"

// The reminders' rules.
const (
	maxNudges = 3              // in all, per woman
	quietFor  = 48 * time.Hour // silence before the first kind of reminder
	nudgeGap  = 24 * time.Hour // the least time between two reminders
	nudgeFrom = 10             // the earliest hour a reminder goes, in the school's zone
	nudgeTill = 20             // the hour from which reminders wait for the next morning
)

// nudgeBefore are the reminders before the deadline, by their distance
// from it.
var nudgeBefore = []time.Duration{3 * 24 * time.Hour, 24 * time.Hour}

// nextNudge is when d's next reminder goes, after after, or false for
// none. The silence reminder counts from her last answer, once per quiet
// spell (not if a reminder went since she answered); a deadline reminder
// is done once any reminder went less than a day before its time (it
// would only repeat that one). Each time is moved into the day's window
// and must fall before the deadline.
func nextNudge(b *bot.Bot, d store.Application, after time.Time) (time.Time, bool) {
	n := d.Nudges
	if n.Off || n.Sent >= maxNudges {
		return time.Time{}, false
	}
	var times []time.Time
	if n.LastAt.Before(d.UpdatedAt) {
		times = append(times, d.UpdatedAt.Add(quietFor))
	}
	for _, before := range nudgeBefore {
		times = append(times, b.Deadline.Add(-before))
	}
	var next time.Time
	for _, at := range times {
		at = inNudgeWindow(b, at)
		if !at.After(after) || (!n.LastAt.IsZero() && at.Before(n.LastAt.Add(nudgeGap))) || !at.Before(b.Deadline) {
			continue
		}
		if next.IsZero() || at.Before(next) {
			next = at
		}
	}
	return next, !next.IsZero()
}

// inNudgeWindow is at, or the next 10:00 in the school's zone when at
// falls outside 10:00–20:00.
func inNudgeWindow(b *bot.Bot, at time.Time) time.Time {
	local := at.In(b.Location)
	if h := local.Hour(); h >= nudgeFrom && h < nudgeTill {
		return at
	}
	if local.Hour() >= nudgeTill {
		local = local.AddDate(0, 0, 1)
	}
	return time.Date(local.Year(), local.Month(), local.Day(), nudgeFrom, 0, 0, 0, b.Location).UTC()
}

// planNudge drops d's planned reminder and plans her next one after now,
// if any; the caller saves d in the same transaction.
func planNudge(b *bot.Bot, tx *store.Tx, d *store.Application, now time.Time) error {
	if err := dropNudge(b, tx, d); err != nil {
		return err
	}
	next, ok := nextNudge(b, *d, now)
	if !ok {
		return nil
	}
	d.Nudges.NextAt = next
	return b.Plan(tx, store.Due{At: next, Kind: store.DueFinish, EventID: strconv.FormatInt(d.UserID, 10)})
}

// dropNudge drops d's planned reminder, if any; the caller saves d.
func dropNudge(b *bot.Bot, tx *store.Tx, d *store.Application) error {
	if d.Nudges.NextAt.IsZero() {
		return nil
	}
	if err := tx.DropDueAt(d.Nudges.NextAt, store.DueFinish, strconv.FormatInt(d.UserID, 10)); err != nil {
		return err
	}
	d.Nudges.NextAt = time.Time{}
	return nil
}

// deliverNudge sends a reminder to finish that fell due, if her record
// still wants it, and plans the next. An item planned for a time her
// draft no longer holds is obsolete and sends nothing.
func deliverNudge(b *bot.Bot, tx *store.Tx, d store.Due, now time.Time) (int, error) {
	id, err := strconv.ParseInt(d.EventID, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("reminder to finish for %q: %w", d.EventID, err)
	}
	draft, err := tx.Draft(id)
	if bot.IsNotFound(err) {
		return 0, nil // submitted, or erased
	}
	if err != nil {
		return 0, err
	}
	if !draft.Nudges.NextAt.Equal(d.At) {
		return 0, nil
	}
	draft.Nudges.NextAt = time.Time{}
	u, err := tx.User(id)
	if err != nil && !bot.IsNotFound(err) {
		return 0, err
	}
	if why := noNudge(b, u, err == nil, now); why != "" {
		b.Log.Info("reminder to finish dropped", "user_id", id, "why", why)
		return 0, tx.PutDraft(draft)
	}
	if err := tx.Enqueue(now, nudgeMessage(b, u)); err != nil {
		return 0, err
	}
	draft.Nudges.Sent++
	draft.Nudges.LastAt = now
	if err := planNudge(b, tx, &draft, now); err != nil {
		return 0, err
	}
	b.Log.Info("reminder to finish sent", "user_id", id, "sent", draft.Nudges.Sent)
	return 1, tx.PutDraft(draft)
}

// noNudge says why u is not reminded now, "" if she is.
func noNudge(b *bot.Bot, u store.User, known bool, now time.Time) string {
	switch {
	case !known:
		return "unknown"
	case !now.Before(b.Deadline):
		return "deadline passed"
	case u.Blocked:
		return "blocked"
	case u.ConsentAt.IsZero() || !u.ForgottenAt.IsZero():
		return "no consent"
	case len(u.Roles) > 0:
		return "has a role"
	}
	return ""
}

// nudgeMessage is the reminder to finish, in her language.
func nudgeMessage(b *bot.Bot, u store.User) store.Outgoing {
	lang := bot.UserLang(u)
	return store.Outgoing{Kind: store.KindMessage, ChatID: u.ID, Lane: store.LaneBulk,
		Text: b.Texts.Text(lang, "nudge.text", map[string]any{"Deadline": dateIn(b, b.Deadline)}),
		Buttons: [][]store.Button{
			{{Text: b.Texts.Text(lang, "nudge.continue", nil), Data: prefixNudge + ":go"}},
			{{Text: b.Texts.Text(lang, "nudge.stop", nil), Data: prefixNudge + ":off"}},
		}}
}

// dateIn is a day as people read it, in the school's zone.
func dateIn(b *bot.Bot, at time.Time) string { return at.In(b.Location).Format("02.01.2006") }

// tapNudge takes a button under a reminder to finish.
func tapNudge(t *bot.Turn, args string) error {
	switch args {
	case "go":
		t.TapTaken()
		if err := cameBackByTap(t); err != nil {
			return err
		}
		return t.Resume(false) // her question again, or where she is
	case "off":
		return stopNudges(t)
	}
	return t.OldButton()
}

// stopNudges is "Don't remind me": her planned reminder is dropped and
// none is planned again.
func stopNudges(t *bot.Turn) error {
	d, err := t.Tx.Draft(t.User.ID)
	if bot.IsNotFound(err) {
		return t.OldButton()
	}
	if err != nil {
		return err
	}
	d.Nudges.Off = true
	if err := planNudge(t.Bot(), t.Tx, &d, t.Now); err != nil {
		return err
	}
	if err := t.Tx.PutDraft(d); err != nil {
		return err
	}
	t.Toast("")
	t.Edit(t.Text("nudge.stopped", nil), nil)
	return nil
}

// cameBackByTap marks her draft as come back after a reminder when she
// taps "Continue" under it.
func cameBackByTap(t *bot.Turn) error {
	d, err := t.Tx.Draft(t.User.ID)
	if bot.IsNotFound(err) || (err == nil && !d.Nudges.CameBackAt.IsZero()) {
		return nil
	}
	if err != nil {
		return err
	}
	cameBack(&d, t.Now)
	return t.Tx.PutDraft(d)
}

// cameBack marks on d that she answered after a reminder, the first time.
func cameBack(d *store.Application, now time.Time) {
	if d.Nudges.Sent > 0 && d.Nudges.CameBackAt.IsZero() {
		d.Nudges.CameBackAt = now
	}
}
