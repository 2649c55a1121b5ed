package telegramtest_test

import (
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/mentorbot/mentorbot/bot/telegramtest"
)

// catcher is a testing.TB whose Fatalf ends the goroutine and keeps the
// message, to test the helpers that fail the test.
type catcher struct {
	testing.TB
	fatal string
}

func (c *catcher) Helper() {}
func (c *catcher) Fatalf(format string, args ...any) {
	c.fatal = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// fatalOf runs f with a catcher and returns what it failed with, "" if
// it did not.
func fatalOf(t *testing.T, f func(tb testing.TB)) string {
	c := &catcher{TB: t}
	onOwnGoroutine(func() { f(c) })
	return c.fatal
}

// onOwnGoroutine runs f on a goroutine of its own, which a catcher's
// Fatalf may end, and waits for it.
func onOwnGoroutine(f func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	<-done
}

func ids(updates []tgbotapi.Update) []int {
	out := make([]int, len(updates))
	for i, u := range updates {
		out[i] = u.UpdateID
	}
	return out
}

func offset(id int) tgbotapi.Params { return tgbotapi.Params{"offset": strconv.Itoa(id)} }

func TestJump_ServedInPushOrder(t *testing.T) {
	s := telegramtest.NewServer(t)
	api := newBot(t, s)
	a, b := s.SendText(alice, "one"), s.SendText(alice, "two")
	s.JumpUpdateID(100)
	c := s.SendText(alice, "three")
	s.JumpUpdateID(10)
	d, e := s.SendText(alice, "four"), s.SendText(alice, "five")
	if want := []int{1, 2, 100, 10, 11}; !slices.Equal([]int{a, b, c, d, e}, want) {
		t.Fatalf("ids %v, want %v", []int{a, b, c, d, e}, want)
	}
	if got, want := s.Pending(), []int{1, 2, 100, 10, 11}; !slices.Equal(got, want) {
		t.Errorf("Pending() = %v, want push order %v", got, want)
	}
	if got := ids(getUpdates(t, api, tgbotapi.Params{"limit": "2"})); !slices.Equal(got, []int{1, 2}) {
		t.Errorf("limit 2 served %v, want [1 2]", got)
	}
	batch := getUpdates(t, api, nil)
	if got, want := ids(batch), []int{1, 2, 100, 10, 11}; !slices.Equal(got, want) {
		t.Fatalf("served %v, want push order %v", got, want)
	}
	if batch[2].Message.Text != "three" {
		t.Errorf("update 100 carries %q", batch[2].Message.Text)
	}
	s.WaitServed(t, e)

	// offset = last of the batch + 1 confirms every id below it; 100, the
	// earlier but higher one, stays and is served again.
	if got := ids(getUpdates(t, api, offset(e+1))); !slices.Equal(got, []int{100}) {
		t.Errorf("offset %d served %v, want [100] again", e+1, got)
	}
	for _, id := range []int{a, b, d, e} {
		s.WaitConfirmed(t, id)
	}
	if got := s.Pending(); !slices.Equal(got, []int{100}) {
		t.Errorf("Pending() = %v, want [100]", got)
	}
	if n := s.TimesServed(c); n != 2 {
		t.Errorf("update 100 served %d times, want 2", n)
	}
	getUpdates(t, api, offset(c+1))
	s.WaitConfirmed(t, c)
	if lost := s.Lost(); len(lost) != 0 {
		t.Errorf("Lost() = %v, want none: every update was served before it was confirmed", lost)
	}
	if got := s.ConfirmedOffset(); got != 101 {
		t.Errorf("ConfirmedOffset() = %d, want the highest offset, 101", got)
	}
}

// afterAWeek sets up the bot of a week ago: it was served update 5000 and
// confirmed it, so its offset is 5001; then Telegram picks ids anew.
func afterAWeek(t *testing.T) (*telegramtest.Server, *tgbotapi.BotAPI) {
	t.Helper()
	s := telegramtest.NewServer(t)
	api := newBot(t, s)
	s.JumpUpdateID(5000)
	onlyUpdate(t, api, s.SendText(alice, "a week ago"))
	s.JumpUpdateID(77)
	return s, api
}

func TestJump_StaleOffsetLosesUpdates(t *testing.T) {
	s, api := afterAWeek(t)
	s.AllowLosses()
	y, z := s.SendText(alice, "hello again"), s.SendText(alice, "anyone?")
	if got := getUpdates(t, api, offset(5001)); len(got) != 0 {
		t.Errorf("offset 5001 served %v, want nothing", ids(got))
	}
	if got := s.Lost(); !slices.Equal(got, []int{y, z}) {
		t.Fatalf("Lost() = %v, want [%d %d]", got, y, z)
	}
	want := "update 77 (message) was lost: getUpdates(offset=5001) confirmed it before it was ever served"
	if got := s.Losses()[0]; got.Reason != want || got.Kind != "message" || got.UpdateID != y {
		t.Errorf("Losses()[0] = %+v, want reason %q", got, want)
	}
	if got := fatalOf(t, func(tb testing.TB) { s.WaitConfirmed(tb, y) }); !strings.Contains(got, want) {
		t.Errorf("WaitConfirmed on a lost update failed with %q, want the reason", got)
	}
	if got := fatalOf(t, func(tb testing.TB) { s.WaitServed(tb, z) }); !strings.Contains(got, "was lost") {
		t.Errorf("WaitServed on a lost update failed with %q", got)
	}
	if got := getUpdates(t, api, nil); len(got) != 0 {
		t.Errorf("a lost update was served later: %v", ids(got))
	}
}

func TestJump_WaitingPollLosesUpdates(t *testing.T) {
	s, api := afterAWeek(t)
	s.AllowLosses()
	done := make(chan []tgbotapi.Update)
	go func() {
		updates, _ := api.GetUpdates(tgbotapi.UpdateConfig{Offset: 5001, Timeout: 20})
		done <- updates
	}()
	s.WaitPolling(t)
	y := s.SendText(alice, "hello again")
	// Gone the moment it was pushed: the poll waits on.
	if got := s.Lost(); !slices.Equal(got, []int{y}) {
		t.Fatalf("Lost() = %v, want [%d]", got, y)
	}
	if got := s.Losses()[0].Reason; !strings.Contains(got, "arrived while getUpdates(offset=5001) was waiting") {
		t.Errorf("reason %q", got)
	}
	s.JumpUpdateID(6000)
	w := s.SendText(alice, "and now?")
	if got := ids(<-done); !slices.Equal(got, []int{w}) {
		t.Errorf("the long poll returned %v, want [%d]", got, w)
	}
	getUpdates(t, api, offset(w+1))
	s.WaitConfirmed(t, w)
}

// TestJump_PollWithoutOffset is how a bot survives the jump: it long-polls
// without an offset and confirms each batch with last+1 after handling it.
func TestJump_PollWithoutOffset(t *testing.T) {
	s, api := afterAWeek(t)
	done := make(chan []tgbotapi.Update)
	go func() {
		updates, _ := api.GetUpdates(tgbotapi.UpdateConfig{Timeout: 20})
		done <- updates
	}()
	s.WaitPolling(t)
	y := s.SendText(alice, "hello again")
	if got := ids(<-done); !slices.Equal(got, []int{y}) {
		t.Fatalf("served %v, want [%d]", got, y)
	}
	if got := getUpdates(t, api, offset(y+1)); len(got) != 0 {
		t.Errorf("confirming call served %v", ids(got))
	}
	s.WaitConfirmed(t, y)
	if lost := s.Lost(); len(lost) != 0 {
		t.Errorf("Lost() = %v", lost)
	}
	if got := s.ConfirmedOffset(); got != 5001 {
		t.Errorf("ConfirmedOffset() = %d, want still the highest, 5001", got)
	}
}

func TestJump_IDs(t *testing.T) {
	t.Run("PendingIDRefused", func(t *testing.T) {
		c := &catcher{TB: t}
		s := telegramtest.NewServer(c)
		first := s.SendText(alice, "pending")
		onOwnGoroutine(func() {
			s.JumpUpdateID(first)
			s.SendText(alice, "same id")
		})
		if !strings.Contains(c.fatal, "update id 1 is still pending") {
			t.Errorf("pushing a pending id failed with %q", c.fatal)
		}
		if p := s.Pending(); !slices.Equal(p, []int{first}) {
			t.Errorf("Pending() = %v", p)
		}
	})

	t.Run("ConfirmedIDGivenAgain", func(t *testing.T) {
		s := telegramtest.NewServer(t)
		api := newBot(t, s)
		first := s.SendText(alice, "old")
		onlyUpdate(t, api, first)
		s.JumpUpdateID(first)
		again := s.SendText(alice, "new")
		if u := onlyUpdate(t, api, again); again != first || u.Message.Text != "new" {
			t.Errorf("got update %d %q, want %d new", u.UpdateID, u.Message.Text, first)
		}
		s.WaitConfirmed(t, again)
	})

	t.Run("NotPositive", func(t *testing.T) {
		c := &catcher{TB: t}
		s := telegramtest.NewServer(c)
		onOwnGoroutine(func() { s.JumpUpdateID(0) })
		if !strings.Contains(c.fatal, "positive") {
			t.Errorf("JumpUpdateID(0) failed with %q", c.fatal)
		}
	})

	t.Run("NeverPushed", func(t *testing.T) {
		s := telegramtest.NewServer(t)
		if got := fatalOf(t, func(tb testing.TB) { s.WaitConfirmed(tb, 42) }); !strings.Contains(got, "never pushed") {
			t.Errorf("WaitConfirmed(42) failed with %q", got)
		}
	})
}

func TestServer_LossesReportedAtCleanup(t *testing.T) {
	for _, allow := range []bool{false, true} {
		t.Run(fmt.Sprintf("AllowLosses=%v", allow), func(t *testing.T) {
			rec := &recorder{TB: t}
			s := telegramtest.NewServer(rec)
			api := newBot(t, s)
			if allow {
				s.AllowLosses()
			}
			s.SendText(alice, "one")
			s.SendText(alice, "two")
			last := s.SendText(alice, "three")
			// A negative offset forgets all but the last updates.
			if got := ids(getUpdates(t, api, offset(-1))); !slices.Equal(got, []int{last}) {
				t.Fatalf("offset -1 served %v, want [%d]", got, last)
			}
			if got := s.Lost(); !slices.Equal(got, []int{1, 2}) {
				t.Errorf("Lost() = %v, want [1 2]", got)
			}
			rec.end()
			switch {
			case allow && len(rec.errors) != 0:
				t.Errorf("cleanup reported %q despite AllowLosses", rec.errors)
			case !allow && (len(rec.errors) != 2 || !strings.Contains(rec.errors[0], "update 1 (message) was lost: getUpdates(offset=-1) forgot it")):
				t.Errorf("cleanup reported %q, want both losses", rec.errors)
			}
		})
	}
}
