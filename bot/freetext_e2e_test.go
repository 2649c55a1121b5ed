package bot_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/mentorbot/mentorbot/bot/telegramtest"
	"github.com/mentorbot/mentorbot/store"
)

// The free-text conversations on the dialogue engine (a question, a
// reply, an answer, an FAQ draft, an FAQ edit, an FAQ search, a comment
// on a meeting, a masked answer): each is left with /cancel, survives a
// command typed in the middle, answers an old button with a notice, and
// still does its work.

// lastIs asserts the newest of the messages that came since she last
// looked, and returns them all.
func (p *person) lastIs(want string) []string {
	p.h.t.Helper()
	got := p.news()
	if len(got) == 0 || got[len(got)-1] != want {
		p.h.t.Fatalf("she sees:\n%s\nwant last:\n  %q", strings.Join(quote(got), "\n"), want)
	}
	return got
}

// tapsOld taps the button labelled label of an earlier message m: she
// gets the old-button notice, then what follows (the question she is on).
func (p *person) tapsOld(m telegramtest.Message, label string, then ...string) {
	p.h.t.Helper()
	for _, row := range m.Buttons {
		for _, b := range row {
			if b.Text != label {
				continue
			}
			id := p.tapsOn(m.ID, b.Data)
			if a, ok := p.h.srv.AnswerTo(id); !ok || a.Text != p.h.text(p.user.LanguageCode, "input.old_button", nil) {
				p.h.t.Errorf("old %q answered %+v", label, a)
			}
			p.expect(then...)
			return
		}
	}
	p.h.t.Fatalf("no button %q on %q", label, m.Text)
}

// waysOut drives the ways out every dialogue has, at a text step asked
// with prompt: start begins it; /cancel leaves it, told left; begun again,
// cmd runs as a command and she is asked whether to go on, her next text
// is no answer until she does; a button of the first prompt (old since
// the /cancel), if old is not "", gets the notice and the prompt again.
// She is left at the step.
func waysOut(p *person, start func(), prompt, cmd, left, old string) {
	p.h.t.Helper()
	tr := func(key string) string { return p.h.text(p.user.LanguageCode, key, nil) }
	start()
	p.lastIs(prompt)
	first := p.h.srv.Last(p.user.ID)
	p.says("/cancel")
	p.expect(left)

	start()
	p.lastIs(prompt)
	p.says(cmd)
	if got := p.lastIs(tr("dialogue.still")); len(got) < 2 {
		p.h.t.Fatalf("%s did not run: %q", cmd, got)
	}
	p.says("A note to myself")
	p.expect(tr("dialogue.still"))
	p.taps(tr("dialogue.go_on"))
	p.expect(prompt)
	if old != "" {
		p.tapsOld(first, old, prompt)
	}
}

func TestFreeText_Ask(t *testing.T) {
	h := newHarness(t)
	p := participants(t, h, map[int64]string{12001: "ru"})[12001]
	h.clock.Set(bishkekTime(t, "2027-03-15 10:00"))
	p.says("/ask")
	p.news()
	prompt := h.text("ru", "mentoring.write.mentor", nil)
	waysOut(p, func() { p.taps("👩‍🏫 Спросить наставника") }, prompt, "/schedule", h.text("ru", "dialogue.left", nil), h.text("ru", "dialogue.cancel", nil))

	// A sticker cannot be relayed: she is told what can, once.
	h.settle(h.srv.SendSticker(p.user))
	p.expect(h.text("ru", "mentoring.need_content", nil))
	p.says("Как собрать подписи?")
	p.expect(h.text("ru", "mentoring.receipt", map[string]any{"ID": 1}))
	var qs []store.Question
	h.db.View(func(tx *store.Tx) (err error) { qs, err = tx.Questions(); return err })
	if len(qs) != 1 || len(qs[0].Thread) != 1 || qs[0].Thread[0].Text != "Как собрать подписи?" || qs[0].Kind != store.KindMentor {
		t.Errorf("questions %+v", qs)
	}
	if c := conversationOf(t, h, p.user.ID); c.Active() {
		t.Errorf("still in %+v", c)
	}
}

// answered stores question 1 of her to a mentor's queue, answered by
// mentor.
func answered(t *testing.T, h *harness, her, mentor int64) {
	t.Helper()
	now := bishkekTime(t, "2027-03-15 09:00")
	err := h.db.Update(func(tx *store.Tx) error {
		_, err := tx.PutQuestion(store.Question{UserID: her, Kind: store.KindMentor, Language: "ru", Status: store.QuestionAnswered, TakenBy: mentor,
			Thread:    []store.Post{{AuthorID: her, Text: "Как собрать подписи?", At: now}, {FromMentor: true, AuthorID: mentor, Text: "По форме ЦИК.", At: now}},
			CreatedAt: now, TakenAt: now, FirstAnswerAt: now, AnnouncedAt: now})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestFreeText_Reply(t *testing.T) {
	h := newHarness(t)
	p := participants(t, h, map[int64]string{12101: "ru"})[12101]
	mentor := answerer(t, h, 12102, "ru", store.RoleMentor)
	h.clock.Set(bishkekTime(t, "2027-03-15 10:00"))
	answered(t, h, p.user.ID, mentor.user.ID)
	p.says("/questions")
	p.taps("#1")
	p.news()
	prompt := h.text("ru", "mentoring.write_reply", map[string]any{"ID": 1})
	waysOut(p, func() { p.taps("↩️ Ответить") }, prompt, "/questions", h.text("ru", "dialogue.left", nil), h.text("ru", "dialogue.cancel", nil))

	p.says("А сколько подписей нужно?")
	p.expect(h.text("ru", "mentoring.reply_sent", map[string]any{"ID": 1}))
	mentor.expect(h.text("ru", "queue.new_reply", map[string]any{"ID": 1}))
	if q := questionOf(t, h, 1); len(q.Thread) != 3 || q.Thread[2].Text != "А сколько подписей нужно?" || q.Status != store.QuestionTaken {
		t.Errorf("question %+v", q)
	}
}

func TestFreeText_Answer(t *testing.T) {
	h := newHarness(t)
	p := participants(t, h, map[int64]string{12201: "ru"})[12201]
	mentor := answerer(t, h, 12202, "ru", store.RoleMentor)
	h.clock.Set(bishkekTime(t, "2027-03-15 10:00"))
	p.says("/ask")
	p.taps("👩‍🏫 Спросить наставника")
	p.says("Как собрать подписи?")
	p.news()
	mentor.says("/queue")
	mentor.news()
	taken := false
	start := func() {
		if !taken {
			mentor.taps("✋ Взять №1")
			taken = true
			return
		}
		// Left, it is still hers: she opens it from her queue.
		mentor.says("/queue")
		mentor.taps("#1")
	}
	prompt := h.text("ru", "queue.write_answer", map[string]any{"ID": 1})
	waysOut(mentor, start, prompt, "/queue", h.text("ru", "dialogue.left", nil), "")
	if q := questionOf(t, h, 1); q.Status != store.QuestionTaken || q.TakenBy != mentor.user.ID || len(q.Thread) != 1 {
		t.Errorf("question after her notes %+v", q)
	}
	promptMsg := h.srv.Last(mentor.user.ID)
	if b := promptMsg.Buttons; len(b) != 1 || b[0][0].Text != "↩️ Вернуть в очередь" || b[0][0].Data != "qh:1" {
		t.Errorf("the answer is asked with %+v", b)
	}

	mentor.says("Соберите подписи по форме ЦИК.")
	mentor.expect(h.text("ru", "queue.sent", map[string]any{"ID": 1}))
	if got := p.news(); len(got) != 1 || !strings.HasSuffix(got[0], "\nСоберите подписи по форме ЦИК.") {
		t.Errorf("she sees %q", got)
	}
	// Answered, it cannot be handed back from the old question.
	id := mentor.tapsOn(promptMsg.ID, "qh:1")
	if a, _ := h.srv.AnswerTo(id); a.Text != h.text("ru", "input.old_button", nil) {
		t.Errorf("hand back after the answer: %+v", a)
	}
	if q := questionOf(t, h, 1); q.Status != store.QuestionAnswered || len(q.Thread) != 2 {
		t.Errorf("question %+v", q)
	}

	// Handed back while she writes, her next text is no answer.
	p.says("/ask")
	p.taps("👩‍🏫 Спросить наставника")
	p.says("Где взять форму?")
	p.news()
	mentor.says("/queue")
	mentor.taps("✋ Взять №2")
	mentor.taps("↩️ Вернуть в очередь")
	mentor.lastIs(h.text("ru", "queue.handed_back", map[string]any{"ID": 2}))
	mentor.says("Форма в айыл окмоту.")
	if got := mentor.news(); slices.Contains(got, h.text("ru", "queue.sent", map[string]any{"ID": 2})) {
		t.Errorf("she sees %q", got)
	}
	if q := questionOf(t, h, 2); q.Status != store.QuestionOpen || len(q.Thread) != 1 {
		t.Errorf("question 2 %+v", q)
	}
}

func TestFreeText_FAQDraft(t *testing.T) {
	h := newHarness(t)
	p := participants(t, h, map[int64]string{12301: "ru"})[12301]
	mentor := answerer(t, h, 12302, "ru", store.RoleMentor)
	h.clock.Set(bishkekTime(t, "2027-03-15 10:00"))
	answered(t, h, p.user.ID, mentor.user.ID)
	mentor.says("/queue")
	mentor.news()
	queueMsg := h.srv.Last(mentor.user.ID)
	tr := func(key string) string { return h.text("ru", key, nil) }
	start := func() { mentor.tapsOn(queueMsg.ID, "qf:1") }
	ask := h.text("ru", "faq.write_question", map[string]any{"Language": "русский"})

	// Left before she typed anything: no question first, and no draft.
	start()
	mentor.expect(ask)
	first := h.srv.Last(mentor.user.ID)
	mentor.says("/cancel")
	mentor.expect(tr("dialogue.left"))
	if q := questionOf(t, h, 1); q.FAQ != nil {
		t.Errorf("draft after /cancel: %+v", q.FAQ)
	}

	start()
	mentor.expect(ask)
	mentor.says("Как собрать подписи?")
	mentor.expect(tr("faq.write_answer"))
	// The wording is kept on the question, not in the dialogue.
	if q := questionOf(t, h, 1); q.FAQ == nil || q.FAQ.Question != "Как собрать подписи?" {
		t.Errorf("draft %+v", q.FAQ)
	}
	if c := conversationOf(t, h, mentor.user.ID); c.Answers["question"] == "Как собрать подписи?" {
		t.Errorf("the wording is in the dialogue: %+v", c)
	}
	mentor.says("/queue")
	mentor.lastIs(tr("dialogue.still"))
	mentor.says("A note to myself")
	mentor.expect(tr("dialogue.still"))
	mentor.taps(tr("dialogue.go_on"))
	mentor.expect(tr("faq.write_answer"))
	// Back to the question, reworded.
	mentor.taps(tr("dialogue.back"))
	mentor.expect(ask)
	mentor.says("Как собрать подписи кандидату?")
	mentor.expect(tr("faq.write_answer"))
	mentor.says("По форме ЦИК, с паспортными данными.")
	mentor.expect(tr("faq.pick_topic"))
	// A button of the question left earlier.
	mentor.tapsOld(first, tr("dialogue.cancel"), tr("faq.pick_topic"))
	// /cancel now loses what she typed: she is asked first.
	mentor.says("/cancel")
	mentor.expect(tr("dialogue.leave_ask"))
	mentor.taps(tr("dialogue.stay_button"))
	mentor.expect(tr("faq.pick_topic"))
	mentor.taps(tr("topic.nomination"))
	mentor.expect(h.text("ru", "faq.published", map[string]any{"ID": 1}))
	var entries []store.FAQEntry
	h.db.View(func(tx *store.Tx) (err error) { entries, err = tx.FAQs(); return err })
	if len(entries) != 1 || entries[0].Question != "Как собрать подписи кандидату?" || entries[0].Answer != "По форме ЦИК, с паспортными данными." ||
		entries[0].Topic != "nomination" || entries[0].From != 1 {
		t.Errorf("FAQ %+v", entries)
	}
	if q := questionOf(t, h, 1); q.FAQ != nil {
		t.Errorf("draft left after publishing: %+v", q.FAQ)
	}

	// Leaving after typing: asked, then the draft is dropped.
	start()
	mentor.says("Вопрос")
	mentor.news()
	mentor.says("/cancel")
	mentor.expect(tr("dialogue.leave_ask"))
	mentor.taps(tr("dialogue.leave"))
	mentor.expect(tr("dialogue.left"))
	if q := questionOf(t, h, 1); q.FAQ != nil {
		t.Errorf("draft after leaving: %+v", q.FAQ)
	}
}

func TestFreeText_FAQEdit(t *testing.T) {
	h := newHarness(t)
	staff := &person{h: h, user: staffUser}
	putFAQs(t, h, store.FAQEntry{Language: "ru", Topic: "law", Question: "Старый вопрос?", Answer: "Старый ответ."})
	staff.says("/faq_edit 1")
	staff.news()
	prompt := h.text("ru", "faq.send_new", nil)
	waysOut(staff, func() { staff.taps("✏️ Вопрос") }, prompt, "/faq", h.text("ru", "dialogue.left", nil), h.text("ru", "dialogue.cancel", nil))
	staff.says("Новый вопрос?")
	staff.expect(h.text("ru", "faq.saved", map[string]any{"ID": 1}))
	staff.taps("✏️ Ответ")
	staff.expect(prompt)
	h.settle(h.srv.SendSticker(staff.user))
	staff.expect(h.text("ru", "input.need_text", nil), prompt)
	staff.says("Новый ответ.")
	staff.expect(h.text("ru", "faq.saved", map[string]any{"ID": 1}))
	e := stored(t, h, func(tx *store.Tx) (store.FAQEntry, error) { return tx.FAQ(1) })
	if e.Question != "Новый вопрос?" || e.Answer != "Новый ответ." {
		t.Errorf("entry %+v", e)
	}
	want := []string{"900 /faq_edit 1", "900 button faqe q:1", "900 button faqe q:1", "900 /faq", "900 faq_edit text 1 question",
		"900 button faqe a:1", "900 faq_edit text 1 answer"}
	if got := auditActions(t, h); !slices.Equal(got, want) {
		t.Errorf("audit log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestFreeText_FAQSearch(t *testing.T) {
	h := newHarness(t)
	p := participants(t, h, map[int64]string{12401: "ru"})[12401]
	h.clock.Set(bishkekTime(t, "2027-03-15 10:00"))
	putFAQs(t, h, store.FAQEntry{Language: "ru", Topic: "nomination", Question: "Как собрать подписи?", Answer: "По форме ЦИК."})
	p.says("/ask")
	p.news()
	prompt := h.text("ru", "faq.search_prompt", nil)
	waysOut(p, func() { p.taps("🔎 Поиск") }, prompt, "/questions", h.text("ru", "dialogue.left", nil), h.text("ru", "dialogue.cancel", nil))
	p.says("подписи")
	p.expect(h.text("ru", "faq.found", nil))
	if b := h.srv.Last(p.user.ID).Buttons; len(b) != 2 || b[0][0].Text != "Как собрать подписи?" {
		t.Errorf("found %+v", b)
	}
}

func TestFreeText_Comment(t *testing.T) {
	h := newHarness(t)
	p := participants(t, h, map[int64]string{12501: "ru"})[12501]
	h.clock.Set(bishkekTime(t, "2027-03-04 17:00"))
	if err := h.db.Update(func(tx *store.Tx) error {
		return tx.PutRSVP(store.RSVP{EventID: "meeting-1", UserID: p.user.ID, Coming: "yes", UpdatedAt: h.clock.Now()})
	}); err != nil {
		t.Fatal(err)
	}
	p.says("/schedule")
	p.news()
	msg := h.srv.Last(p.user.ID)
	p.tapsOn(msg.ID, "att:meeting-1:yes")
	rate := func() { p.tapsOn(msg.ID, "rate:meeting-1:4") }
	rsvp := func() store.RSVP {
		var r store.RSVP
		h.db.View(func(tx *store.Tx) (err error) { r, err = tx.RSVP("meeting-1", p.user.ID); return err })
		return r
	}
	thanks := h.text("ru", "event.thanks", nil)
	prompt := h.text("ru", "event.comment", nil)
	// The rating tapped is written under the question, the comment asked.
	rate()
	p.expect(prompt)
	if m := h.srv.Messages(p.user.ID); m[len(m)-2].Text != h.text("ru", "event.rate", nil)+"\n\n→ 4" {
		t.Errorf("the rating reads %q", m[len(m)-2].Text)
	}
	// Left, her rating is kept and she is thanked.
	waysOut(p, rate, prompt, "/schedule", thanks, h.text("ru", "event.comment_skip", nil))
	if r := rsvp(); r.Rating != 4 || r.Comment != "" || r.Attended != "yes" {
		t.Errorf("rsvp %+v", r)
	}
	p.says("Пайдалуу болду!")
	p.expect(thanks)
	if r := rsvp(); r.Comment != "Пайдалуу болду!" {
		t.Errorf("rsvp %+v", r)
	}
	// A sticker for "anything to add?" is a thank-you: no comment.
	rate()
	p.news()
	h.settle(h.srv.SendSticker(p.user))
	p.expect(thanks)
	if r := rsvp(); r.Comment != "Пайдалуу болду!" {
		t.Errorf("rsvp after a sticker %+v", r)
	}
	// Skip.
	rate()
	p.news()
	p.taps(h.text("ru", "event.comment_skip", nil))
	p.expect(thanks)
}

func TestFreeText_Mask(t *testing.T) {
	h := newHarness(t)
	apply(t, h, applicant{12601, "ru", "Иванова Гульнара Петровна", "01.06.1985", "Кун-Туу"})
	staff := &person{h: h, user: staffUser}
	label := h.text("ru", "form.essay.label", nil)
	staff.says("/mask A-001")
	staff.news()
	prompt := h.text("ru", "mask.send", map[string]any{"Code": "A-001", "Field": label})
	waysOut(staff, func() { staff.taps("✏️ " + label) }, prompt, "/applications", h.text("ru", "dialogue.left", nil), h.text("ru", "dialogue.cancel", nil))
	if m := applicationOf(t, h, "A-001").Masked; len(m) != 0 {
		t.Errorf("masked before the rewrite: %v", m)
	}
	staff.says("Айылыбызда таза суу жок.")
	staff.expect(h.text("ru", "mask.saved", map[string]any{"Code": "A-001"}))
	if m := applicationOf(t, h, "A-001").Masked; len(m) != 1 || m["essay"] != "Айылыбызда таза суу жок." {
		t.Errorf("masked %v", m)
	}

	// A staff member an older bot left in its mask step ("mask:CODE:field"
	// in her record) starts the edit again: her text is not taken for it.
	aida := answerer(t, h, 12602, "ru", store.RoleStaff)
	if err := h.db.Update(func(tx *store.Tx) error {
		u, err := tx.User(aida.user.ID)
		u.Step = "mask:A-001:essay"
		return errors.Join(err, tx.PutUser(u))
	}); err != nil {
		t.Fatal(err)
	}
	aida.says("Старый текст")
	if got := aida.news(); slices.Contains(got, h.text("ru", "mask.saved", map[string]any{"Code": "A-001"})) {
		t.Errorf("she sees %q", got)
	}
	if m := applicationOf(t, h, "A-001").Masked; m["essay"] != "Айылыбызда таза суу жок." {
		t.Errorf("masked %v", m)
	}
	if u := userOf(t, h, aida.user.ID); u.Step != "" {
		t.Errorf("her step %q", u.Step)
	}
}

// A mentor whose role is taken away while she writes an answer and who
// then sends /start has moved on: /start does what it does, her answer's
// dialogue ends without a word, and her next text reaches nobody.
func TestFreeText_RevokedAnswererMovesOn(t *testing.T) {
	h := newHarness(t)
	p := participants(t, h, map[int64]string{12701: "ru"})[12701]
	mentor := answerer(t, h, 12702, "ru", store.RoleMentor)
	staff := &person{h: h, user: staffUser}
	h.clock.Set(bishkekTime(t, "2027-03-15 10:00"))
	p.says("/ask")
	p.taps("👩‍🏫 Спросить наставника")
	p.says("Как собрать подписи?")
	p.news()
	mentor.says("/queue")
	mentor.taps("✋ Взять №1")
	mentor.news()
	staff.says("/revoke 12702 mentor")
	staff.expect(h.text("ru", "revoke.done", map[string]any{"Name": "Гүлзат", "ID": 12702, "Role": h.text("ru", "role.mentor", nil)}),
		h.text("ru", "revoke.questions", map[string]any{"Count": 1})+"\n"+h.text("ru", "revoke.step", nil))
	mentor.says("/start")
	if got := mentor.news(); len(got) == 0 || slices.Contains(got, h.text("ru", "access.lapsed", nil)) || slices.Contains(got, h.text("ru", "dialogue.still", nil)) {
		t.Errorf("after /start she sees %q", got)
	}
	if c := conversationOf(t, h, mentor.user.ID); c.Active() {
		t.Errorf("still in %+v", c)
	}
	mentor.says("Соберите подписи по форме ЦИК.")
	if got := mentor.news(); slices.Contains(got, h.text("ru", "access.lapsed", nil)) || slices.Contains(got, h.text("ru", "queue.sent", map[string]any{"ID": 1})) {
		t.Errorf("after /start her text gets %q", got)
	}
	p.expect()
	if q := questionOf(t, h, 1); q.Status != store.QuestionOpen || len(q.Thread) != 1 {
		t.Errorf("question %+v", q)
	}
}
