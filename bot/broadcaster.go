package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/mentorbot/mentorbot/locales"
	"github.com/mentorbot/mentorbot/store"
)

// Broadcaster sends running broadcasts, recipient by recipient, at a pace
// Telegram accepts. Every recipient's state is in the store: a batch is
// marked in flight before it is sent, and each result is written as soon
// as it is known, so a restart sends on to those not yet sent. A kill can
// leave only the recipient being sent at that moment in doubt: she is
// sent again, and at most one person per kill gets the announcement twice.
type Broadcaster struct {
	DB        *store.DB
	Messenger Messenger
	Texts     *locales.Texts
	Log       *slog.Logger
	// Pace waits for Telegram's rate; shared with the outbox, so together
	// they stay under the limit. Nil sends as fast as Telegram answers.
	Pace func(ctx context.Context) error
	// Sleep waits out a 429 or a backoff; tests make it instant.
	Sleep func(ctx context.Context, d time.Duration) error
	// Batch is how many recipients are marked in flight at once, with
	// one write; their results are written one by one.
	Batch int
	// MaxRetryAfter caps Telegram's retry_after: an absurd value, hours
	// long, is logged and waited for this long instead.
	MaxRetryAfter time.Duration
	// Retries is how many times a transient failure is retried per recipient.
	Retries int
	// Progress is how often the staff member's progress message is updated.
	Progress time.Duration
	// Wake tells the outbox that progress messages were queued.
	Wake func()
	// Now is the clock.
	Now func() time.Time

	wake chan struct{}
	// after remembers, per broadcast, the last recipient handled, so a
	// batch does not scan those already sent. It starts from zero after a
	// restart, which finds those left in flight first.
	after map[int]int64
}

// NewBroadcaster returns a broadcaster with the usual settings.
func NewBroadcaster(db *store.DB, m Messenger, texts *locales.Texts, log *slog.Logger) *Broadcaster {
	return &Broadcaster{DB: db, Messenger: m, Texts: texts, Log: log, Sleep: sleep, Batch: 10,
		MaxRetryAfter: 5 * time.Minute, Retries: 5, Progress: 3 * time.Second, Wake: func() {}, Now: time.Now,
		wake: make(chan struct{}, 1), after: map[int]int64{}}
}

// Start tells a running broadcaster there is work.
func (br *Broadcaster) Start() {
	select {
	case br.wake <- struct{}{}:
	default:
	}
}

// Run sends until ctx ends.
func (br *Broadcaster) Run(ctx context.Context) {
	ticker := time.NewTicker(time.Second)
	defer ticker.Stop()
	lastProgress := time.Time{}
	for ctx.Err() == nil {
		busy, err := br.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			br.Log.Error("broadcast", "err", err)
		}
		if busy {
			if time.Since(lastProgress) >= br.Progress {
				br.reportProgress()
				lastProgress = time.Now()
			}
			continue
		}
		select {
		case <-ctx.Done():
		case <-br.wake:
		case <-ticker.C:
		}
	}
}

// RunOnce sends one batch of the oldest running broadcast. busy is false
// when there was nothing to send.
func (br *Broadcaster) RunOnce(ctx context.Context) (busy bool, err error) {
	// Most of the time nothing runs: look with a read transaction, which
	// costs no write to disk, before taking the writer's.
	running := false
	err = br.DB.View(func(tx *store.Tx) error {
		all, err := tx.Broadcasts()
		for _, b := range all {
			running = running || b.Status == store.BroadcastRunning
		}
		return err
	})
	if err != nil || !running {
		return false, err
	}
	var b store.Broadcast
	var batch []store.Recipient
	finished := false
	err = br.DB.Update(func(tx *store.Tx) error {
		all, err := tx.Broadcasts()
		if err != nil {
			return err
		}
		for _, cand := range all {
			if cand.Status != store.BroadcastRunning {
				continue
			}
			if batch, err = tx.NextRecipients(cand.ID, br.after[cand.ID], br.Batch); err != nil {
				return err
			}
			if len(batch) == 0 {
				finished = true
				return br.finish(tx, cand)
			}
			b = cand
			for i := range batch {
				batch[i].State = store.RecipientInFlight
				if err := tx.PutRecipient(batch[i]); err != nil {
					return err
				}
			}
			return nil
		}
		return nil
	})
	if finished {
		br.Wake() // the report is committed: the outbox may send it
	}
	if err != nil || len(batch) == 0 {
		return false, err
	}
	for i := range batch {
		if ctx.Err() != nil {
			break // the rest stay in flight, unsent: sent after the restart
		}
		br.send(ctx, b, &batch[i])
		if batch[i].State == store.RecipientInFlight {
			break // stopped in the middle of a retry
		}
		// Each result is written as soon as it is known, so a kill can
		// leave at most the one recipient being sent in doubt.
		if err := br.record(batch[i]); err != nil {
			return true, err
		}
		br.after[b.ID] = batch[i].UserID
	}
	return true, nil
}

// record writes one recipient's outcome.
func (br *Broadcaster) record(r store.Recipient) error {
	return br.DB.Update(func(tx *store.Tx) error {
		if err := tx.PutRecipient(r); err != nil {
			return err
		}
		if r.State == store.RecipientBlocked {
			return tx.SetBlocked(r.UserID, true)
		}
		return nil
	})
}

// send delivers to one recipient, waiting out flood control and retrying
// passing failures, and records the outcome on r.
func (br *Broadcaster) send(ctx context.Context, b store.Broadcast, r *store.Recipient) {
	msg := br.message(b, *r)
	backoff := time.Second
	for ctx.Err() == nil {
		if br.Pace != nil {
			if err := br.Pace(ctx); err != nil {
				return
			}
		}
		err := br.Messenger.Deliver(ctx, msg)
		var retry *RetryAfterError
		var permanent *PermanentError
		switch {
		case err == nil:
			r.State, r.At = store.RecipientSent, br.Now()
			return
		case errors.Is(err, ErrBlocked):
			r.State, r.At, r.Error = store.RecipientBlocked, br.Now(), err.Error()
			return
		case errors.As(err, &permanent):
			r.State, r.At, r.Error = store.RecipientFailed, br.Now(), err.Error()
			return
		case errors.As(err, &retry):
			// Flood control is not the recipient's fault: no retry used up.
			wait := retry.After
			if wait > br.MaxRetryAfter {
				br.Log.Warn("Telegram asked to wait implausibly long; waiting less", "retry_after", wait, "waiting", br.MaxRetryAfter)
				wait = br.MaxRetryAfter
			}
			_ = br.Sleep(ctx, wait)
		default:
			r.Attempts++
			if r.Attempts > br.Retries {
				r.State, r.At, r.Error = store.RecipientFailed, br.Now(), err.Error()
				return
			}
			_ = br.Sleep(ctx, backoff)
			backoff = min(2*backoff, time.Minute)
		}
	}
}

// message is the broadcast as one recipient gets it: her language's text,
// with the photo or document if there is one.
func (br *Broadcaster) message(b store.Broadcast, r store.Recipient) store.Outgoing {
	text := b.TextFor(r.Language)
	if b.Media != nil {
		return store.Outgoing{Kind: store.KindMedia, ChatID: r.UserID, Media: b.Media, Text: text}
	}
	return store.Outgoing{Kind: store.KindMessage, ChatID: r.UserID, Text: text}
}

// counts tallies a broadcast's recipients.
type counts struct{ total, sent, blocked, failed, left int }

func countRecipients(rs []store.Recipient) counts {
	c := counts{total: len(rs)}
	for _, r := range rs {
		switch r.State {
		case store.RecipientSent:
			c.sent++
		case store.RecipientBlocked:
			c.blocked++
		case store.RecipientFailed:
			c.failed++
		default:
			c.left++
		}
	}
	return c
}

// finish marks a broadcast done and reports to the staff member who sent it.
func (br *Broadcaster) finish(tx *store.Tx, b store.Broadcast) error {
	rs, err := tx.Recipients(b.ID)
	if err != nil {
		return err
	}
	b.Status, b.FinishedAt = store.BroadcastDone, br.Now()
	if _, err := tx.PutBroadcast(b); err != nil {
		return err
	}
	br.Log.Info("broadcast done", "broadcast", b.ID, "recipients", len(rs))
	c := countRecipients(rs)
	lang := staffLang(tx, b.CreatedBy)
	text := br.Texts.Text(lang, "bc.report", map[string]any{"ID": b.ID, "Sent": c.sent, "Blocked": c.blocked, "Failed": c.failed, "Left": c.left})
	buttons := [][]store.Button{{{Text: br.Texts.Text(lang, "bc.csv", nil), Data: fmt.Sprintf("bc:csv:%d", b.ID)}}}
	msgs := []store.Outgoing{{Kind: store.KindMessage, ChatID: b.ProgressChat, Text: text, Buttons: buttons}}
	if b.ProgressMessageID != 0 {
		msgs = append([]store.Outgoing{{Kind: store.KindEdit, ChatID: b.ProgressChat, MessageID: b.ProgressMessageID,
			Text: br.progressText(lang, b, c)}}, msgs...)
	}
	return tx.Enqueue(br.Now(), msgs...)
}

// staffLang is the language of the staff member who sent a broadcast.
func staffLang(tx *store.Tx, id int64) string {
	u, err := tx.User(id)
	if err != nil {
		return locales.Default
	}
	return userLang(u)
}

func (br *Broadcaster) progressText(lang string, b store.Broadcast, c counts) string {
	return br.Texts.Text(lang, "bc.progress", map[string]any{"ID": b.ID, "Sent": c.sent + c.blocked + c.failed, "Total": c.total, "Blocked": c.blocked, "Failed": c.failed})
}

// reportProgress edits each running broadcast's progress message.
func (br *Broadcaster) reportProgress() {
	err := br.DB.Update(func(tx *store.Tx) error {
		all, err := tx.Broadcasts()
		if err != nil {
			return err
		}
		for _, b := range all {
			if b.Status != store.BroadcastRunning || b.ProgressMessageID == 0 {
				continue
			}
			rs, err := tx.Recipients(b.ID)
			if err != nil {
				return err
			}
			lang := staffLang(tx, b.CreatedBy)
			edit := store.Outgoing{Kind: store.KindEdit, ChatID: b.ProgressChat, MessageID: b.ProgressMessageID,
				Text: br.progressText(lang, b, countRecipients(rs)), Buttons: controlButtons(br.Texts, lang, b)}
			if err := tx.Enqueue(br.Now(), edit); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		br.Log.Error("broadcast progress", "err", err)
	}
	br.Wake()
}

// controlButtons pause or resume, and cancel, a broadcast.
func controlButtons(texts *locales.Texts, lang string, b store.Broadcast) [][]store.Button {
	toggle := store.Button{Text: texts.Text(lang, "bc.pause", nil), Data: fmt.Sprintf("bc:pause:%d", b.ID)}
	if b.Status == store.BroadcastPaused {
		toggle = store.Button{Text: texts.Text(lang, "bc.resume", nil), Data: fmt.Sprintf("bc:resume:%d", b.ID)}
	}
	return [][]store.Button{{toggle, {Text: texts.Text(lang, "bc.cancel", nil), Data: fmt.Sprintf("bc:cancel:%d", b.ID)}}}
}
