package bot_test

import (
	"strings"
	"testing"

	"github.com/mentorbot/mentorbot/bot/export"
	"github.com/mentorbot/mentorbot/store"
)

const essayPart1 = "Мен депутат болгум келет, анткени айылыбызда таза суу жок."
const essayPart2 = "Депутат болсом, айыл өкмөтү менен бирге суу түтүгүн оңдотом."

// fillKyrgyz walks her through the whole form in Kyrgyz, tapping where the
// form has buttons, up to the summary.
func fillKyrgyz(t *testing.T, p *person) {
	t.Helper()
	h := p.h
	ky := func(key string) string { return h.text("ky", key, nil) }

	p.says("/start")
	p.expect("Кош келиңиз! Тилди тандаңыз.\n\nДобро пожаловать! Выберите язык.")
	p.taps("Кыргызча")
	p.expect(ky("consent.ask"))
	if picker := h.srv.Messages(p.user.ID)[0]; picker.Text != ky("language.chosen") || len(picker.Buttons) != 0 {
		t.Errorf("language picker after the choice: %q %v", picker.Text, picker.Buttons)
	}
	p.taps("Макулмун")
	p.expect(h.text("ky", "form.intro", map[string]any{"Deadline": "11.12.2026 17:00"}), p.ask("full_name"))

	p.says("Асанова Айгүл Бакытовна")
	p.expect(p.ask("birth_date"))
	p.says("15.03.1990")
	village := p.ask("lives_in_village")
	p.taps("Ооба") // lives in a village
	msgs := h.srv.Messages(p.user.ID)
	if q := msgs[len(msgs)-2]; q.Text != village+"\n\n→ Ооба" || len(q.Buttons) != 0 {
		t.Errorf("answered question shows %q with buttons %v", q.Text, q.Buttons)
	}
	p.taps("Нарын")
	p.says("Ат-Башы")
	p.says("Кара-Коюн")
	p.says("Ак-Муз")
	p.says("Мугалим, Ак-Муз орто мектеби")
	p.taps("Жок") // no similar school
	p.news()
	p.sharesContact("996700123456", true)
	p.expect("Номер жазылды: +996700123456", p.ask("whatsapp"))
	p.taps("Ошол эле номер")
	p.says("aigul@mail.kg")
	p.taps("Ооба") // 3.1
	p.says("Айыл өкмөтү менен бирге мектептин чатырын оңдоттук.")
	p.taps("Жок")  // 4.1: no follow-up
	p.taps("Ооба") // 5.1
	p.says("Айылдагы аялдар кеңеши, 12 киши.")
	for range 4 { // 6.1–6.4
		p.taps("Ооба")
	}
	p.news()
	p.taps("⬜ Өтүнмө берүү")
	p.taps("⬜ Бишкектеги Мектеп")
	p.taps("⬜ Насаатчы жана 2 онлайн жолугушуу")
	p.taps("✅ Бишкектеги Мектеп") // changed her mind
	p.taps("⬜ Бишкектеги Мектеп")
	p.taps("⬜ Шайлоону байкоо")
	p.taps("Даяр ✔")
	p.news()
	p.says(essayPart1)
	p.expect("Сакталды: 9 сөз, дагы 991 сөз жазсаңыз болот. Уланта бериңиз же «Даяр» баскычын басыңыз.")
	p.says(essayPart2)
	p.news()
	p.taps("Даяр ✔")
}

func TestApplication_Kyrgyz(t *testing.T) {
	h := newHarness(t)
	p := h.person(5001, "ky")
	fillKyrgyz(t, p)

	summary := strings.Join(p.news(), "\n")
	for _, want := range []string{"📋 Анкетаңызды текшериңиз.", "Аты-жөнү: Асанова Айгүл Бакытовна", "Туулган күнү: 15.03.1990",
		"Облусу: Нарын", "Телефону: +996700123456", "WhatsApp: +996700123456", "Электрондук почта: aigul@mail.kg",
		"✅ Өтүнмө берүү", "⬜ Сапар үчүн маалымат берүү", "✅ Бишкектеги Мектеп", "(18 сөз)"} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, summary)
		}
	}
	if strings.Contains(summary, "Жамааттык топ") {
		t.Errorf("summary shows a follow-up she was never asked:\n%s", summary)
	}
	p.taps("✅ Өтүнмөнү жөнөтүү")
	p.expect("🎉 Өтүнмөңүз жөнөтүлдү! Анын коду: A-001. Бул кодду жазып коюңуз.\n\nӨтүнмө берүү мөөнөтү бүткөндө комиссия бардык анкеталарды окуйт. Ал атыңызды эмес, кодду гана көрөт. Жыйынтыгын ушул жерге жазабыз. Чечкиниңиз үчүн рахмат!")
	if last := h.srv.Last(p.user.ID); len(last.Buttons) != 0 {
		t.Errorf("buttons left under the last message: %v", last.Buttons)
	}

	// She comes back: nothing to fill in again.
	p.says("/start")
	p.expect("Сиздин A-001 өтүнмөңүз 22.11.2026 күнү жөнөтүлгөн жана тандоону күтүп жатат. Жыйынтыгын ушул жерге жазабыз.")

	rows := exportRows(t, h)
	want := map[string]string{
		"code": "A-001", "language": "ky", "category": "28plus", "status": "submitted", "source": "direct", "arrived_at": "",
		"full_name": "Асанова Айгүл Бакытовна", "sex": "female", "birth_date": "1990-03-15",
		"lives_in_village": "yes", "oblast": "naryn", "district": "Ат-Башы", "aiyl_okmotu": "Кара-Коюн",
		"village": "Ак-Муз", "workplace": "Мугалим, Ак-Муз орто мектеби", "similar_school": "no",
		"phone": "+996700123456", "whatsapp": "+996700123456", "email": "aigul@mail.kg",
		"lsg_experience": "yes", "lsg_experience_text": "Айыл өкмөтү менен бирге мектептин чатырын оңдоттук.",
		"community_experience": "no", "community_group_text": "",
		"support_group": "yes", "support_group_text": "Айылдагы аялдар кеңеши, 12 киши.",
		"ready_active": "yes", "ready_self_study": "yes", "ready_organise": "yes", "ready_free_time": "yes",
		"stage_application": "yes", "stage_info": "no", "stage_school": "yes", "stage_mentoring": "yes",
		"stage_monitoring": "yes", "stage_training": "no", "stage_budgeting": "no", "stage_portal": "no", "stage_final": "no",
		"essay":        essayPart1 + "\n\n" + essayPart2,
		"submitted_at": "2026-11-22T10:00:00+06:00",
	}
	checkRow(t, rows, 1, want)
}

// exportRows exports the applications as the workbook staff get and
// reads it back, the header row replaced by the columns' machine keys.
func exportRows(t *testing.T, h *harness) [][]string {
	t.Helper()
	apps, err := h.db.Applications()
	if err != nil {
		t.Fatal(err)
	}
	tb := export.Applications(apps, bishkek)
	rows := h.tableRows(t, tb, "ru")
	if len(rows) != len(apps)+1 {
		t.Fatalf("%d rows for %d applications", len(rows), len(apps))
	}
	for i, c := range tb.Columns {
		rows[0][i] = c.Key
	}
	return rows
}

// checkRow compares one exported row, column by column, with want, which
// must name every column.
func checkRow(t *testing.T, rows [][]string, i int, want map[string]string) {
	t.Helper()
	header := rows[0]
	if len(header) != len(want) {
		t.Errorf("%d columns, the test names %d", len(header), len(want))
	}
	for j, col := range header {
		w, ok := want[col]
		if !ok {
			t.Errorf("column %s not checked", col)
			continue
		}
		if got := rows[i][j]; got != w {
			t.Errorf("%s = %q, want %q", col, got, w)
		}
	}
}

func TestApplication_RussianWithRestartAndEdits(t *testing.T) {
	h := newHarness(t)
	p := h.person(5002, "ru")

	p.says("/start")
	p.taps("Русский")
	p.taps("Согласна")
	p.says("Иванова Гульнара")
	p.says("1.2.2003") // 23 at the deadline: the younger group
	p.taps("Да")
	p.taps("Чуйская")
	p.says("Сокулукский")
	p.says("Кун-Туу")
	p.says("Кун-Туу")
	p.says("Не работаю")
	p.taps("Нет")
	p.says("+996 555 12-34-56")
	p.news()

	// The bot restarts between two of her answers.
	h.restart()
	p.says("/start")
	p.expect(h.text("ru", "form.welcome_back", map[string]any{"Done": 10, "Count": 21}), p.ask("whatsapp"))
	p.says("0777 65 43 21")
	p.taps("Пропустить")
	p.taps("Нет") // 3.1
	p.taps("Нет") // 4.1
	p.taps("Нет") // 5.1
	for range 4 {
		p.taps("Да")
	}
	p.taps("⬜ Сообщить данные для поездки")
	p.taps("Готово ✔")
	p.says("Я хочу стать депутатом, чтобы в нашем селе был детский сад.")
	p.taps("Готово ✔")
	p.news()

	// From the summary she changes 3.1 to "yes": the follow-up is asked,
	// then the summary comes back.
	p.taps("✏️ Изменить ответ")
	p.taps("Айыл окмоту и кенеш")
	p.expect(p.ask("lsg_experience"))
	p.taps("Да")
	p.expect(p.ask("lsg_experience_text"))
	p.says("Добивалась ремонта дороги вместе с айыл окмоту.")
	summary := strings.Join(p.news(), "\n")
	if !strings.Contains(summary, "Айыл окмоту, рассказ:\nДобивалась ремонта дороги") {
		t.Fatalf("summary after the edit:\n%s", summary)
	}
	// And changes the e-mail she skipped.
	p.taps("✏️ Изменить ответ")
	p.taps("Эл. почта")
	p.says("gulnara@example.kg")
	p.news()
	p.taps("✅ Отправить заявку")
	if got := p.news(); len(got) != 1 || !strings.Contains(got[0], "A-001") {
		t.Fatalf("confirmation: %q", got)
	}

	rows := exportRows(t, h)
	header := rows[0]
	get := func(col string) string {
		for j, c := range header {
			if c == col {
				return rows[1][j]
			}
		}
		t.Fatalf("no column %s", col)
		return ""
	}
	for col, want := range map[string]string{
		"language": "ru", "category": "under28", "birth_date": "2003-02-01", "oblast": "chui",
		"phone": "+996555123456", "whatsapp": "+996777654321", "email": "gulnara@example.kg",
		"lsg_experience": "yes", "lsg_experience_text": "Добивалась ремонта дороги вместе с айыл окмоту.",
		"stage_info": "yes", "stage_application": "no",
	} {
		if got := get(col); got != want {
			t.Errorf("%s = %q, want %q", col, got, want)
		}
	}
}

func TestApplication_RestartResumesEveryKindOfQuestion(t *testing.T) {
	h := newHarness(t)
	p := h.person(5003, "ky")
	p.says("/start")
	p.taps("Кыргызча")
	p.taps("Макулмун")
	p.says("Сыдыкова Нургүл")
	p.news()
	// Stopped at a button question; after a restart /start asks it again.
	h.restart()
	p.says("/start")
	p.expect(h.text("ky", "form.welcome_back", map[string]any{"Done": 1, "Count": 21}), p.ask("birth_date"))
	p.says("15.03.1990")
	p.news()

	var u store.User
	var c store.Conversation
	if err := h.db.View(func(tx *store.Tx) (err error) {
		if u, err = tx.User(p.user.ID); err != nil {
			return err
		}
		c, err = tx.Conversation(p.user.ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	// Where she is in the form is her conversation on the dialogue engine.
	if c.Dialogue != "application" || c.Step != "lives_in_village" || u.Step != "" || u.Language != "ky" || u.ConsentAt.IsZero() {
		t.Errorf("stored: dialogue %q step %q, user step %q, language %q, consent %v", c.Dialogue, c.Step, u.Step, u.Language, u.ConsentAt)
	}
}
