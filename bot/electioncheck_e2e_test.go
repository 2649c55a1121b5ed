package bot_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mentorbot/mentorbot/store"
)

// candidates stores registered candidates, one per language given, from
// id on: participants whose application holds a whole place (oblast,
// district, aiyl okmotu), as election day finds them.
func candidates(t *testing.T, h *harness, id int64, langs ...string) []*person {
	t.Helper()
	var out []*person
	for i, lang := range langs {
		ids := graduates(t, h, id+int64(i), 1, lang)
		err := h.db.Update(func(tx *store.Tx) error {
			u, _ := tx.User(ids[0])
			u.Roles = append(u.Roles, store.RoleCandidate)
			if err := tx.PutUser(u); err != nil {
				return err
			}
			return tx.PutCandidacy(store.Candidacy{UserID: u.ID, Registered: "yes", Oblast: "naryn", District: "Ат-Башы", AiylOkmotu: "Кара-Коюн"})
		})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, h.person(ids[0], lang))
	}
	h.clock.Set(bishkekTime(t, "2027-04-11 20:00"))
	return out
}

// readBack is the read-back she is shown, in her language: "" for voters
// she skipped; elected is yes, no or unknown.
func readBack(h *harness, lang string, received, cast, voters, seats int, elected string, photo bool) string {
	lines := []string{h.text(lang, "election.readback", nil),
		h.text(lang, "election.figure.received", map[string]any{"N": received}),
		h.text(lang, "election.figure.cast", map[string]any{"N": cast})}
	if voters == 0 {
		lines = append(lines, h.text(lang, "election.figure.voters_none", nil))
	} else {
		lines = append(lines, h.text(lang, "election.figure.voters", map[string]any{"N": voters}))
	}
	lines = append(lines, h.text(lang, "election.figure.seats", map[string]any{"N": seats}), h.text(lang, "election.figure.elected."+elected, nil))
	if photo {
		lines = append(lines, h.text(lang, "election.figure.protocol.sent", nil))
	} else {
		lines = append(lines, h.text(lang, "election.figure.protocol.none", nil))
	}
	return strings.Join(lines, "\n")
}

func reportsOf(t *testing.T, h *harness, id int64) []store.ResultReport {
	t.Helper()
	return stored(t, h, func(tx *store.Tx) ([]store.ResultReport, error) { return tx.Reports(id) })
}

// yes is "yes" in her language, as the buttons say it.
func yes(h *harness, lang string) string { return h.text(lang, "answer.yes", nil) }

// Her figures are read back before anything is stored; Change lets her
// fix one figure and brings her back to the read-back; Confirm stores
// them, and an elected woman is congratulated and told what comes next.
func TestElection_ReadBackChangeConfirm(t *testing.T) {
	h := newHarness(t)
	for _, p := range candidates(t, h, 81001, "ky", "ru") {
		lang := p.user.LanguageCode
		{
			p.says("/election")
			p.taps(h.text(lang, "election.report", nil))
			p.says("245")
			p.says("1 250")
			p.says("1500")
			p.says("15")
			p.taps(yes(h, lang))
			p.news()
			h.settle(h.srv.SendPhoto(p.user, ""))
			p.expect(readBack(h, lang, 245, 1250, 1500, 15, "yes", true))
			if b := h.srv.Last(p.user.ID).Buttons; len(b) < 1 || len(b[0]) != 2 || b[0][0].Text != h.text(lang, "election.confirm", nil) ||
				b[0][1].Text != h.text(lang, "election.change", nil) {
				t.Fatalf("read-back buttons %+v", b)
			}
			if rs := reportsOf(t, h, p.user.ID); len(rs) != 0 {
				t.Fatalf("stored before Confirm: %+v", rs)
			}

			// Change: the figures as buttons; she fixes her votes only.
			p.taps(h.text(lang, "election.change", nil))
			p.expect(h.text(lang, "election.ask.fix", nil))
			var labels []string
			for _, row := range h.srv.Last(p.user.ID).Buttons {
				labels = append(labels, row[0].Text)
			}
			want := strings.Split(readBack(h, lang, 245, 1250, 1500, 15, "yes", true), "\n")[1:]
			if len(labels) < len(want) || !slices.Equal(labels[:len(want)], want) {
				t.Fatalf("figures to fix %q, want %q", labels, want)
			}
			p.taps(h.text(lang, "election.figure.received", map[string]any{"N": 245}))
			p.expect(h.text(lang, "election.ask.received", nil))
			p.says("254")
			p.expect(readBack(h, lang, 254, 1250, 1500, 15, "yes", true))

			// Back from the figures to fix returns to the read-back.
			p.taps(h.text(lang, "election.change", nil))
			p.taps(h.text(lang, "dialogue.back", nil))
			if got := p.news(); got[len(got)-1] != readBack(h, lang, 254, 1250, 1500, 15, "yes", true) {
				t.Fatalf("Back from the figures: %q", got)
			}
			if rs := reportsOf(t, h, p.user.ID); len(rs) != 0 {
				t.Fatalf("stored before Confirm: %+v", rs)
			}

			p.taps(h.text(lang, "election.confirm", nil))
			p.expect(h.text(lang, "election.report_saved", nil), h.text(lang, "election.congratulations", nil))
			rs := reportsOf(t, h, p.user.ID)
			if len(rs) != 1 || rs[0].VotesReceived != 254 || rs[0].VotesCast != 1250 || rs[0].Voters != 1500 || rs[0].Seats != 15 ||
				rs[0].Elected != "yes" || rs[0].PhotoFileID == "" || rs[0].Check != "" {
				t.Errorf("stored %+v", rs)
			}
			if !userOf(t, h, p.user.ID).HasRole(store.RoleDeputy) {
				t.Error("elected, but not a deputy")
			}

			// A correction of her figures is no second victory.
			p.says("/election")
			p.taps(h.text(lang, "election.report", nil))
			p.says("255")
			p.says("1250")
			p.taps(h.text(lang, "election.skip", nil))
			p.says("15")
			p.taps(yes(h, lang))
			p.taps(h.text(lang, "election.skip", nil))
			p.news()
			p.taps(h.text(lang, "election.confirm", nil))
			p.expect(h.text(lang, "election.report_corrected", map[string]any{"Version": 2}))
		}
	}
}

// Each figure that breaks the protocol's arithmetic is refused at its
// step, naming both figures, and the step is asked again; when she fixes
// one figure from the read-back, the figures after it count too.
func TestElection_ArithmeticRefused(t *testing.T) {
	h := newHarness(t)
	for _, p := range candidates(t, h, 82001, "ky", "ru") {
		lang := p.user.LanguageCode
		{
			p.says("/election")
			p.taps(h.text(lang, "election.report", nil))
			p.says("300")
			p.news()
			p.says("245") // fewer cast than her own
			p.expect(h.text(lang, "election.invalid.cast", map[string]any{"Received": 300, "Cast": 245}), h.text(lang, "election.ask.cast", nil))
			p.says("1250")
			p.news()
			p.says("1000") // voters: a turnout over 100%
			p.expect(h.text(lang, "election.invalid.turnout", map[string]any{"Cast": 1250, "Voters": 1000}), h.text(lang, "election.ask.voters", nil))
			p.says("1 250") // all came: 100% is fine
			p.expect(h.text(lang, "election.ask.seats", nil))
			p.says("11")
			p.taps(h.text(lang, "answer.no", nil))
			p.news()
			p.taps(h.text(lang, "election.skip", nil))
			p.expect(readBack(h, lang, 300, 1250, 1250, 11, "no", false))

			// Fixing votes cast from the read-back: the voters stand.
			p.taps(h.text(lang, "election.change", nil))
			p.taps(h.text(lang, "election.figure.cast", map[string]any{"N": 1250}))
			p.news()
			p.says("1300")
			p.expect(h.text(lang, "election.invalid.turnout", map[string]any{"Cast": 1300, "Voters": 1250}), h.text(lang, "election.ask.cast", nil))
			p.says("299")
			p.expect(h.text(lang, "election.invalid.cast", map[string]any{"Received": 300, "Cast": 299}), h.text(lang, "election.ask.cast", nil))
			p.says("1200")
			p.expect(readBack(h, lang, 300, 1200, 1250, 11, "no", false))

			// Fixing her own votes: the votes cast stand.
			p.taps(h.text(lang, "election.change", nil))
			p.taps(h.text(lang, "election.figure.received", map[string]any{"N": 300}))
			p.news()
			p.says("1201")
			p.expect(h.text(lang, "election.invalid.cast", map[string]any{"Received": 1201, "Cast": 1200}), h.text(lang, "election.ask.received", nil))
			p.says("310")
			p.expect(readBack(h, lang, 310, 1200, 1250, 11, "no", false))
			if rs := reportsOf(t, h, p.user.ID); len(rs) != 0 {
				t.Fatalf("stored before Confirm: %+v", rs)
			}
			p.taps(h.text(lang, "election.confirm", nil))
			p.expect(h.text(lang, "election.report_saved", nil), h.text(lang, "election.not_elected", nil))
			if rs := reportsOf(t, h, p.user.ID); len(rs) != 1 || rs[0].VotesReceived != 310 || rs[0].VotesCast != 1200 || rs[0].Voters != 1250 || len(rs[0].Flags) != 0 {
				t.Errorf("stored %+v", rs)
			}
		}
	}
}

// /candidacy starts from the place her application holds: one question
// whether it is right, and then only what is new. Change asks it all.
func TestElection_CandidacyFromApplication(t *testing.T) {
	h := newHarness(t)
	place := map[string]string{"oblast": "naryn", "district": "Ат-Башы", "aiyl_okmotu": "Кара-Коюн"}
	var people []*person
	for i, lang := range []string{"ky", "ru"} {
		id := graduates(t, h, 83001+int64(i), 1, lang)[0]
		err := h.db.Update(func(tx *store.Tx) error {
			app, err := tx.ApplicationOf(id)
			if err != nil {
				return err
			}
			for k, v := range place {
				app.Answers[k] = v
			}
			return tx.PutApplication(app)
		})
		if err != nil {
			t.Fatal(err)
		}
		people = append(people, h.person(id, lang))
	}
	h.clock.Set(bishkekTime(t, "2027-03-20 10:00"))
	for _, p := range people {
		lang := p.user.LanguageCode
		p.says("/candidacy")
		p.taps(yes(h, lang))
		where := strings.Join([]string{h.text(lang, "election.place.oblast", map[string]any{"Name": h.text(lang, "form.oblast.opt.naryn", nil)}),
			h.text(lang, "election.place.district", map[string]any{"Name": "Ат-Башы"}),
			h.text(lang, "election.place.aiyl", map[string]any{"Name": "Кара-Коюн"})}, "\n")
		if got := p.news(); got[len(got)-1] != h.text(lang, "election.ask.place", map[string]any{"Where": where}) {
			t.Fatalf("%s: after registered: %q", lang, got)
		}
		p.taps(yes(h, lang))
		if got := p.news(); got[len(got)-1] != h.text(lang, "election.ask.constituency", nil) {
			t.Fatalf("%s: after the place: %q", lang, got)
		}
		p.says("№3")
		p.taps(h.text(lang, "election.independent", nil))
		var c store.Candidacy
		h.db.View(func(tx *store.Tx) (err error) { c, err = tx.Candidacy(p.user.ID); return err })
		if c.Registered != "yes" || c.Oblast != "naryn" || c.District != "Ат-Башы" || c.AiylOkmotu != "Кара-Коюн" || c.Constituency != "№3" || c.List != "independent" {
			t.Errorf("%s: candidacy %+v", lang, c)
		}
	}

	// She stands elsewhere: Change asks the oblast, district and aiyl
	// okmotu; and a second /candidacy starts from her candidacy.
	ru := people[1]
	ru.says("/candidacy")
	ru.taps("Да")
	ru.taps(h.text("ru", "election.place_change", nil))
	if got := ru.news(); got[len(got)-1] != h.text("ru", "election.ask.oblast", nil) {
		t.Fatalf("after Change: %q", got)
	}
	ru.taps("Ошская")
	ru.says("Ноокат")
	ru.says("Гүлистан")
	ru.taps(h.text("ru", "election.skip", nil))
	ru.taps(h.text("ru", "election.independent", nil))
	ru.says("/candidacy")
	ru.taps("Да")
	where := strings.Join([]string{h.text("ru", "election.place.oblast", map[string]any{"Name": "Ошская"}),
		h.text("ru", "election.place.district", map[string]any{"Name": "Ноокат"}),
		h.text("ru", "election.place.aiyl", map[string]any{"Name": "Гүлистан"})}, "\n")
	if got := ru.news(); got[len(got)-1] != h.text("ru", "election.ask.place", map[string]any{"Where": where}) {
		t.Fatalf("second /candidacy: %q", got)
	}
}

// reportResult sends a whole result and confirms its read-back.
func reportResult(t *testing.T, h *harness, p *person, received, cast, elected string, photo bool) {
	t.Helper()
	lang := p.user.LanguageCode
	p.says("/election")
	p.taps(h.text(lang, "election.report", nil))
	p.says(received)
	p.says(cast)
	p.taps(h.text(lang, "election.skip", nil))
	p.says("15")
	p.taps(h.text(lang, elected, nil))
	if photo {
		h.settle(h.srv.SendPhoto(p.user, ""))
	} else {
		p.taps(h.text(lang, "election.skip", nil))
	}
	p.taps(h.text(lang, "election.confirm", nil))
	p.news()
}

// checkPrompt is the result as staff are asked about it.
func checkPrompt(h *harness, whose string, version, received, cast, seats int, elected string, photo bool) string {
	lines := []string{whose + " · " + h.text("ru", "check.version", map[string]any{"Version": version}),
		h.text("ru", "check.received", map[string]any{"N": received}), h.text("ru", "check.cast", map[string]any{"N": cast}),
		h.text("ru", "check.voters_none", nil), h.text("ru", "check.seats", map[string]any{"N": seats}), h.text("ru", "check.elected."+elected, nil)}
	if !photo {
		lines = append(lines, h.text("ru", "check.no_photo", nil))
	}
	return strings.Join(lines, "\n") + "\n\n" + h.text("ru", "check.ask", nil)
}

// Staff check the results against their photos from /tally, one at a
// time: one verified, one rejected with a reason from the buttons, one
// in staff's own words. Each rejected candidate is told why, in her
// language, with a button to report again; the tally counts verified,
// rejected and unchecked results apart, and a correction needs checking
// again.
func TestElection_StaffCheckPhotos(t *testing.T) {
	h := newHarness(t)
	people := candidates(t, h, 84001, "ru", "ky", "ru")
	verified, unreadable, ownWords := people[0], people[1], people[2]
	staff := &person{h: h, user: staffUser}
	staff.says("/help")
	reportResult(t, h, verified, "400", "1000", "answer.yes", true)
	h.clock.Set(bishkekTime(t, "2027-04-11 20:05"))
	reportResult(t, h, unreadable, "245", "1250", "answer.no", true)
	h.clock.Set(bishkekTime(t, "2027-04-11 20:10"))
	reportResult(t, h, ownWords, "120", "900", "answer.no", false)
	staff.news()

	checks := func(verified, elected, rejected, unchecked int) string {
		return h.text("ru", "tally.checks", map[string]any{"Verified": verified, "Elected": elected, "Rejected": rejected, "Unchecked": unchecked})
	}
	staff.says("/tally")
	if got := strings.Join(staff.news(), "\n"); !strings.Contains(got, checks(0, 0, 0, 3)) {
		t.Fatalf("tally before the checks:\n%s", got)
	}
	staff.taps(h.text("ru", "tally.check_photos", map[string]any{"Count": 3}))
	whose := func(p *person, code string) string {
		return h.text("ru", "check.whose", map[string]any{"Code": code, "Name": "Name " + strconv.FormatInt(p.user.ID, 10), "ID": p.user.ID})
	}
	shown := func(p *person, code string, received, cast int, elected string, photo bool) {
		t.Helper()
		got := staff.news()
		want := []string{checkPrompt(h, whose(p, code), 1, received, cast, 15, elected, photo)}
		if photo {
			want = append([]string{""}, want...) // the photo, then the question
			msgs := h.srv.Messages(staffUser.ID)
			ph := msgs[len(msgs)-2].Photo
			if ph == nil || ph.FileID != reportsOf(t, h, p.user.ID)[0].PhotoFileID || ph.Caption != whose(p, code) {
				t.Errorf("photo of %d shown as %+v", p.user.ID, ph)
			}
		}
		if len(got) < len(want) || !slices.Equal(got[len(got)-len(want):], want) {
			t.Fatalf("staff see:\n%s\nwant the end:\n%s", strings.Join(quote(got), "\n"), strings.Join(quote(want), "\n"))
		}
	}
	shown(verified, "A-001", 400, 1000, "yes", true)
	staff.taps(h.text("ru", "check.verified", nil))
	shown(unreadable, "A-002", 245, 1250, "no", true)
	staff.taps(h.text("ru", "check.rejected", nil))
	staff.expect(h.text("ru", "check.ask_reason", nil))
	staff.taps(h.text("ru", "check.reason.unreadable", nil))
	shown(ownWords, "A-003", 120, 900, "no", false)
	staff.taps(h.text("ru", "check.rejected", nil))
	staff.expect(h.text("ru", "check.ask_reason", nil))
	staff.says("На фото другой округ")
	staff.expect(h.text("ru", "check.all_done", nil))

	// Each rejected candidate hears why, in her language, with a button
	// to report again; the verified one hears nothing.
	verified.expect()
	unreadable.expect(h.text("ky", "election.check_rejected", map[string]any{"What": h.text("ky", "check.reason.unreadable", nil)}))
	ownWords.expect(h.text("ru", "election.check_rejected", map[string]any{"What": "На фото другой округ"}))
	if b := h.srv.Last(ownWords.user.ID).Buttons; len(b) != 1 || b[0][0].Data != "el:report" {
		t.Errorf("notice buttons %+v", b)
	}
	rs := reportsOf(t, h, unreadable.user.ID)
	if rs[0].Check != store.CheckRejected || rs[0].Reason != "unreadable" || rs[0].CheckedBy != staffUser.ID {
		t.Errorf("rejected result %+v", rs[0])
	}
	var audit []store.AuditEntry
	h.db.View(func(tx *store.Tx) (err error) { audit, err = tx.AuditLog(3); return err })
	if len(audit) != 3 || audit[0].Action != "result check" || !strings.HasPrefix(audit[0].Detail, "84003 v1 rejected") ||
		audit[2].Detail != "84001 v1 verified" {
		t.Errorf("audit %+v", audit)
	}

	staff.says("/tally")
	tally := strings.Join(staff.news(), "\n")
	if !strings.Contains(tally, checks(1, 1, 2, 0)) || strings.Contains(tally, h.text("ru", "tally.check_photos", map[string]any{"Count": 0})) {
		t.Fatalf("tally after the checks:\n%s", tally)
	}

	// Her correction is a new version, to check again.
	unreadable.taps(h.text("ky", "election.report", nil))
	unreadable.says("245")
	unreadable.says("1250")
	unreadable.taps(h.text("ky", "election.skip", nil))
	unreadable.says("15")
	unreadable.taps(h.text("ky", "answer.no", nil))
	h.settle(h.srv.SendPhoto(unreadable.user, ""))
	unreadable.taps(h.text("ky", "election.confirm", nil))
	staff.says("/tally")
	if got := strings.Join(staff.news(), "\n"); !strings.Contains(got, checks(1, 1, 1, 1)) {
		t.Fatalf("tally after a correction:\n%s", got)
	}
	staff.says("/results_export")
	rows := sheetRows(t, h.srv.Last(staffUser.ID).Document)
	if len(rows) != 4 || rows[1][19] != "verified" || rows[2][19] != "" || rows[3][19] != "rejected" || rows[3][20] != "На фото другой округ" {
		t.Errorf("results workbook %q", rows)
	}
	staff.taps(h.text("ru", "tally.check_photos", map[string]any{"Count": 1}))
	if got := staff.news(); !strings.HasPrefix(got[len(got)-1], whose(unreadable, "A-002")+" · "+h.text("ru", "check.version", map[string]any{"Version": 2})) {
		t.Errorf("the correction shown as %q", got)
	}
}
