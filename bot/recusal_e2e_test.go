package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/store"
)

// A selection nobody can doubt: staff cannot open scoring with no
// commission nor publish before the deadline or while scores are
// missing, and are told why; a member who knows an applicant stands
// aside, staff are told and can undo it, and the application's mean is
// over the others; /ranking and the scores workbook show the z-means and
// the commission's alpha, here on an example worked by hand.
func TestSelection_RecusalAndGuards(t *testing.T) {
	h := newHarnessOn(t, t.TempDir()+"/m.db", func(o *bot.Options) { o.Selection = bot.DefaultSelection(deadline, bishkek) })
	staff := &person{h: h, user: staffUser}
	ru := func(key string, data map[string]any) string { return h.text("ru", key, data) }
	err := h.db.Update(func(tx *store.Tx) error {
		for i, name := range []string{"Асанова Айгүл", "Иванова Гульнара", "Бекова Салтанат"} {
			a := store.Application{UserID: int64(9301 + i), Language: "ru", Category: store.Category28Plus, Answers: map[string]string{"full_name": name}}
			if _, err := tx.Submit(a, today); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// No commission yet: /scoring says how to invite one and offers no
	// button to open.
	staff.says("/scoring")
	staff.expect(ru("scoring.no_members", nil))
	if b := h.srv.Last(staff.user.ID).Buttons; len(b) != 0 {
		t.Errorf("/scoring with no commission offers %v", b)
	}
	// Before the deadline a woman may still apply.
	staff.says("/publish")
	staff.expect(ru("publish.before_deadline", map[string]any{"Deadline": "11.12.2026 17:00"}))

	// Three members; the third has blocked the bot.
	members := []*person{h.person(9401, "ru"), h.person(9402, "ky"), h.person(9403, "ru")}
	for _, m := range members {
		m.says("/start " + invite(t, staff, "commission"))
		m.news()
	}
	h.settle(h.srv.Block(members[2].user))
	h.clock.Set(deadline.Add(time.Hour))
	staff.news()
	staff.says("/publish")
	staff.expect(ru("publish.not_scored", nil))

	// Opening tells the two who can hear it, and names the one who cannot.
	staff.says("/scoring")
	staff.taps(ru("scoring.open", nil))
	staff.expect(ru("scoring.not_open", map[string]any{"Apps": 3, "Members": 3}), ru("scoring.opened", map[string]any{"Apps": 3, "Count": 2}), ru("scoring.not_notified", map[string]any{"Names": "Айгүл (9403)"}))
	members[0].expect(h.text("ru", "score.opened", map[string]any{"Count": 3}))
	members[1].expect(h.text("ky", "score.opened", map[string]any{"Count": 3}))
	h.settle(h.srv.Unblock(members[2].user))

	// The first member scores all three: 100, 80, 60.
	members[0].says("/score")
	scoreAll(t, members[0], all(5))
	scoreAll(t, members[0], all(4))
	scoreAll(t, members[0], all(3))
	members[0].news()

	// The second begins A-001, then sees she knows her: a neighbour.
	m := members[1]
	m.says("/score")
	m.taps("1")
	m.taps("1")
	m.news()
	m.taps(h.text("ky", "recusal.button", nil))
	m.expect(h.text("ky", "recusal.ask", map[string]any{"Code": "A-001"}))
	m.taps(h.text("ky", "recusal.why.neighbour", nil))
	got := m.news()
	if len(got) < 2 || got[0] != h.text("ky", "recusal.done", map[string]any{"Code": "A-001"}) ||
		got[1] != h.text("ky", "score.progress", map[string]any{"Done": 0, "Total": 2, "Left": 2}) || !strings.HasPrefix(got[2], "Өтүнмө A-002") {
		t.Fatalf("after the recusal she sees %q", got)
	}
	told := ru("recusal.staff", map[string]any{"Name": "Айгүл", "ID": 9402, "Code": "A-001", "What": "соседка"})
	staff.expect(told)
	var s store.Score
	h.db.View(func(tx *store.Tx) (err error) { s, err = tx.Score("A-001", 9402); return err })
	if s.Recusal != store.RecusalNeighbour || s.Points != [7]int{} || s.Confirmed {
		t.Errorf("stored %+v", s)
	}

	// Staff undo it (a tap by mistake): she is told it is back, and it is
	// first in her list again. She stands aside once more.
	staff.taps(ru("recusal.undo", nil))
	staff.expect(ru("recusal.undone", map[string]any{"Name": "Айгүл", "ID": 9402, "Code": "A-001"}))
	m.expect(h.text("ky", "recusal.back", map[string]any{"Code": "A-001"}))
	m.says("/score")
	if got := m.news(); len(got) < 2 || !strings.HasPrefix(got[1], "Өтүнмө A-001") {
		t.Fatalf("after the undo she sees %q", got)
	}
	m.taps(h.text("ky", "recusal.button", nil))
	m.taps(h.text("ky", "recusal.why.neighbour", nil))
	staff.expect(told)
	// A-001 is gone from her list: she scores A-002 60 and A-003 40.
	scoreAll(t, m, all(3))
	scoreAll(t, m, all(2))
	m.news()
	m.says("/score")
	m.expect(h.text("ky", "score.all_done", map[string]any{"Count": 2}))

	staff.says("/audit")
	if got := strings.Join(staff.news(), "\n"); strings.Count(got, "recusal A-001 neighbour") != 2 || !strings.Contains(got, "button rcs A-001:9402") {
		t.Errorf("audit log:\n%s", got)
	}
	staff.says("/progress")
	if got := strings.Join(staff.news(), "\n"); !strings.Contains(got, "• Айгүл — 9402: 2 / 2 "+ru("progress.recused", map[string]any{"Count": 1})) ||
		!strings.Contains(got, "• Айгүл — 9403: 0 / 3") {
		t.Errorf("progress:\n%s", got)
	}

	// The third has all three to confirm: /publish says so; asked whether
	// to close scoring, staff say no.
	left := ru("scoring.member_left", map[string]any{"Name": "Айгүл", "ID": 9403, "Count": 3})
	staff.says("/publish")
	staff.expect(ru("publish.scoring_open", nil) + "\n" + left)
	staff.says("/scoring close")
	staff.expect(ru("scoring.close_ask", nil) + "\n\n" + ru("scoring.still_to_confirm", nil) + "\n" + left)
	staff.taps(ru("picker.no", nil))
	staff.expect(ru("picker.kept", nil))

	// She scores 80, 80, 20: scoring is complete, and only the decisions
	// stand in the way.
	members[2].says("/score")
	scoreAll(t, members[2], all(4))
	scoreAll(t, members[2], all(4))
	scoreAll(t, members[2], all(1))
	staff.news()
	staff.says("/publish")
	staff.expect(ru("publish.undecided", nil))

	// The totals (9401 · 9402 · 9403): A-001 100 · ✋ · 80, A-002 80 · 60 ·
	// 80, A-003 60 · 40 · 20. A-001's mean is over the two who scored it:
	// 90. Each member's mean and SD (population) over what she scored:
	// 9401 80 and √(800/3) = 16.33; 9402 50 and 10; 9403 60 and √800 =
	// 28.28. A-001's z-mean: ((100−80)/16.33 + (80−60)/28.28) / 2 = 0.97;
	// A-002's: (0 + 1 + 0.71) / 3 = 0.57; A-003's: (−1.22 − 1 − 1.41) / 3
	// = −1.21. Alpha: n = 8 totals, D_o = (800/1 + 1600/2 + 4800/2) / 8 =
	// 500 (Σ_{i≠j}(v_i−v_j)² per application over m_u − 1), D_e =
	// 2(8·38400 − 520²) / (8·7) = 1314.29, alpha = 1 − 500/1314.29 =
	// 0.62. Without A-002 (the one the two who agree on the others split
	// least on): n = 5, D_o = (800 + 2400) / 5 = 640, D_e = 2(5·22000 −
	// 300²) / 20 = 2000, alpha = 0.68: it pulls agreement down. Without
	// A-001 alpha is 0.51, without A-003 0.20.
	staff.says("/ranking")
	ranking := strings.Join(staff.news(), "\n")
	for _, want := range []string{
		"1. A-001 — 90 (100 · ✋ · 80) z +0.97 ",
		"2. A-002 — 73.3 (80 · 60 · 80) z +0.57 ",
		"3. A-003 — 40 (60 · 40 · 20) z −1.21 ",
		ru("ranking.agreement", map[string]any{"Alpha": "0.62"}),
		ru("ranking.pulling_down", map[string]any{"Codes": "A-002 (без неё 0.68)"}),
	} {
		if !strings.Contains(ranking, want) {
			t.Errorf("ranking lacks %q:\n%s", want, ranking)
		}
	}
	if strings.Contains(ranking, ru("ranking.incomplete", nil)) {
		t.Errorf("a recused member's blank counts as missing:\n%s", ranking)
	}

	// The scores workbook: the same figures, and who stood aside.
	staff.says("/scores")
	doc := h.srv.Last(staff.user.ID).Document
	rows := sheetRows(t, doc)
	head := strings.Join(rows[0][26:], ",")
	if head != "Средний балл,Средний z (по шкале каждого члена),Альфа без этой заявки,Самоотвод (член: причина),Решение" {
		t.Errorf("header ends %s", head)
	}
	for i, want := range []string{
		",,,,,,,,4,4,4,4,4,4,4,80,90,0.97,0.51,9402: neighbour,",
		"3,3,3,3,3,3,3,60,4,4,4,4,4,4,4,80,73.33,0.57,0.68,,",
		"2,2,2,2,2,2,2,40,1,1,1,1,1,1,1,20,40,-1.21,0.2,,",
	} {
		if got := strings.Join(rows[1+i][10:], ","); got != want {
			t.Errorf("A-00%d from the second member on: %s, want %s", i+1, got, want)
		}
	}
	if !strings.Contains(doc.Caption, ru("ranking.agreement", map[string]any{"Alpha": "0.62"})) {
		t.Errorf("caption %q", doc.Caption)
	}

	// Staff close scoring after all (a yes), decide, and may publish.
	staff.says("/scoring")
	staff.taps(ru("scoring.close", nil))
	staff.taps(ru("picker.yes", nil))
	if got := staff.news(); got[len(got)-1] != ru("scoring.closed", nil) {
		t.Errorf("closing: %q", got)
	}
	staff.says("/decide")
	staff.taps(ru("decide.all_proposed", nil))
	staff.news()
	staff.says("/publish")
	if got := staff.news(); len(got) != 1 || !strings.HasPrefix(got[0], "Разослать результаты?") {
		t.Errorf("/publish once everything is in: %q", got)
	}
}
