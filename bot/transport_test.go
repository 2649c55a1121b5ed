package bot_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/school"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/bot/telegramtest"
	"github.com/mentorbot/mentorbot/locales"
	"github.com/mentorbot/mentorbot/store"
)

func TestPolling_UndecodableUpdateIsSkipped(t *testing.T) {
	h := newHarness(t)
	// message_id as a string: the library cannot decode this update, and
	// before the fix one such update stalled every later poll.
	bad := h.srv.PushRaw(`{"message":{"message_id":"oops","date":1,"chat":{"id":7001,"type":"private"},"text":"hi"}}`)
	p := h.person(7001, "ru")
	p.says("/start")
	if got := p.news(); len(got) != 1 {
		t.Fatalf("after a poisoned update she sees %q", got)
	}
	if h.srv.ConfirmedOffset() <= bad {
		t.Error("the undecodable update was never confirmed")
	}
	if !strings.Contains(h.logs.String(), "cannot decode update") {
		t.Error("the skipped update was not logged")
	}
}

func TestPolling_ConflictAndServerErrors(t *testing.T) {
	h := newHarness(t)
	h.srv.FailNext("getUpdates", telegramtest.Conflict(), 1)
	h.srv.FailNext("getUpdates", telegramtest.ServerError(), 2)
	h.srv.FailNext("getUpdates", telegramtest.TooManyRequests(3), 1)
	p := h.person(7002, "ru")
	p.says("/start")
	if got := p.news(); len(got) != 1 {
		t.Fatalf("she sees %q", got)
	}
	if !strings.Contains(h.logs.String(), "another copy of this bot is polling") {
		t.Errorf("409 not explained in the log:\n%s", h.logs.String())
	}
}

func TestDelivery_TooManyRequestsWaitsAndSendsOnce(t *testing.T) {
	h := newHarness(t)
	h.srv.FailNext("sendMessage", telegramtest.TooManyRequests(7), 1)
	p := h.person(7003, "ru")
	p.says("/start")
	if got := p.news(); len(got) != 1 {
		t.Fatalf("she sees %q", got)
	}
	if !slices.Contains(h.sleptFor(), 7*time.Second) {
		t.Errorf("outbox waited %v, want retry_after 7s", h.sleptFor())
	}
	if n := len(h.srv.CallsTo("sendMessage")); n != 2 {
		t.Errorf("%d sendMessage calls, want 2 (refused, then sent)", n)
	}
}

func TestDelivery_ServerErrorsAreRetried(t *testing.T) {
	h := newHarness(t)
	h.srv.FailNext("sendMessage", telegramtest.ServerError(), 2)
	p := h.person(7004, "ru")
	p.says("/start")
	if got := p.news(); len(got) != 1 {
		t.Fatalf("she sees %q", got)
	}
	if got, want := h.sleptFor(), []time.Duration{time.Second, 2 * time.Second}; !slices.Equal(got, want) {
		t.Errorf("backoff %v, want %v", got, want)
	}
}

func TestDelivery_BlockedUserIsRecordedAndSkipped(t *testing.T) {
	h := newHarness(t)
	p := h.person(7005, "ru")
	p.says("/start")
	p.news()
	h.srv.FailNext("sendMessage", telegramtest.Forbidden(), 1)
	p.taps("Русский")
	if !userOf(t, h, p.user.ID).Blocked {
		t.Fatal("403 did not mark her as blocked")
	}
	if !strings.Contains(h.logs.String(), "blocked the bot") {
		t.Error("block not logged")
	}
	// She unblocks and writes again: she is served.
	p.says("/start")
	if userOf(t, h, p.user.ID).Blocked {
		t.Error("still marked blocked after she wrote")
	}
	if got := p.news(); len(got) == 0 {
		t.Error("no answer after she came back")
	}
}

func TestMembership_BlockAndUnblock(t *testing.T) {
	h := newHarness(t)
	p := h.person(7006, "ky")
	p.says("/start")
	h.settle(h.srv.Block(p.user))
	if !userOf(t, h, p.user.ID).Blocked {
		t.Fatal("my_chat_member kicked not recorded")
	}
	h.settle(h.srv.Unblock(p.user))
	if userOf(t, h, p.user.ID).Blocked {
		t.Fatal("my_chat_member member not recorded")
	}
	// A stranger who blocks the bot leaves no trace.
	stranger := h.person(7007, "ky")
	h.settle(h.srv.Block(stranger.user))
	err := h.db.View(func(tx *store.Tx) error { _, err := tx.User(stranger.user.ID); return err })
	if err == nil {
		t.Error("a stranger's block stored a user")
	}
}

func userOf(t *testing.T, h *harness, id int64) store.User {
	t.Helper()
	return stored(t, h, func(tx *store.Tx) (store.User, error) { return tx.User(id) })
}

// bareBot is a bot with no Telegram around it, on a fresh file.
func bareBot(t testing.TB, log *slog.Logger, now func() time.Time) (*bot.Bot, *store.DB) {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "m.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	texts, err := locales.New(log)
	if err != nil {
		t.Fatal(err)
	}
	return bot.New(bot.Options{DB: db, Texts: texts, Log: log, Location: bishkek, Deadline: deadline, Now: now, Features: school.Features()}), db
}

// An update Telegram sends twice (the bot crashed before confirming it)
// is applied once: her answer is stored once, the reply queued once.
func TestHandle_RedeliveredUpdateAppliedOnce(t *testing.T) {
	b, db := bareBot(t, slog.Default(), func() time.Time { return today })
	u := bot.Update{ID: 42, ChatID: 1, UserID: 1, Private: true, Kind: bot.KindText, Text: "/start", Command: "start"}
	for range 2 {
		if err := b.Handle(context.Background(), u); err != nil {
			t.Fatal(err)
		}
	}
	items, err := db.Outbox(10)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 {
		t.Fatalf("%d replies queued, want 1", len(items))
	}
}

// A panic in a handler is logged, she gets an apology, and the update is
// not retried forever.
func TestHandle_PanicBecomesApology(t *testing.T) {
	var logs syncBuffer
	b, db := bareBot(t, slog.New(slog.NewTextHandler(&logs, nil)), panicOnce())
	texts := b.Texts
	u := bot.Update{ID: 1, ChatID: 5, UserID: 5, Private: true, Kind: bot.KindText, Text: "/start", Command: "start", LangCode: "ru"}
	if err := b.Handle(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	items, _ := db.Outbox(10)
	if len(items) != 1 || items[0].Outgoing.Text != texts.Text("ru", "error.internal", nil) {
		t.Fatalf("queued %+v", items)
	}
	if !strings.Contains(logs.String(), "clock broke") {
		t.Errorf("panic not logged: %s", logs.String())
	}
	handled, err := db.HandleUpdate(1, func(*store.Tx) error { return nil })
	if err != nil || handled {
		t.Errorf("update not marked handled after the panic: %v %v", handled, err)
	}
}

// panicOnce is a clock that panics the first time it is read.
func panicOnce() func() time.Time {
	first := true
	return func() time.Time {
		if first {
			first = false
			panic("clock broke")
		}
		return today
	}
}

// kill -9 after an update was handled but before Telegram heard it was:
// on restart Telegram sends it again; her answer is applied once and the
// reply queued before the crash is delivered once.
func TestCrash_AfterHandlingBeforeConfirming(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mentorbot.db")
	b, db := bareBot(t, slog.Default(), func() time.Time { return today })
	// The first process handled update 1 and died before delivering and
	// before confirming: what it left is the file.
	u := bot.Update{ID: 1, ChatID: 7100, UserID: 7100, Private: true, Kind: bot.KindText, Text: "/start", Command: "start", LangCode: "ru"}
	if err := b.Handle(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	if err := copyDB(db, path); err != nil {
		t.Fatal(err)
	}

	h := newHarnessOn(t, path, nil)
	p := h.person(7100, "ru")
	h.settle(h.srv.SendText(p.user, "/start")) // Telegram redelivers it as update 1
	if got := p.news(); len(got) != 1 {
		t.Fatalf("after the restart she sees %q, want the one reply", got)
	}
	if n := len(h.srv.CallsTo("sendMessage")); n != 1 {
		t.Errorf("%d sendMessage calls, want 1", n)
	}
}

// copyDB writes a consistent copy of db to path, as the file would be on
// disk after the process died.
func copyDB(db *store.DB, path string) error {
	data, err := os.ReadFile(db.Path())
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o600)
}
