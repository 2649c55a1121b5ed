package telegramtest

import (
	"encoding/json"
	"math"
	"strings"
	"time"
)

// Limits is Telegram's flood control as the server enforces it: one token
// bucket for all the bot's messages and one per chat. A bucket holds Burst
// messages and refills at the given rate, so a bot may send a short burst
// after a quiet spell and then only at the rate. A rate of 0 (or less)
// leaves that scope unlimited; a burst below 1 counts as 1.
type Limits struct {
	// Overall is how many messages a second the bot may send in total.
	Overall float64
	// OverallBurst is how many it may send at once after a quiet spell.
	OverallBurst int
	// PerChat is how many messages a second it may send to one chat.
	PerChat float64
	// PerChatBurst is how many it may send to one chat at once.
	PerChatBurst int
}

// TelegramLimits are Telegram's documented limits: about 30 messages a
// second in total and about one a second in one chat, short bursts
// tolerated. Telegram does not publish the burst sizes; 3 is a cautious
// guess, so a bot that passes here does not lean on Telegram's leniency.
var TelegramLimits = Limits{Overall: 30, OverallBurst: 3, PerChat: 1, PerChatBurst: 3}

// limiter is the state of the flood control: the buckets and what they
// refused.
type limiter struct {
	overall bucket
	perChat Limits // the per-chat rate and burst, for new buckets
	chats   map[string]*bucket
	// refused counts refused calls; byOverall and byChat count the scopes
	// that refused them (a call can be refused by both).
	refused, byOverall, byChat int
}

// bucket is one token bucket, kept the GCRA way: instead of a token count
// it remembers when the bucket will be full again (tat, the theoretical
// arrival time), which needs no timer to refill.
type bucket struct {
	interval time.Duration // time to refill one message; 0: unlimited
	burst    int
	tat      time.Time
}

func newBucket(perSecond float64, burst int) bucket {
	if perSecond <= 0 {
		return bucket{}
	}
	return bucket{interval: time.Duration(float64(time.Second) / perSecond), burst: max(burst, 1)}
}

// wait returns how long a call of n messages must wait before the bucket
// takes it, 0 if it takes it now. A call bigger than the whole bucket (a
// media group of 10 under a burst of 3) is taken once the bucket is full,
// so it is slowed down but never refused forever.
func (b *bucket) wait(now time.Time, n int) time.Duration {
	if b.interval == 0 {
		return 0
	}
	tat := later(b.tat, now)
	capacity := time.Duration(max(b.burst, n)) * b.interval
	return max(tat.Add(time.Duration(n)*b.interval).Sub(now)-capacity, 0)
}

// take spends n messages of the bucket.
func (b *bucket) take(now time.Time, n int) {
	if b.interval != 0 {
		b.tat = later(b.tat, now).Add(time.Duration(n) * b.interval)
	}
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// EnforceLimits turns on Telegram's flood control with the given limits;
// use [TelegramLimits] unless the test needs others. Every send*, copy*
// and forward* call counts (sendMediaGroup, copyMessages and
// forwardMessages count each of their messages; sendChatAction, which
// sends no message, does not count), edits, answerCallbackQuery and get*
// calls do not. A call past a limit is refused, as Telegram refuses it,
// with 429 and retry_after set to the whole seconds until the bucket would
// take it (at least 1). Refused calls do not spend the buckets. Calling it
// again starts from full buckets and keeps the counts of refusals;
// EnforceLimits(Limits{}) turns flood control off.
func (s *Server) EnforceLimits(l Limits) {
	s.mu.Lock()
	defer s.mu.Unlock()
	next := &limiter{
		overall: newBucket(l.Overall, l.OverallBurst),
		perChat: l,
		chats:   map[string]*bucket{},
	}
	if old := s.limits; old != nil {
		next.refused, next.byOverall, next.byChat = old.refused, old.byOverall, old.byChat
	}
	s.limits = next
}

// EnforceRateLimits is the older form of [Server.EnforceLimits]: about
// overall messages per window in total and perChat per window to one chat.
// It sets buckets of that size that refill over the window. They accept
// every series of sends the sliding window they replaced accepted, and
// some more (a bucket refills bit by bit, a window all at once).
func (s *Server) EnforceRateLimits(overall, perChat int, window time.Duration) {
	s.EnforceLimits(Limits{
		Overall:      float64(overall) / window.Seconds(),
		OverallBurst: overall,
		PerChat:      float64(perChat) / window.Seconds(),
		PerChatBurst: perChat,
	})
}

// SetClock sets the clock flood control reads (time.Now by default), so a
// test can step time and check retry_after exactly. Nothing else in the
// server reads it.
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// RateLimited returns how many calls were refused with 429 for flood control.
func (s *Server) RateLimited() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.limits == nil {
		return 0
	}
	return s.limits.refused
}

// RateLimitedBy returns how many calls the overall limit refused and how
// many a chat's limit refused. A call past both counts in both, so the sum
// can exceed [Server.RateLimited].
func (s *Server) RateLimitedBy() (overall, perChat int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.limits == nil {
		return 0, 0
	}
	return s.limits.byOverall, s.limits.byChat
}

// overLimit answers 429 to a call past the limits, and spends the buckets
// otherwise.
func (s *Server) overLimit(c Call) (Failure, bool) {
	n := messagesIn(c)
	if n == 0 {
		return Failure{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.limits
	if l == nil {
		return Failure{}, false
	}
	now := s.now()
	chat := l.chatBucket(c.Params["chat_id"], now)
	overallWait, chatWait := l.overall.wait(now, n), chat.wait(now, n)
	if overallWait == 0 && chatWait == 0 {
		l.overall.take(now, n)
		chat.take(now, n)
		return Failure{}, false
	}
	l.refused++
	if overallWait > 0 {
		l.byOverall++
	}
	if chatWait > 0 {
		l.byChat++
	}
	return TooManyRequests(retryAfter(max(overallWait, chatWait))), true
}

// chatBucket returns the chat's bucket, making it on first use. Full
// buckets say nothing a new one would not, so the map is swept of them
// when it grows, to keep long runs (benchmarks) small.
func (l *limiter) chatBucket(chat string, now time.Time) *bucket {
	if b, ok := l.chats[chat]; ok {
		return b
	}
	if len(l.chats) >= 4096 {
		for id, b := range l.chats {
			if !b.tat.After(now) {
				delete(l.chats, id)
			}
		}
	}
	b := newBucket(l.perChat.PerChat, l.perChat.PerChatBurst)
	l.chats[chat] = &b
	return &b
}

// retryAfter is Telegram's retry_after for a wait: whole seconds, rounded
// up, at least 1.
func retryAfter(wait time.Duration) int {
	return max(int(math.Ceil(wait.Seconds())), 1)
}

// messagesIn returns how many messages a call sends for flood control: 0
// for calls that send none.
func messagesIn(c Call) int {
	switch {
	case c.Method == "sendChatAction":
		return 0
	case c.Method == "sendMediaGroup":
		return max(jsonArrayLen(c.Params["media"]), 1)
	case c.Method == "copyMessages" || c.Method == "forwardMessages":
		return max(jsonArrayLen(c.Params["message_ids"]), 1)
	case strings.HasPrefix(c.Method, "send"), strings.HasPrefix(c.Method, "copy"), strings.HasPrefix(c.Method, "forward"):
		return 1
	}
	return 0
}

func jsonArrayLen(param string) int {
	var items []json.RawMessage
	if json.Unmarshal([]byte(param), &items) != nil {
		return 0
	}
	return len(items)
}
