package bot_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/store"
)

// enterForm answers the form's questions for a woman, as staff do from
// her paper form, from the first question to the summary; her phone is
// phone, typed.
func enterForm(t *testing.T, staff *person, lang, name, phone string) {
	t.Helper()
	tr := func(key string) string { return staff.h.text(lang, key, nil) }
	staff.says(name)
	staff.says("15.03.1990")
	staff.taps(tr("answer.yes"))
	staff.taps(tr("form.oblast.opt.naryn"))
	staff.says("Ат-Башы")
	staff.says("Кара-Коюн")
	staff.says("Ак-Муз")
	staff.says("Мугалим")
	staff.taps(tr("answer.no"))
	staff.says(phone)
	staff.taps(tr("form.whatsapp.same"))
	staff.taps(tr("form.email.skip"))
	staff.taps(tr("answer.yes"))
	staff.says("Айыл өкмөтү менен бирге мектептин чатырын оңдоттук.")
	staff.taps(tr("answer.no"))
	staff.taps(tr("answer.no"))
	for range 4 {
		staff.taps(tr("answer.yes"))
	}
	staff.taps("⬜ " + tr("form.stage_school.short"))
	staff.taps(tr("answer.done"))
	staff.says("Айылыбызда таза суу жок. Мен депутат болгум келет.")
	staff.taps(tr("answer.done"))
	staff.news()
}

// storedApplication reads application code.
func storedApplication(t *testing.T, h *harness, code string) store.Application {
	t.Helper()
	var app store.Application
	err := h.db.View(func(tx *store.Tx) (err error) {
		app, err = tx.Application(code)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return app
}

// auditHas reports whether the audit log has action with detail.
func auditHas(t *testing.T, h *harness, action, detail string) bool {
	t.Helper()
	var found bool
	err := h.db.View(func(tx *store.Tx) error {
		p, err := tx.AuditLogPage(0, 1000, 0)
		for _, e := range p.Entries {
			found = found || e.Action == action && e.Detail == detail
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

func TestPaperApplication_StaffEntersInRussianAndSheLinksIt(t *testing.T) {
	h := newHarness(t)
	ru := func(key string, data map[string]any) string { return h.text("ru", key, data) }
	staff := &person{h: h, user: staffUser}
	staff.says("/start")
	staff.news()

	staff.says("/application_add")
	staff.expect(ru("entry.source.ask", nil))
	staff.taps("📄 На бумаге")
	staff.news()
	if got := h.srv.Last(staff.user.ID).Text; got != ru("entry.arrived.ask", map[string]any{"Example": "22.11.2026", "Deadline": "11.12.2026"}) {
		t.Fatalf("arrival asked as %q", got)
	}
	staff.says("5 мая")
	news := staff.news()
	if len(news) < 2 || news[0] != ru("entry.form_next", nil) || !strings.HasSuffix(news[1], ru("form.full_name.ask", nil)) {
		t.Fatalf("after the arrival: %q", news)
	}
	// Back from the first question of the form is the arrival again.
	staff.taps(ru("dialogue.back", nil))
	if got := h.srv.Last(staff.user.ID).Text; !strings.HasPrefix(got, ru("entry.arrived.ask", map[string]any{"Example": "22.11.2026", "Deadline": "11.12.2026"})) {
		t.Fatalf("Back shows %q", got)
	}
	staff.says("05.05.26")
	staff.news()
	enterForm(t, staff, "ru", "Асанова Айгүл", "0700 12 34 56")
	staff.taps(ru("summary.submit", nil))
	staff.expect(ru("entry.saved", map[string]any{"Code": "A-001", "Source": "на бумаге", "Date": "05.05.2026"}))

	app := storedApplication(t, h, "A-001")
	if !store.Unlinked(app.UserID) || app.Source != store.SourcePaper || app.EnteredBy != staffUser.ID || app.Status != store.StatusSubmitted ||
		app.ArrivedAt.In(bishkek).Format(time.DateOnly) != "2026-05-05" || app.Answers["full_name"] != "Асанова Айгүл" ||
		app.Answers["phone"] != "+996700123456" || app.Category != store.Category28Plus {
		t.Fatalf("stored %+v", app)
	}
	err := h.db.View(func(tx *store.Tx) error {
		if _, err := tx.ApplicationOf(staffUser.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the staff member got an application of her own: %v", err)
		}
		if _, err := tx.Draft(staffUser.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the staff member got a draft: %v", err)
		}
		if _, err := tx.Entry(staffUser.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the entry stayed after the submission: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !auditHas(t, h, "/application_add", "") || !auditHas(t, h, "application entered", "A-001 paper") {
		t.Error("the entry is not audited")
	}
	staff.says("/application A-001")
	if got := h.srv.Last(staff.user.ID).Text; !strings.Contains(got, ru("staff.application.arrived", map[string]any{"Source": "на бумаге", "Date": "05.05.2026"})) {
		t.Errorf("/application shows %q", got)
	}
	staff.news()
	rows := exportRows(t, h)
	if got := rows[1][7:]; rows[1][5] != "paper" || rows[1][6] != "2026-05-05" || got[0] != "Асанова Айгүл" {
		t.Errorf("exported as %q", rows[1])
	}

	// She opens the bot, starts the form and shares her own number: the
	// application is hers.
	her := h.person(5101, "ru")
	her.says("/start")
	her.taps("Русский")
	her.taps(ru("consent.yes", nil))
	her.says("Асанова Айгүл")
	her.news()
	her.sharesContact("996700123456", true)
	her.expect(ru("app.linked", map[string]any{"Code": "A-001", "Source": "на бумаге"}),
		ru("app.already_submitted", map[string]any{"Code": "A-001", "Date": "05.05.2026"}))
	her.says("/start")
	her.expect(ru("app.already_submitted", map[string]any{"Code": "A-001", "Date": "05.05.2026"}))
	if app := storedApplication(t, h, "A-001"); app.UserID != her.user.ID || app.Language != "ru" {
		t.Errorf("after the link: owner %d, language %s", app.UserID, app.Language)
	}
	if !auditHas(t, h, "application linked", "A-001") {
		t.Error("the link is not audited")
	}
	err = h.db.View(func(tx *store.Tx) error {
		if _, err := tx.Draft(her.user.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("her draft stayed: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// Someone else with that number does not take it over: her number is
	// taken as any other.
	other := h.person(5102, "ru")
	other.says("/start")
	other.taps("Русский")
	other.taps(ru("consent.yes", nil))
	other.news()
	other.sharesContact("996700123456", false) // a contact card that is not hers
	other.news()
	other.sharesContact("996700123456", true)
	if got := other.news(); len(got) == 0 || strings.Contains(strings.Join(got, "\n"), "A-001") {
		t.Errorf("a second person with the number sees %q", got)
	}
	if app := storedApplication(t, h, "A-001"); app.UserID != her.user.ID {
		t.Errorf("the application moved to %d", app.UserID)
	}
}

func TestPaperApplication_KyrgyzStaffCancelsMidWay(t *testing.T) {
	h := newHarness(t)
	ky := func(key string, data map[string]any) string { return h.text("ky", key, data) }
	// A Kyrgyz-speaking staff member who has started her own application.
	const id = 902
	err := h.db.Update(func(tx *store.Tx) error {
		if err := tx.PutUser(store.User{ID: id, FirstName: "Жамиля", Language: "ky", Roles: []store.Role{store.RoleStaff}, CreatedAt: today}); err != nil {
			return err
		}
		return tx.PutDraft(store.Application{UserID: id, Language: "ky", Answers: map[string]string{"full_name": "Өзүнүн аты"}, StartedAt: today})
	})
	if err != nil {
		t.Fatal(err)
	}
	staff := h.person(id, "ky")

	staff.says("/application_add")
	staff.expect(ky("entry.source.ask", nil))
	staff.taps("📧 E-mail аркылуу")
	staff.news()
	staff.says("23.11.2026") // tomorrow
	if got := strings.Join(staff.news(), "\n"); !strings.Contains(got, ky("entry.arrived.future", nil)) {
		t.Fatalf("a day to come: %q", got)
	}
	staff.says("20-ноябрь")
	staff.news()
	staff.says("Садыкова Бермет")
	staff.says("1.2.2003")
	staff.news()
	// Back, then /cancel: she is asked, and nothing is kept.
	staff.taps(ky("dialogue.back", nil))
	if got := h.srv.Last(id).Text; !strings.HasSuffix(got, ky("form.birth_date.ask", nil)) {
		t.Fatalf("Back shows %q", got)
	}
	staff.news()
	staff.says("/cancel")
	staff.expect(ky("dialogue.leave_ask", nil))
	staff.taps(ky("dialogue.leave", nil))
	staff.expect(ky("entry.left", nil))

	err = h.db.View(func(tx *store.Tx) error {
		apps, err := tx.Applications()
		if err != nil || len(apps) != 0 {
			t.Errorf("applications after /cancel: %d, %v", len(apps), err)
		}
		if _, err := tx.Entry(id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the entry stayed: %v", err)
		}
		d, err := tx.Draft(id)
		if err != nil || len(d.Answers) != 1 || d.Answers["full_name"] != "Өзүнүн аты" {
			t.Errorf("her own draft: %v, %v", d.Answers, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// A whole one by e-mail, in Kyrgyz.
	staff.says("/application_add")
	staff.taps("📧 E-mail аркылуу")
	staff.says("20-ноябрь")
	staff.news()
	enterForm(t, staff, "ky", "Садыкова Бермет", "+996 555 12 34 56")
	staff.taps(ky("summary.submit", nil))
	staff.expect(ky("entry.saved", map[string]any{"Code": "A-001", "Source": "электрондук почта аркылуу", "Date": "20.11.2026"}))
	if app := storedApplication(t, h, "A-001"); app.Source != store.SourceEmail || app.Language != "ky" || app.Answers["phone"] != "+996555123456" {
		t.Errorf("stored %+v", app)
	}
}

// The deadline rule: after the deadline, an application that arrived by
// it is entered and takes part; one that arrived after it is refused.
func TestPaperApplication_ArrivedByTheDeadline(t *testing.T) {
	h := newHarness(t)
	ru := func(key string, data map[string]any) string { return h.text("ru", key, data) }
	h.clock.Set(deadline.Add(9 * 24 * time.Hour)) // 20.12.2026
	staff := &person{h: h, user: staffUser}
	staff.says("/application_add")
	staff.taps("📄 На бумаге")
	staff.news()
	staff.says("12 декабря")
	if got := strings.Join(staff.news(), "\n"); !strings.Contains(got, ru("entry.arrived.late", map[string]any{"Date": "12.12.2026", "Deadline": "11.12.2026"})) {
		t.Fatalf("a day after the deadline: %q", got)
	}
	staff.says("11 декабря") // the last day, after the deadline's hour too
	staff.news()
	enterForm(t, staff, "ru", "Токтогулова Нургуль", "0700 65 43 21")
	staff.taps(ru("summary.submit", nil))
	staff.expect(ru("entry.saved", map[string]any{"Code": "A-001", "Source": "на бумаге", "Date": "11.12.2026"}))
	app := storedApplication(t, h, "A-001")
	if !app.Active() || app.ArrivedAt.In(bishkek).Format(time.DateOnly) != "2026-12-11" || !app.SubmittedAt.After(deadline) {
		t.Errorf("stored %+v", app)
	}
}

// Results go out while a paper application is not linked: nobody is
// written to for it, and once she links it she sees her result and is a
// participant.
func TestPaperApplication_ResultBeforeSheLinks(t *testing.T) {
	h := newHarness(t)
	ru := func(key string, data map[string]any) string { return h.text("ru", key, data) }
	staff := &person{h: h, user: staffUser}
	staff.says("/application_add")
	staff.taps("📄 На бумаге")
	staff.says("5 мая")
	staff.news()
	enterForm(t, staff, "ru", "Асанова Айгүл", "0700 12 34 56")
	staff.taps(ru("summary.submit", nil))
	staff.news()
	owner := storedApplication(t, h, "A-001").UserID
	err := h.db.Update(func(tx *store.Tx) error {
		app, err := tx.Application("A-001")
		if err != nil {
			return err
		}
		app.Status, app.DecidedAt = store.StatusAccepted, today
		if err := tx.PutApplication(app); err != nil {
			return err
		}
		sel, err := tx.Selection()
		if err != nil {
			return err
		}
		sel.Phase = store.PhaseClosed // scored and decided: /publish may go
		return tx.PutSelection(sel)
	})
	if err != nil {
		t.Fatal(err)
	}
	h.clock.Set(deadline.Add(time.Hour)) // results go out after the deadline
	staff.says("/publish")
	staff.taps(ru("publish.go", nil))
	if got := strings.Join(staff.news(), "\n"); !strings.Contains(got, ru("publish.done", map[string]any{"Count": 0})) {
		t.Errorf("publish says %q", got)
	}
	err = h.db.View(func(tx *store.Tx) error {
		if _, err := tx.User(owner); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a user was made for the paper application: %v", err)
		}
		if app, _ := tx.Application("A-001"); app.PublishedAt.IsZero() {
			t.Error("the result is not marked published")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if msgs := h.srv.Messages(owner); len(msgs) != 0 {
		t.Errorf("messages to the made-up owner: %v", msgs)
	}

	her := h.person(5201, "ru")
	her.says("/start")
	her.taps("Русский")
	her.taps(ru("consent.yes", nil))
	her.news()
	her.sharesContact("+996 700 123 456", true)
	her.expect(ru("app.linked", map[string]any{"Code": "A-001", "Source": "на бумаге"}),
		ru("app.status.accepted", map[string]any{"Code": "A-001", "Start": "25.01.2027", "End": "29.01.2027"}))
	err = h.db.View(func(tx *store.Tx) error {
		u, err := tx.User(her.user.ID)
		if err != nil || !u.HasRole(store.RoleParticipant) {
			t.Errorf("she is no participant: %+v, %v", u.Roles, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
