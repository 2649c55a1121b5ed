package bot

import (
	"fmt"
	"time"

	"github.com/mentorbot/mentorbot/store"
)

// DueFunc delivers one due item of the kind a feature registered it
// for, in the transaction that drops it, and returns how many messages
// it queued.
type DueFunc func(b *Bot, tx *store.Tx, d store.Due, now time.Time) (int, error)

// Plan stores a due item and, once tx is committed, tells Planned its
// time, so it goes out at that time and not at the next minute. The bot
// plans every due item here (TestPlanDue_OnlyThroughPlanDue checks).
func (b *Bot) Plan(tx *store.Tx, d store.Due) error {
	if err := tx.PlanDue(d); err != nil {
		return err
	}
	tx.OnCommit(func() { b.Planned(d.At) })
	return nil
}

// DeliverDue sends what has fallen due: reminders, greetings, follow-ups,
// notices of new questions, scheduled broadcasts and election-morning
// messages, each at most once per person. The due schedule
// (schedule.Due) calls it when the first item falls due, and the bot
// calls it once at start for what fell due while it was down. A reminder
// whose event has started is dropped, with a log line; so is anything for
// an event moved or cancelled since it was planned.
func (b *Bot) DeliverDue() error {
	now := b.Now()
	// Most calls find nothing: only a read then, no write to the disk.
	at, ok, err := b.DB.NextDue()
	if err != nil {
		return fmt.Errorf("deliver due items: %w", err)
	}
	if !ok || at.After(now) {
		return nil
	}
	sent := 0
	err = b.DB.Update(func(tx *store.Tx) error {
		items, err := tx.DueUntil(now)
		if err != nil {
			return err
		}
		for _, d := range items {
			n := 0
			if deliver, ok := b.routes.due[d.Kind]; ok {
				n, err = deliver(b, tx, d, now)
			} else {
				b.Log.Warn("due item dropped: no part delivers its kind", "kind", d.Kind)
			}
			if err != nil {
				return err
			}
			sent += n
			// Dropped in the same transaction as what it queued: once only.
			if err := tx.DropDue(d); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("deliver due items: %w", err)
	}
	b.Delivered() // also what chaseQuestions queued, and broadcasts started
	return nil
}

// message is the text and buttons of a due item of kind that the part
// which planned it leaves to another (the election morning of the
// calendar's election day); nothing when no part writes it.
func (b *Bot) DueMessage(kind store.DueKind, lang string) (string, [][]store.Button) {
	if m, ok := b.routes.messages[kind]; ok {
		return m(b.Texts, lang)
	}
	return "", nil
}

// Plan stores a due item in this turn's transaction (Bot.Plan).
func (t *Turn) Plan(d store.Due) error { return t.bot.Plan(t.Tx, d) }
