package bot_test

import (
	"strings"
	"testing"

	"github.com/mentorbot/mentorbot/store"
)

// paperEntered stores an application entered from paper with phone, as
// staff's /application_add would, and returns its code.
func paperEntered(t *testing.T, h *harness, phone string) string {
	t.Helper()
	var code string
	err := h.db.Update(func(tx *store.Tx) error {
		app, err := tx.SubmitEntered(store.Application{Language: "ru", Source: store.SourcePaper, ArrivedAt: today,
			Answers: map[string]string{"full_name": "Асанова Айгүл", "phone": phone}}, today)
		code = app.Code
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// atPaperLink brings a newcomer in lang to the form's intro and taps "I
// already sent my form": taps after her language are counted in taps.
func atPaperLink(t *testing.T, h *harness, id int64, lang string) (her *person, taps int) {
	t.Helper()
	her = h.person(id, lang)
	her.says("/start")
	her.taps(h.text(lang, "language.self", nil))
	her.news()
	her.taps(h.text(lang, "consent.yes", nil))
	news := her.news()
	if len(news) < 2 || !strings.HasPrefix(news[0], h.text(lang, "form.intro", map[string]any{"Deadline": "11.12.2026 18:00"})[:40]) {
		t.Fatalf("after the consent: %q", news)
	}
	her.taps(h.text(lang, "paperlink.button", nil))
	her.expect(h.text(lang, "paperlink.ask", nil))
	if kb := h.srv.Last(id).ReplyKeyboard; len(kb) == 0 || kb[0][0].Text != h.text(lang, "form.phone.share", nil) || !kb[0][0].RequestContact {
		t.Fatalf("the contact button: %+v", kb)
	}
	return her, 2
}

// A woman whose application came on paper finds it at the very start:
// agree, "I already sent my form", share her number.
func TestPaperLink_LinkedAtTheStart(t *testing.T) {
	for i, lang := range []string{"ky", "ru"} {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t)
			code := paperEntered(t, h, "+996700123456")
			id := int64(5301 + i)
			her, taps := atPaperLink(t, h, id, lang)
			her.sharesContact("996700123456", true)
			taps++
			via := h.text(lang, "entry.via.paper", nil)
			her.expect(h.text(lang, "app.linked", map[string]any{"Code": code, "Source": via}),
				h.text(lang, "app.already_submitted", map[string]any{"Code": code, "Date": "22.11.2026"}))
			if taps != 3 {
				t.Errorf("%d taps after the language", taps)
			}
			if !h.srv.Last(id).RemoveKeyboard && !h.srv.Messages(id)[len(h.srv.Messages(id))-2].RemoveKeyboard {
				t.Error("the contact keyboard stays")
			}
			if app := storedApplication(t, h, code); app.UserID != id || app.Language != lang {
				t.Errorf("after the link: owner %d, language %s", app.UserID, app.Language)
			}
			if !auditHas(t, h, "application linked", code) {
				t.Error("the link is not audited")
			}
			// No form is left waiting: /start and what she types show her
			// application.
			her.says("/start")
			her.expect(h.text(lang, "app.already_submitted", map[string]any{"Code": code, "Date": "22.11.2026"}))
			her.says("Салам")
			if got := her.news(); len(got) == 0 || !strings.Contains(strings.Join(got, "\n"), code) {
				t.Errorf("after a word: %q", got)
			}
		})
	}
}

// A typed number, then someone else's card, are refused kindly, with the
// contact button again; her own number with no application says so, and
// she can fill the form herself from there.
func TestPaperLink_NoMatchAndSomeoneElsesContact(t *testing.T) {
	for i, lang := range []string{"ky", "ru"} {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t)
			code := paperEntered(t, h, "+996555000111") // another woman's
			id := int64(5311 + i)
			her, _ := atPaperLink(t, h, id, lang)
			ask := h.text(lang, "paperlink.ask", nil)

			her.says("0700 12 34 56")
			her.expect(h.text(lang, "paperlink.typed", nil), ask)
			her.sharesContact("996555000111", false) // the other woman's card
			her.expect(h.text(lang, "paperlink.not_own", nil), ask)
			if kb := h.srv.Last(id).ReplyKeyboard; len(kb) == 0 || !kb[0][0].RequestContact {
				t.Fatalf("the contact button is not offered again: %+v", kb)
			}
			if app := storedApplication(t, h, code); !store.Unlinked(app.UserID) {
				t.Fatalf("someone else's card linked %s to %d", code, app.UserID)
			}

			her.sharesContact("996700123456", true)
			her.expect(h.text(lang, "paperlink.none", map[string]any{"Phone": "+996700123456"}), h.text(lang, "paperlink.fill_ask", nil))
			msgs := h.srv.Messages(id)
			if !msgs[len(msgs)-2].RemoveKeyboard {
				t.Error("the contact keyboard stays after no match")
			}
			her.taps(h.text(lang, "paperlink.fill", nil))
			got := her.news()
			if len(got) != 2 || got[0] != h.text(lang, "dialogue.resume", nil) || !strings.HasSuffix(got[1], h.text(lang, "form.full_name.ask", nil)) {
				t.Fatalf("after Fill in the form: %q", got)
			}
			her.says("Токтогулова Нургуль")
			if got := h.srv.Last(id).Text; !strings.HasSuffix(got, h.text(lang, "form.birth_date.ask", nil)) {
				t.Errorf("the form goes on with %q", got)
			}
			err := h.db.View(func(tx *store.Tx) error {
				d, err := tx.Draft(id)
				if err != nil || d.Answers["full_name"] != "Токтогулова Нургуль" {
					t.Errorf("her draft %v, %v", d.Answers, err)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if app := storedApplication(t, h, code); !store.Unlinked(app.UserID) {
				t.Errorf("%s linked to %d", code, app.UserID)
			}
		})
	}
}

// /cancel leaves the search and puts her back at the form's question.
func TestPaperLink_Cancel(t *testing.T) {
	for i, lang := range []string{"ky", "ru"} {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t)
			id := int64(5321 + i)
			her, _ := atPaperLink(t, h, id, lang)
			her.says("/cancel")
			got := her.news()
			if len(got) != 3 || got[0] != h.text(lang, "paperlink.left", nil) || got[1] != h.text(lang, "dialogue.resume", nil) ||
				!strings.HasSuffix(got[2], h.text(lang, "form.full_name.ask", nil)) {
				t.Fatalf("after /cancel: %q", got)
			}
			if msgs := h.srv.Messages(id); !msgs[len(msgs)-3].RemoveKeyboard {
				t.Error("the contact keyboard stays after /cancel")
			}
			// Her contact now is the form's business: no paper search.
			her.says("Асанова Айгүл")
			if got := h.srv.Last(id).Text; !strings.HasSuffix(got, h.text(lang, "form.birth_date.ask", nil)) {
				t.Errorf("the form goes on with %q", got)
			}
		})
	}
}

// Staff entering a paper application with a phone an application already
// has are told its code, and asked for the phone again.
func TestPaperApplication_PhoneAlreadyApplied(t *testing.T) {
	h := newHarness(t)
	ru := func(key string, data map[string]any) string { return h.text("ru", key, data) }
	err := h.db.Update(func(tx *store.Tx) error {
		_, err := tx.Submit(store.Application{UserID: 7, Language: "ru", Answers: map[string]string{"full_name": "Чатта", "phone": "+996700123456"}}, today)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	staff := &person{h: h, user: staffUser}
	staff.says("/application_add")
	staff.taps("📄 На бумаге")
	staff.says("5 мая")
	staff.says("Асанова Айгүл")
	staff.says("15.03.1990")
	staff.taps(ru("answer.yes", nil))
	staff.taps(ru("form.oblast.opt.naryn", nil))
	staff.says("Ат-Башы")
	staff.says("Кара-Коюн")
	staff.says("Ак-Муз")
	staff.says("Мугалим")
	staff.taps(ru("answer.no", nil))
	staff.news()
	staff.says("0700 12 34 56")
	got := staff.news()
	if len(got) != 2 || got[0] != ru("entry.phone.taken", map[string]any{"Phone": "+996700123456", "Code": "A-001"}) ||
		!strings.HasSuffix(got[1], ru("form.phone.ask", nil)) {
		t.Fatalf("a phone already applied with: %q", got)
	}
	staff.says("0700 65 43 21")
	if got := h.srv.Last(staffUser.ID).Text; !strings.HasSuffix(got, ru("form.whatsapp.ask", nil)) {
		t.Errorf("after another phone: %q", got)
	}
}
