package telegramtest

import (
	"strings"
	"time"
)

// rateLimits is Telegram's flood control as the server enforces it when
// a test asks: at most overall sends in any second, and at most perChat
// to one chat.
type rateLimits struct {
	overall, perChat int
	window           time.Duration
	sends            []time.Time            // recent sends, oldest first
	byChat           map[string][]time.Time // recent sends per chat
	refused          int
}

// EnforceRateLimits makes the server answer 429, as Telegram does, to a
// send past overall messages in any window, or past perChat messages to
// one chat in it. Telegram's own limits are about 30 a second overall and
// one a second per chat; tests scale the window down to stay short.
func (s *Server) EnforceRateLimits(overall, perChat int, window time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limits = &rateLimits{overall: overall, perChat: perChat, window: window, byChat: map[string][]time.Time{}}
}

// RateLimited returns how many sends were refused with 429 for flood control.
func (s *Server) RateLimited() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.limits == nil {
		return 0
	}
	return s.limits.refused
}

// overLimit answers 429 to a send past the limits, and counts the send
// otherwise.
func (s *Server) overLimit(c Call) (Failure, bool) {
	if !strings.HasPrefix(c.Method, "send") && !strings.HasPrefix(c.Method, "copy") {
		return Failure{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.limits
	if l == nil {
		return Failure{}, false
	}
	now := time.Now()
	cut := now.Add(-l.window)
	l.sends = dropBefore(l.sends, cut)
	chat := c.Params["chat_id"]
	l.byChat[chat] = dropBefore(l.byChat[chat], cut)
	if len(l.sends) >= l.overall || len(l.byChat[chat]) >= l.perChat {
		l.refused++
		return TooManyRequests(1), true
	}
	l.sends = append(l.sends, now)
	l.byChat[chat] = append(l.byChat[chat], now)
	return Failure{}, false
}

func dropBefore(ts []time.Time, cut time.Time) []time.Time {
	i := 0
	for i < len(ts) && ts[i].Before(cut) {
		i++
	}
	return ts[i:]
}
