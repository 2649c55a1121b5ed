package bot_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/bot/export"
	"github.com/mentorbot/mentorbot/bot/selection"
	"github.com/mentorbot/mentorbot/bot/telegramtest"
	"github.com/mentorbot/mentorbot/store"
)

// applicant is the part of a form the selection tests care about.
type applicant struct {
	id               int64
	lang, name, born string
	village          string
}

// apply fills and submits a whole application in her language.
func apply(t *testing.T, h *harness, a applicant) *person {
	t.Helper()
	tr := func(key string) string { return h.text(a.lang, key, nil) }
	p := h.person(a.id, a.lang)
	p.says("/start")
	p.taps(map[string]string{"ky": "Кыргызча", "ru": "Русский"}[a.lang])
	p.taps(tr("consent.yes"))
	p.says(a.name)
	p.says(a.born)
	p.taps(tr("answer.yes"))
	p.taps(tr("form.oblast.opt.naryn"))
	p.says("Ат-Башы")
	p.says("Кара-Коюн")
	p.says(a.village)
	p.says("Мугалим, " + a.village + " орто мектеби")
	p.taps(tr("answer.no"))
	p.says("0700 12 34 " + a.born[:2])
	p.taps(tr("form.whatsapp.same"))
	p.says("aigul" + a.born[:2] + "@mail.kg")
	p.taps(tr("answer.yes"))
	p.says("Мен " + strings.Fields(a.name)[1] + ", " + a.village + " айылында суу маселесин айыл өкмөтү менен чечтик.")
	p.taps(tr("answer.no"))
	p.taps(tr("answer.no"))
	for range 4 {
		p.taps(tr("answer.yes"))
	}
	p.taps("⬜ " + tr("form.stage_school.short"))
	p.taps(tr("answer.done"))
	p.says("Менин атым " + strings.Fields(a.name)[1] + ". Телефонум 0700 12-34-" + a.born[:2] + ". Айылыбызда таза суу жок.")
	p.taps(tr("answer.done"))
	p.taps(tr("summary.submit"))
	p.news()
	return p
}

var inviteLink = regexp.MustCompile(`start=(inv_[a-z0-9]+)`)

// invite has staff create an invitation and returns its /start payload.
func invite(t *testing.T, staff *person, role string) string {
	t.Helper()
	staff.says("/invite " + role)
	m := inviteLink.FindStringSubmatch(strings.Join(staff.news(), "\n"))
	if m == nil {
		t.Fatalf("no invitation link for %s", role)
	}
	return m[1]
}

// scoreAll has a member score the application on screen with points and
// confirm.
func scoreAll(t *testing.T, m *person, points [7]int) {
	t.Helper()
	for _, p := range points {
		m.taps(string(rune('0' + p)))
	}
	m.taps(m.h.text(m.user.LanguageCode, "score.confirm", nil))
}

func all(p int) [7]int { return [7]int{p, p, p, p, p, p, p} }

func TestSelection(t *testing.T) {
	h := newHarnessOn(t, t.TempDir()+"/m.db", func(o *bot.Options) {
		o.Selection = bot.DefaultSelection(deadline, bishkek)
		o.Selection.Quotas = map[store.Category]selection.Quota{
			store.Category28Plus: {Accept: 1, Waitlist: 0}, store.CategoryUnder28: {Accept: 1, Waitlist: 0},
		}
	})
	applicants := []applicant{
		{9001, "ky", "Асанова Айгүл Бакытовна", "15.03.1990", "Ак-Муз"},      // A-001, 28plus
		{9002, "ru", "Иванова Гульнара Петровна", "01.06.1985", "Кун-Туу"},   // A-002, 28plus
		{9003, "ky", "Сыдыкова Нургүл Асановна", "10.10.2003", "Кызыл-Суу"},  // A-003, under28
		{9004, "ru", "Токтогулова Жылдыз Маратовна", "05.05.2002", "Ак-Суу"}, // A-004, under28
		{9005, "ky", "Бекова Салтанат Омуровна", "01.01.1995", "Таш-Добо"},   // A-005, withdraws
	}
	var people []*person
	for _, a := range applicants {
		people = append(people, apply(t, h, a))
	}
	// She withdraws before scoring: A-005 leaves the selection.
	people[4].says("/withdraw")
	people[4].taps(h.text("ky", "withdraw.yes", nil))
	people[4].expect(h.text("ky", "withdraw.ask", map[string]any{"Code": "A-005"}), h.text("ky", "withdraw.done", map[string]any{"Code": "A-005"}))

	staff := &person{h: h, user: staffUser}
	// Three members, by one-time invitation links, in both languages.
	members := []*person{h.person(9101, "ru"), h.person(9102, "ky"), h.person(9103, "ru")}
	for _, m := range members {
		m.says("/start " + invite(t, staff, "commission"))
		if got := m.news(); len(got) == 0 || got[0] != h.text(m.user.LanguageCode, "invite.welcome", map[string]any{"Role": h.text(m.user.LanguageCode, "role.commission", nil)}) {
			t.Fatalf("member %d: %q", m.user.ID, got)
		}
	}

	// Strangers and applicants cannot score or see the ranking.
	people[0].says("/score")
	if got := people[0].news(); len(got) == 0 || got[0] != h.text("ky", "access.denied", nil) {
		t.Errorf("applicant /score: %q", got)
	}
	people[1].says("/ranking")
	if got := people[1].news(); len(got) == 0 || got[0] != h.text("ru", "access.denied", nil) {
		t.Errorf("applicant /ranking: %q", got)
	}
	if !strings.Contains(h.logs.String(), "refused a command that needs a role") {
		t.Error("refusals not logged")
	}

	// Scoring is not open yet.
	members[0].says("/score")
	members[0].expect(h.text("ru", "score.not_open", nil))
	h.clock.Set(deadline.Add(time.Hour))
	staff.says("/scoring")
	staff.taps(h.text("ru", "scoring.open", nil))
	for _, m := range members {
		m.expect(h.text(m.user.LanguageCode, "score.opened", map[string]any{"Count": 4}))
	}

	// The first member scores A-001 blind.
	m := members[0]
	m.says("/score")
	got := m.news()
	if len(got) != 3 || got[0] != h.text("ru", "score.progress", map[string]any{"Done": 0, "Total": 4, "Left": 4}) {
		t.Fatalf("member sees %q", got)
	}
	blind := got[1]
	wantBlind := strings.Join([]string{
		"Заявка A-001",
		"",
		h.text("ru", "form.section.3", nil),
		h.text("ru", "form.lsg_experience.label", nil) + ": Да",
		h.text("ru", "form.lsg_experience_text.label", nil) + ":",
		"Мен ▒▒▒, ▒▒▒ айылында суу маселесин айыл өкмөтү менен чечтик.",
	}, "\n")
	if !strings.HasPrefix(blind, wantBlind) {
		t.Errorf("blind view starts:\n%s\nwant:\n%s", blind, wantBlind)
	}
	for _, leak := range []string{"Асанова", "Айгүл", "Бакытовна", "15.03.1990", "1990", "Ак-Муз", "+996", "0700", "aigul", "Мугалим", "Ат-Башы", "Кара-Коюн", "Нарын"} {
		if strings.Contains(strings.Join(got, "\n"), leak) {
			t.Errorf("blind view shows %q:\n%s", leak, blind)
		}
	}
	if !strings.Contains(blind, "Менин атым ▒▒▒. Телефонум ▒▒▒. Айылыбызда таза суу жок.") {
		t.Errorf("essay not masked as expected:\n%s", blind)
	}

	// She scores three criteria, stops, and after a restart continues there.
	for range 3 {
		m.taps("4")
	}
	h.restart()
	m.says("/score")
	if got := m.news(); !strings.Contains(got[2], "4 · 4 · 4 · – · – · – · –") || !strings.Contains(got[2], "4/7") && !strings.Contains(got[2], "4 из 7") {
		t.Fatalf("resumed at %q", got[2])
	}
	for range 4 {
		m.taps("4")
	}
	m.taps(h.text("ru", "score.confirm", nil)) // 80
	m.news()
	scoreAll(t, m, all(5))                      // 100
	scoreAll(t, m, all(3))                      // 60
	scoreAll(t, m, [7]int{4, 3, 2, 5, 4, 3, 5}) // 77
	if got := h.srv.Messages(m.user.ID); !strings.Contains(strings.Join(messageTexts(got), "\n"), h.text("ru", "score.confirmed", map[string]any{"Code": "A-001", "Total": "80"})) {
		t.Error("no confirmation of A-001")
	}
	m.news()

	// The other two.
	members[1].says("/score")
	scoreAll(t, members[1], all(5))                      // 100
	scoreAll(t, members[1], all(5))                      // 100
	scoreAll(t, members[1], all(3))                      // 60
	scoreAll(t, members[1], [7]int{4, 3, 2, 5, 4, 3, 5}) // 77
	members[1].news()
	members[1].says("/score")
	members[1].expect(h.text("ky", "score.all_done", map[string]any{"Count": 4}))

	members[2].says("/score")
	scoreAll(t, members[2], all(3)) // 60
	// changes criterion 7 from 5 to 4 on the summary before confirming.
	for range 7 {
		members[2].taps("5")
	}
	members[2].taps("✏️7")
	members[2].taps("4")
	members[2].taps(h.text("ru", "score.confirm", nil)) // 96
	scoreAll(t, members[2], all(3))                     // 60
	// Ranking before the last confirmation: not complete, no decisions yet.
	staff.news()
	// /decide says who is still to confirm how many.
	staff.says("/decide")
	staff.expect(h.text("ru", "decide.not_yet", nil) + "\n" + h.text("ru", "scoring.member_left", map[string]any{"Name": "Айгүл", "ID": 9103, "Count": 1}))
	scoreAll(t, members[2], [7]int{4, 3, 2, 5, 4, 3, 5}) // 77
	// A confirmed application cannot be changed.
	old := h.srv.Messages(members[2].user.ID)
	id := members[2].tapsOn(old[len(old)-1].ID, "sc:A-004:p:0:1")
	if a, _ := h.srv.AnswerTo(id); a.Text != h.text("ru", "score.already_confirmed", nil) {
		t.Errorf("tap on a confirmed application: %+v", a)
	}

	staff.says("/progress")
	if got := strings.Join(staff.news(), "\n"); strings.Count(got, ": 4 / 4") != 3 {
		t.Errorf("progress:\n%s", got)
	}

	staff.says("/ranking")
	ranking := strings.Join(staff.news(), "\n")
	// The members' totals: 9101 80, 100, 60, 77; 9102 100, 100, 60, 77;
	// 9103 60, 96, 60, 77. Each member's mean and SD (over the four):
	// 79.25 and 14.17; 84.25 and 16.84; 73.25 and 14.77. A-002's z-mean is
	// ((100−79.25)/14.17 + (100−84.25)/16.84 + (96−73.25)/14.77) / 3 = 1.31.
	// Alpha (computed by hand the same way as in bot/selection's test of
	// Krippendorff's example): 0.64; without A-001 (80 · 100 · 60) it is
	// 0.99; without A-004 0.646, a rise under selection.MinRise, so A-001
	// alone is named as pulling it down.
	for _, want := range []string{
		"1. A-002 — 98.7 (100 · 100 · 96) z +1.31 · предлагаю: принята",
		"2. A-001 — 80 (80 · 100 · 60) z +0.03 ⚠40 · предлагаю: не прошла",
		"1. A-004 — 77 (77 · 77 · 77) z −0.11 · предлагаю: принята",
		"2. A-003 — 60 (60 · 60 · 60) z −1.23 · предлагаю: не прошла",
		h.text("ru", "ranking.agreement", map[string]any{"Alpha": "0.64"}),
		h.text("ru", "ranking.pulling_down", map[string]any{"Codes": "A-001 (без неё 0.99)"}),
	} {
		if !strings.Contains(ranking, want) {
			t.Errorf("ranking lacks %q:\n%s", want, ranking)
		}
	}
	if strings.Contains(ranking, "A-005") || strings.Contains(ranking, "Асанова") {
		t.Errorf("ranking shows a withdrawn application or a name:\n%s", ranking)
	}

	// Decisions: the bot's proposal for all, then one changed by hand.
	staff.says("/decide")
	staff.taps(h.text("ru", "decide.all_proposed", nil))
	staff.says("/decide A-001 waitlist")
	staff.says("/ranking")
	if got := strings.Join(staff.news(), "\n"); !strings.Contains(got, "A-002 Иванова Гульнара Петровна — 98.7") || !strings.Contains(got, "A-001 Асанова Айгүл Бакытовна — 80 (80 · 100 · 60) z +0.03 ⚠40 → в резерве") {
		t.Errorf("ranking after the decisions:\n%s", got)
	}

	// Publish; the bot restarts while the results go out; staff press twice.
	staff.says("/publish")
	h.srv.FailNext("sendMessage", telegramtest.ServerError(), 3)
	confirm := h.srv.Last(staff.user.ID).ID
	pub := h.srv.Tap(staff.user, confirm, "pub:go")
	h.srv.WaitConfirmed(t, pub)
	h.restart()
	h.settle(h.srv.SendText(staff.user, "/publish"))
	again := staff.tapsOn(confirm, "pub:go") // the same button once more
	if a, _ := h.srv.AnswerTo(again); a.Text != h.text("ru", "scoring.published", nil) {
		t.Errorf("second publish answered %+v", a)
	}
	results := map[int64]string{
		9001: h.text("ky", "result.waitlisted", map[string]any{"Code": "A-001"}),
		9002: h.text("ru", "result.accepted", map[string]any{"Code": "A-002", "Start": "25.01.2027", "End": "29.01.2027"}),
		9003: h.text("ky", "result.declined", map[string]any{"Code": "A-003"}),
		9004: h.text("ru", "result.accepted", map[string]any{"Code": "A-004", "Start": "25.01.2027", "End": "29.01.2027"}),
	}
	for i, p := range people[:4] {
		if got := p.news(); len(got) != 1 || got[0] != results[p.user.ID] {
			t.Errorf("applicant %d got %q, want exactly %q", i+1, got, results[p.user.ID])
		}
	}
	if got := people[4].news(); len(got) != 0 {
		t.Errorf("the withdrawn applicant got %q", got)
	}
	if !userOf(t, h, 9002).HasRole(store.RoleParticipant) {
		t.Error("accepted applicant is not a participant")
	}

	// The scores as a workbook.
	staff.news()
	staff.says("/scores")
	doc := h.srv.Last(staff.user.ID).Document
	rows := sheetRows(t, doc)
	if len(rows) != 6 || len(rows[0]) != 2+3*8+5 || rows[0][9] != "Член 9101: итог" || rows[0][27] != "Средний z (по шкале каждого члена)" {
		t.Fatalf("scores workbook: %d rows, header %v", len(rows), rows[0])
	}
	if got := strings.Join(rows[2], ","); got != "A-002,28plus,5,5,5,5,5,5,5,100,5,5,5,5,5,5,5,100,5,5,5,5,5,5,4,96,98.67,1.31,0.29,,accepted" {
		t.Errorf("A-002 row: %s", got)
	}
	apps, _ := h.db.Applications()
	var scores []store.Score
	h.db.View(func(tx *store.Tx) (err error) { scores, err = tx.Scores(); return err })
	if !sameRows(rows, h.tableRows(t, export.Scores(apps, scores, []int64{9101, 9102, 9103}), "ru")) {
		t.Error("the chat's workbook differs from the export's")
	}
}

func messageTexts(msgs []telegramtest.Message) []string {
	texts := make([]string, len(msgs))
	for i, m := range msgs {
		texts[i] = m.Text
	}
	return texts
}
