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
// An update is confirmed to Telegram (by asking for the next offset) only
// after its whole batch was handled, and the offset is kept in the store,
// so a crash makes Telegram send the unconfirmed updates again; the store
// remembers which of them were already handled and skips those.
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
}

// allowedUpdates are the kinds of updates the bot asks Telegram for.
var allowedUpdates = []string{"message", "edited_message", "callback_query", "my_chat_member"}

// Run polls until ctx ends. It returns an error only for a failure that
// retrying cannot fix: a revoked token, or a broken store.
func (p *Poller) Run(ctx context.Context) error {
	p.defaults()
	p.Client.http.setContext(ctx)
	offset, err := p.DB.Offset()
	if err != nil {
		return err
	}
	backoff := time.Second
	for ctx.Err() == nil {
		batch, err := p.fetch(offset)
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
			continue
		}
		if err := p.handleBatch(ctx, batch); err != nil {
			// The store could not record an update: do not confirm the
			// batch; Telegram sends it again and handled ones are skipped.
			p.Log.Error("batch not recorded; will fetch it again", "in", backoff, "err", err)
			_ = p.Sleep(ctx, backoff)
			backoff = min(2*backoff, time.Minute)
			continue
		}
		offset = batch[len(batch)-1].id + 1
		if err := p.DB.SetOffset(offset); err != nil {
			return err
		}
	}
	return nil
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
		return 0, fmt.Errorf("telegram refused the bot token (401): %s", tgErr.Message)
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
func (p *Poller) fetch(offset int) ([]rawUpdate, error) {
	params := tgbotapi.Params{}
	params.AddNonZero("offset", offset)
	params.AddNonZero("timeout", int(p.Timeout/time.Second))
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
