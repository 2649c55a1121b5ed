package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/telegramtest"
	"github.com/mentorbot/mentorbot/store"
)

// answerer stores a mentor or lawyer, as an invitation leaves her.
func answerer(t *testing.T, h *harness, id int64, lang string, role store.Role) *person {
	t.Helper()
	err := h.db.Update(func(tx *store.Tx) error {
		return tx.PutUser(store.User{ID: id, FirstName: "Гүлзат", Language: lang, Roles: []store.Role{role}, CreatedAt: today})
	})
	if err != nil {
		t.Fatal(err)
	}
	p := h.person(id, lang)
	p.user.FirstName, p.user.Username = "Гүлзат", "gulzat_mentor"
	return p
}

func TestMentoring(t *testing.T) {
	h := newHarness(t)
	people := participants(t, h, map[int64]string{10301: "ky", 10302: "ru"})
	ky, ru := people[10301], people[10302]
	mentorA := answerer(t, h, 10401, "ru", store.RoleMentor)
	mentorB := answerer(t, h, 10402, "ky", store.RoleMentor)
	lawyer := answerer(t, h, 10403, "ru", store.RoleLawyer)
	staff := &person{h: h, user: staffUser}
	now := bishkekTime(t, "2027-03-15 10:00") // stage IV, the mentor-and-lawyer period
	h.clock.Set(now)
	staff.says("/help")

	// Someone who only applied is told when mentoring opens.
	stranger := h.person(10999, "ru")
	stranger.says("/ask")
	stranger.expect(h.text("ru", "mentoring.closed", map[string]any{"Date": "01.02.2027"}))

	// She asks a mentor in Russian.
	ru.says("/ask")
	ru.expect(h.text("ru", "period.mentor_lawyer", nil) + "\n\n" + h.text("ru", "mentoring.ask", nil))
	ru.taps("👩‍🏫 Спросить наставника")
	ru.says("Как собрать подписи для выдвижения?")
	ru.expect(h.text("ru", "mentoring.write.mentor", nil), h.text("ru", "mentoring.receipt", map[string]any{"ID": 1}))

	// She asks a lawyer in Kyrgyz, with a photo of a paper.
	ky.says("/ask")
	ky.taps("⚖️ Юристтен суроо")
	ky.news()
	h.settle(h.srv.SendPhoto(ky.user, "Бул каттоо баракчасы туурабы?"))
	ky.expect(h.text("ky", "mentoring.receipt", map[string]any{"ID": 2}))

	// A minute later each queue hears once, in each one's language.
	h.tick(now.Add(time.Minute))
	mentorA.expect(h.text("ru", "queue.new", map[string]any{"ID": 1}))
	mentorB.expect(h.text("ky", "queue.new", map[string]any{"ID": 1}))
	lawyer.expect(h.text("ru", "queue.new", map[string]any{"ID": 2}))

	// Mentor A takes #1; B cannot take it any more.
	mentorA.says("/queue")
	mentorA.taps("✋ Взять №1")
	thread := strings.Join(mentorA.news(), "\n")
	if !strings.Contains(thread, "Спрашивает: Айгүл") || !strings.Contains(thread, "Как собрать подписи для выдвижения?") || strings.Contains(thread, "+996") {
		t.Errorf("mentor sees:\n%s", thread)
	}
	bTap := mentorB.tapsOn(h.srv.Messages(mentorA.user.ID)[0].ID, "qt:1")
	if a, _ := h.srv.AnswerTo(bTap); a.Text != h.text("ky", "queue.taken_already", nil) {
		t.Errorf("second take answered %+v", a)
	}

	// Her answer reaches the participant in the mentor's words, quoting the
	// question, with nothing of who the mentor is.
	mentorA.says("Соберите подписи по форме ЦИК, у каждого — паспортные данные.")
	mentorA.expect(h.text("ru", "queue.sent", map[string]any{"ID": 1}))
	ru.expect(h.text("ru", "mentoring.answer", map[string]any{"ID": 1, "Question": "Как собрать подписи для выдвижения?", "From": h.text("ru", "mentoring.from.mentor", nil)}) +
		"\nСоберите подписи по форме ЦИК, у каждого — паспортные данные.")
	for _, m := range h.srv.Messages(ru.user.ID) {
		for _, leak := range []string{"Гүлзат", "gulzat", "10401"} {
			if strings.Contains(m.Text, leak) {
				t.Errorf("participant sees the mentor's %q in %q", leak, m.Text)
			}
		}
	}

	// The lawyer answers with a photo: relayed by its file_id.
	lawyer.says("/queue")
	lawyer.taps("✋ Взять №2")
	lawyer.news()
	h.settle(h.srv.SendPhoto(lawyer.user, "Туура, бирок колуңузду коюңуз."))
	var q2 store.Question
	h.db.View(func(tx *store.Tx) (err error) { q2, err = tx.Question(2); return err })
	// (The first sendPhoto showed the lawyer the participant's photo.)
	photos := h.srv.CallsTo("sendPhoto")
	if len(photos) != 2 || photos[1].Params["chat_id"] != "10301" || photos[1].Params["photo"] != q2.Thread[1].Media.FileID || len(photos[1].Files) != 0 ||
		photos[0].Params["photo"] != q2.Thread[0].Media.FileID {
		t.Fatalf("photo relay: %+v", photos)
	}

	// A thread: she replies, the mentor who took it hears and answers again.
	ru.taps("↩️ Ответить")
	ru.says("А сколько подписей нужно?")
	ru.expect(h.text("ru", "mentoring.write_reply", map[string]any{"ID": 1}), h.text("ru", "mentoring.reply_sent", map[string]any{"ID": 1}))
	mentorA.expect(h.text("ru", "queue.new_reply", map[string]any{"ID": 1}))
	mentorA.taps("#1")
	mentorA.says("Смотрите положение о выборах вашего айыл окмоту.")
	if got := ru.news(); len(got) != 1 || !strings.HasSuffix(got[0], "Смотрите положение о выборах вашего айыл окмоту.") {
		t.Fatalf("second answer: %q", got)
	}
	mentorA.news()
	ru.taps("✅ Вопрос решён")
	ru.says("/questions")
	if got := strings.Join(ru.news(), "\n"); !strings.Contains(got, "#1 · наставник · решён") {
		t.Errorf("her questions:\n%s", got)
	}

	// The mentor publishes it to the FAQ, reworded; she finds it by words.
	mentorA.taps("📚 В частые вопросы")
	mentorA.says("Как собрать подписи для выдвижения кандидатом?")
	mentorA.says("По форме ЦИК; у каждого подписавшего — паспортные данные.")
	mentorA.taps(h.text("ru", "topic.nomination", nil))
	// (The engine writes the topic chosen under the question tapped.)
	mentorA.expect(h.text("ru", "faq.write_question", map[string]any{"Language": "русский"}), h.text("ru", "faq.write_answer", nil),
		h.text("ru", "faq.pick_topic", nil)+"\n\n→ "+h.text("ru", "topic.nomination", nil), h.text("ru", "faq.published", map[string]any{"ID": 1}))
	ru.says("/ask")
	ru.taps("🔎 Поиск")
	ru.says("подписи выдвижение")
	ru.taps("Как собрать подписи для выдвижения кандидатом?")
	if got := ru.news(); got[len(got)-1] != "❓ Как собрать подписи для выдвижения кандидатом?\n\nПо форме ЦИК; у каждого подписавшего — паспортные данные." {
		t.Errorf("FAQ entry shown as %q", got[len(got)-1])
	}
	// In Kyrgyz, by topic, an entry from the lawyer.
	lawyer.taps("📚 В частые вопросы")
	lawyer.says("Каттоо баракчасын кантип толтуруу керек?")
	lawyer.says("Ар бир графаны толтуруп, колуңузду коюңуз.")
	lawyer.taps(h.text("ru", "topic.registration", nil))
	ky.says("/ask")
	ky.taps("🔎 Издөө")
	ky.says("каттоо")
	ky.taps("Каттоо баракчасын кантип толтуруу керек?")
	ru.says("/ask")
	ru.taps("🔎 Поиск")
	ru.says("каттоо") // a Kyrgyz entry is not shown in Russian
	if got := ru.news(); got[len(got)-1] != h.text("ru", "faq.nothing", nil) {
		t.Errorf("cross-language search: %q", got)
	}

	// Two questions at once: one digest. Nobody takes one: asked again
	// after a day, staff told after two.
	ru.says("/ask")
	ru.taps("👩‍🏫 Спросить наставника")
	ru.says("Вопрос три")
	ru.says("/ask")
	ru.taps("👩‍🏫 Спросить наставника")
	ru.says("Вопрос четыре")
	mentorA.news()
	h.tick(now.Add(2 * time.Minute))
	mentorA.expect(h.text("ru", "queue.digest", map[string]any{"Count": 2}))
	mentorA.says("/queue")
	mentorA.taps("✋ Взять №3")
	mentorA.taps("↩️ Вернуть в очередь")
	mentorA.news()
	h.tick(now.Add(3 * time.Minute))
	mentorA.expect(h.text("ru", "queue.new", map[string]any{"ID": 3}))
	h.tick(now.Add(24*time.Hour + time.Minute))
	if got := strings.Join(mentorA.news(), "\n"); !strings.Contains(got, h.text("ru", "queue.still_waiting", map[string]any{"ID": 3, "Hours": 24})) ||
		!strings.Contains(got, h.text("ru", "queue.still_waiting", map[string]any{"ID": 4, "Hours": 24})) {
		t.Errorf("re-announced:\n%s", got)
	}
	staff.news()
	h.tick(now.Add(48*time.Hour + time.Minute))
	if got := strings.Join(staff.news(), "\n"); !strings.Contains(got, h.text("ru", "staff.question_waiting", map[string]any{"ID": 3, "Hours": 48})) {
		t.Errorf("staff told:\n%s", got)
	}

	// Staff see the queues' health and get everything as a workbook.
	staff.says("/mentoring")
	health := strings.Join(staff.news(), "\n")
	if !strings.Contains(health, h.text("ru", "health.queue", map[string]any{"Queue": "наставник", "Open": 2, "Taken": 0, "Answered": 0, "Resolved": 1, "Median": "0 ч 1 мин"})) {
		t.Errorf("health:\n%s", health)
	}
	staff.says("/questions_export")
	rows := sheetRows(t, h.srv.Last(staff.user.ID).Document)
	if len(rows) != 1+4+2+1+1 || rows[1][0] != "1" || rows[1][10] != "participant" || rows[2][10] != "mentor" || rows[6][14] != "photo" {
		t.Errorf("questions workbook:\n%v", rows)
	}
}

// A restart between her question's answer and its relay delivers it once.
func TestMentoring_RestartBeforeRelay(t *testing.T) {
	h := newHarness(t)
	her := participants(t, h, map[int64]string{10501: "ru"})[10501]
	mentor := answerer(t, h, 10502, "ru", store.RoleMentor)
	h.clock.Set(bishkekTime(t, "2027-02-15 10:00"))
	her.says("/ask")
	her.taps("👩‍🏫 Спросить наставника")
	her.says("Вопрос")
	mentor.says("/queue")
	mentor.taps("✋ Взять №1")
	h.srv.FailNext("sendMessage", telegramtest.ServerError(), 2)
	h.srv.WaitConfirmed(t, h.srv.SendText(mentor.user, "Ответ"))
	h.restart()
	h.waitOutbox()
	her.news()
	n := 0
	for _, m := range h.srv.Messages(her.user.ID) {
		if strings.HasSuffix(m.Text, "\nОтвет") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the answer arrived %d times", n)
	}
}
