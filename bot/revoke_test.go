package bot_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/store"
)

// auditActions are the actions in the audit log, oldest first, as
// "user action detail".
func auditActions(t *testing.T, h *harness) []string {
	t.Helper()
	var out []string
	err := h.db.View(func(tx *store.Tx) error {
		entries, err := tx.AuditLog(1000)
		for i := len(entries) - 1; i >= 0; i-- {
			e := entries[i]
			out = append(out, strings.TrimSpace(strings.Join([]string{strconv.FormatInt(e.UserID, 10), e.Action, e.Detail}, " ")))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func applicationOf(t *testing.T, h *harness, code string) store.Application {
	t.Helper()
	return stored(t, h, func(tx *store.Tx) (store.Application, error) { return tx.Application(code) })
}

// conversationOf is where she is in the bot's dialogues.
func conversationOf(t *testing.T, h *harness, id int64) store.Conversation {
	t.Helper()
	return stored(t, h, func(tx *store.Tx) (store.Conversation, error) { return tx.Conversation(id) })
}

func questionOf(t *testing.T, h *harness, id int) store.Question {
	t.Helper()
	return stored(t, h, func(tx *store.Tx) (store.Question, error) { return tx.Question(id) })
}

// A staff member rewriting the commission's copy of an application loses
// the role before she sends the text: nothing is saved, she is told, and
// the audit log has no rewrite. The same holds when the role goes by a
// way /revoke does not see (here, straight in the store).
func TestRevoke_StaffMaskEdit(t *testing.T) {
	h := newHarness(t)
	apply(t, h, applicant{9301, "ru", "Иванова Гульнара Петровна", "01.06.1985", "Кун-Туу"})
	staff := &person{h: h, user: staffUser}
	aida := answerer(t, h, 9401, "ky", store.RoleStaff)
	label := h.text("ky", "form.essay.label", nil)

	aida.says("/mask A-001")
	aida.taps("✏️ " + label)
	aida.news()
	staff.says("/revoke 9401 staff")
	staff.expect(h.text("ru", "revoke.done", map[string]any{"Name": "Гүлзат", "ID": 9401, "Role": h.text("ru", "role.staff", nil)}),
		h.text("ru", "revoke.step", nil))
	aida.says("Жаңы текст: айылда суу жок.")
	aida.expect(h.text("ky", "access.lapsed", nil))
	if m := applicationOf(t, h, "A-001").Masked; len(m) != 0 {
		t.Errorf("the masked copy changed: %v", m)
	}
	if u, c := userOf(t, h, aida.user.ID), conversationOf(t, h, aida.user.ID); u.Step != "" || c.Active() {
		t.Errorf("she is left on step %q, in %+v", u.Step, c)
	}
	// Her next message is hers again: not a rewrite, and not the notice.
	aida.says("Дагы бир текст")
	if got := aida.news(); slices.Contains(got, h.text("ky", "access.lapsed", nil)) || slices.Contains(got, h.text("ky", "mask.saved", map[string]any{"Code": "A-001"})) {
		t.Errorf("after the notice she sees %q", got)
	}
	if m := applicationOf(t, h, "A-001").Masked; len(m) != 0 {
		t.Errorf("the masked copy changed: %v", m)
	}

	// A role taken away outside /revoke: the step checks again itself.
	bermet := answerer(t, h, 9402, "ru", store.RoleStaff)
	bermet.says("/mask A-001")
	bermet.taps("✏️ " + h.text("ru", "form.essay.label", nil))
	bermet.news()
	err := h.db.Update(func(tx *store.Tx) error {
		u, err := tx.User(bermet.user.ID)
		if err != nil {
			return err
		}
		u.Roles = nil
		return tx.PutUser(u)
	})
	if err != nil {
		t.Fatal(err)
	}
	bermet.says("Жаңы текст")
	bermet.expect(h.text("ru", "access.lapsed", nil))
	if m := applicationOf(t, h, "A-001").Masked; len(m) != 0 {
		t.Errorf("the masked copy changed: %v", m)
	}

	// Staff who still are staff rewrite it, and the rewrite is audited.
	staff.says("/mask A-001")
	staff.taps("✏️ " + h.text("ru", "form.essay.label", nil))
	staff.says("Айылыбызда таза суу жок.")
	staff.news()
	if m := applicationOf(t, h, "A-001").Masked; m["essay"] != "Айылыбызда таза суу жок." {
		t.Errorf("masked copy: %v", m)
	}
	want := []string{
		"9401 /mask A-001", "9401 button mask A-001:essay",
		"900 /revoke 9401 staff",
		"9402 /mask A-001", "9402 button mask A-001:essay",
		"900 /mask A-001", "900 button mask A-001:essay", "900 mask text A-001 essay",
	}
	if got := auditActions(t, h); !slices.Equal(got, want) {
		t.Errorf("audit log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// A mentor with two questions taken loses the role: both go back to the
// queue and the other mentor hears of them; one she had answered goes to
// the queue when the participant replies; her next text reaches nobody.
func TestRevoke_MentorsQuestions(t *testing.T) {
	h := newHarness(t)
	her := participants(t, h, map[int64]string{10601: "ru"})[10601]
	gulzat := answerer(t, h, 10701, "ru", store.RoleMentor)
	nurgul := answerer(t, h, 10702, "ky", store.RoleMentor)
	staff := &person{h: h, user: staffUser}
	now := bishkekTime(t, "2027-03-15 10:00")
	h.clock.Set(now)
	questions := []string{"Как собрать подписи?", "Где взять форму?", "Сколько стоит залог?"}
	for _, q := range questions {
		her.says("/ask")
		her.taps("👩‍🏫 Спросить наставника")
		her.says(q)
	}
	h.tick(now.Add(time.Minute))
	nurgul.expect(h.text("ky", "queue.digest", map[string]any{"Count": 3}))

	// Gulzat answers #3, then takes #1 and #2.
	gulzat.says("/queue")
	gulzat.taps("✋ Взять №3")
	gulzat.says("Залог не нужен.")
	gulzat.says("/queue")
	gulzat.taps("✋ Взять №1")
	gulzat.taps("✋ Взять №2")
	gulzat.news()
	her.news()

	staff.says("/revoke 10701 mentor")
	staff.expect(h.text("ru", "revoke.done", map[string]any{"Name": "Гүлзат", "ID": 10701, "Role": h.text("ru", "role.mentor", nil)}),
		h.text("ru", "revoke.questions", map[string]any{"Count": 2})+"\n"+h.text("ru", "revoke.step", nil))
	nurgul.expect(h.text("ky", "queue.digest", map[string]any{"Count": 2}))
	gulzat.expect()
	for i, text := range questions[:2] {
		q := questionOf(t, h, i+1)
		if q.Status != store.QuestionOpen || q.TakenBy != 0 || len(q.Thread) != 1 || q.Thread[0].Text != text || q.Thread[0].AuthorID != her.user.ID {
			t.Errorf("question #%d after the revoke: %+v", i+1, q)
		}
	}
	if q := questionOf(t, h, 3); q.Status != store.QuestionAnswered || len(q.Thread) != 2 {
		t.Errorf("answered question #3 after the revoke: %+v", q)
	}

	// Her answer to #2 is not relayed.
	gulzat.says("Форму берут в айыл өкмөтү.")
	gulzat.expect(h.text("ru", "access.lapsed", nil))
	her.expect()
	if q := questionOf(t, h, 2); len(q.Thread) != 1 {
		t.Errorf("question #2 thread: %+v", q.Thread)
	}

	// The participant replies on #3: it goes to the queue, not to Gulzat.
	her.taps("↩️ Ответить")
	her.says("А если я самовыдвиженка?")
	her.news()
	h.tick(now.Add(2 * time.Minute))
	nurgul.expect(h.text("ky", "queue.new", map[string]any{"ID": 3}))
	gulzat.expect()
	if q := questionOf(t, h, 3); q.Status != store.QuestionOpen || q.TakenBy != 0 || len(q.Thread) != 3 {
		t.Errorf("question #3 after her reply: %+v", q)
	}

	// Nurgul takes #2 and her answer reaches the participant.
	nurgul.says("/queue")
	nurgul.taps("✋ №2 алуу")
	nurgul.says("Форманы айыл өкмөтүнөн алыңыз.")
	if got := her.news(); len(got) != 1 || !strings.HasSuffix(got[0], "Форманы айыл өкмөтүнөн алыңыз.") {
		t.Errorf("the participant sees %q", got)
	}
}

// Staff take away a helper's election-day role with /helper: the call for
// help she took goes back to everyone who can help.
func TestRevoke_Helper(t *testing.T) {
	h := newHarness(t)
	staff := &person{h: h, user: staffUser}
	helper := answerer(t, h, 10801, "ru", store.RoleHelper)
	lawyer := answerer(t, h, 10802, "ru", store.RoleLawyer)
	err := h.db.Update(func(tx *store.Tx) error {
		if err := tx.PutUser(store.User{ID: 10803, FirstName: "P", Language: "ru", Roles: []store.Role{store.RoleParticipant, store.RoleCandidate}, CreatedAt: today}); err != nil {
			return err
		}
		_, err := tx.PutQuestion(store.Question{UserID: 10803, Kind: store.KindHelp, Language: "ru", Status: store.QuestionTaken, TakenBy: helper.user.ID,
			Thread: []store.Post{{AuthorID: 10803, Text: "Наблюдателя не пускают!", At: today}}, CreatedAt: today, AnnouncedAt: today})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	staff.says("/helper 10801")
	staff.expect(h.text("ru", "election.helper_off", map[string]any{"Name": "Гүлзат", "ID": 10801}),
		h.text("ru", "revoke.questions", map[string]any{"Count": 1}))
	lawyer.expect(h.text("ru", "queue.new", map[string]any{"ID": 1}))
	helper.expect()
	if q := questionOf(t, h, 1); q.Status != store.QuestionOpen || q.TakenBy != 0 {
		t.Errorf("call for help after /helper: %+v", q)
	}
}

// A commission member in the middle of scoring loses the role: her scores
// stay (the confirmed one counts), and her next tap is refused.
func TestRevoke_CommissionScoring(t *testing.T) {
	h := newHarness(t)
	apply(t, h, applicant{9001, "ky", "Асанова Айгүл Бакытовна", "15.03.1990", "Ак-Муз"})
	apply(t, h, applicant{9002, "ru", "Иванова Гульнара Петровна", "01.06.1985", "Кун-Туу"})
	staff := &person{h: h, user: staffUser}
	member := answerer(t, h, 9501, "ru", store.RoleCommission)
	other := answerer(t, h, 9502, "ru", store.RoleCommission)
	h.clock.Set(deadline.Add(time.Hour))
	staff.says("/scoring")
	staff.taps(h.text("ru", "scoring.open", nil))
	member.says("/score")
	scoreAll(t, member, all(4)) // 80, confirmed
	member.taps("3")
	member.taps("3") // two criteria of seven
	member.news()

	staff.news()
	staff.says("/revoke 9501 commission")
	staff.expect(h.text("ru", "revoke.done", map[string]any{"Name": "Гүлзат", "ID": 9501, "Role": h.text("ru", "role.commission", nil)}),
		h.text("ru", "revoke.scores", map[string]any{"Confirmed": 1, "Unfinished": 1}))

	msgs := h.srv.Messages(member.user.ID)
	id := member.tapsOn(msgs[len(msgs)-1].ID, "sc:A-002:p:2:5")
	if a, _ := h.srv.AnswerTo(id); a.Text != h.text("ru", "access.denied", nil) {
		t.Errorf("her tap after the revoke was answered %+v", a)
	}
	member.says("/score")
	if got := member.news(); len(got) == 0 || got[0] != h.text("ru", "access.denied", nil) {
		t.Errorf("her /score after the revoke: %q", got)
	}
	s := stored(t, h, func(tx *store.Tx) (store.Score, error) { return tx.Score("A-002", member.user.ID) })
	if s.Points != [store.Criteria]int{3, 3} || s.Confirmed {
		t.Errorf("her unfinished score: %+v", s)
	}

	// The other member scores both; the ranking counts her confirmed score.
	other.says("/score")
	scoreAll(t, other, all(5))
	scoreAll(t, other, all(5))
	staff.says("/ranking")
	if got := strings.Join(staff.news(), "\n"); !strings.Contains(got, "1. A-002 — 100 (100 · –)") || !strings.Contains(got, "2. A-001 — 90 (100 · 80)") {
		t.Errorf("ranking:\n%s", got)
	}
	// The scores file has her column, after the members'.
	staff.says("/scores")
	rows := sheetRows(t, h.srv.Last(staff.user.ID).Document)
	if len(rows) != 3 || rows[0][9] != "Член 9502: итог" || rows[0][17] != "Член 9501: итог" ||
		rows[1][0] != "A-001" || rows[1][9] != "100" || rows[1][17] != "80" || rows[1][18] != "90" ||
		rows[2][17] != "" || rows[2][18] != "100" {
		t.Errorf("scores workbook:\n%v", rows)
	}
}

// Staff writing a broadcast lose the role: her next text is not the
// broadcast's, and her button is refused.
func TestRevoke_StaffBroadcast(t *testing.T) {
	h := newHarness(t)
	staff := &person{h: h, user: staffUser}
	aida := answerer(t, h, 9601, "ru", store.RoleStaff)
	aida.says("/broadcast")
	aida.expect(h.text("ru", "bc.write.ky", nil))
	staff.says("/revoke 9601 staff")
	staff.news()
	aida.says("Урматтуу катышуучулар!")
	aida.expect(h.text("ru", "access.lapsed", nil))
	// Her Skip button is of a dialogue that ended with the role.
	msgs := h.srv.Messages(aida.user.ID)
	id := aida.tapsOn(msgs[0].ID, msgs[0].Buttons[0][0].Data)
	if a, _ := h.srv.AnswerTo(id); a.Text != h.text("ru", "input.old_button", nil) {
		t.Errorf("her skip after the revoke was answered %+v", a)
	}
	if err := h.db.View(func(tx *store.Tx) error {
		if bs, _ := tx.Broadcasts(); len(bs) != 0 {
			t.Errorf("broadcasts %+v", bs)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	// After a command she has moved on: her text is not the broadcast's,
	// and the notice is not repeated for it.
	bermet := answerer(t, h, 9602, "ru", store.RoleStaff)
	bermet.says("/broadcast")
	staff.says("/revoke 9602 staff")
	bermet.says("/help")
	bermet.news()
	bermet.says("Урматтуу катышуучулар!")
	if got := bermet.news(); slices.Contains(got, h.text("ru", "access.lapsed", nil)) || slices.Contains(got, h.text("ru", "bc.write.ru", nil)) {
		t.Errorf("after /help she sees %q", got)
	}
	if err := h.db.View(func(tx *store.Tx) error {
		if bs, _ := tx.Broadcasts(); len(bs) != 0 {
			t.Errorf("broadcasts %+v", bs)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	// Staff who are staff write one: what it was and to whom is audited.
	manyParticipants(t, h, 9700, 2)
	staff.says("/broadcast")
	staff.says("Урматтуу катышуучулар!")
	staff.says("Уважаемые участницы!")
	staff.taps(h.text("ru", "audience.participants", nil))
	staff.taps(h.text("ru", "bc.send_now", nil))
	want := []string{"9601 /broadcast", "900 /revoke 9601 staff", "9602 /broadcast", "900 /revoke 9602 staff", "900 /broadcast", "900 broadcast 1 to participants"}
	if got := auditActions(t, h); !slices.Equal(got, want) {
		t.Errorf("audit log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
