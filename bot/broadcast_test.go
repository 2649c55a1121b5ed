package bot_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/mentorbot/mentorbot/bot"
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
	staff.expect(h.text("ru", "bc.nobody", nil))
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
	doc := h.srv.Last(staffUser.ID).Document
	rows, _ := csv.NewReader(bytes.NewReader(doc.Data)).ReadAll()
	if len(rows) != 7 || rows[1][3] != "sent" {
		t.Errorf("report CSV %v", rows)
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
		if got := staff.news(); got[0] != h.text("ru", "bc.too_long", map[string]any{"Max": 4096}) {
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
		if got[len(got)-1] != h.text("ru", "bc.scheduled", map[string]any{"ID": 4, "When": "23.11.2026 09:00"}) {
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
		if c := photos[len(photos)-1]; c.Params["chat_id"] != fmt.Sprint(ids[len(ids)-1]) || c.Params["caption"] != "8-март менен!" {
			t.Errorf("last photo %+v", c.Params)
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
	h.pace = rate.NewLimiter(rate.Limit(90), 5) // at most 95 in any second, under the server's 100
	h.progress = 3 * time.Second                // as in production
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

func TestBroadcast_Faults(t *testing.T) {
	h := newHarness(t)
	ids := manyParticipants(t, h, 40001, 8)
	h.srv.BlockedUser(ids[1])
	staff := &person{h: h, user: staffUser}
	staff.says("/broadcast")
	staff.says("Салам!")
	staff.says("Привет!")
	staff.taps(h.text("ru", "audience.participants", nil))
	h.srv.FailNext("sendMessage", telegramtest.TooManyRequests(7200), 1) // absurd: capped
	h.srv.FailNext("sendMessage", telegramtest.ServerError(), 2)
	h.srv.FailNext("sendMessage", telegramtest.BadRequest("Bad Request: chat not found"), 1)
	staff.taps(h.text("ru", "bc.send_now", nil))
	h.waitBroadcasts()
	var rs []store.Recipient
	h.db.View(func(tx *store.Tx) (err error) { rs, err = tx.Recipients(1); return err })
	states := map[store.RecipientState]int{}
	for _, r := range rs {
		states[r.State]++
	}
	if states[store.RecipientSent] != 6 || states[store.RecipientBlocked] != 1 || states[store.RecipientFailed] != 1 {
		t.Errorf("states %v", states)
	}
	if !userOf(t, h, ids[1]).Blocked {
		t.Error("the one who blocked the bot is not marked")
	}
	if !strings.Contains(h.logs.String(), "Telegram asked to wait implausibly long") {
		t.Error("absurd retry_after not logged")
	}
	if got := h.sleptFor(); len(got) < 3 || got[0] != 5*time.Minute {
		t.Errorf("waits %v: want the 2-hour retry_after capped to 5m, then backoff", got)
	}
	for _, id := range ids {
		if n := len(h.srv.Messages(id)); n > 1 {
			t.Errorf("%d got %d messages", id, n)
		}
	}
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
		_, err = bot.StartBroadcastForTest(tx, bc, nil)
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// recorder is a Messenger that counts deliveries per chat, and can die
// like a killed process after a number of sends.
type recorder struct {
	mu        sync.Mutex
	got       map[int64]int
	killAfter int // 0: never
	sends     int
}

func (r *recorder) Deliver(_ context.Context, m store.Outgoing) error {
	r.mu.Lock()
	r.got[m.ChatID]++
	r.sends++
	kill := r.killAfter > 0 && r.sends == r.killAfter
	r.mu.Unlock()
	if kill {
		runtime.Goexit() // no deferred result-writing: like kill -9
	}
	return nil
}

// A kill in the middle of a batch: after the restart everyone gets the
// announcement, and only the one being sent at the kill gets it twice.
func TestBroadcast_KillMidway(t *testing.T) {
	b, db := bareBot(t, slog.Default(), func() time.Time { return today })
	const n = 25
	runningBroadcast(t, db, 50001, n, "ky", "Салам")
	rec := &recorder{got: map[int64]int{}, killAfter: 13} // the 3rd send of the 2nd batch
	first := bot.NewBroadcaster(db, rec, b.Texts, slog.Default())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			if busy, _ := first.RunOnce(context.Background()); !busy {
				return
			}
		}
	}()
	<-done
	rec.killAfter = 0
	second := bot.NewBroadcaster(db, rec, b.Texts, slog.Default())
	for {
		busy, err := second.RunOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if !busy {
			break
		}
	}
	twice := 0
	for i := range n {
		switch got := rec.got[int64(50001+i)]; got {
		case 1:
		case 2:
			twice++
		default:
			t.Errorf("%d got it %d times", 50001+i, got)
		}
	}
	if twice != 1 {
		t.Errorf("%d got it twice, want only the one being sent at the kill", twice)
	}
}

func BenchmarkBroadcaster_PerMessage(b *testing.B) {
	bb, db := bareBot(&testing.T{}, slog.New(slog.DiscardHandler), func() time.Time { return today })
	runningBroadcast(b, db, 60001, b.N, "ky", "Салам")
	rec := &recorder{got: map[int64]int{}}
	br := bot.NewBroadcaster(db, rec, bb.Texts, slog.New(slog.DiscardHandler))
	b.ResetTimer()
	for {
		busy, err := br.RunOnce(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if !busy {
			break
		}
	}
	b.StopTimer()
	if len(rec.got) != b.N {
		b.Fatalf("sent %d of %d", len(rec.got), b.N)
	}
}

func TestBroadcast_PauseResumeCancel(t *testing.T) {
	b, db := bareBot(t, slog.New(slog.DiscardHandler), func() time.Time { return today })
	b.StaffIDs = []int64{1}
	runningBroadcast(t, db, 70001, 25, "ru", "Привет")
	rec := &recorder{got: map[int64]int{}}
	br := bot.NewBroadcaster(db, rec, b.Texts, slog.New(slog.DiscardHandler))
	update := 0
	tap := func(data string) {
		update++
		u := bot.Update{ID: update, ChatID: 1, UserID: 1, Private: true, Kind: bot.KindCallback, CallbackID: fmt.Sprint(update), CallbackData: data, MessageID: 5}
		if err := b.Handle(context.Background(), u); err != nil {
			t.Fatal(err)
		}
	}
	step := func() bool {
		busy, err := br.RunOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return busy
	}
	step()
	tap("bc:pause:1")
	if step() || len(rec.got) != 10 {
		t.Fatalf("paused broadcast sent: %d", len(rec.got))
	}
	tap("bc:resume:1")
	step()
	tap("bc:cancel:1")
	if step() || len(rec.got) != 20 {
		t.Fatalf("cancelled broadcast sent: %d", len(rec.got))
	}
	var rs []store.Recipient
	db.View(func(tx *store.Tx) (err error) { rs, err = tx.Recipients(1); return err })
	if got := countStates(rs); got[store.RecipientSent] != 20 || got[store.RecipientPending] != 5 {
		t.Errorf("states %v", got)
	}
	tap("bc:resume:1") // a cancelled broadcast stays cancelled
	if step() {
		t.Error("a cancelled broadcast resumed")
	}
}

func countStates(rs []store.Recipient) map[store.RecipientState]int {
	m := map[store.RecipientState]int{}
	for _, r := range rs {
		m[r.State]++
	}
	return m
}
