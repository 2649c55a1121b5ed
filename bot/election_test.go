package bot_test

import (
	"bytes"
	"fmt"
	"image/png"
	"strings"
	"sync"
	"testing"

	"github.com/mentorbot/mentorbot/store"
)

// graduates stores accepted participants with their applications, as the
// selection leaves them: oblast and category for the tally.
func graduates(t *testing.T, h *harness, first int64, n int, lang string) []int64 {
	t.Helper()
	var ids []int64
	err := h.db.Update(func(tx *store.Tx) error {
		for i := range n {
			id := first + int64(i)
			cat, oblast := store.Category28Plus, "naryn"
			if i%2 == 1 {
				cat, oblast = store.CategoryUnder28, "osh"
			}
			if err := tx.PutUser(store.User{ID: id, FirstName: fmt.Sprintf("P%d", id), Language: lang, Roles: []store.Role{store.RoleParticipant}, CreatedAt: today}); err != nil {
				return err
			}
			a := store.Application{UserID: id, Language: lang, Category: cat, Answers: map[string]string{"full_name": fmt.Sprintf("Name %d", id), "oblast": oblast}}
			if _, err := tx.Submit(a, today); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestElection_CandidacyReportHelpViolation(t *testing.T) {
	h := newHarness(t)
	ids := graduates(t, h, 80001, 3, "ru")
	err := h.db.Update(func(tx *store.Tx) error {
		u, _ := tx.User(ids[0])
		u.Language = "ky"
		return tx.PutUser(u)
	})
	if err != nil {
		t.Fatal(err)
	}
	ky := h.person(ids[0], "ky")
	ru := h.person(ids[1], "ru")
	no := h.person(ids[2], "ru")
	staff := &person{h: h, user: staffUser}
	staff.says("/help")
	staff.news()
	h.clock.Set(bishkekTime(t, "2027-03-20 10:00"))

	// Before the vote: where and on which list.
	ky.says("/candidacy")
	ky.taps("Ооба")
	ky.taps("Ооба") // the oblast of her application
	ky.says("Ат-Башы")
	ky.says("Кара-Коюн")
	ky.says("№3")
	ky.taps(h.text("ky", "election.party", nil))
	ky.says("Ата-Журт")
	got := ky.news()
	if got[len(got)-1] != h.text("ky", "election.registered_noted", map[string]any{"Date": "11.04.2027"}) {
		t.Fatalf("candidacy: %q", got)
	}
	ru.says("/candidacy")
	ru.taps("Да")
	ru.taps(h.text("ru", "election.place_change", nil))
	ru.taps("Ошская")
	ru.says("Ноокат")
	ru.says("Гүлистан")
	ru.taps(h.text("ru", "election.skip", nil))
	ru.taps(h.text("ru", "election.independent", nil))
	no.says("/candidacy")
	no.taps("Нет")
	no.news()
	ru.news()

	// A mentor, a lawyer and a helper are ready.
	mentor := answerer(t, h, 80101, "ru", store.RoleMentor)
	lawyer := answerer(t, h, 80102, "ru", store.RoleLawyer)
	helper := h.person(80103, "ru")
	helper.says("/start")
	helper.news()
	staff.says("/helper 80103")
	staff.expect(h.text("ru", "election.helper_on", map[string]any{"Name": "Айгүл", "ID": 80103}))

	// Election morning: every registered candidate, and only they.
	h.tick(bishkekTime(t, "2027-04-11 08:00"))
	ky.expect(h.text("ky", "election.morning", nil))
	ru.expect(h.text("ru", "election.morning", nil))
	no.expect()
	if b := h.srv.Last(ru.user.ID).Buttons; len(b) != 3 || b[0][0].Data != "el:report" {
		t.Errorf("morning buttons %+v", b)
	}

	// A report with bad numbers on the way.
	ru.taps(h.text("ru", "election.report", nil))
	ru.says("двести")
	ru.says("245")
	ru.says("100") // fewer than hers
	ru.says("1 250")
	ru.says("1 000") // voters: turnout over 100%
	ru.says("1 500")
	ru.says("0") // seats
	ru.says("15")
	ru.taps("Да")
	h.settle(h.srv.SendPhoto(ru.user, ""))
	ru.taps(h.text("ru", "election.confirm", nil))
	got = ru.news()
	for _, want := range []string{h.text("ru", "input.need_number", nil), h.text("ru", "election.invalid.cast", map[string]any{"Received": 245, "Cast": 100}),
		h.text("ru", "election.invalid.turnout", map[string]any{"Cast": 1250, "Voters": 1000}),
		h.text("ru", "election.invalid.seats", nil), h.text("ru", "election.report_saved", nil)} {
		if !strings.Contains(strings.Join(got, "\n"), want) {
			t.Errorf("report dialogue lacks %q:\n%s", want, strings.Join(got, "\n"))
		}
	}
	if !userOf(t, h, ru.user.ID).HasRole(store.RoleDeputy) {
		t.Error("elected, but not a deputy")
	}
	if got := staff.news(); len(got) != 0 {
		t.Errorf("staff told of a plausible result: %q", got)
	}
	// A correction, tenfold: both versions kept, staff told, not a deputy now.
	ru.says("/election")
	ru.taps(h.text("ru", "election.report", nil))
	ru.says("2450")
	ru.says("5000")
	ru.taps(h.text("ru", "election.skip", nil))
	ru.says("15")
	ru.taps("Нет")
	ru.taps(h.text("ru", "election.skip", nil))
	ru.taps(h.text("ru", "election.confirm", nil))
	if got := strings.Join(staff.news(), "\n"); !strings.Contains(got, h.text("ru", "election.flag.tenfold_change", nil)) {
		t.Errorf("staff not told of the tenfold change: %q", got)
	}
	var reports []store.ResultReport
	h.db.View(func(tx *store.Tx) (err error) { reports, err = tx.Reports(ru.user.ID); return err })
	if len(reports) != 2 || reports[0].VotesReceived != 245 || reports[0].PhotoFileID == "" || reports[1].VotesReceived != 2450 ||
		reports[1].Flags[0] != "tenfold_change" || reports[1].Elected != "no" {
		t.Errorf("versions %+v", reports)
	}
	if userOf(t, h, ru.user.ID).HasRole(store.RoleDeputy) {
		t.Error("still a deputy after the correction")
	}
	// Someone who is not a registered candidate cannot report.
	no.says("/election")
	no.expect(h.text("ru", "election.not_candidate", nil))

	// "I need help now": everyone who can help hears at once; one takes it.
	mentor.news()
	lawyer.news()
	ky.taps(h.text("ky", "election.help", nil))
	ky.says("Участкада байкоочуну киргизбей жатышат!")
	for _, p := range []*person{mentor, lawyer, helper} {
		if got := p.news(); len(got) != 1 || !strings.HasPrefix(got[0], h.text("ru", "queue.new", map[string]any{"ID": 1})) {
			t.Errorf("%d heard %q", p.user.ID, got)
		}
	}
	helper.says("/queue")
	helper.taps("✋ Взять №1")
	late := mentor.tapsOn(h.srv.Messages(helper.user.ID)[0].ID, "qt:1")
	if a, _ := h.srv.AnswerTo(late); a.Text != h.text("ru", "queue.taken_already", nil) {
		t.Errorf("second take: %+v", a)
	}
	helper.says("Сразу звоните в ТИК и юристу.")
	if got := ky.news(); !strings.HasSuffix(got[len(got)-1], "Сразу звоните в ТИК и юристу.") {
		t.Errorf("help answer: %q", got)
	}

	// A violation with a photo reaches staff and lawyers.
	staff.news()
	ky.taps(h.text("ky", "election.violation", nil))
	ky.says("Бюллетендерди таратып жатышат")
	ky.says("№12 участка, мектеп")
	h.settle(h.srv.SendPhoto(ky.user, ""))
	violation := h.text("ru", "election.violation_new", map[string]any{"ID": 1, "Name": "Айгүл", "What": "Бюллетендерди таратып жатышат", "Where": "№12 участка, мектеп"})
	if got := lawyer.news(); len(got) != 1 || got[0] != violation {
		t.Errorf("lawyer got %q", got)
	}
	if got := staff.news(); len(got) != 1 || got[0] != violation {
		t.Errorf("staff got %q", got)
	}
	lawyer.says("/violations")
	if photos := h.srv.CallsTo("sendPhoto"); photos[len(photos)-1].Params["chat_id"] != "80102" {
		t.Errorf("violation photo not shown to the lawyer")
	}

	// The tally, the chart and the export.
	staff.says("/tally")
	tally := strings.Join(staff.news(), "\n")
	if !strings.Contains(tally, h.text("ru", "tally.head", map[string]any{"Registered": 2, "Reported": 1, "Elected": 0, "Unknown": 0, "Count": 3, "Share": "0%", "Target": "20%"})) ||
		!strings.Contains(tally, "Айгүл (80001)") ||
		!strings.Contains(tally, "Избраны 0 из 3 выпускниц:") {
		t.Errorf("tally:\n%s", tally)
	}
	ky.news()
	staff.taps(h.text("ru", "tally.remind", nil))
	if got := ky.news(); len(got) != 1 || got[0] != h.text("ky", "election.reminder", nil) {
		t.Errorf("reminder: %q", got)
	}
	staff.says("/tally_chart")
	chart := h.srv.CallsTo("sendPhoto")
	last := chart[len(chart)-1]
	img, err := png.Decode(bytes.NewReader(last.Files["photo"]))
	t.Logf("chart: %d bytes", len(last.Files["photo"]))
	if err != nil || len(last.Files["photo"]) < 5_000 || len(last.Files["photo"]) > 2_000_000 {
		t.Fatalf("chart: %d bytes, %v", len(last.Files["photo"]), err)
	}
	if b := img.Bounds(); b.Dx() < 400 || b.Dy() < 250 {
		t.Errorf("chart is %v", b)
	}
	staff.says("/results_export")
	rows := sheetRows(t, h.srv.Last(staffUser.ID).Document)
	if len(rows) != 4 || rows[2][10] != "2450" || rows[2][17] != "1" || rows[3][4] != "no" {
		t.Errorf("results workbook %v", rows)
	}
}

// Election day is a burst: 200 candidates report at once, and the bot
// restarts in the middle. Every report is stored once, as she sent it.
func TestElection_BurstWithRestart(t *testing.T) {
	h := newHarness(t)
	ids := graduates(t, h, 90001, 200, "ru")
	err := h.db.Update(func(tx *store.Tx) error {
		for _, id := range ids {
			u, _ := tx.User(id)
			u.Roles = append(u.Roles, store.RoleCandidate)
			if err := tx.PutUser(u); err != nil {
				return err
			}
			if err := tx.PutCandidacy(store.Candidacy{UserID: id, Registered: "yes", Oblast: "naryn"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	h.clock.Set(bishkekTime(t, "2027-04-11 20:00"))
	votes := func(id int64) int { return int(id%1000) + 7 }
	elected := func(id int64) bool { return id%5 == 0 }
	var wg sync.WaitGroup
	last := make([]int, len(ids))
	for i, id := range ids {
		wg.Go(func() {
			u := h.person(id, "ru").user
			h.srv.Tap(u, 1, "el:report")
			h.srv.SendText(u, fmt.Sprint(votes(id)))
			h.srv.SendText(u, fmt.Sprint(votes(id)*4))
			// Each question of the dialogue is numbered from her first
			// (bot/dialogue): voters is the 3rd, elected the 5th, the
			// read-back the 7th.
			h.srv.Tap(u, 1, "dg:3:skip")
			h.srv.SendText(u, "15")
			answer := "no"
			if elected(id) {
				answer = "yes"
			}
			h.srv.Tap(u, 1, "dg:5:"+answer)
			h.srv.Tap(u, 1, "dg:6:skip")
			last[i] = h.srv.Tap(u, 1, "dg:7:confirm")
		})
	}
	wg.Wait()
	h.srv.WaitFor(t, func() bool { return h.srv.ConfirmedOffset() > last[0]/2 })
	h.restart()
	for _, id := range last {
		h.srv.WaitConfirmed(t, id)
	}
	h.waitOutbox()
	wantElected := 0
	err = h.db.View(func(tx *store.Tx) error {
		for _, id := range ids {
			rs, err := tx.Reports(id)
			if err != nil {
				return err
			}
			if len(rs) != 1 || rs[0].VotesReceived != votes(id) || rs[0].VotesCast != 4*votes(id) || (rs[0].Elected == "yes") != elected(id) {
				t.Errorf("%d: reports %+v", id, rs)
			}
			if elected(id) {
				wantElected++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	staff := &person{h: h, user: staffUser}
	staff.says("/tally")
	want := h.text("ru", "tally.head", map[string]any{"Registered": 200, "Reported": 200, "Elected": wantElected, "Unknown": 0, "Count": 200,
		"Share": percentOf(wantElected, 200), "Target": "20%"})
	if got := staff.news(); len(got) != 1 || !strings.HasPrefix(got[0], want) {
		t.Errorf("tally %q, want it to start %q", got, want)
	}
}

func percentOf(n, of int) string { return fmt.Sprintf("%d%%", (n*100+of/2)/of) }
