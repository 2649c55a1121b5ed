package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/mentorbot/mentorbot/store"
)

// Messenger delivers one outgoing message: to Telegram, or to a terminal.
//
// Deliver returns ErrBlocked when the person blocked the bot, a
// *RetryAfterError when asked to slow down, a *PermanentError when the
// message can never be delivered as it is, and any other error for a
// failure worth retrying (a network outage, a server error).
type Messenger interface {
	Deliver(ctx context.Context, m store.Outgoing) error
}

// ErrBlocked is returned by a Messenger when the recipient blocked the bot.
var ErrBlocked = errors.New("recipient blocked the bot")

// RetryAfterError asks the sender to wait before its next message.
type RetryAfterError struct{ After time.Duration }

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("too many requests: retry after %s", e.After)
}

// PermanentError is a message Telegram refuses for good (a bad request).
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return "permanent: " + e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// Outbox delivers the store's queued messages, oldest first, one at a
// time: it honours Telegram's requests to slow down, retries what failed
// for a passing reason, and stops writing to whoever blocked the bot.
type Outbox struct {
	DB        *store.DB
	Messenger Messenger
	Log       *slog.Logger
	// Sleep waits for d or until ctx ends; tests replace it to not wait.
	Sleep func(ctx context.Context, d time.Duration) error
	// MaxBackoff caps the wait between retries of a failing message.
	MaxBackoff time.Duration
	// Pace, if set, waits for Telegram's rate before each send; the
	// broadcaster shares it, so replies and broadcasts together stay under
	// the limit and a reply waits at most one slot behind a broadcast.
	Pace func(ctx context.Context) error

	wake chan struct{}
}

// NewOutbox returns an outbox delivering through m.
func NewOutbox(db *store.DB, m Messenger, log *slog.Logger) *Outbox {
	return &Outbox{DB: db, Messenger: m, Log: log, Sleep: sleep, MaxBackoff: 30 * time.Second, wake: make(chan struct{}, 1)}
}

func sleep(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Wake tells a running outbox that new messages are queued.
func (o *Outbox) Wake() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// Run delivers until ctx ends, each time it is woken: by a handler that
// queued messages, and by a periodic cron job that retries what is left.
func (o *Outbox) Run(ctx context.Context) {
	for {
		if err := o.Flush(ctx); err != nil && ctx.Err() == nil {
			o.Log.Error("deliver outbox", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-o.wake:
		}
	}
}

// Flush delivers everything queued now, returning when the outbox is
// empty or ctx ends.
func (o *Outbox) Flush(ctx context.Context) error {
	for ctx.Err() == nil {
		batch, err := o.DB.Outbox(64)
		if err != nil {
			return fmt.Errorf("read outbox: %w", err)
		}
		if len(batch) == 0 {
			return nil
		}
		for _, p := range batch {
			if err := o.deliver(ctx, p); err != nil {
				return err
			}
		}
	}
	return ctx.Err()
}

// deliver sends one message, retrying until it is delivered, refused for
// good, or ctx ends.
func (o *Outbox) deliver(ctx context.Context, p store.Pending) error {
	backoff := time.Second
	for {
		// An answer to a tap is not a message: Telegram's flood limits do
		// not count it, and her phone shows a spinner until it arrives.
		if o.Pace != nil && p.Outgoing.Kind != store.KindCallback {
			if err := o.Pace(ctx); err != nil {
				return err
			}
		}
		err := o.Messenger.Deliver(ctx, p.Outgoing)
		var retry *RetryAfterError
		var permanent *PermanentError
		switch {
		case err == nil:
			return o.DB.Delivered(p.Seq)
		case errors.Is(err, ErrBlocked):
			o.Log.Info("recipient blocked the bot; stop writing to her", "chat_id", p.Outgoing.ChatID)
			if err := o.DB.SetBlocked(p.Outgoing.ChatID, true); err != nil {
				return err
			}
			return o.DB.Delivered(p.Seq)
		case errors.As(err, &permanent):
			o.Log.Warn("message refused; dropped", "chat_id", p.Outgoing.ChatID, "kind", p.Outgoing.Kind, "err", err)
			return o.DB.Delivered(p.Seq)
		case errors.As(err, &retry):
			o.Log.Warn("Telegram asks to slow down", "retry_after", retry.After)
			if err := o.Sleep(ctx, retry.After); err != nil {
				return err
			}
		default:
			o.Log.Warn("delivery failed; will retry", "chat_id", p.Outgoing.ChatID, "kind", p.Outgoing.Kind, "in", backoff, "err", err)
			if err := o.DB.Retry(p); err != nil {
				return err
			}
			p.Attempts++
			if err := o.Sleep(ctx, backoff); err != nil {
				return err
			}
			backoff = min(2*backoff, o.MaxBackoff)
		}
	}
}
