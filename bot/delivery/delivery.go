// Package delivery sends the bot's outbox to Telegram: each chat's
// messages in order, the most urgent lane first, all of them under one
// pace that Telegram accepts, and without one chat's trouble ever holding
// up another chat.
//
// # Basics
//
// Handlers queue messages in the store (store.Tx.Enqueue) in the same
// transaction as the change they report. An [Outbox] reads what was
// queued, sends it through a [Messenger], and records each outcome in the
// store: delivered messages leave the outbox, and those that can never be
// delivered become dead letters that staff can see. A person's command
// menu (store.KindMenu) is delivered the same way, retried the same way,
// in a queue of its own beside her chat's messages.
//
// What happens after a failure depends on why it failed, and is decided
// once, by the error's type ([Classify]):
//
//   - too many requests (429): that chat waits retry_after; the others go on;
//   - a network error or a server error (5xx): retried with backoff, for up
//     to Horizon (24 hours by default), then a dead letter;
//   - refused for good (400, 413, a file that is gone): a dead letter at once,
//     and the message's fail note to her chat;
//   - she blocked the bot (403): recorded, and nothing more is sent to her;
//   - the token was revoked (401) or the address is wrong (404): nothing
//     can be sent; Run returns a *FatalError and every message stays queued
//     for the next start.
//
// # Caveats
//
// Outcomes are written in batches, one transaction for all the messages
// delivered while the previous batch was being written. A kill can
// therefore make the next start send again the messages delivered since
// the last batch was written (at most MaxUnsaved, as sending waits beyond
// that) and those on their way at the moment of the kill (at most Workers
// and TapWorkers): DuplicateBound in all, 24 with the defaults. A batch
// waits at most RecordEvery (100 ms) for company, so in practice a kill
// repeats none or a few.
package delivery

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mentorbot/mentorbot/store"
)

// Messenger delivers one outgoing message: to Telegram, or to a terminal.
//
// Deliver returns nil when the message was delivered, ErrBlocked when
// the person blocked the bot, a *RetryAfterError when asked to slow down,
// an *ObsoleteError when Telegram refused something that no longer
// matters, a *PermanentError when the message can never be delivered as
// it is, a *FatalError when nothing can be delivered at all, and any
// other error for a failure worth retrying (a network outage, a server
// error).
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

// PermanentError is a message Telegram refuses for good (a bad request,
// a file too large, a file that is gone).
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return "permanent: " + e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// ObsoleteError is a refusal that does not matter any more: the edit of a
// message she deleted, or the answer to a tap Telegram no longer waits
// for. The message is dropped without a dead letter.
type ObsoleteError struct{ Err error }

func (e *ObsoleteError) Error() string { return "obsolete: " + e.Err.Error() }
func (e *ObsoleteError) Unwrap() error { return e.Err }

// FatalError means nothing can be delivered until someone acts: the
// token was revoked (401) or the Bot API address is wrong (404).
type FatalError struct{ Err error }

func (e *FatalError) Error() string { return e.Err.Error() }
func (e *FatalError) Unwrap() error { return e.Err }

// Verdict is what to do after an attempt.
type Verdict int

// Verdicts of Classify.
const (
	Done      Verdict = iota // delivered
	Wait                     // 429: wait, then try again; not the message's fault
	Retry                    // a passing failure: back off, try again until the horizon
	Drop                     // obsolete: forget it quietly
	Dead                     // refused for good: a dead letter
	BlockedBy                // she blocked the bot
	Fatal                    // nothing can be delivered
)

// Classify turns a Messenger's error into what to do about it, and for
// Wait the time to wait.
func Classify(err error) (Verdict, time.Duration) {
	var retry *RetryAfterError
	var permanent *PermanentError
	var obsolete *ObsoleteError
	var fatal *FatalError
	switch {
	case err == nil:
		return Done, 0
	case errors.Is(err, ErrBlocked):
		return BlockedBy, 0
	case errors.As(err, &fatal):
		return Fatal, 0
	case errors.As(err, &retry):
		return Wait, retry.After
	case errors.As(err, &permanent):
		return Dead, 0
	case errors.As(err, &obsolete):
		return Drop, 0
	}
	return Retry, 0
}
