package broadcasts

import (
	"context"
	"fmt"
	"time"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/locales"
	"github.com/mentorbot/mentorbot/store"
)

// A running broadcast is its recipients' copies in the outbox's bulk
// lane: the outbox sends them at the pace it keeps for everything, after
// every reply and notice, and records each copy's outcome on its
// recipient in the same transaction that takes it out of the outbox. So
// a kill sends again at most what the outbox sent since its last record,
// and an outage only delays them: a copy that fails for a passing reason
// is retried like any message. What is left here is to tell the staff
// member how it goes, and that it is done.

// RunBroadcasts keeps staff's progress messages current and reports the
// end of each broadcast, until ctx ends: every second, and when woken by
// WakeBroadcasts (the outbox recorded broadcast copies).
func Run(ctx context.Context, b *bot.Bot) {
	ticker := time.NewTicker(time.Second)
	defer ticker.Stop()
	for {
		if err := Tend(b); err != nil && ctx.Err() == nil {
			b.Log.Error("broadcast progress", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		case <-b.BroadcastsWoken():
		}
	}
}

// TendBroadcasts reports progress on the running broadcasts that moved,
// and finishes those whose every recipient has an outcome.
func Tend(b *bot.Bot) error {
	now := b.Now()
	// Most of the time nothing runs: a read transaction costs no write.
	var due []store.Broadcast
	err := b.DB.View(func(tx *store.Tx) error {
		all, err := tx.Broadcasts()
		for _, bc := range all {
			if bc.Status == store.BroadcastRunning && (bc.Settled() >= bc.Total || progressDue(b, bc, now)) {
				due = append(due, bc)
			}
		}
		return err
	})
	if err != nil || len(due) == 0 {
		return err
	}
	err = b.DB.Update(func(tx *store.Tx) error {
		for _, old := range due {
			bc, err := tx.Broadcast(old.ID)
			if err != nil {
				return err
			}
			if bc.Status != store.BroadcastRunning {
				continue
			}
			if bc.Settled() >= bc.Total {
				if err := finishBroadcast(b, tx, bc, now); err != nil {
					return err
				}
				continue
			}
			if err := reportProgress(b, tx, bc, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	b.Delivered()
	return nil
}

// progressDue reports whether a running broadcast's progress message is
// worth an edit: it moved, and the last edit is old enough.
func progressDue(b *bot.Bot, bc store.Broadcast, now time.Time) bool {
	return bc.ProgressMessageID != 0 && bc.Settled() != bc.ProgressShown && now.Sub(bc.ProgressAt) >= b.BroadcastProgress
}

// reportProgress edits the staff member's progress message.
func reportProgress(b *bot.Bot, tx *store.Tx, bc store.Broadcast, now time.Time) error {
	lang := staffLang(tx, bc.CreatedBy)
	edit := store.Outgoing{Kind: store.KindEdit, ChatID: bc.ProgressChat, MessageID: bc.ProgressMessageID, Lane: store.LaneNotice,
		Text: progressText(b, lang, bc), Buttons: controlButtons(b.Texts, lang, bc)}
	bc.ProgressAt, bc.ProgressShown = now, bc.Settled()
	if _, err := tx.PutBroadcast(bc); err != nil {
		return err
	}
	return tx.Enqueue(now, edit)
}

// finishBroadcast marks a broadcast done and reports to the staff member
// who sent it, offering to send again to those not reached.
func finishBroadcast(b *bot.Bot, tx *store.Tx, bc store.Broadcast, now time.Time) error {
	bc.Status, bc.FinishedAt = store.BroadcastDone, now
	bc.ProgressAt, bc.ProgressShown = now, bc.Settled()
	if _, err := tx.PutBroadcast(bc); err != nil {
		return err
	}
	b.Log.Info("broadcast done", "broadcast", bc.ID, "recipients", bc.Total, "sent", bc.Sent, "blocked", bc.Blocked, "failed", bc.Failed)
	lang := staffLang(tx, bc.CreatedBy)
	text := b.Texts.Text(lang, "bc.report", map[string]any{"ID": bc.ID, "Sent": bc.Sent, "Blocked": bc.Blocked, "Failed": bc.Failed, "Left": bc.Total - bc.Settled()})
	buttons := [][]store.Button{{{Text: b.Texts.Text(lang, "bc.csv", nil), Data: fmt.Sprintf(prefixBroadcast+":csv:%d", bc.ID)}}}
	if bc.Failed > 0 {
		buttons = append(buttons, []store.Button{{Text: b.Texts.Text(lang, "bc.again", map[string]any{"Count": bc.Failed}), Data: fmt.Sprintf(prefixBroadcast+":again:%d", bc.ID)}})
	}
	msgs := []store.Outgoing{{Kind: store.KindMessage, ChatID: bc.ProgressChat, Text: text, Buttons: buttons, Lane: store.LaneNotice}}
	if bc.ProgressMessageID != 0 {
		msgs = append([]store.Outgoing{{Kind: store.KindEdit, ChatID: bc.ProgressChat, MessageID: bc.ProgressMessageID, Lane: store.LaneNotice,
			Text: progressText(b, lang, bc)}}, msgs...)
	}
	return tx.Enqueue(now, msgs...)
}

// ResumeBroadcasts, at start, puts back into the outbox the recipients of
// running broadcasts that are not there: those an older bot had marked in
// flight or pending, whose counts it did not keep.
func Resume(b *bot.Bot) error {
	err := b.DB.Update(func(tx *store.Tx) error {
		all, err := tx.Broadcasts()
		if err != nil {
			return err
		}
		for _, bc := range all {
			if bc.Status != store.BroadcastRunning {
				continue
			}
			if bc, err = tx.RecountRecipients(bc); err != nil {
				return err
			}
			n, err := tx.QueueRecipients(bc, b.Now())
			if err != nil {
				return err
			}
			if n > 0 {
				b.Log.Info("broadcast resumed", "broadcast", bc.ID, "queued", n)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("resume broadcasts: %w", err)
	}
	b.Delivered()
	return nil
}

// staffLang is the language of the staff member who sent a broadcast.
func staffLang(tx *store.Tx, id int64) string {
	u, err := tx.User(id)
	if err != nil {
		return locales.Default
	}
	return bot.UserLang(u)
}

func progressText(b *bot.Bot, lang string, bc store.Broadcast) string {
	return b.Texts.Text(lang, "bc.progress", map[string]any{"ID": bc.ID, "Sent": bc.Settled(), "Total": bc.Total, "Blocked": bc.Blocked, "Failed": bc.Failed})
}

// broadcastCopy is the broadcast as one recipient gets it: her language's
// text, with the photo or document if there is one.
func broadcastCopy(bc store.Broadcast, chatID int64, lang string) store.Outgoing {
	text := bc.TextFor(lang)
	if bc.Media != nil {
		return store.Outgoing{Kind: store.KindMedia, ChatID: chatID, Media: bc.Media, Text: text}
	}
	return store.Outgoing{Kind: store.KindMessage, ChatID: chatID, Text: text}
}

// controlButtons pause or resume, and cancel, a broadcast.
func controlButtons(texts *locales.Texts, lang string, b store.Broadcast) [][]store.Button {
	toggle := store.Button{Text: texts.Text(lang, "bc.pause", nil), Data: fmt.Sprintf(prefixBroadcast+":pause:%d", b.ID)}
	if b.Status == store.BroadcastPaused {
		toggle = store.Button{Text: texts.Text(lang, "bc.resume", nil), Data: fmt.Sprintf(prefixBroadcast+":resume:%d", b.ID)}
	}
	return [][]store.Button{{toggle, {Text: texts.Text(lang, "bc.cancel", nil), Data: fmt.Sprintf(prefixBroadcast+":cancel:%d", b.ID)}}}
}
