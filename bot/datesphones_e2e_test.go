package bot_test

import (
	"strings"
	"testing"

	"github.com/mentorbot/mentorbot/bot/form"
)

// fillUpTo answers the form in lang until the question of field stop is
// asked. It finds the question she is on by its text, so it goes on
// whatever questions come before (a question added or left out).
func fillUpTo(t *testing.T, p *person, lang, stop string) {
	t.Helper()
	h := p.h
	text := func(key string) string { return h.text(lang, key, map[string]any{"From": 2025, "To": 2026}) }
	for range 2 * len(form.Fields) {
		last := h.srv.Last(p.user.ID).Text
		var f form.Field
		for _, g := range form.Fields {
			if strings.HasSuffix(last, text("form."+g.ID+".ask")) {
				f = g
			}
		}
		switch {
		case f.ID == stop:
			p.news()
			return
		case f.ID == "":
			t.Fatalf("no question of the form in %q", last)
		case f.ID == "similar_school":
			p.taps(text("answer.no"))
		case f.Kind == form.YesNo:
			p.taps(text("answer.yes"))
		case f.Kind == form.Choice:
			p.taps(text("form." + f.ID + ".opt." + f.Options[0]))
		case f.Kind == form.Date:
			p.says("15.03.1990")
		case f.Kind == form.Phone:
			p.says("0700123456")
		case f.Kind == form.WhatsApp:
			p.taps(text("form.whatsapp.same"))
		case f.Kind == form.Email:
			p.taps(text("form.email.skip"))
		default:
			p.says("Ак-Суу")
		}
	}
	t.Fatalf("the form never asked %s", stop)
}

// startIn opens the form for a new person in lang.
func startIn(h *harness, id int64, lang string) *person {
	p := h.person(id, lang)
	p.says("/start")
	p.taps(h.text(lang, "language.self", nil))
	p.taps(h.text(lang, "consent.yes", nil))
	return p
}

// A birth date with the month's name, as she writes it, in each language.
func TestDates_MonthNames(t *testing.T) {
	h := newHarness(t)
	for i, tt := range []struct{ lang, typed, want string }{
		{"ky", "1990-жылы 5-май", "1990-05-05"},
		{"ky", "5-майда 1990-ж.", "1990-05-05"},
		{"ru", "5 мая 1990", "1990-05-05"},
		{"ru", "  5-го Сентября 1985 г. ", "1985-09-05"},
	} {
		p := startIn(h, int64(8101+i), tt.lang)
		fillUpTo(t, p, tt.lang, "birth_date")
		p.says(tt.typed)
		p.expect(p.ask("lives_in_village"))
		if got := draftOf(t, h, p.user.ID).Answers["birth_date"]; got != tt.want {
			t.Errorf("%s %q: birth date %q, want %q", tt.lang, tt.typed, got, tt.want)
		}
	}
}

// A two-digit year: taken at once when one century makes her an
// applicant; asked by buttons when none does, in both languages, the
// question surviving a restart; the year she picks goes through the
// age check; the full date typed there is taken.
func TestDates_TwoDigitYearCenturyAsked(t *testing.T) {
	h := newHarness(t)

	ky := startIn(h, 8201, "ky")
	fillUpTo(t, ky, "ky", "birth_date")
	ky.says("05.05.90")
	ky.expect(ky.ask("lives_in_village"))
	if got := draftOf(t, h, ky.user.ID).Answers["birth_date"]; got != "1990-05-05" {
		t.Fatalf("05.05.90 stored as %q", got)
	}
	ky.taps(h.text("ky", "dialogue.back", nil))
	ky.news()
	ky.says("12.12.08") // 17 on the deadline if 2008, 118 if 1908
	ask := h.text("ky", "form.birth_century.ask", map[string]any{"Typed": "12.12.08", "Early": "1908", "Late": "2008"})
	ky.expect(ask)
	last := h.srv.Last(ky.user.ID)
	if len(last.Buttons) != 2 || len(last.Buttons[0]) != 2 || last.Buttons[0][0].Text != "1908" || last.Buttons[0][1].Text != "2008" ||
		last.Buttons[1][0].Text != h.text("ky", "dialogue.back", nil) {
		t.Fatalf("century buttons: %+v", last.Buttons)
	}
	d := draftOf(t, h, ky.user.ID)
	if _, ok := d.Answers["birth_date"]; ok {
		t.Fatalf("an unsure birth date was stored as one: %v", d.Answers)
	}

	h.restart()
	ky.taps("2008")
	ky.expect(h.text("ky", "form.ineligible.age", map[string]any{"Deadline": "11.12.2026"}), h.text("ky", "form.birth_century.again", nil))
	ky.taps("1908")
	ky.expect(h.text("ky", "form.invalid.date_too_old", nil), h.text("ky", "form.birth_century.again", nil))
	ky.says("12.12.1988") // the whole date, on the century question
	ky.expect(ky.ask("lives_in_village"))
	if got := draftOf(t, h, ky.user.ID).Answers["birth_date"]; got != "1988-12-12" {
		t.Fatalf("birth date after the century question: %q", got)
	}
	// Back passes over the century question to the birth date.
	ky.taps(h.text("ky", "dialogue.back", nil))
	if got := h.srv.Last(ky.user.ID).Text; !strings.HasSuffix(got, ky.again("birth_date")) {
		t.Fatalf("Back after the century question: %q", got)
	}

	ru := startIn(h, 8202, "ru")
	fillUpTo(t, ru, "ru", "birth_date")
	ru.says("5 мая 15")
	ru.expect(h.text("ru", "form.birth_century.ask", map[string]any{"Typed": "05.05.15", "Early": "1915", "Late": "2015"}))
	ru.says("2015") // the year typed as its button says
	ru.expect(h.text("ru", "form.ineligible.age", map[string]any{"Deadline": "11.12.2026"}), h.text("ru", "form.birth_century.again", nil))
	ru.taps(h.text("ru", "dialogue.back", nil))
	ru.news()
	ru.says("5 мая 85")
	ru.expect(ru.ask("lives_in_village"))
	if got := draftOf(t, h, ru.user.ID).Answers["birth_date"]; got != "1985-05-05" {
		t.Fatalf("5 мая 85 stored as %q", got)
	}
}

// A WhatsApp number of Kazakhstan or Russia (+7) is taken, in E.164,
// however it is typed; a landline is refused, saying why.
func TestPhones_WhatsAppPlus7(t *testing.T) {
	h := newHarness(t)
	for i, tt := range []struct{ lang, typed, want string }{
		{"ky", "+7 701 123 45 67", "+77011234567"},
		{"ru", "8 (916) 123-45-67", "+79161234567"},
	} {
		p := startIn(h, int64(8301+i), tt.lang)
		fillUpTo(t, p, tt.lang, "whatsapp")
		p.says("0312 976530")
		p.expect(h.text(tt.lang, "form.invalid.whatsapp_landline", nil), p.again("whatsapp"))
		p.says(tt.typed)
		p.expect(p.ask("email"))
		if got := draftOf(t, h, p.user.ID).Answers["whatsapp"]; got != tt.want {
			t.Errorf("%s %q: WhatsApp %q, want %q", tt.lang, tt.typed, got, tt.want)
		}
	}
}

// Someone else's contact card is not taken as her phone: she is told so
// kindly and asked for her own, shared or typed; her phone may be of
// another country, and a typo is refused naming what was wrong.
func TestPhones_SomeoneElsesContactRefused(t *testing.T) {
	h := newHarness(t)
	for i, tt := range []struct{ lang, typed, want string }{
		{"ky", "0555 12 34 56", "+996555123456"},
		{"ru", "8 (701) 123-45-67", "+77011234567"},
	} {
		p := startIn(h, int64(8401+i), tt.lang)
		fillUpTo(t, p, tt.lang, "phone")
		ask := p.again("phone")
		p.sharesContact("+996 555 111 222", false)
		p.expect(h.text(tt.lang, "form.phone.not_own", nil), ask)
		if last := h.srv.Last(p.user.ID); len(last.ReplyKeyboard) != 1 || !last.ReplyKeyboard[0][0].RequestContact {
			t.Fatalf("asked again without the share button: %+v", last.ReplyKeyboard)
		}
		if _, ok := draftOf(t, h, p.user.ID).Answers["phone"]; ok {
			t.Fatal("someone else's number was stored as hers")
		}
		p.says("+996 070 123 456")
		p.expect(h.text(tt.lang, "form.invalid.phone_unknown", nil), ask)
		p.says(tt.typed)
		p.expect(h.text(tt.lang, "form.phone.saved", map[string]any{"Phone": tt.want}), p.ask("whatsapp"))
		if got := draftOf(t, h, p.user.ID).Answers["phone"]; got != tt.want {
			t.Errorf("%s: phone %q, want %q", tt.lang, got, tt.want)
		}
	}
	// Her own card is taken.
	p := startIn(h, 8403, "ky")
	fillUpTo(t, p, "ky", "phone")
	p.sharesContact("996700123456", true)
	p.expect(h.text("ky", "form.phone.saved", map[string]any{"Phone": "+996700123456"}), p.ask("whatsapp"))
}

// Changed from the summary to a date whose century is unsure, the birth
// date asks the century, then goes back to the summary.
func TestDates_CenturyAskedWhenChangedFromTheSummary(t *testing.T) {
	h := newHarness(t)
	p := startForm(t, h, 8501)
	upTo(t, p, "") // the whole form: the summary
	p.taps(h.text("ky", "summary.edit", nil))
	p.taps(h.text("ky", "form.birth_date.label", nil))
	p.news()
	p.says("05.05.15")
	p.expect(h.text("ky", "form.birth_century.ask", map[string]any{"Typed": "05.05.15", "Early": "1915", "Late": "2015"}))
	p.says("05.05.1985")
	got := strings.Join(p.news(), "\n")
	last := h.srv.Last(p.user.ID)
	submit := false
	for _, row := range last.Buttons {
		for _, b := range row {
			submit = submit || b.Text == h.text("ky", "summary.submit", nil)
		}
	}
	if !strings.Contains(got, "05.05.1985") || !submit {
		t.Fatalf("after the century question, from the summary: %s %+v", got, last.Buttons)
	}
	if got := draftOf(t, h, p.user.ID).Answers["birth_date"]; got != "1985-05-05" {
		t.Fatalf("birth date %q", got)
	}
}
