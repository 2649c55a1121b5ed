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
	s.poll = mine
	s.notifyLocked()
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		if s.poll == mine {
			s.poll = nil
		}
		s.mu.Unlock()
	}()

	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		batch, changed := s.batchLocked(limit), s.changed
		s.mu.Unlock()
		if batch != nil || timeout == 0 {
			return batchJSON(batch), nil
		}
		select {
		case <-changed:
		case <-mine:
			f := Conflict()
			return nil, &f
		case <-deadline.C:
			return batchJSON(nil), nil
		case <-ctx.Done(): // the bot gave up waiting
			return batchJSON(nil), nil
		case <-s.closing:
			return batchJSON(nil), nil
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
// -offset updates and forgets the rest.
func (s *Server) confirmLocked(offset int) {
	switch {
	case offset > 0:
		i := 0
		for i < len(s.updates) && s.updates[i].id < offset {
			i++
		}
		s.updates = s.updates[i:]
		s.confirmed = max(s.confirmed, offset)
	case offset < 0 && len(s.updates) > -offset:
		forgotten := s.updates[:len(s.updates)+offset]
		s.confirmed = max(s.confirmed, forgotten[len(forgotten)-1].id+1)
		s.updates = s.updates[len(forgotten):]
	}
}

// batchLocked returns up to limit pending updates, nil if there are none.
func (s *Server) batchLocked(limit int) []update {
	if len(s.updates) == 0 {
		return nil
	}
	return s.updates[:min(limit, len(s.updates))]
}

// batchJSON renders updates as a JSON array of their raw bytes, so each is
// served exactly as pushed, decodable or not.
func batchJSON(batch []update) json.RawMessage {
	var buf bytes.Buffer
	buf.WriteByte('[')
	for i, u := range batch {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(u.raw)
	}
	buf.WriteByte(']')
	return buf.Bytes()
}

// ConfirmedOffset returns the highest offset the bot has sent to
// getUpdates: every update with a lower id is confirmed. 0 before the first
// confirmation.
func (s *Server) ConfirmedOffset() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.confirmed
}

// WaitConfirmed waits until the bot has confirmed updateID, i.e. asked
// getUpdates for a higher offset. That means the bot received the update,
// not that it finished handling it (tgbotapi's GetUpdatesChan confirms on
// its next poll). It fails t after ten seconds, or at once for an update
// that will never be delivered (excluded by allowed_updates, or never
// pushed).
func (s *Server) WaitConfirmed(t testing.TB, updateID int) {
	t.Helper()
	s.mu.Lock()
	reason, dropped := s.dropped[updateID]
	pushed := updateID > 0 && updateID <= s.lastUpdateID
	s.mu.Unlock()
	switch {
	case dropped:
		t.Fatalf("telegramtest: WaitConfirmed: %s", reason)
	case !pushed:
		t.Fatalf("telegramtest: WaitConfirmed: update %d was never pushed", updateID)
	}
	s.waitFor(t, func() bool { return s.confirmed > updateID }, func() string {
		return fmt.Sprintf("the bot to confirm update %d (confirmed offset %d)", updateID, s.ConfirmedOffset())
	})
}

// WaitFor polls cond until it returns true, waking every 5ms and on every
// call the server receives; it fails t after ten seconds. cond may call the
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
