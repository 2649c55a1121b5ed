package telegramtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// maxLimit is getUpdates' largest and default limit.
const maxLimit = 100

// getUpdates serves the pending updates with Telegram's semantics: offset
// confirms (drops) every update below it, limit caps the batch, and timeout
// turns the call into a long poll that returns as soon as an update arrives.
// Updates are served in push order, which after [Server.JumpUpdateID] is
// not id order.
func (s *Server) getUpdates(ctx context.Context, c Call) (json.RawMessage, *Failure) {
	offset, limit, timeout, err := pollParams(c)
	if err == nil {
		err = s.setAllowedUpdates(c.Params["allowed_updates"])
	}
	if err != nil {
		return nil, badRequest(err.Error())
	}

	s.mu.Lock()
	s.confirmLocked(offset)
	// Telegram ends the older of two concurrent getUpdates calls with 409.
	if s.poll != nil {
		close(s.poll)
	}
	mine := make(chan struct{})
	s.poll, s.pollOffset, s.pollWaiting = mine, max(offset, 0), false
	s.notifyLocked()
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		if s.poll == mine {
			s.poll, s.pollOffset, s.pollWaiting = nil, 0, false
		}
		s.mu.Unlock()
	}()

	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		if s.revoked {
			s.mu.Unlock()
			f := Unauthorized()
			return nil, &f
		}
		batch, changed := s.serveLocked(limit), s.changed
		if batch == nil && timeout > 0 && s.poll == mine && !s.pollWaiting {
			// Only a long poll waits: a call with no timeout answers at
			// once, so nothing can arrive "while it waits".
			s.pollWaiting = true
			s.notifyLocked()
			changed = s.changed
		}
		s.mu.Unlock()
		if batch != nil {
			return batch, nil
		}
		if timeout == 0 {
			return json.RawMessage("[]"), nil
		}
		select {
		case <-changed:
		case <-mine:
			f := Conflict()
			return nil, &f
		case <-deadline.C:
			return json.RawMessage("[]"), nil
		case <-ctx.Done(): // the bot gave up waiting
			return json.RawMessage("[]"), nil
		case <-s.closing:
			return json.RawMessage("[]"), nil
		}
	}
}

// pollParams reads getUpdates' numbers; limit is clamped to 1..100 as
// Telegram does.
func pollParams(c Call) (offset, limit int, timeout time.Duration, err error) {
	number := func(name string, def int) int {
		v, ok := c.Params[name]
		if !ok || err != nil {
			return def
		}
		n, e := strconv.Atoi(v)
		if e != nil {
			err = fmt.Errorf("parameter %q is not a number: %q", name, v)
		}
		return n
	}
	offset = number("offset", 0)
	limit = min(max(number("limit", maxLimit), 1), maxLimit)
	seconds := max(number("timeout", 0), 0)
	return offset, limit, time.Duration(seconds) * time.Second, err
}

// setAllowedUpdates stores the bot's allowed_updates for the updates pushed
// from now on. An empty list (or null, which tgbotapi sends when the field
// is unset) means Telegram's default; an absent parameter keeps the last one.
func (s *Server) setAllowedUpdates(param string) error {
	if param == "" {
		return nil
	}
	var kinds []string
	if err := json.Unmarshal([]byte(param), &kinds); err != nil {
		return fmt.Errorf("can't parse allowed_updates %q", param)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.allowed = nil
	if len(kinds) > 0 {
		s.allowed = map[string]bool{}
		for _, k := range kinds {
			s.allowed[k] = true
		}
	}
	return nil
}

// confirmLocked applies an offset: updates below a positive offset are
// confirmed and gone for good; a negative offset keeps only the last
// -offset updates and forgets the rest. Either way an update the bot was
// never served is lost.
func (s *Server) confirmLocked(offset int) {
	switch {
	case offset > 0:
		kept := make([]*update, 0, len(s.updates))
		for _, u := range s.updates {
			if u.id >= offset {
				kept = append(kept, u)
				continue
			}
			s.retireLocked(u, fmt.Sprintf("getUpdates(offset=%d) confirmed it", offset))
		}
		s.updates = kept
		s.confirmed = max(s.confirmed, offset)
	case offset < 0 && len(s.updates) > -offset:
		forgotten := s.updates[:len(s.updates)+offset]
		for _, u := range forgotten {
			s.confirmed = max(s.confirmed, u.id+1)
			s.retireLocked(u, fmt.Sprintf("getUpdates(offset=%d) forgot it", offset))
		}
		s.updates = slices.Clone(s.updates[len(forgotten):])
	}
}

// retireLocked takes an update off the queue for good: confirmed if the
// bot was served it, lost if not; how says what took it off.
func (s *Server) retireLocked(u *update, how string) {
	u.raw = nil
	if u.served > 0 {
		u.fate = fateConfirmed
		return
	}
	u.fate = fateLost
	u.why = fmt.Sprintf("update %d (%s) was lost: %s before it was ever served", u.id, u.kind, how)
	s.losses = append(s.losses, Loss{UpdateID: u.id, Kind: u.kind, Reason: u.why})
}

// serveLocked returns up to limit pending updates from the front of the
// queue as a JSON array of their raw bytes, so each is served exactly as
// pushed, decodable or not; nil if there are none. It counts them served.
func (s *Server) serveLocked(limit int) json.RawMessage {
	if len(s.updates) == 0 {
		return nil
	}
	var buf bytes.Buffer
	buf.WriteByte('[')
	for i, u := range s.updates[:min(limit, len(s.updates))] {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(u.raw)
		u.served++
	}
	buf.WriteByte(']')
	return buf.Bytes()
}

// Loss is an update Telegram dropped before the bot ever saw it, because
// the bot asked for an offset above its id (or a negative offset that
// forgot it).
type Loss struct {
	UpdateID int
	// Kind is the update's field next to update_id, e.g. "message".
	Kind string
	// Reason tells what dropped it, e.g. "update 7 (message) was lost:
	// getUpdates(offset=1001) confirmed it before it was ever served".
	Reason string
}

// Lost returns the ids of the updates lost so far, in the order they were
// lost. Without [Server.JumpUpdateID] only a bot that skips offsets ahead
// loses updates; after a jump, a bot that polls with its old offset does.
// NewServer reports every loss when the test ends, unless
// [Server.AllowLosses] was called.
func (s *Server) Lost() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]int, len(s.losses))
	for i, l := range s.losses {
		ids[i] = l.UpdateID
	}
	return ids
}

// Losses returns the updates lost so far with the reasons, in order.
func (s *Server) Losses() []Loss {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.losses)
}

// AllowLosses stops the server from reporting lost updates when the test
// ends, for tests that lose updates on purpose (and check [Server.Lost]).
func (s *Server) AllowLosses() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.allowLosses = true
}

// Pending returns the ids of the updates waiting to be confirmed, in the
// order getUpdates serves them (push order).
func (s *Server) Pending() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]int, len(s.updates))
	for i, u := range s.updates {
		ids[i] = u.id
	}
	return ids
}

// TimesServed returns how many getUpdates answers carried the update last
// pushed with updateID: more than 1 means the bot was given it again
// because it had not confirmed it (after a crash, or a poll without offset).
func (s *Server) TimesServed(updateID int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.pushed[updateID]; u != nil {
		return u.served
	}
	return 0
}

// ConfirmedOffset returns the highest offset the bot has sent to
// getUpdates, 0 before the first. While update ids only grow, every update
// with a lower id is confirmed (or lost, see [Server.Lost]). After
// [Server.JumpUpdateID] to lower ids it says nothing about the new ones:
// ask [Server.WaitConfirmed] about each.
func (s *Server) ConfirmedOffset() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.confirmed
}

// WaitConfirmed waits until the bot has confirmed updateID: getUpdates
// served it, and then the bot sent an offset above its id, telling
// Telegram it has the update (a call without offset confirms nothing).
// Ids need not grow for this: it is about this update, not about the
// highest offset. A bot that confirms a batch only once it is handled has
// handled the update by then; tgbotapi's GetUpdatesChan confirms once the
// update is in its channel. It fails t at once for an update that will
// never be confirmed (never pushed, excluded by allowed_updates, or lost),
// and after waitLimit (30 seconds) otherwise. An id pushed again after a jump means
// its latest update.
func (s *Server) WaitConfirmed(t testing.TB, updateID int) {
	t.Helper()
	s.waitUpdate(t, "WaitConfirmed", updateID, "confirm", func(u *update) bool { return u.fate == fateConfirmed })
}

// WaitServed waits until getUpdates has served updateID to the bot,
// confirmed or not: a bot killed right after it must be served the update
// again. It fails t like [Server.WaitConfirmed].
func (s *Server) WaitServed(t testing.TB, updateID int) {
	t.Helper()
	s.waitUpdate(t, "WaitServed", updateID, "be served", func(u *update) bool { return u.served > 0 })
}

// waitUpdate waits until done(u), evaluated with s.mu held, for the
// update last pushed with id, failing t at once if the update is gone
// without it.
func (s *Server) waitUpdate(t testing.TB, helper string, id int, verb string, done func(*update) bool) {
	t.Helper()
	s.mu.Lock()
	u := s.pushed[id]
	s.mu.Unlock()
	if u == nil {
		t.Fatalf("telegramtest: %s: update %d was never pushed", helper, id)
	}
	gone := func() bool { return !done(u) && (u.fate == fateLost || u.fate == fateExcluded) }
	s.waitFor(t, func() bool { return done(u) || gone() }, func() string {
		s.mu.Lock()
		defer s.mu.Unlock()
		return fmt.Sprintf("update %d to %s (served %d times, highest offset %d)", id, verb, u.served, s.confirmed)
	})
	s.mu.Lock()
	failed, why := gone(), u.why
	s.mu.Unlock()
	if failed {
		t.Fatalf("telegramtest: %s: %s", helper, why)
	}
}

// WaitPolling waits until a getUpdates call is waiting for updates: it has
// applied its offset and has nothing to serve yet. Tests use it to push an
// update into a long poll, or to know the bot has gone idle. It fails t
// after waitLimit (30 seconds).
func (s *Server) WaitPolling(t testing.TB) {
	t.Helper()
	s.waitFor(t, func() bool { return s.pollWaiting && len(s.updates) == 0 }, func() string {
		return "a getUpdates call waiting for updates"
	})
}

// WaitFor polls cond until it returns true, waking every 5ms and on every
// call the server receives; it fails t after waitLimit (30 seconds). cond may call the
// Server's methods.
func (s *Server) WaitFor(t testing.TB, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("telegramtest: WaitFor: condition still false after %v; %s", waitLimit, s.recentCalls())
		}
		s.mu.Lock()
		changed := s.changed
		s.mu.Unlock()
		select {
		case <-tick.C:
		case <-changed:
		}
	}
}

// waitFor waits until cond, evaluated with s.mu held, is true; on timeout
// it fails t naming what it waited for and the last calls received.
func (s *Server) waitFor(t testing.TB, cond func() bool, what func() string) {
	t.Helper()
	deadline := time.NewTimer(waitLimit)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		ok, changed := cond(), s.changed
		s.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("telegramtest: timed out after %v waiting for %s; %s", waitLimit, what(), s.recentCalls())
		}
	}
}

// recentCalls summarises the last calls other than getUpdates, to say in a
// timeout message what the bot did instead.
func (s *Server) recentCalls() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var parts []string
	for i := len(s.calls) - 1; i >= 0 && len(parts) < 8; i-- {
		if c := s.calls[i]; c.Method != "getUpdates" {
			parts = append(parts, fmt.Sprintf("%s(chat_id=%s) -> %d", c.Method, c.Params["chat_id"], c.Code))
		}
	}
	if len(parts) == 0 {
		return "the bot made no calls besides getUpdates"
	}
	slices.Reverse(parts)
	return "last calls: " + strings.Join(parts, ", ")
}
