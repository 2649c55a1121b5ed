package bot_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/locales"
	"github.com/mentorbot/mentorbot/store"
)

// Questions to the school before applying (issue 13, point 6): during
// stage I anyone not yet a participant asks the school with /ask; the FAQ
// is offered first, then her question goes to a queue staff answer on
// the mentors' machinery.

// seedFAQ stores one FAQ entry per language, as a staff member's publish
// leaves them, and returns them by language.
func seedFAQ(t *testing.T, h *harness) map[string]store.FAQEntry {
	t.Helper()
	entries := map[string]store.FAQEntry{
		"ky": {Language: "ky", Topic: "applying", Question: "45 жаштамын, өтүнмө берсем болобу?", Answer: "Ооба, жашка чек жок."},
		"ru": {Language: "ru", Topic: "applying", Question: "Мне 45 лет, можно подать заявку?", Answer: "Да, возраст не ограничен."},
	}
	err := h.db.Update(func(tx *store.Tx) error {
		for _, lang := range locales.Languages {
			e := entries[lang]
			e.UpdatedAt = today
			if _, err := tx.PutFAQ(e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

// labels are the button labels of her newest message.
func (p *person) labels() []string {
	p.h.t.Helper()
	return buttonTexts(p.h.srv.Last(p.user.ID).Buttons)
}

// The whole path in each language: a woman in the middle of her form
// asks; the FAQ comes first; her question reaches staff (and no mentor);
// a staff member takes it and answers; she sees the answer under
// "School:" with nothing of who answered; she replies, staff answer
// again, she marks it resolved; staff publish a reworded copy to the
// FAQ; once accepted she still has her thread, and /ask offers her the
// mentors instead of the school.
func TestSchoolQuestions_AskBeforeApplying(t *testing.T) {
	for i, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t)
			tr := func(key string, data any) string { return h.text(lang, key, data) }
			entry := seedFAQ(t, h)[lang]
			staff := &person{h: h, user: staffUser}
			staff.says("/help")
			staffKy := answerer(t, h, 11801, "ky", store.RoleStaff)
			mentor := answerer(t, h, 11802, "ru", store.RoleMentor)
			staff.news()

			// Her first message says she can ask.
			her := h.person(int64(11810+i), lang)
			her.says("/start")
			her.taps(tr("language.self", nil))
			consent := her.lastIs(tr("consent.ask", nil))
			if !strings.Contains(consent[len(consent)-1], "/ask") {
				t.Errorf("the first message does not say she can ask: %q", consent)
			}
			her.taps(tr("consent.yes", nil))
			her.news()

			// In the middle of her form: /ask offers the FAQ, then the school.
			her.says("/ask")
			got := her.news()
			if len(got) == 0 || got[0] != tr("mentoring.ask", nil) {
				t.Fatalf("/ask: %q", got)
			}
			if want := []string{tr("faq.browse", nil), tr("faq.search", nil), tr("mentoring.to_school", nil)}; !slices.Equal(buttonTexts(h.srv.Messages(her.user.ID)[len(h.srv.Messages(her.user.ID))-2].Buttons), want) {
				t.Errorf("/ask offers %q", got)
			}
			formQuestion := her.again("full_name") // as the form asks it again
			her.taps(tr("faq.search", nil))
			her.lastIs(tr("faq.search_prompt", nil))
			her.says(map[string]string{"ky": "өтүнмө", "ru": "заявку"}[lang])
			// The FAQ's answer found, then back to her form.
			her.expect(tr("faq.found", nil), tr("dialogue.resume", nil), formQuestion)
			found := h.srv.Messages(her.user.ID)[len(h.srv.Messages(her.user.ID))-3]
			if want := []string{entry.Question, tr("faq.not_helpful", nil)}; !slices.Equal(buttonTexts(found.Buttons), want) {
				t.Errorf("found: %q, want %q", buttonTexts(found.Buttons), want)
			}
			her.taps(entry.Question)
			her.expect("❓ " + entry.Question + "\n\n" + entry.Answer)
			// "My question is not here": straight to her question.
			her.taps(tr("faq.not_helpful", nil))
			her.lastIs(tr("mentoring.write.school", nil))
			question := map[string]string{"ky": "Анкетаны кагаз менен берсем болобу?", "ru": "Можно подать анкету на бумаге?"}[lang]
			her.says(question)
			// A receipt, and her form goes on where she was.
			her.expect(tr("mentoring.receipt", map[string]any{"ID": 1}), tr("dialogue.resume", nil), formQuestion)

			// A minute later staff hear, each in her language; mentors do not.
			h.tick(today.Add(time.Minute))
			staff.expect(h.text("ru", "queue.new", map[string]any{"ID": 1}))
			staffKy.expect(h.text("ky", "queue.new", map[string]any{"ID": 1}))
			mentor.expect()
			mentor.says("/queue")
			mentor.expect(h.text("ru", "queue.empty", nil))

			// A staff member takes it from /queue and answers.
			staff.says("/queue")
			if got := staff.news(); len(got) != 1 || !strings.HasPrefix(got[0], "🆕 #1 · школа · ") || !strings.Contains(got[0], question) {
				t.Errorf("staff's queue: %q", got)
			}
			staff.taps("✋ Взять №1")
			thread := strings.Join(staff.news(), "\n")
			if !strings.Contains(thread, "Спрашивает: Айгүл") || !strings.Contains(thread, h.text("ru", "mentoring.from_asker", nil)+"\n"+question) ||
				!strings.HasSuffix(thread, h.text("ru", "queue.write_answer", map[string]any{"ID": 1})) {
				t.Errorf("staff sees:\n%s", thread)
			}
			answer := map[string]string{"ky": "Ооба, кагаз анкетаны офиске алып келиңиз.", "ru": "Да, бумажную анкету можно принести в офис."}[lang]
			staff.says(answer)
			staff.expect(h.text("ru", "queue.sent", map[string]any{"ID": 1}))
			her.expect(tr("mentoring.answer", map[string]any{"ID": 1, "Question": question, "From": tr("mentoring.from.school", nil)}) + "\n" + answer)
			if want := []string{tr("mentoring.reply", nil), tr("mentoring.resolve", nil)}; !slices.Equal(her.labels(), want) {
				t.Errorf("under the answer: %q", her.labels())
			}

			// The thread goes on both ways.
			her.taps(tr("mentoring.reply", nil))
			her.lastIs(tr("mentoring.write_reply", map[string]any{"ID": 1}))
			reply := map[string]string{"ky": "Офис кайда?", "ru": "А где офис?"}[lang]
			her.says(reply)
			her.expect(tr("mentoring.reply_sent", map[string]any{"ID": 1}), tr("dialogue.resume", nil), formQuestion)
			staff.expect(h.text("ru", "queue.new_reply", map[string]any{"ID": 1}))
			staff.taps("#1")
			staff.lastIs(h.text("ru", "queue.write_answer", map[string]any{"ID": 1}))
			staff.says("Бишкек, Чуй 1.")
			staff.news()
			her.expect(tr("mentoring.answer", map[string]any{"ID": 1, "Question": question, "From": tr("mentoring.from.school", nil)}) + "\nБишкек, Чуй 1.")
			for _, m := range h.srv.Messages(her.user.ID) {
				for _, leak := range []string{"Altynai", "900", "Гүлзат", "gulzat"} {
					if strings.Contains(m.Text, leak) {
						t.Errorf("she sees the staff member's %q in %q", leak, m.Text)
					}
				}
			}
			her.taps(tr("mentoring.resolve", nil))
			her.expect(tr("mentoring.resolved", map[string]any{"ID": 1}))

			// Staff publish a reworded copy to the FAQ, in her language.
			staff.taps(h.text("ru", "faq.publish", nil))
			staff.says("Можно ли подать анкету на бумаге?")
			staff.says("Да, её можно принести в офис Школы.")
			staff.taps(h.text("ru", "topic.applying", nil))
			staff.lastIs(h.text("ru", "faq.published", map[string]any{"ID": 3}))
			var q store.Question
			var e store.FAQEntry
			h.db.View(func(tx *store.Tx) (err error) {
				if q, err = tx.Question(1); err != nil {
					return err
				}
				e, err = tx.FAQ(3)
				return err
			})
			if q.Kind != store.KindSchool || q.Status != store.QuestionResolved || len(q.Thread) != 4 || q.TakenBy != staffUser.ID || q.FAQ != nil {
				t.Errorf("question %+v", q)
			}
			if e.Language != lang || e.Topic != "applying" || e.From != 1 || e.Answer != "Да, её можно принести в офис Школы." {
				t.Errorf("FAQ entry %+v", e)
			}
			if n := auditCount(t, h, "button qt"); n != 1 {
				t.Errorf("%d audited takes", n)
			}

			// Accepted (her form is put aside here; the selection is tested
			// elsewhere): her thread stays hers, and /ask is the mentors' now.
			her.says("/cancel")
			her.news()
			if err := h.db.Update(func(tx *store.Tx) error {
				u, err := tx.User(her.user.ID)
				if err != nil {
					return err
				}
				u.Roles = append(u.Roles, store.RoleParticipant)
				return tx.PutUser(u)
			}); err != nil {
				t.Fatal(err)
			}
			h.clock.Set(bishkekTime(t, "2027-02-15 10:00"))
			her.says("/questions")
			if got := her.news(); len(got) != 1 || !strings.HasPrefix(got[0], "#1 · "+tr("queue.school", nil)+" · "+tr("status.resolved", nil)) {
				t.Errorf("her questions: %q", got)
			}
			her.says("/ask")
			her.news()
			if want := []string{tr("faq.browse", nil), tr("faq.search", nil), tr("mentoring.to_mentor", nil)}; !slices.Equal(her.labels(), want) {
				t.Errorf("a participant's /ask: %q", her.labels())
			}
		})
	}
}

// auditCount counts the audit entries of an action.
func auditCount(t *testing.T, h *harness, action string) int {
	t.Helper()
	n := 0
	err := h.db.View(func(tx *store.Tx) error {
		p, err := tx.AuditLogPage(0, 1000, 0)
		for _, e := range p.Entries {
			if e.Action == action {
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

// A newcomer who never pressed /start asks at once (the FAQ is empty, so
// there is nothing to offer first); /cancel in the middle stores nothing;
// a school button kept from before the deadline, tapped after it, says
// the school takes no more questions here and when mentoring opens.
func TestSchoolQuestions_CancelAndStaleButton(t *testing.T) {
	for i, lang := range locales.Languages {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t)
			tr := func(key string, data any) string { return h.text(lang, key, data) }
			her := h.person(int64(11900+i), lang)
			her.says("/ask")
			her.expect(tr("mentoring.write.school", nil))
			her.says("/cancel")
			her.lastIs(tr("dialogue.left", nil))
			var qs []store.Question
			h.db.View(func(tx *store.Tx) (err error) { qs, err = tx.Questions(); return err })
			if len(qs) != 0 {
				t.Errorf("questions after /cancel: %+v", qs)
			}

			seedFAQ(t, h)
			her.says("/ask")
			her.expect(tr("mentoring.ask", nil))
			offer := h.srv.Last(her.user.ID)
			h.clock.Set(deadline.Add(time.Minute))
			id := her.tapsOn(offer.ID, "ask:school")
			if a, _ := h.srv.AnswerTo(id); a.Text != "" {
				t.Errorf("tap answered %+v", a)
			}
			closed := tr("mentoring.closed", map[string]any{"Date": "01.02.2027"})
			her.expect(closed)
			her.says("/ask")
			her.expect(closed)
		})
	}
}

// The school's queue waits like the mentors': announced again to staff
// after a day untaken, staff told after two. Mentors never hear of it nor
// take it; a participant's /ask in stage I still offers the mentors, not
// the school; /mentoring counts the school's queue.
func TestSchoolQuestions_WaitingTooLongAndOtherQueues(t *testing.T) {
	h := newHarness(t)
	staff := &person{h: h, user: staffUser}
	staff.says("/help")
	staff.news()
	mentor := answerer(t, h, 12001, "ky", store.RoleMentor)
	earlier := participants(t, h, map[int64]string{12002: "ky"})[12002] // from an earlier cycle
	her := h.person(12003, "ru")
	her.says("/ask")
	her.says("Когда будут результаты отбора?")
	her.expect(h.text("ru", "mentoring.write.school", nil), h.text("ru", "mentoring.receipt", map[string]any{"ID": 1}))

	h.tick(today.Add(time.Minute))
	staff.expect(h.text("ru", "queue.new", map[string]any{"ID": 1}))
	h.tick(today.Add(24*time.Hour + time.Minute))
	staff.expect(h.text("ru", "queue.still_waiting", map[string]any{"ID": 1, "Hours": 24}))
	h.tick(today.Add(48*time.Hour + time.Minute))
	staff.expect(h.text("ru", "staff.question_waiting", map[string]any{"ID": 1, "Hours": 48}))
	mentor.expect()
	id := mentor.tapsOn(h.srv.Messages(staffUser.ID)[0].ID, "qt:1")
	if a, _ := h.srv.AnswerTo(id); a.Text != h.text("ky", "input.old_button", nil) {
		t.Errorf("a mentor's take of a school question answered %+v", a)
	}
	var q store.Question
	h.db.View(func(tx *store.Tx) (err error) { q, err = tx.Question(1); return err })
	if q.Status != store.QuestionOpen || q.TakenBy != 0 {
		t.Errorf("question after a mentor's tap: %+v", q)
	}

	earlier.says("/ask")
	earlier.expect(h.text("ky", "mentoring.ask", nil))
	if got, want := earlier.labels(), []string{h.text("ky", "faq.browse", nil), h.text("ky", "faq.search", nil), h.text("ky", "mentoring.to_mentor", nil)}; !slices.Equal(got, want) {
		t.Errorf("a participant's /ask in stage I: %q", got)
	}
	tap := earlier.tapsOn(h.srv.Last(earlier.user.ID).ID, "ask:school")
	if a, _ := h.srv.AnswerTo(tap); a.Text != h.text("ky", "input.old_button", nil) {
		t.Errorf("a participant's school button answered %+v", a)
	}

	staff.says("/mentoring")
	if got := strings.Join(staff.news(), "\n"); !strings.Contains(got, h.text("ru", "health.queue", map[string]any{"Queue": "школа", "Open": 1, "Taken": 0, "Answered": 0, "Resolved": 0, "Median": "–"})) {
		t.Errorf("/mentoring:\n%s", got)
	}
}
