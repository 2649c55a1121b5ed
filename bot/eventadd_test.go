package bot_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/telegramtest"
	"github.com/mentorbot/mentorbot/store"
)

// storedEvent reads an event from the bot's database.
func storedEvent(t *testing.T, h *harness, id string) store.Event {
	t.Helper()
	var e store.Event
	err := h.db.View(func(tx *store.Tx) (err error) {
		e, err = tx.Event(id)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// /event_add asks step by step, refuses what cannot be an event kindly,
// shows a preview with how many it reaches, and lets staff change a part
// before saving; dates are typed as the bot writes them.
func TestEventAdd_Meeting(t *testing.T) {
	h := newHarness(t)
	h.clock.Set(bishkekTime(t, "2027-03-05 10:00"))
	p := participants(t, h, map[int64]string{10601: "ru"})[10601]
	staff := &person{h: h, user: staffUser}
	ru := func(key string, data any) string { return h.text("ru", key, data) }
	example := map[string]any{"Example": "12.03.2027 10:00"}

	staff.says("/event_add")
	staff.expect(ru("event_add.kind", nil))
	staff.taps(ru("event_add.kind.meeting", nil))
	staff.expect(ru("event_add.when", example))
	staff.says("01.02.2027 15:00")
	staff.expect(ru("bc.past", map[string]any{"When": "01.02.2027 15:00"}), ru("event_add.when", example))
	staff.says("30.02.2027 15:00")
	staff.expect(ru("input.need_date_time", example), ru("event_add.when", example))
	staff.says("01.05.2027 15:00")
	staff.expect(ru("event_add.title_ky", nil))
	staff.says("Бюджет боюнча жолугушуу")
	staff.expect(ru("event_add.title_ru", nil))
	staff.says("Встреча по бюджету")
	staff.expect(ru("event_add.link", nil))
	staff.says("meet.example.org/budget")
	staff.expect(ru("event.err.link", nil), ru("event_add.link", nil))
	staff.says("https://meet.example.org/budget")
	staff.expect(ru("event_add.audience", nil))
	staff.taps(ru("audience.participants", nil))
	staff.expect(ru("event_add.remind", nil))
	staff.taps(ru("event_add.remind.day_hour", nil))
	staff.expect(ru("event_add.plan", nil))
	staff.says("сорок")
	staff.expect(ru("input.need_number", nil), ru("event_add.plan", nil))
	staff.says("40")
	preview := func(when string) string {
		return strings.Join([]string{
			ru("event_add.preview", nil),
			"Вид: " + ru("event_add.kind.meeting", nil),
			"Когда: " + when,
			"Название (кырг.): Бюджет боюнча жолугушуу",
			"Название (рус.): Встреча по бюджету",
			"Ссылка: https://meet.example.org/budget",
			"Кому: " + ru("audience.participants", nil) + " (1 человек)",
			"Напоминания: " + ru("event_add.remind.day_hour", nil),
			"Плановая посещаемость: 40",
		}, "\n")
	}
	staff.expect(preview("01.05.2027 15:00"))
	if got := buttonTexts(h.srv.Last(staffUser.ID).Buttons); !slices.Equal(got, []string{
		ru("event_add.save", nil), ru("event_add.change", nil), ru("dialogue.back", nil), ru("dialogue.cancel", nil)}) {
		t.Errorf("preview buttons %q", got)
	}

	// Change the time: after it, straight back to the preview.
	staff.taps(ru("event_add.change", nil))
	staff.expect(ru("event_add.what_to_change", nil))
	staff.taps(ru("event_add.field.when", nil))
	staff.expect(ru("event_add.when", example))
	staff.says("2027-05-02 15:00")
	staff.expect(preview("02.05.2027 15:00"))
	staff.taps(ru("event_add.save", nil))
	staff.expect("Добавлено: e-0502-1, 02.05.2027 15:00. Напоминания получат 1 человек.")

	e := storedEvent(t, h, "e-0502-1")
	if e.Kind != store.EventMeeting || !e.At.Equal(bishkekTime(t, "2027-05-02 15:00")) || e.Title["ky"] != "Бюджет боюнча жолугушуу" ||
		e.Title["ru"] != "Встреча по бюджету" || e.Link != "https://meet.example.org/budget" || e.Audience != "participants" ||
		!slices.Equal(e.Remind, []time.Duration{24 * time.Hour, time.Hour}) || e.Source != "chat" || e.Planned != 40 {
		t.Fatalf("stored %+v", e)
	}
	p.says("/schedule")
	if got := strings.Join(p.news(), "\n"); !strings.Contains(got, "• 02.05.2027 15:00 — Встреча по бюджету\n  https://meet.example.org/budget") {
		t.Errorf("schedule:\n%s", got)
	}
	h.tick(bishkekTime(t, "2027-05-01 15:00"))
	if got := p.news(); len(got) != 1 || !strings.HasPrefix(got[0], "🔔") {
		t.Errorf("a day before: %q", got)
	}

	// Moved with the time asked, typed as the bot writes it.
	staff.says("/event_move e-0502-1")
	staff.expect(ru("event_move.when", map[string]any{"ID": "e-0502-1", "Example": "08.05.2027 15:00"}))
	staff.says("03.05.2027 16:00")
	staff.expect(ru("event.moved_done", map[string]any{"ID": "e-0502-1", "When": "03.05.2027 16:00", "Count": 1}))
	staff.says("/event_move e-0502-1 04.05.2027 16:00")
	staff.expect(ru("event.moved_done", map[string]any{"ID": "e-0502-1", "When": "04.05.2027 16:00", "Count": 1}))
	staff.says("/event_move e-0502-1 31.04.2027 16:00")
	staff.expect(ru("event.err.date", map[string]any{"Input": "31.04.2027 16:00", "Example": "08.05.2027 15:00"}))
	staff.says("/attendance")
	staff.expect(ru("event.pick", map[string]any{"Command": "attendance"}))
}

// A greeting has its message and no link or reminders; turned into a
// meeting from the preview, the link and reminders it now needs are
// asked before the preview comes back.
func TestEventAdd_GreetingChangedToMeeting(t *testing.T) {
	h := newHarness(t)
	h.clock.Set(bishkekTime(t, "2027-03-01 10:00"))
	staff := &person{h: h, user: staffUser}
	ru := func(key string, data any) string { return h.text("ru", key, data) }

	staff.says("/event_add")
	staff.taps(ru("event_add.kind.greeting", nil))
	staff.says("08.03.2027 09:00")
	staff.says("8-март")
	staff.says("8 Марта")
	staff.expect(ru("event_add.kind", nil)+"\n\n→ "+ru("event_add.kind.greeting", nil), ru("event_add.when", map[string]any{"Example": "08.03.2027 10:00"}),
		ru("event_add.title_ky", nil), ru("event_add.title_ru", nil), ru("event_add.text_ky", nil))
	staff.says("Куттуктайбыз!")
	staff.says("Поздравляем!")
	staff.expect(ru("event_add.text_ru", nil), ru("event_add.audience", nil))
	staff.taps(ru("audience.oblast", nil))
	staff.expect(ru("event_add.audience", nil))
	staff.taps(ru("form.oblast.opt.naryn", nil))
	greeting := strings.Join([]string{
		ru("event_add.preview", nil),
		"Вид: " + ru("event_add.kind.greeting", nil),
		"Когда: 08.03.2027 09:00",
		"Название (кырг.): 8-март",
		"Название (рус.): 8 Марта",
		"Текст (кырг.): Куттуктайбыз!",
		"Текст (рус.): Поздравляем!",
		"Кому: " + ru("event_add.reaches", map[string]any{"Audience": ru("audience.oblast", nil) + ": " + ru("form.oblast.opt.naryn", nil), "Count": 0}),
	}, "\n")
	staff.expect(greeting)

	staff.taps(ru("event_add.change", nil))
	staff.taps(ru("event_add.field.kind", nil))
	staff.taps(ru("event_add.kind.meeting", nil))
	staff.expect(ru("event_add.what_to_change", nil)+"\n\n→ "+ru("event_add.field.kind", nil),
		ru("event_add.kind", nil)+"\n\n→ "+ru("event_add.kind.meeting", nil), ru("event_add.link", nil))
	staff.says("https://meet.example.org/march")
	staff.expect(ru("event_add.remind", nil))
	staff.taps(ru("event_add.remind.hour", nil))
	staff.expect(ru("event_add.plan", nil))
	staff.taps(ru("event_add.no_plan_button", nil))
	staff.expect(strings.Join([]string{
		ru("event_add.preview", nil),
		"Вид: " + ru("event_add.kind.meeting", nil),
		"Когда: 08.03.2027 09:00",
		"Название (кырг.): 8-март",
		"Название (рус.): 8 Марта",
		"Ссылка: https://meet.example.org/march",
		"Кому: " + ru("event_add.reaches", map[string]any{"Audience": ru("audience.oblast", nil) + ": " + ru("form.oblast.opt.naryn", nil), "Count": 0}),
		"Напоминания: " + ru("event_add.remind.hour", nil),
		"Плановая посещаемость: " + ru("event_add.no_plan", nil),
	}, "\n"))
	staff.taps(ru("event_add.save", nil))
	e := storedEvent(t, h, "e-0308-1")
	if e.Kind != store.EventMeeting || e.Audience != "oblast:naryn" || e.Link != "https://meet.example.org/march" ||
		!slices.Equal(e.Remind, []time.Duration{time.Hour}) || e.Planned != 0 {
		t.Fatalf("stored %+v", e)
	}
}

// The ways out and back of /event_add: Back to the step before with the
// answer kept, a stale button, a command in the middle, /cancel asking
// first once something was typed.
func TestEventAdd_WaysOutAndBack(t *testing.T) {
	h := newHarness(t)
	h.clock.Set(bishkekTime(t, "2027-03-01 10:00"))
	staff := &person{h: h, user: staffUser}
	ru := func(key string, data any) string { return h.text("ru", key, data) }

	staff.says("/event_add")
	kindMessage := h.srv.Last(staffUser.ID)
	staff.taps(ru("event_add.kind.session", nil))
	staff.says("10.03.2027 11:00")
	staff.says("Сабак")
	staff.says("Занятие")
	staff.expect(ru("event_add.kind", nil)+"\n\n→ "+ru("event_add.kind.session", nil), ru("event_add.when", map[string]any{"Example": "08.03.2027 10:00"}),
		ru("event_add.title_ky", nil), ru("event_add.title_ru", nil), ru("event_add.session_link", nil))
	staff.taps(ru("dialogue.back", nil))
	staff.expect(ru("event_add.title_ru", nil))
	staff.says("Занятие в Нарыне")
	staff.expect(ru("event_add.session_link", nil))

	// The kind's button, long answered.
	staff.tapsOn(kindMessage.ID, kindMessage.Buttons[0][0].Data)
	staff.expect(ru("event_add.session_link", nil))

	// A command in the middle runs, and the dialogue waits.
	staff.says("/events")
	got := staff.news()
	if len(got) != 2 || got[1] != ru("dialogue.still", nil) {
		t.Fatalf("after /events: %q", got)
	}
	staff.taps(ru("dialogue.go_on", nil))
	staff.expect(ru("event_add.session_link", nil))
	staff.taps(ru("event_add.no_link_button", nil))
	staff.expect(ru("event_add.audience", nil))

	staff.says("/cancel")
	staff.expect(ru("dialogue.leave_ask", nil))
	staff.taps(ru("dialogue.leave", nil))
	staff.expect(ru("dialogue.left", nil))
	err := h.db.View(func(tx *store.Tx) error {
		events, err := tx.Events()
		for _, e := range events {
			if e.Source == "chat" {
				t.Errorf("a cancelled event was stored: %+v", e)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// buttonTexts lists the labels of a keyboard, row by row.
func buttonTexts(rows [][]telegramtest.Button) []string {
	var out []string
	for _, row := range rows {
		for _, b := range row {
			out = append(out, b.Text)
		}
	}
	return out
}
