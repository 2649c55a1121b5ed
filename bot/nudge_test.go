package bot_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/store"
)

// nudgeText is the reminder to finish in lang, as she sees it.
func nudgeText(h *harness, lang string) string {
	return h.text(lang, "nudge.text", map[string]any{"Deadline": "11.12.2026"})
}

// quietAfterName starts the form at the given time and answers only her
// name, then looks at nothing more: she went quiet.
func quietAfterName(t *testing.T, h *harness, id int64, at time.Time) *person {
	t.Helper()
	h.clock.Set(at)
	p := startForm(t, h, id)
	p.says("Асанова Айгүл")
	p.news()
	return p
}

// funnelLine is the first line of /applications' head after the counts.
func funnelLine(started, submitted, reminded, cameBack int) string {
	return "Начали анкету: " + strconv.Itoa(started) + ", отправили: " + strconv.Itoa(submitted) +
		", получили напоминание: " + strconv.Itoa(reminded) + ", вернулись после напоминания: " + strconv.Itoa(cameBack) + "."
}

func TestNudge_ThreeAtTheirTimesInTheWindow(t *testing.T) {
	h := newHarness(t)
	// Quiet from Sunday 22.11 10:00: two days later is in the window.
	p := quietAfterName(t, h, 7101, bishkekTime(t, "2026-11-22 10:00"))
	// Quiet from 23.11 21:30: two days later is night; it waits for 10:00.
	night := quietAfterName(t, h, 7102, bishkekTime(t, "2026-11-23 21:30"))

	h.tick(bishkekTime(t, "2026-11-24 09:59"))
	p.expect()
	h.tick(bishkekTime(t, "2026-11-24 10:00"))
	p.expect(nudgeText(h, "ky"))
	if b := h.srv.Last(p.user.ID).Buttons; len(b) != 2 || b[0][0].Text != "▶️ Улантуу" || b[1][0].Text != "🔕 Эскертпегиле" {
		t.Errorf("reminder buttons %+v", b)
	}
	h.tick(bishkekTime(t, "2026-11-25 21:30"))
	night.expect()
	h.tick(bishkekTime(t, "2026-11-26 09:59"))
	night.expect()
	h.tick(bishkekTime(t, "2026-11-26 10:00"))
	night.expect(nudgeText(h, "ky"))

	// No second silence reminder without an answer between; then three
	// days and one day before the deadline (17:00, in the window).
	// Quiet from 6.12 16:00: her silence reminder is an hour before the
	// three-days one, which is left out (a day apart at least).
	close := quietAfterName(t, h, 7103, bishkekTime(t, "2026-12-06 16:00"))
	h.tick(bishkekTime(t, "2026-12-08 16:00"))
	close.expect(nudgeText(h, "ky"))
	h.tick(bishkekTime(t, "2026-12-08 16:59"))
	p.expect()
	h.tick(bishkekTime(t, "2026-12-08 17:00"))
	p.expect(nudgeText(h, "ky"))
	night.expect(nudgeText(h, "ky"))
	close.expect()
	h.tick(bishkekTime(t, "2026-12-10 17:00"))
	p.expect(nudgeText(h, "ky"))
	night.expect(nudgeText(h, "ky"))
	close.expect(nudgeText(h, "ky"))
	// Three in all: nothing more, whatever the clock does.
	h.tick(bishkekTime(t, "2026-12-11 16:59"))
	p.expect()
	night.expect()
	close.expect()

	staff := &person{h: h, user: staffUser}
	staff.says("/applications")
	if got := staff.news(); len(got) != 1 || !strings.Contains(got[0], "\n"+funnelLine(3, 0, 3, 0)+"\n") {
		t.Errorf("staff see %q, want the line %q", got, funnelLine(3, 0, 3, 0))
	}
}

func TestNudge_NoneAfterSubmission(t *testing.T) {
	h := newHarness(t)
	p := startForm(t, h, 7201)
	upTo(t, p, "")
	p.taps(h.text("ky", "summary.submit", nil))
	p.news()
	for _, at := range []string{"2026-11-24 10:00", "2026-12-08 17:00", "2026-12-10 17:00", "2026-12-11 16:00"} {
		h.tick(bishkekTime(t, at))
		p.expect()
	}
	if n := dueFinish(t, h); n != 0 {
		t.Errorf("%d reminders to finish still planned after she submitted", n)
	}
}

// dueFinish counts the reminders to finish planned in the store.
func dueFinish(t *testing.T, h *harness) int {
	t.Helper()
	n := 0
	err := h.db.View(func(tx *store.Tx) error {
		items, err := tx.DueUntil(time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC))
		for _, d := range items {
			if d.Kind == store.DueFinish {
				n++
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestNudge_DontRemindMe(t *testing.T) {
	h := newHarness(t)
	p := quietAfterName(t, h, 7301, bishkekTime(t, "2026-11-22 10:00"))
	h.tick(bishkekTime(t, "2026-11-24 10:00"))
	p.expect(nudgeText(h, "ky"))
	msg := h.srv.Last(p.user.ID)
	p.taps("🔕 Эскертпегиле")
	if got := shown(t, p, msg.ID); got.Text != h.text("ky", "nudge.stopped", nil) || len(got.Buttons) != 0 {
		t.Errorf("after her tap the reminder reads %q with %v", got.Text, got.Buttons)
	}
	p.news()
	for _, at := range []string{"2026-12-08 17:00", "2026-12-10 17:00"} {
		h.tick(bishkekTime(t, at))
		p.expect()
	}
	// Answering again does not bring them back.
	p.says("/start")
	p.news()
	h.tick(bishkekTime(t, "2026-12-10 17:00"))
	p.expect()
	if n := dueFinish(t, h); n != 0 {
		t.Errorf("%d reminders planned after \"Don't remind me\"", n)
	}
}

func TestNudge_RestartAcrossItsTime(t *testing.T) {
	h := newHarness(t)
	p := quietAfterName(t, h, 7401, bishkekTime(t, "2026-11-22 10:00"))
	h.stop()
	h.clock.Set(bishkekTime(t, "2026-11-24 12:30")) // down at 10:00
	h.start()
	h.waitOutbox()
	p.expect(nudgeText(h, "ky"))
	h.restart()
	h.waitOutbox()
	h.tick(bishkekTime(t, "2026-11-24 12:31"))
	p.expect() // once only
}

func TestNudge_NothingAfterTheDeadline(t *testing.T) {
	h := newHarness(t)
	// Quiet from 9.12 12:00: next is one day before the deadline (10.12
	// 17:00), before the silence one (11.12 12:00).
	p := quietAfterName(t, h, 7501, bishkekTime(t, "2026-12-09 12:00"))
	if n := dueFinish(t, h); n != 1 {
		t.Fatalf("%d reminders planned, want 1", n)
	}
	h.stop()
	h.clock.Set(bishkekTime(t, "2026-12-11 17:00")) // down until the deadline
	h.start()
	h.waitOutbox()
	h.tick(bishkekTime(t, "2026-12-13 12:00"))
	p.expect()
	if n := dueFinish(t, h); n != 0 {
		t.Errorf("%d reminders planned after the deadline", n)
	}
}

func TestNudge_ContinueAsksHerQuestion(t *testing.T) {
	h := newHarness(t)
	h.clock.Set(bishkekTime(t, "2026-11-22 10:00"))
	p := startForm(t, h, 7601)
	p.says("Асанова Айгүл")
	asked := p.news()
	question := asked[len(asked)-1]
	h.tick(bishkekTime(t, "2026-11-24 10:00"))
	p.expect(nudgeText(h, "ky"))
	msg := h.srv.Last(p.user.ID)
	p.taps("▶️ Улантуу")
	p.expect(question)
	if got := shown(t, p, msg.ID); got.Text != nudgeText(h, "ky") || len(got.Buttons) != 0 {
		t.Errorf("after Continue the reminder reads %q with %v", got.Text, got.Buttons)
	}
	staff := &person{h: h, user: staffUser}
	staff.says("/applications")
	if got := staff.news(); len(got) != 1 || !strings.Contains(got[0], "\n"+funnelLine(1, 0, 1, 1)+"\n") {
		t.Errorf("staff see %q, want the line %q", got, funnelLine(1, 0, 1, 1))
	}
	// The Russian reminder, for a woman who chose Russian.
	h.clock.Set(bishkekTime(t, "2026-11-25 11:00"))
	ru := h.person(7602, "ru")
	ru.says("/start")
	ru.taps("Русский")
	ru.taps("Согласна")
	ru.news()
	h.tick(bishkekTime(t, "2026-11-27 11:00"))
	ru.expect(nudgeText(h, "ru"))
}
