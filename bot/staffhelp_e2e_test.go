package bot_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/store"
)

// The staff commands that need an argument say how to write them when it
// is missing; those naming an event or an FAQ entry offer the existing
// ones as buttons, and a tap runs the command for it.

// buttonsOf are the labels under the newest message in her chat.
func buttonsOf(p *person) []string {
	var labels []string
	for _, row := range p.h.srv.Last(p.user.ID).Buttons {
		for _, b := range row {
			labels = append(labels, b.Text)
		}
	}
	return labels
}

func TestStaffHelp_UsageWithoutArgument(t *testing.T) {
	h := newHarness(t)
	staff := &person{h: h, user: staffUser}
	for _, c := range []struct{ says, want string }{
		{"/application", "Укажите код: /application A-001"},
		{"/mask", "Напишите код заявки: /mask A-001"},
		{"/decide A-001", "Напишите так: /decide A-001 accept (или waitlist, decline). Или просто /decide."},
		{"/revoke", "Напишите так: /revoke 123456789 commission. ID — в списке /people."},
		{"/helper", "Напишите так: /helper 123456789. ID участницы найдёт /people: имя, код заявки или область, например: /people Айгүл"},
		// The programme's events are to come: they are offered.
		{"/event_move", "Какое событие? Нажмите на него или напишите ID: /event_move e-0304-1"},
		{"/event_cancel", "Какое событие? Нажмите на него или напишите ID: /event_cancel e-0304-1"},
		// None has begun yet.
		{"/attendance", "Напишите ID события после команды, например: /attendance e-0304-1. Список: /events"},
		{"/faq_edit", "Частых вопросов пока нет."},
		{"/faq_remove", "Частых вопросов пока нет."},
	} {
		staff.says(c.says)
		staff.expect(c.want)
	}
	// The same in Kyrgyz.
	staff.says("/language")
	staff.taps("Кыргызча")
	staff.news()
	for _, c := range []struct{ says, want string }{
		{"/application", "Кодун жазыңыз: /application A-001"},
		{"/mask", "Өтүнмөнүн кодун жазыңыз: /mask A-001"},
		{"/revoke", "Мындай жазыңыз: /revoke 123456789 commission. ID — /people тизмесинде."},
		{"/helper", "Мындай жазыңыз: /helper 123456789. Катышуучунун ID'син табуу: /people аты, өтүнмөнүн коду же облусу, мисалы: /people Айгүл"},
		{"/event_move", "Кайсы иш-чара? Аны басыңыз же ID жазыңыз: /event_move e-0304-1"},
		{"/faq_edit", "Азырынча көп берилүүчү суроолор жок."},
		{"/attendance", "Буйруктан кийин иш-чаранын ID жазыңыз, мисалы: /attendance e-0304-1. Тизме: /events"},
	} {
		staff.says(c.says)
		staff.expect(c.want)
	}
}

// putEvents stores a meeting that is over, one to come and a cancelled
// one.
func putEvents(t *testing.T, h *harness) {
	t.Helper()
	err := h.db.Update(func(tx *store.Tx) error {
		for _, e := range []store.Event{
			{ID: "e-1120-1", Title: map[string]string{"ru": "Встреча с депутатом", "ky": "Депутат менен жолугушуу"}, At: today.Add(-2 * 24 * time.Hour), Duration: time.Hour, Audience: "all", Source: "chat"},
			{ID: "e-1125-1", Title: map[string]string{"ru": "Бюджет айыл окмоту", "ky": "Айыл өкмөтүнүн бюджети"}, At: today.Add(3 * 24 * time.Hour), Duration: time.Hour, Audience: "all", Source: "chat"},
			{ID: "e-1126-1", Title: map[string]string{"ru": "Отменённая", "ky": "Жокко чыккан"}, At: today.Add(4 * 24 * time.Hour), Audience: "all", Cancelled: true, Source: "chat"},
		} {
			if err := tx.PutEvent(e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestStaffHelp_EventButtons(t *testing.T) {
	h := newHarness(t)
	staff := &person{h: h, user: staffUser}
	putEvents(t, h)

	staff.says("/attendance")
	staff.expect("Какое событие? Нажмите на него или напишите ID: /attendance e-0304-1")
	if got, want := buttonsOf(staff), []string{"e-1120-1 · 20.11.2026 10:00 · Встреча с депутатом"}; !slices.Equal(got, want) {
		t.Fatalf("attendance offers %q, want %q", got, want)
	}
	staff.taps("e-1120-1 · 20.11.2026 10:00 · Встреча с депутатом")
	if got := staff.news(); len(got) != 1 || !strings.HasPrefix(got[0], h.text("ru", "attendance.report", map[string]any{
		"Title": "Встреча с депутатом", "Planned": 0, "Yes": 0, "No": 0, "Came": 0, "Share": "–", "Rated": 0, "Rating": "–"})) {
		t.Fatalf("the tap showed %q", got)
	}
	if got := buttonsOf(staff); got != nil {
		t.Errorf("the picker kept its buttons: %q", got)
	}

	staff.says("/event_move")
	staff.expect("Какое событие? Нажмите на него или напишите ID: /event_move e-0304-1")
	// The programme's events to come are offered too, soonest first.
	if got, want := buttonsOf(staff), []string{"e-1125-1 · 25.11.2026 10:00 · Бюджет айыл окмоту",
		"school · 25.01.2027 09:00 · Школа «Почему и как я стану депутатом…",
		"meeting-1 · 04.03.2027 15:00 · Онлайн-встреча «Как идут дела?»: обмен…",
		"greeting-8-march · 08.03.2027 09:00 · 8 Марта",
		"meeting-2 · 30.03.2027 15:00 · Онлайн-встреча «Как идут дела?»: обмен…",
		"election-day · 11.04.2027 08:00 · День выборов"}; !slices.Equal(got, want) {
		t.Fatalf("event_move offers %q, want %q", got, want)
	}
	staff.taps("e-1125-1 · 25.11.2026 10:00 · Бюджет айыл окмоту")
	staff.expect(h.text("ru", "event_move.when", map[string]any{"ID": "e-1125-1", "Example": "29.11.2026 10:00"}))
	staff.says("/cancel")
	staff.news()

	// A cancel tapped asks first (a question of its own, on the dialogue
	// engine): No leaves the event, Yes cancels it. The picker's buttons go
	// at the tap, so it cannot be tapped twice.
	ask := "Отменить e-1125-1 «Бюджет айыл окмоту» (25.11.2026 10:00)? Всем, кого оно касается, придёт сообщение об отмене."
	for _, answer := range []string{"Нет", "Да"} {
		staff.says("/event_cancel")
		staff.expect("Какое событие? Нажмите на него или напишите ID: /event_cancel e-0304-1")
		picker := h.srv.Last(staff.user.ID).ID
		staff.taps("e-1125-1 · 25.11.2026 10:00 · Бюджет айыл окмоту")
		staff.expect(ask)
		for _, m := range h.srv.Messages(staff.user.ID) {
			if m.ID == picker && m.Buttons != nil {
				t.Errorf("the picker kept its buttons: %q", m.Buttons)
			}
		}
		staff.taps(answer)
		if answer == "Нет" {
			staff.expect("Хорошо, ничего не меняю.")
		}
	}
	staff.expect(h.text("ru", "event.cancelled_done", map[string]any{"ID": "e-1125-1", "Count": 0}))
	// A cancelled event is offered no more.
	staff.says("/event_cancel")
	staff.expect("Какое событие? Нажмите на него или напишите ID: /event_cancel e-0304-1")
	if got := buttonsOf(staff); len(got) != 5 || !strings.HasPrefix(got[0], "school ·") {
		t.Errorf("after the cancel, event_cancel offers %q", got)
	}

	want := []string{"900 /attendance", "900 button evp a:e-1120-1", "900 /event_move", "900 button evp m:e-1125-1",
		"900 /event_cancel", "900 button evp c:e-1125-1",
		"900 /event_cancel", "900 button evp c:e-1125-1", "900 /event_cancel e-1125-1", "900 /event_cancel"}
	if got := auditActions(t, h); !slices.Equal(got, want) {
		t.Errorf("audit log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestStaffHelp_FAQButtons(t *testing.T) {
	h := newHarness(t)
	staff := &person{h: h, user: staffUser}
	putFAQs(t, h,
		store.FAQEntry{Language: "ru", Topic: "law", Question: "Как зарегистрироваться кандидатом?", Answer: "Ответ."},
		store.FAQEntry{Language: "ru", Topic: "law", Question: "Сколько подписей нужно собрать для выдвижения в айылный кенеш?", Answer: "Ответ."})
	staff.says("/faq_edit")
	staff.expect("Какую запись? Нажмите на неё или напишите номер: /faq_edit 12. Все записи: /faq")
	want := []string{"#2 · ru · Сколько подписей нужно собрать для…", "#1 · ru · Как зарегистрироваться кандидатом?"}
	if got := buttonsOf(staff); !slices.Equal(got, want) {
		t.Fatalf("faq_edit offers %q, want %q", got, want)
	}
	staff.taps(want[1])
	staff.expect("#1 · ru\n❓ Как зарегистрироваться кандидатом?\n\nОтвет.")
	if got := buttonsOf(staff); !slices.Equal(got, []string{"✏️ Вопрос", "✏️ Ответ"}) {
		t.Errorf("the entry has buttons %q", got)
	}

	staff.says("/faq_remove")
	staff.expect("Какую запись? Нажмите на неё или напишите номер: /faq_remove 12. Все записи: /faq")
	staff.taps(want[0])
	staff.expect("Удалить запись №2 «Сколько подписей нужно собрать для выдвижения в айылный кенеш?»?")
	staff.taps("Да")
	staff.expect(h.text("ru", "faq.removed", map[string]any{"ID": 2}))
	var left []store.FAQEntry
	h.db.View(func(tx *store.Tx) (err error) { left, err = tx.FAQs(); return err })
	if len(left) != 1 || left[0].ID != 1 {
		t.Errorf("entries left: %+v", left)
	}
}

// putApplicants stores two applicants from Naryn and one from Osh, and a
// participant who has no application in the store.
func putApplicants(t *testing.T, h *harness) {
	t.Helper()
	err := h.db.Update(func(tx *store.Tx) error {
		for _, a := range []store.Application{
			{UserID: 7001, Language: "ky", Category: store.Category28Plus, Answers: map[string]string{"full_name": "Асанова Айгүл", "oblast": "naryn"}},
			{UserID: 7002, Language: "ru", Category: store.CategoryUnder28, Answers: map[string]string{"full_name": "Токтосунова Бермет", "oblast": "osh"}},
			{UserID: 7003, Language: "ky", Category: store.Category28Plus, Answers: map[string]string{"full_name": "Жумабаева Гүлнара\u202e", "oblast": "naryn"}},
		} {
			if err := tx.PutUser(store.User{ID: a.UserID, FirstName: strings.Fields(a.Answers["full_name"])[1], Language: a.Language}); err != nil {
				return err
			}
			if _, err := tx.Submit(a, today); err != nil {
				return err
			}
		}
		return tx.PutUser(store.User{ID: 7004, FirstName: "Айжан", Language: "ky", Roles: []store.Role{store.RoleParticipant}})
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestStaffHelp_CodeForms(t *testing.T) {
	h := newHarness(t)
	staff := &person{h: h, user: staffUser}
	putApplicants(t, h)
	head := "Заявка A-001 · 28 лет и старше · 22.11.2026 10:00 · язык ky"
	for _, typed := range []string{"A-001", "a-1", "A1", "a001", "А-001", " а 01"} {
		staff.says("/application " + typed)
		if got := staff.news(); len(got) != 1 || !strings.HasPrefix(got[0], head+"\n\n") {
			t.Fatalf("/application %s shows %q", typed, got)
		}
		staff.says("/mask " + typed)
		staff.expect("A-001: так ответы видит комиссия.")
	}
	staff.says("/application a-9")
	staff.expect("Заявка a-9 не найдена.")
	staff.says("/mask Айгүл")
	staff.expect("Заявка Айгүл не найдена.")
	staff.says("/decide b-1 accept")
	staff.expect(h.text("ru", "decide.not_yet", nil))
}

func TestStaffHelp_PeopleFinds(t *testing.T) {
	h := newHarness(t)
	staff := &person{h: h, user: staffUser}
	putApplicants(t, h)
	hint := "\n\nЧисло после имени — ID в Telegram. Отметить помощницу на день выборов: /helper ID"
	aigul := "• Асанова Айгүл — 7001 · A-001 · Нарынская"
	gulnara := "• Жумабаева Гүлнара — 7003 · A-003 · Нарынская"
	for _, c := range []struct{ query, want string }{
		{"Айгуль", "По запросу «Айгуль» найдено: 1\n" + aigul + hint},
		{"асанова айгүл", "По запросу «асанова айгүл» найдено: 1\n" + aigul + hint},
		{"a-1", "По запросу «a-1» найдено: 1\n" + aigul + hint},
		{"А003", "По запросу «А003» найдено: 1\n" + gulnara + hint},
		{"naryn", "По запросу «naryn» найдено: 2\n" + aigul + "\n" + gulnara + hint},
		{"Нарын", "По запросу «Нарын» найдено: 2\n" + aigul + "\n" + gulnara + hint},
		{"нарынская область", "По запросу «нарынская область» найдено: 2\n" + aigul + "\n" + gulnara + hint},
		{"Ош", "По запросу «Ош» найдено: 1\n• Токтосунова Бермет — 7002 · A-002 · Ошская" + hint},
		{"айжан", "По запросу «айжан» найдено: 1\n• Айжан — 7004 · участница" + hint},
		{"Чүй", "По запросу «Чүй» никого нет. Ищите по имени, коду заявки (A-001) или области: /people Нарын"},
	} {
		staff.says("/people " + c.query)
		staff.expect(c.want)
	}

	// The ID shown is the one /helper takes.
	staff.says("/helper 7003")
	staff.expect("Гүлнара (7003) помогает кандидатам в день выборов.")
	var u store.User
	h.db.View(func(tx *store.Tx) (err error) { u, err = tx.User(7003); return err })
	if !u.HasRole(store.RoleHelper) {
		t.Errorf("7003 has roles %v, want a helper", u.Roles)
	}

	// Her code does as well: the second time she is a helper no more.
	staff.says("/helper a3")
	staff.expect("Гүлнара (7003) больше не в помощницах.")

	// Without words, /people is still the list of roles, a page of it.
	staff.says("/people")
	if got := staff.news(); len(got) != 1 || !strings.HasSuffix(got[0], "\n"+h.text("ru", "people.hint", nil)) {
		t.Errorf("/people shows %q", got)
	}
}
