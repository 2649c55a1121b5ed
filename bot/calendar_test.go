package bot_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/telegramtest"
	"github.com/mentorbot/mentorbot/schedule"
	"github.com/mentorbot/mentorbot/store"
)

// participants stores people who were accepted, as publishing the
// selection's results leaves them.
func participants(t *testing.T, h *harness, langs map[int64]string) map[int64]*person {
	t.Helper()
	people := map[int64]*person{}
	err := h.db.Update(func(tx *store.Tx) error {
		for id, lang := range langs {
			u := store.User{ID: id, FirstName: "P", Language: lang, Roles: []store.Role{store.RoleParticipant}, CreatedAt: today}
			if err := tx.PutUser(u); err != nil {
				return err
			}
			people[id] = h.person(id, lang)
		}
		// Someone who only applied gets no participants' reminders.
		return tx.PutUser(store.User{ID: 10999, Language: "ru", CreatedAt: today})
	})
	if err != nil {
		t.Fatal(err)
	}
	return people
}

// bishkekTime is a time in the school's zone.
func bishkekTime(t *testing.T, s string) time.Time {
	t.Helper()
	at, err := schedule.ParseTime(s, bishkek)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

func TestCalendar_Reminders(t *testing.T) {
	h := newHarness(t)
	people := participants(t, h, map[int64]string{10001: "ky", 10002: "ru", 10003: "ru"})
	ky, ru, blocked := people[10001], people[10002], people[10003]
	h.srv.BlockedUser(blocked.user.ID)
	reminder := func(lang, title, when string) string {
		return h.text(lang, "event.reminder", map[string]any{"Title": title, "When": when}) + "\n" + h.text(lang, "event.link_later", nil)
	}
	m1ky := "Онлайн жолугушуу «Иш кандай жүрүүдө?»: талапкерлерди көрсөтүү жана каттоо боюнча тажрыйба алмашуу"
	m1ru := "Онлайн-встреча «Как идут дела?»: обмен опытом выдвижения и регистрации кандидатов"

	// Nothing before its time.
	h.tick(bishkekTime(t, "2027-03-03 14:58"))
	for _, p := range people {
		for _, m := range p.news() {
			if strings.Contains(m, "«Как идут дела?»") || strings.Contains(m, "«Иш кандай") {
				t.Fatalf("%d reminded early: %q", p.user.ID, m)
			}
		}
	}
	// A day before 4 March 15:00: each in her language, with the buttons.
	h.tick(bishkekTime(t, "2027-03-03 15:00"))
	ky.expect(reminder("ky", m1ky, "04.03.2027 15:00"))
	ru.expect(reminder("ru", m1ru, "04.03.2027 15:00"))
	if b := h.srv.Last(ru.user.ID).Buttons; len(b) != 1 || b[0][0].Text != "✅ Приду" || b[0][1].Text != "❌ Не смогу" {
		t.Errorf("reminder buttons %+v", b)
	}
	// The one who blocked the bot is recorded as such; the others got theirs.
	if !userOf(t, h, blocked.user.ID).Blocked {
		t.Error("a 403 on a reminder did not mark her blocked")
	}
	if got := h.srv.CallsTo("sendMessage"); len(got) != 3 {
		t.Errorf("%d sendMessage calls, want 3 (two reminders, one refused)", len(got))
	}
	// The cron job runs again in the same minute, and after a restart: once only.
	h.tick(bishkekTime(t, "2027-03-03 15:01"))
	h.restart()
	h.tick(bishkekTime(t, "2027-03-03 15:02"))
	ky.expect()
	ru.expect()

	// RSVP from the reminder.
	ky.taps("✅ Келем")
	ru.taps("❌ Не смогу")

	// An hour before.
	h.tick(bishkekTime(t, "2027-03-04 14:00"))
	ky.expect(reminder("ky", m1ky, "04.03.2027 15:00"))
	ru.expect(reminder("ru", m1ru, "04.03.2027 15:00"))

	// After the meeting: the follow-up, not to the one who said she could not come.
	h.tick(bishkekTime(t, "2027-03-04 17:00"))
	ky.expect(h.text("ky", "event.followup", map[string]any{"Title": m1ky}))
	ru.expect()
	ky.taps("Ооба, катыштым")
	ky.taps("4")
	ky.says("Пайдалуу болду, рахмат!")
	ky.news()

	// The greeting of 8 March.
	h.tick(bishkekTime(t, "2027-03-08 09:00"))
	ky.expect("🌷 Эл аралык аялдар күнү менен куттуктайбыз! Шайлоо өнөктүгүңүздө ийгилик жана күч-кубат каалайбыз.")
	ru.expect("🌷 Поздравляем с Международным женским днём! Желаем сил и удачи в вашей кампании.")

	// Staff see the plan against who came.
	staff := &person{h: h, user: staffUser}
	staff.says("/attendance meeting-1")
	staff.expect(h.text("ru", "attendance.report", map[string]any{
		"Title": m1ru, "Planned": 2, "Yes": 1, "No": 1, "Came": 1, "Share": "50%", "Rated": 1, "Rating": "4",
	}) + "\n\n" + h.text("ru", "attendance.comments", nil) + "\n• Пайдалуу болду, рахмат!")

	// The bot is down across the 30 March day-before reminder: it goes out
	// once when the bot comes back.
	h.stop()
	h.clock.Set(bishkekTime(t, "2027-03-29 18:30"))
	h.start()
	h.waitOutbox()
	m2ru := "Онлайн-встреча «Как идут дела?»: обмен опытом избирательных кампаний"
	ru.expect(reminder("ru", m2ru, "30.03.2027 15:00"))
	h.tick(bishkekTime(t, "2027-03-29 18:31"))
	ru.expect()

	// Moved twice: everyone is told each time; the day-before reminder she
	// already had is not sent again, the hour-before one comes once.
	staff.says("/event_move meeting-2 2027-04-01 15:00")
	staff.says("/event_move meeting-2 2027-04-02 15:00")
	ru.expect(
		h.text("ru", "event.moved", map[string]any{"Title": m2ru, "When": "01.04.2027 15:00"})+"\n"+h.text("ru", "event.link_later", nil),
		h.text("ru", "event.moved", map[string]any{"Title": m2ru, "When": "02.04.2027 15:00"})+"\n"+h.text("ru", "event.link_later", nil))
	h.tick(bishkekTime(t, "2027-03-30 15:00")) // the old times: nothing
	h.tick(bishkekTime(t, "2027-04-01 15:00")) // the new day-before: already had it
	ru.expect()
	h.tick(bishkekTime(t, "2027-04-02 14:00"))
	ru.expect(reminder("ru", m2ru, "02.04.2027 15:00"))
	h.tick(bishkekTime(t, "2027-04-02 14:30"))
	ru.expect()
}

func TestCalendar_StaffEventsAndBadInput(t *testing.T) {
	h := newHarness(t)
	people := participants(t, h, map[int64]string{10101: "ru"})
	p := people[10101]
	staff := &person{h: h, user: staffUser}

	// A reminder that fell due while the bot was down, for an event that
	// has started since, is dropped with a log line.
	h.stop()
	h.clock.Set(bishkekTime(t, "2027-03-04 15:30"))
	h.start()
	h.waitOutbox()
	if !strings.Contains(h.logs.String(), "reminder dropped: the event has started") {
		t.Error("no log line for the dropped reminder")
	}
	for _, m := range p.news() {
		if strings.HasPrefix(m, "🔔") {
			t.Errorf("late reminder sent: %q", m)
		}
	}
	h.clock.Set(bishkekTime(t, "2027-03-05 10:00"))

	staff.says("/event_move nope 2027-05-01 15:00")
	staff.expect(h.text("ru", "event.err.not_found", map[string]any{"ID": "nope"}))
	staff.news()
	addMeeting(staff, "01.05.2027 15:00", "Жолугушуу", "Встреча по бюджету", "https://meet.example.org/budget", "participants")
	staff.expect(h.text("ru", "event.added", map[string]any{"ID": "e-0501-1", "When": "01.05.2027 15:00", "Count": 1}))
	p.says("/schedule")
	if got := strings.Join(p.news(), "\n"); !strings.Contains(got, "• 01.05.2027 15:00 — Встреча по бюджету\n  https://meet.example.org/budget") ||
		!strings.Contains(got, h.text("ru", "schedule.stage", map[string]any{"Stage": h.text("ru", "stage.IV", nil)})) {
		t.Errorf("schedule:\n%s", got)
	}

	// The reminder carries the link as a "Join" button above the RSVP
	// ones, not in its text; so does the notice that it moved.
	link := "https://meet.example.org/budget"
	h.tick(bishkekTime(t, "2027-04-30 15:00"))
	p.expect("🔔 Напоминание: Встреча по бюджету\n01.05.2027 15:00 (время Бишкека)")
	if got := h.srv.Last(p.user.ID).Buttons; !slices.EqualFunc(got, [][]telegramtest.Button{
		{{Text: "Подключиться", URL: link}},
		{{Text: "✅ Приду", Data: "rsvp:e-0501-1:yes"}, {Text: "❌ Не смогу", Data: "rsvp:e-0501-1:no"}},
	}, slices.Equal) {
		t.Errorf("reminder buttons %+v", got)
	}
	staff.says("/event_move e-0501-1 01.05.2027 16:00")
	p.expect("📅 Перенос: Встреча по бюджету\nНовое время: 01.05.2027 16:00 (время Бишкека)")
	if got := h.srv.Last(p.user.ID).Buttons; !slices.EqualFunc(got, [][]telegramtest.Button{{{Text: "Подключиться", URL: link}}}, slices.Equal) {
		t.Errorf("moved notice buttons %+v", got)
	}
	staff.news()

	// A cancelled meeting has nothing to join: no link, no button.
	staff.says("/event_cancel e-0501-1")
	p.expect("❌ Отменено: Встреча по бюджету\n(было назначено на 01.05.2027 16:00)")
	if got := h.srv.Last(p.user.ID).Buttons; len(got) != 0 {
		t.Errorf("cancelled notice buttons %+v", got)
	}
	h.tick(bishkekTime(t, "2027-05-01 15:00"))
	h.tick(bishkekTime(t, "2027-05-01 16:00"))
	p.expect() // a cancelled event sends nothing more

}

// addMeeting has staff add an online meeting with /event_add, reminded a
// day and an hour before, and reads the preview.
func addMeeting(staff *person, when, titleKy, titleRu, link, audience string) {
	staff.h.t.Helper()
	ru := func(key string) string { return staff.h.text("ru", key, nil) }
	staff.says("/event_add")
	staff.taps(ru("event_add.kind.meeting"))
	staff.says(when)
	staff.says(titleKy)
	staff.says(titleRu)
	staff.says(link)
	staff.taps(ru("audience." + audience))
	staff.taps(ru("event_add.remind.day_hour"))
	staff.taps(ru("event_add.no_plan_button"))
	staff.news()
	staff.taps(ru("event_add.save"))
}

// The calendar, not the code, says when the form opens and closes.
func TestCalendar_StageIOpensTheForm(t *testing.T) {
	h := newHarness(t)
	h.clock.Set(bishkekTime(t, "2026-11-08 12:00"))
	p := h.person(10201, "ru")
	p.says("/start")
	p.taps("Русский")
	p.taps(h.text("ru", "consent.yes", nil))
	got := p.news()
	if want := h.text("ru", "app.not_open", map[string]any{"Date": "09.11.2026"}); got[len(got)-1] != want {
		t.Fatalf("before stage I: %q", got)
	}
	h.clock.Set(bishkekTime(t, "2026-11-09 00:00"))
	p.says("/start")
	if got := p.news(); !strings.HasSuffix(got[len(got)-1], h.text("ru", "form.full_name.ask", nil)) {
		t.Fatalf("in stage I: %q", got)
	}
}
