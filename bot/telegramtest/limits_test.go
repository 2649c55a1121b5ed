package telegramtest_test

import (
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/mentorbot/mentorbot/bot/telegramtest"
)

// clock is a clock the tests step by hand, for exact retry_after values.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// limited starts a server enforcing l on a hand-stepped clock.
func limited(t *testing.T, l telegramtest.Limits) (*telegramtest.Server, *tgbotapi.BotAPI, *clock) {
	t.Helper()
	s := telegramtest.NewServer(t)
	api := newBot(t, s)
	c := &clock{now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	s.SetClock(c.Now)
	s.EnforceLimits(l)
	return s, api, c
}

// outcome is what a send was answered: the code (200 on success) and
// retry_after.
type outcome struct{ code, retryAfter int }

func send(t *testing.T, api *tgbotapi.BotAPI, chatID int64) outcome {
	t.Helper()
	_, err := api.Send(tgbotapi.NewMessage(chatID, "Салам!"))
	if err == nil {
		return outcome{http.StatusOK, 0}
	}
	e := apiError(t, err)
	return outcome{e.Code, e.RetryAfter}
}

var (
	ok        = outcome{http.StatusOK, 0}
	refused   = func(retryAfter int) outcome { return outcome{http.StatusTooManyRequests, retryAfter} }
	bob       = telegramtest.User{ID: 1002, FirstName: "Bob"}
	carolChat = int64(1003)
)

func checkRefusals(t *testing.T, s *telegramtest.Server, total, overall, perChat int) {
	t.Helper()
	o, c := s.RateLimitedBy()
	if s.RateLimited() != total || o != overall || c != perChat {
		t.Errorf("RateLimited() = %d, RateLimitedBy() = %d, %d; want %d, %d, %d", s.RateLimited(), o, c, total, overall, perChat)
	}
}

func TestLimits_BurstThenRetryAfter(t *testing.T) {
	// One message every 5 seconds to a chat, two at once.
	s, api, c := limited(t, telegramtest.Limits{PerChat: 0.2, PerChatBurst: 2})
	for i, want := range []outcome{ok, ok, refused(5)} {
		if got := send(t, api, alice.ID); got != want {
			t.Errorf("send %d: %+v, want %+v", i+1, got, want)
		}
	}
	c.Advance(500 * time.Millisecond)
	if got := send(t, api, alice.ID); got != refused(5) {
		t.Errorf("4.5 seconds early: %+v, want retry after 5 (rounded up)", got)
	}
	c.Advance(4000 * time.Millisecond)
	if got := send(t, api, alice.ID); got != refused(1) {
		t.Errorf("half a second early: %+v, want retry after 1 (rounded up)", got)
	}
	c.Advance(500 * time.Millisecond)
	// The refused calls spent nothing: the bucket is one message fuller.
	if got := send(t, api, alice.ID); got != ok {
		t.Errorf("on time: %+v, want it accepted", got)
	}
	if got := send(t, api, alice.ID); got != refused(5) {
		t.Errorf("right after: %+v, want retry after 5", got)
	}
	checkRefusals(t, s, 4, 0, 4)
	if n := len(s.Messages(alice.ID)); n != 3 {
		t.Errorf("chat shows %d messages, want the 3 accepted", n)
	}
	if calls := s.CallsTo("sendMessage"); calls[2].Code != http.StatusTooManyRequests {
		t.Errorf("refused call recorded with %d", calls[2].Code)
	}
}

func TestLimits_Overall(t *testing.T) {
	s, api, c := limited(t, telegramtest.Limits{Overall: 10, OverallBurst: 3})
	for chat := int64(1); chat <= 3; chat++ {
		if got := send(t, api, chat); got != ok {
			t.Errorf("chat %d: %+v", chat, got)
		}
	}
	if got := send(t, api, 4); got != refused(1) {
		t.Errorf("fourth chat: %+v, want retry after 1", got)
	}
	c.Advance(100 * time.Millisecond)
	if got := send(t, api, 4); got != ok {
		t.Errorf("a tenth of a second later: %+v", got)
	}
	checkRefusals(t, s, 1, 1, 0)
}

// TestLimits_Telegram checks TelegramLimits: one chat may have a burst of
// three and then one a second, without holding up other chats, and a
// steady 30 a second across chats is never refused while 31 is.
func TestLimits_Telegram(t *testing.T) {
	tick := time.Second / 30 // the overall pace, exactly

	t.Run("PerChatIndependent", func(t *testing.T) {
		s, api, c := limited(t, telegramtest.TelegramLimits)
		for i, want := range []outcome{ok, ok, ok, refused(1)} {
			if got := send(t, api, alice.ID); got != want {
				t.Errorf("to Alice %d: %+v, want %+v", i+1, got, want)
			}
			c.Advance(tick)
		}
		for _, chat := range []int64{bob.ID, carolChat} {
			if got := send(t, api, chat); got != ok {
				t.Errorf("to %d after Alice's burst: %+v", chat, got)
			}
			c.Advance(tick)
		}
		checkRefusals(t, s, 1, 0, 1)
	})

	t.Run("BothScopes", func(t *testing.T) {
		s, api, _ := limited(t, telegramtest.TelegramLimits)
		for range 3 {
			send(t, api, alice.ID)
		}
		// Past Alice's burst and the overall burst at once: counted in
		// both, retry_after from the longer wait.
		if got := send(t, api, alice.ID); got != refused(1) {
			t.Errorf("fourth at once: %+v", got)
		}
		checkRefusals(t, s, 1, 1, 1)
	})

	t.Run("SteadyPaceAtTheLimit", func(t *testing.T) {
		s, api, c := limited(t, telegramtest.TelegramLimits)
		for i := range 300 {
			if got := send(t, api, int64(2001+i%30)); got != ok {
				t.Fatalf("send %d at 30 a second to 30 chats: %+v", i+1, got)
			}
			c.Advance(tick)
		}
		checkRefusals(t, s, 0, 0, 0)
	})

	t.Run("SteadyPaceAboveTheLimit", func(t *testing.T) {
		s, api, c := limited(t, telegramtest.TelegramLimits)
		for i := range 300 {
			send(t, api, int64(2001+i%31))
			c.Advance(time.Second / 31)
		}
		overall, perChat := s.RateLimitedBy()
		if n := s.RateLimited(); n == 0 || overall != n || perChat != 0 {
			t.Errorf("31 a second: %d refused (%d overall, %d per chat), want some, all by the overall limit", n, overall, perChat)
		}
	})
}

func TestLimits_WhatCounts(t *testing.T) {
	// One message per chat per ~17 minutes, and overall too.
	s, api, _ := limited(t, telegramtest.Limits{Overall: 0.001, OverallBurst: 1, PerChat: 0.001, PerChatBurst: 1})
	msg := tgbotapi.NewMessage(alice.ID, "Choose")
	msg.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("A", "a")))
	sent, err := api.Send(msg)
	if err != nil {
		t.Fatal(err)
	}
	tap := s.Tap(alice, sent.MessageID, "a")
	q := onlyUpdate(t, api, tap).CallbackQuery

	// None of these send a message: none is refused.
	for _, c := range []tgbotapi.Chattable{
		tgbotapi.NewCallback(q.ID, "Done"),
		tgbotapi.NewEditMessageText(alice.ID, sent.MessageID, "Chosen"),
		tgbotapi.NewEditMessageReplyMarkup(alice.ID, sent.MessageID, tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("B", "b")))),
		tgbotapi.NewChatAction(alice.ID, tgbotapi.ChatTyping),
		tgbotapi.NewDeleteMessage(alice.ID, sent.MessageID),
	} {
		if _, err := api.Request(c); err != nil {
			t.Errorf("%T: %v", c, err)
		}
	}
	if _, err := api.GetMe(); err != nil {
		t.Errorf("getMe: %v", err)
	}
	// These do, to another chat too (the overall bucket is empty).
	for _, c := range []tgbotapi.Chattable{
		tgbotapi.NewForward(bob.ID, alice.ID, sent.MessageID),
		tgbotapi.NewCopyMessage(bob.ID, alice.ID, sent.MessageID),
		tgbotapi.NewPhoto(bob.ID, tgbotapi.FileID("AgACAgIAAxkBAAI")),
	} {
		_, err := api.Request(c)
		if e := apiError(t, err); e.Code != http.StatusTooManyRequests || e.RetryAfter != 1000 {
			t.Errorf("%T: %+v, want 429 retry after 1000", c, e)
		}
	}
	checkRefusals(t, s, 3, 3, 0)
}

func TestLimits_MediaGroupCountsItems(t *testing.T) {
	s, api, _ := limited(t, telegramtest.Limits{PerChat: 0.001, PerChatBurst: 3})
	album := func(chatID int64, n int) error {
		media := "["
		for i := range n {
			if i > 0 {
				media += ","
			}
			media += `{"type":"photo","media":"AgACAgIAAxkBAAI` + strconv.Itoa(i) + `"}`
		}
		_, err := api.MakeRequest("sendMediaGroup", tgbotapi.Params{"chat_id": strconv.FormatInt(chatID, 10), "media": media + "]"})
		return err
	}
	if err := album(alice.ID, 2); err != nil {
		t.Fatalf("two photos: %v", err)
	}
	if got := send(t, api, alice.ID); got != ok {
		t.Errorf("third message: %+v", got)
	}
	if got := send(t, api, alice.ID); got.code != http.StatusTooManyRequests {
		t.Errorf("fourth message: %+v, want 429", got)
	}
	// An album bigger than the burst waits for a full bucket, then passes.
	if err := album(bob.ID, 5); err != nil {
		t.Errorf("five photos to a quiet chat: %v", err)
	}
	if got := send(t, api, bob.ID); got.code != http.StatusTooManyRequests {
		t.Errorf("right after the album: %+v, want 429", got)
	}
	checkRefusals(t, s, 2, 0, 2)
}

func TestLimits_OldAPI(t *testing.T) {
	s := telegramtest.NewServer(t)
	api := newBot(t, s)
	c := &clock{now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	s.SetClock(c.Now)
	s.EnforceRateLimits(2, 1, time.Hour)
	for _, step := range []struct {
		chat int64
		want outcome
	}{{alice.ID, ok}, {alice.ID, refused(3600)}, {bob.ID, ok}, {carolChat, refused(1800)}} {
		if got := send(t, api, step.chat); got != step.want {
			t.Errorf("to %d: %+v, want %+v", step.chat, got, step.want)
		}
	}
	checkRefusals(t, s, 2, 1, 1)

	s.EnforceLimits(telegramtest.Limits{})
	for range 5 {
		if got := send(t, api, alice.ID); got != ok {
			t.Errorf("with flood control off: %+v", got)
		}
	}
	checkRefusals(t, s, 2, 1, 1) // kept across EnforceLimits
}

// TestLimits_RealClock checks the default clock. The pace is so slow that
// no machine is slow enough to see the bucket refill during the test.
func TestLimits_RealClock(t *testing.T) {
	s := telegramtest.NewServer(t)
	api := newBot(t, s)
	s.EnforceLimits(telegramtest.Limits{PerChat: 0.01, PerChatBurst: 3})
	for i := range 3 {
		if got := send(t, api, alice.ID); got != ok {
			t.Errorf("send %d: %+v", i+1, got)
		}
	}
	if got := send(t, api, alice.ID); got.code != http.StatusTooManyRequests || got.retryAfter < 1 || got.retryAfter > 100 {
		t.Errorf("fourth: %+v, want 429 with retry_after up to 100", got)
	}
}
