package bot_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/broadcasts"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/bot/delivery"
	"github.com/mentorbot/mentorbot/bot/telegramtest"
	"github.com/mentorbot/mentorbot/store"
)

// manyParticipants stores n participants, every third in Russian.
func manyParticipants(t *testing.T, h *harness, first int64, n int) []int64 {
	t.Helper()
	var ids []int64
	err := h.db.Update(func(tx *store.Tx) error {
		for i := range n {
			id := first + int64(i)
			lang := "ky"
			if i%3 == 0 {
				lang = "ru"
			}
			if err := tx.PutUser(store.User{ID: id, Language: lang, Roles: []store.Role{store.RoleParticipant}, CreatedAt: today}); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestBroadcast_Dialogue(t *testing.T) {
	h := newHarness(t)
	ids := manyParticipants(t, h, 20001, 6)
	staff := &person{h: h, user: staffUser}
	staff.says("/broadcast")
	staff.says("Саламатсыздарбы! Эртең жолугушуу болот.")
	staff.says("Здравствуйте! Завтра встреча.")
	staff.news()
	// Nobody in that group yet: refused.
	staff.taps(h.text("ru", "audience.deputies", nil))
	staff.expect(h.text("ru", "bc.nobody", nil), h.text("ru", "bc.audience", nil))
	staff.taps(h.text("ru", "audience.participants", nil))
	staff.expect("Здравствуйте! Завтра встреча.",
		h.text("ru", "bc.confirm", map[string]any{"Count": 6, "Ky": 4, "Ru": 2, "Audience": h.text("ru", "audience.participants", nil)}))
	staff.taps(h.text("ru", "bc.send_now", nil))
	h.waitBroadcasts()
	for i, id := range ids {
		want := "Саламатсыздарбы! Эртең жолугушуу болот."
		if i%3 == 0 {
			want = "Здравствуйте! Завтра встреча."
		}
		if msgs := h.srv.Messages(id); len(msgs) != 1 || msgs[0].Text != want {
			t.Errorf("%d got %+v, want once %q", id, msgs, want)
		}
	}
	report := h.text("ru", "bc.report", map[string]any{"ID": 1, "Sent": 6, "Blocked": 0, "Failed": 0, "Left": 0})
	if got := staff.news(); got[len(got)-1] != report {
		t.Errorf("staff's last messages %q", got)
	}
	progress := h.srv.Messages(staffUser.ID)
	if p := progress[len(progress)-2]; !p.Edited || p.Text != h.text("ru", "bc.progress", map[string]any{"ID": 1, "Sent": 6, "Total": 6, "Blocked": 0, "Failed": 0}) {
		t.Errorf("progress message %+v", p)
	}
	staff.taps(h.text("ru", "bc.csv", nil))
	rows := sheetRows(t, h.srv.Last(staffUser.ID).Document)
	if len(rows) != 7 || rows[1][3] != "sent" {
		t.Errorf("report workbook %v", rows)
	}

	t.Run("OneVersionToEveryone", func(t *testing.T) {
		staff.says("/broadcast")
		staff.taps(h.text("ru", "bc.skip", nil))
		staff.says("Только по-русски.")
		staff.taps(h.text("ru", "bc.send_one", nil))
		staff.taps(h.text("ru", "audience.participants", nil))
		staff.taps(h.text("ru", "bc.send_now", nil))
		h.waitBroadcasts()
		for _, id := range ids {
			if last := h.srv.Last(id); last.Text != "Только по-русски." {
				t.Errorf("%d got %q", id, last.Text)
			}
		}
	})
	t.Run("Refused", func(t *testing.T) {
		staff.news()
		staff.says("/broadcast")
		staff.taps(h.text("ru", "bc.skip", nil))
		staff.taps(h.text("ru", "bc.skip", nil))
		got := staff.news()
		if got[len(got)-2] != h.text("ru", "bc.empty", nil) {
			t.Errorf("empty broadcast: %q", got)
		}
		staff.says(strings.Repeat("а", 4097))
		if got := staff.news(); got[0] != h.text("ru", "bc.too_long", map[string]any{"Count": 4096}) {
			t.Errorf("too long: %q", got)
		}
		staff.taps(h.text("ru", "bc.skip", nil)) // ky
		staff.news()
		p := h.person(20100, "ru")
		p.says("/broadcast")
		p.expect(h.text("ru", "access.denied", nil), h.text("ky", "language.ask", nil)+"\n\n"+h.text("ru", "language.ask", nil))
	})
	t.Run("WithPhotoScheduled", func(t *testing.T) {
		staff.says("/broadcast")
		h.settle(h.srv.SendPhoto(staff.user, "8-март менен!"))
		staff.says("С 8 Марта!")
		staff.taps(h.text("ru", "audience.participants", nil))
		staff.taps(h.text("ru", "bc.schedule", nil))
		staff.says("2026-11-23 09:00")
		got := staff.news()
		if got[len(got)-1] != h.text("ru", "bc.scheduled", map[string]any{"ID": 3, "When": "23.11.2026 09:00"}) {
			t.Fatalf("scheduling: %q", got)
		}
		before := len(h.srv.CallsTo("sendPhoto"))
		h.tick(bishkekTime(t, "2026-11-23 08:59"))
		h.waitBroadcasts()
		if n := len(h.srv.CallsTo("sendPhoto")); n != before {
			t.Fatalf("sent early: %d photos", n-before)
		}
		h.restart() // the schedule survives a restart
		h.tick(bishkekTime(t, "2026-11-23 09:00"))
		h.waitBroadcasts()
		photos := h.srv.CallsTo("sendPhoto")[before:]
		if len(photos) != len(ids) {
			t.Fatalf("%d photos sent, want %d", len(photos), len(ids))
		}
		for _, c := range photos {
			if c.Params["photo"] != photos[0].Params["photo"] || len(c.Files) != 0 {
				t.Errorf("photo not sent by file_id: %+v", c)
			}
		}
		for i, id := range ids {
			want := "8-март менен!"
			if i%3 == 0 {
				want = "С 8 Марта!"
			}
			if c := photoTo(photos, id); c == nil || c.Params["caption"] != want {
				t.Errorf("photo to %d: %+v, want caption %q", id, c, want)
			}
		}
	})
}

// Under Telegram's flood control (scaled: the fake server allows 100
// sends a second overall and one a second per chat), a broadcast paced
// just under the limit provokes no 429 and reaches everyone once, and a
// woman chatting meanwhile still gets her answer.
func TestBroadcast_RateLimited(t *testing.T) {
	h := newHarness(t)
	h.stop()
	h.rate = 90                  // under the server's 100
	h.progress = 3 * time.Second // as in production
	h.start()
	ids := manyParticipants(t, h, 30001, 300)
	staff := &person{h: h, user: staffUser}
	staff.says("/broadcast")
	staff.says("Саламатсыздарбы!")
	staff.says("Здравствуйте!")
	staff.taps(h.text("ru", "audience.participants", nil))
	// From here on Telegram's limits hold (the dialogue above, a burst of
	// replies to one chat, is what Telegram tolerates in practice).
	h.srv.EnforceRateLimits(100, 1, time.Second)
	start := time.Now()
	staff.taps(h.text("ru", "bc.send_now", nil))
	chatter := h.person(30999, "ru")
	chatter.says("/start") // during the broadcast
	if got := chatter.news(); len(got) != 1 {
		t.Errorf("during the broadcast she got %q", got)
	}
	h.waitBroadcasts()
	// Reported, not asserted: speed is a benchmark's business, and CI's
	// machine is shared. Ideal: 300 / 90 per second = 3.33 s.
	t.Logf("300 recipients in %v: %.1f a second against a pace of 90", time.Since(start), 300/time.Since(start).Seconds())
	if n := h.srv.RateLimited(); n != 0 {
		t.Errorf("%d sends hit flood control", n)
	}
	for _, id := range ids {
		if n := len(h.srv.Messages(id)); n != 1 {
			t.Fatalf("%d got %d messages", id, n)
		}
	}
}

// Faults during a broadcast: flood control for one recipient, server
// errors, one refused for good, one who blocked the bot. Only the refused
// one and the blocked one are not reached; the report offers to send
// again to the refused one, and that reaches her once.
func TestBroadcast_Faults(t *testing.T) {
	h := newHarness(t)
	ids := manyParticipants(t, h, 40001, 8)
	staff := &person{h: h, user: staffUser}
	staff.says("/broadcast")
	staff.says("Салам!")
	staff.says("Привет!")
	staff.taps(h.text("ru", "audience.participants", nil))
	// Copies go out several at a time, so which recipient meets which
	// failure is not known in advance; what becomes of each is.
	h.srv.FailNext("sendMessage", telegramtest.TooManyRequests(7200), 1)
	h.srv.FailNext("sendMessage", telegramtest.ServerError(), 2)
	h.srv.FailNext("sendMessage", telegramtest.BadRequest("Bad Request: chat not found"), 1)
	h.srv.FailNext("sendMessage", telegramtest.Forbidden(), 1)
	staff.taps(h.text("ru", "bc.send_now", nil))
	h.waitBroadcasts()
	rs := recipients(t, h.db, 1)
	states := countStates(rs)
	if states[store.RecipientSent] != 6 || states[store.RecipientBlocked] != 1 || states[store.RecipientFailed] != 1 {
		t.Errorf("states %v", states)
	}
	var blocked, failed int64
	for _, r := range rs {
		switch r.State {
		case store.RecipientBlocked:
			blocked = r.UserID
		case store.RecipientFailed:
			failed = r.UserID
		}
	}
	if !userOf(t, h, blocked).Blocked {
		t.Error("the one who blocked the bot is not marked")
	}
	got := h.sleptFor()
	if !slices.Contains(got, 2*time.Hour) || !slices.Contains(got, time.Second) {
		t.Errorf("waits %v: want Telegram's retry_after of 2 hours for one chat, and backoff", got)
	}
	for _, id := range ids {
		want := 1
		if id == blocked || id == failed {
			want = 0
		}
		if n := len(h.srv.Messages(id)); n != want {
			t.Errorf("%d got %d messages, want %d", id, n, want)
		}
	}
	report := h.text("ru", "bc.report", map[string]any{"ID": 1, "Sent": 6, "Blocked": 1, "Failed": 1, "Left": 0})
	if last := h.srv.Last(staffUser.ID); last.Text != report {
		t.Fatalf("report %q, want %q", last.Text, report)
	}
	staff.news()
	staff.taps(h.text("ru", "bc.again", map[string]any{"Count": 1}))
	h.waitBroadcasts()
	states = countStates(recipients(t, h.db, 1))
	if states[store.RecipientSent] != 7 || states[store.RecipientBlocked] != 1 {
		t.Errorf("after sending again: states %v", states)
	}
	for _, id := range ids {
		want := 1
		if id == blocked {
			want = 0
		}
		if n := len(h.srv.Messages(id)); n != want {
			t.Errorf("%d got %d messages after sending again, want %d", id, n, want)
		}
	}
	again := h.text("ru", "bc.report", map[string]any{"ID": 1, "Sent": 7, "Blocked": 1, "Failed": 0, "Left": 0})
	if last := h.srv.Last(staffUser.ID); last.Text != again {
		t.Errorf("second report %q, want %q", last.Text, again)
	}
}

// An outage of Telegram during a broadcast loses nobody: every copy that
// failed for a passing reason is retried until it arrives.
func TestBroadcast_Outage(t *testing.T) {
	h := newHarness(t)
	ids := manyParticipants(t, h, 45001, 30)
	staff := &person{h: h, user: staffUser}
	staff.says("/broadcast")
	staff.says("Салам!")
	staff.says("Привет!")
	staff.taps(h.text("ru", "audience.participants", nil))
	// Far more failures than the old five retries a recipient.
	h.srv.FailNext("sendMessage", telegramtest.ServerError(), 200)
	staff.taps(h.text("ru", "bc.send_now", nil))
	h.waitBroadcasts()
	if states := countStates(recipients(t, h.db, 1)); states[store.RecipientSent] != len(ids) {
		t.Errorf("after the outage: %v", states)
	}
	for _, id := range ids {
		if n := len(h.srv.Messages(id)); n != 1 {
			t.Errorf("%d got %d messages", id, n)
		}
	}
}

// photoTo is the photo call to chat id, or nil.
func photoTo(calls []telegramtest.Call, id int64) *telegramtest.Call {
	for i, c := range calls {
		if c.Params["chat_id"] == fmt.Sprint(id) {
			return &calls[i]
		}
	}
	return nil
}

func recipients(t *testing.T, db *store.DB, id int) []store.Recipient {
	t.Helper()
	var rs []store.Recipient
	if err := db.View(func(tx *store.Tx) (err error) { rs, err = tx.Recipients(id); return err }); err != nil {
		t.Fatal(err)
	}
	return rs
}

// runningBroadcast stores n participants from first on and a broadcast to
// them that has started, as staff's "send now" leaves it.
func runningBroadcast(tb testing.TB, db *store.DB, first int64, n int, lang, text string) {
	tb.Helper()
	err := db.Update(func(tx *store.Tx) error {
		for i := range n {
			if err := tx.PutUser(store.User{ID: first + int64(i), Language: lang, Roles: []store.Role{store.RoleParticipant}}); err != nil {
				return err
			}
		}
		bc, err := tx.PutBroadcast(store.Broadcast{CreatedBy: 1, ProgressChat: 1, Text: map[string]string{lang: text}, Audience: "participants"})
		if err != nil {
			return err
		}
		_, err = broadcasts.Start(tx, bc, nil, today)
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// recorder is a Messenger that counts deliveries per chat; gate, if set,
// is waited on before each one.
type recorder struct {
	mu   sync.Mutex
	got  map[int64]int
	gate chan struct{}
}

func (r *recorder) Deliver(ctx context.Context, m store.Outgoing) error {
	if r.gate != nil {
		select {
		case <-r.gate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if m.Kind == store.KindMessage && m.ChatID != 1 { // 1 is staff
		r.got[m.ChatID]++
	}
	return nil
}

func (r *recorder) sent() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, c := range r.got {
		n += c
	}
	return n
}

// BenchmarkBroadcast_PerMessage is the cost of one broadcast copy through
// the outbox, unpaced, against a messenger that answers at once.
func BenchmarkBroadcast_PerMessage(b *testing.B) {
	bb, db := bareBot(&testing.T{}, slog.New(slog.DiscardHandler), func() time.Time { return today })
	runningBroadcast(b, db, 60001, b.N, "ky", "Салам")
	rec := &recorder{got: map[int64]int{}}
	out := delivery.New(db, rec, slog.New(slog.DiscardHandler))
	b.ResetTimer()
	if err := out.Flush(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	if len(rec.got) != b.N {
		b.Fatalf("sent %d of %d", len(rec.got), b.N)
	}
	_ = bb
}

// Pause takes the copies still waiting out of the outbox, resume puts
// them back, cancel ends it: nobody gets two copies, nobody a copy after
// the cancel.
func TestBroadcast_PauseResumeCancel(t *testing.T) {
	b, db := bareBot(t, slog.New(slog.DiscardHandler), func() time.Time { return today })
	b.StaffIDs = []int64{1}
	runningBroadcast(t, db, 70001, 25, "ru", "Привет")
	update := 0
	tap := func(data string) {
		update++
		u := bot.Update{ID: update, ChatID: 1, UserID: 1, Private: true, Kind: bot.KindCallback, CallbackID: fmt.Sprint(update), CallbackData: data, MessageID: 5}
		if err := b.Handle(context.Background(), u); err != nil {
			t.Fatal(err)
		}
	}
	rec := &recorder{got: map[int64]int{}}
	flush := func() {
		t.Helper()
		out := delivery.New(db, rec, slog.New(slog.DiscardHandler))
		if err := out.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	tap("bc:pause:1")
	flush()
	if n := rec.sent(); n != 0 {
		t.Fatalf("paused broadcast sent %d", n)
	}
	tap("bc:resume:1")
	flush()
	if n := rec.sent(); n != 25 {
		t.Fatalf("resumed broadcast sent %d of 25", n)
	}
	if err := broadcasts.Tend(b); err != nil {
		t.Fatal(err)
	}
	tap("bc:pause:1") // done: too late to pause
	tap("bc:cancel:1")
	states := countStates(recipients(t, db, 1))
	if states[store.RecipientSent] != 25 {
		t.Errorf("states %v", states)
	}
	var bc store.Broadcast
	db.View(func(tx *store.Tx) (err error) { bc, err = tx.Broadcast(1); return err })
	if bc.Status != store.BroadcastDone {
		t.Errorf("status %s after the end, want done", bc.Status)
	}

	// A second broadcast, cancelled before it went out.
	runningBroadcast(t, db, 71001, 5, "ru", "Пока")
	tap("bc:cancel:2")
	flush()
	tap("bc:resume:2") // a cancelled broadcast stays cancelled
	flush()
	if n := rec.sent(); n != 25 {
		t.Errorf("cancelled broadcast sent %d", n-25)
	}
	if states := countStates(recipients(t, db, 2)); states[store.RecipientPending] != 30 {
		t.Errorf("cancelled broadcast's recipients %v", states)
	}
}

func countStates(rs []store.Recipient) map[store.RecipientState]int {
	m := map[store.RecipientState]int{}
	for _, r := range rs {
		m[r.State]++
	}
	return m
}
