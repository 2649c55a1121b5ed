package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/store"
)

// Handler handles one update; bot.Bot is one.
type Handler interface {
	Handle(ctx context.Context, u bot.Update) error
}

// Poller long-polls getUpdates and hands each update to the handler.
//
// An update is confirmed to Telegram (by asking for an offset above it)
// only after its whole batch was handled, so a crash makes Telegram send
// the unconfirmed updates again; the store remembers which of them were
// already handled and skips those. The bot never carries an old offset
// into a silence: after a batch it confirms with a poll that returns at
// once, and then waits with no offset. Telegram drops every update below
// the offset it is asked for, and after a week with no updates it may
// number the next ones below the last: an old offset would lose them.
//
// When the store cannot save an update (the disk is full, say), the batch
// is not confirmed: the poller waits, asks again, and handles every
// update of the outage in order once saving works.
type Poller struct {
	Client  *Client
	DB      *store.DB
	Handler Handler
	Log     *slog.Logger
	// Workers bounds how many chats are handled at once; updates of one
	// chat are always handled in order, one at a time.
	Workers int
	// Timeout is the long-poll wait; PollTimeout if zero.
	Timeout time.Duration
	// Sleep waits between failed polls; tests make it instant.
	Sleep func(ctx context.Context, d time.Duration) error
	// Polled, if set, is called after every getUpdates that succeeded
	// and whose updates were saved: the process is alive, polling, and
	// its store works (systemd's watchdog hangs on it). It is not called
	// while the store refuses writes.
	Polled func()
}

// allowedUpdates are the kinds of updates the bot asks Telegram for.
var allowedUpdates = []string{"message", "edited_message", "callback_query", "my_chat_member"}

// storageRetryMax caps the wait between attempts to save updates while
// the store refuses writes: the bot notices soon that space was freed.
const storageRetryMax = 15 * time.Second

// Run polls until ctx ends. It returns an error only for a failure that
// retrying cannot fix: a revoked token, a wrong address, or a store that
// can no longer commit.
func (p *Poller) Run(ctx context.Context) error {
	p.defaults()
	p.Client.http.setContext(ctx)
	offset := 0 // at start, the earliest update not confirmed
	backoff := time.Second
	var outage storageOutage
	lastPrune := time.Time{}
	for ctx.Err() == nil {
		timeout := p.Timeout
		if offset != 0 {
			timeout = 0 // only confirming: do not wait with an offset
		}
		batch, err := p.fetch(offset, timeout)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			wait, fatal := p.pollError(err, backoff)
			if fatal != nil {
				return fatal
			}
			_ = p.Sleep(ctx, wait)
			backoff = min(2*backoff, time.Minute)
			continue
		}
		backoff = time.Second
		if len(batch) == 0 {
			offset = 0 // everything served is confirmed: never wait with an old offset
			lastPrune = p.prune(lastPrune)
			p.polled()
			continue
		}
		if err := p.handleBatch(ctx, batch); err != nil {
			if store.IsFatal(err) || !store.IsStorage(err) {
				return fmt.Errorf("cannot save updates: %w", err)
			}
			// Not confirmed: Telegram keeps the batch, and a poll with no
			// offset serves it again; handled ones are skipped.
			wait := outage.failed(p.Log, err, len(batch))
			_ = p.Sleep(ctx, wait)
			offset = 0
			continue
		}
		outage.over(p.Log)
		offset = batch[len(batch)-1].id + 1
		p.polled()
	}
	return nil
}

func (p *Poller) polled() {
	if p.Polled != nil {
		p.Polled()
	}
}

// storageOutage tracks a spell of failed saves, to log one line a minute
// with the cause instead of one per attempt.
type storageOutage struct {
	since, logged time.Time
	attempts      int
	backoff       time.Duration
}

// failed records a failed save and returns how long to wait.
func (o *storageOutage) failed(log *slog.Logger, err error, batch int) time.Duration {
	now := time.Now()
	if o.since.IsZero() {
		o.since = now
	}
	o.attempts++
	o.backoff = min(max(2*o.backoff, time.Second), storageRetryMax)
	if now.Sub(o.logged) >= time.Minute {
		o.logged = now
		log.Error("cannot save updates; not confirming them to Telegram, retrying", "since", o.since.Format(time.RFC3339), "attempts", o.attempts, "waiting_updates", batch, "err", err)
	}
	return o.backoff
}

// over notes that saving works again.
func (o *storageOutage) over(log *slog.Logger) {
	if o.since.IsZero() {
		return
	}
	log.Info("saving updates works again", "after", time.Since(o.since).Round(time.Second), "attempts", o.attempts)
	*o = storageOutage{}
}

// prune forgets old handled marks once an hour, when polling is quiet.
func (p *Poller) prune(last time.Time) time.Time {
	now := time.Now()
	if now.Sub(last) < time.Hour {
		return last
	}
	if n, err := p.DB.PruneHandled(now.Add(-store.HandledFor), now); err != nil {
		p.Log.Warn("could not prune handled updates", "err", err)
	} else if n > 0 {
		p.Log.Debug("pruned handled updates", "removed", n)
	}
	return now
}

func (p *Poller) defaults() {
	if p.Workers <= 0 {
		p.Workers = 8
	}
	if p.Timeout <= 0 {
		p.Timeout = PollTimeout
	}
	if p.Sleep == nil {
		p.Sleep = func(ctx context.Context, d time.Duration) error {
			select {
			case <-time.After(d):
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	if p.Log == nil {
		p.Log = slog.Default()
	}
}

// pollError decides how long to wait after a failed getUpdates, or that
// the bot cannot go on.
func (p *Poller) pollError(err error, backoff time.Duration) (time.Duration, error) {
	var tgErr *tgbotapi.Error
	if !errors.As(err, &tgErr) {
		p.Log.Warn("getUpdates failed; retrying", "in", backoff, "err", err)
		return backoff, nil
	}
	switch tgErr.Code {
	case http.StatusUnauthorized:
		return 0, ErrUnauthorized
	case http.StatusNotFound:
		return 0, ErrNotFound
	case http.StatusConflict:
		p.Log.Error("another copy of this bot is polling Telegram with the same token (409 Conflict); stop the other copy or it will keep taking updates from this one", "err", tgErr.Message)
		return 5 * time.Second, nil
	case http.StatusTooManyRequests:
		wait := time.Duration(tgErr.RetryAfter) * time.Second
		p.Log.Warn("Telegram asks to slow down polling", "retry_after", wait)
		return max(wait, time.Second), nil
	}
	p.Log.Warn("getUpdates failed; retrying", "in", backoff, "code", tgErr.Code, "err", tgErr.Message)
	return backoff, nil
}

// rawUpdate is one update as Telegram sent it, decoded on its own.
type rawUpdate struct {
	id     int
	update *tgbotapi.Update // nil when the library cannot decode it
}

// fetch asks for the updates from offset on and decodes each separately,
// so one the library cannot read is skipped instead of stalling the rest.
func (p *Poller) fetch(offset int, timeout time.Duration) ([]rawUpdate, error) {
	params := tgbotapi.Params{}
	params.AddNonZero("offset", offset)
	params.AddNonZero("timeout", int(timeout/time.Second))
	if err := params.AddInterface("allowed_updates", allowedUpdates); err != nil {
		return nil, err
	}
	resp, err := p.Client.api.MakeRequest("getUpdates", params)
	if err != nil {
		return nil, p.Client.redact(err)
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(resp.Result, &raws); err != nil {
		return nil, fmt.Errorf("decode getUpdates result: %w", err)
	}
	batch := make([]rawUpdate, 0, len(raws))
	for _, raw := range raws {
		batch = append(batch, p.decode(raw))
	}
	return batch, nil
}

func (p *Poller) decode(raw json.RawMessage) rawUpdate {
	var u tgbotapi.Update
	if err := json.Unmarshal(raw, &u); err == nil {
		return rawUpdate{id: u.UpdateID, update: &u}
	}
	var head struct {
		UpdateID int `json:"update_id"`
	}
	err := json.Unmarshal(raw, &head)
	p.Log.Error("cannot decode update; skipping it", "update_id", head.UpdateID, "bytes", len(raw), "err", err)
	return rawUpdate{id: head.UpdateID}
}

// handleBatch handles a batch: each chat's updates in order on one worker,
// different chats in parallel, and returns when all are done. A chat whose
// update could not be recorded stops there, so none of hers is handled out
// of order.
func (p *Poller) handleBatch(ctx context.Context, batch []rawUpdate) error {
	queues := make([][]bot.Update, p.Workers)
	seed := maphash.MakeSeed()
	for _, r := range batch {
		if r.update == nil {
			continue
		}
		u := toUpdate(*r.update)
		w := maphash.String(seed, strconv.FormatInt(u.ChatID, 10)) % uint64(p.Workers)
		queues[w] = append(queues[w], u)
	}
	var wg sync.WaitGroup
	errs := make([]error, len(queues))
	for i, q := range queues {
		if len(q) == 0 {
			continue
		}
		wg.Go(func() {
			for _, u := range q {
				if errs[i] = p.Handler.Handle(ctx, u); errs[i] != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}
