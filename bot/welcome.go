package bot

import (
	"strings"

	"github.com/mentorbot/mentorbot/bot/form"
	"github.com/mentorbot/mentorbot/locales"
	"github.com/mentorbot/mentorbot/store"
)

// Prefixes of the buttons handled here.
const (
	prefixLanguage = "lang"    // lang:ky, a language chosen
	prefixConsent  = "consent" // consent:yes, her answer to the consent question
)

// start is /start: the first greeting for someone new, and for everyone
// else a return to where she was. It never wipes an answer.
func (t *turn) start() error {
	if code, ok := strings.CutPrefix(strings.TrimSpace(t.u.Args), invitePrefix); ok {
		return t.redeem(code)
	}
	if len(t.workRoles()) > 0 && t.user.Step == "" {
		// Staff, the commission, mentors and lawyers work here; they are
		// not walked into the application form.
		if t.user.Language == "" {
			t.user.Language = t.lang()
		}
		t.help()
		return nil
	}
	switch {
	case t.user.Language == "":
		return t.askLanguage()
	case t.user.ConsentAt.IsZero():
		t.askConsent()
		return nil
	}
	return t.resume(true)
}

// askLanguage shows the two languages. The greeting is in both, since we
// do not know yet which one she reads.
func (t *turn) askLanguage() error {
	if t.user.Step == "" {
		t.user.Step = stepLanguage
	}
	t.send(t.Texts.Text("ky", "language.ask", nil)+"\n\n"+t.Texts.Text("ru", "language.ask", nil), [][]store.Button{{
		{Text: t.Texts.Text("ky", "language.self", nil), Data: "lang:ky"},
		{Text: t.Texts.Text("ru", "language.self", nil), Data: "lang:ru"},
	}})
	return nil
}

// chooseLanguage records her language, then goes on where she was.
func (t *turn) chooseLanguage(lang string) error {
	if !locales.Supported(lang) {
		return t.oldButton()
	}
	t.user.Language = lang
	t.toast("")
	t.edit(t.text("language.chosen", nil), nil)
	if len(t.workRoles()) > 0 && (t.user.Step == "" || t.user.Step == stepLanguage) {
		// Staff, the commission, mentors and lawyers do not apply.
		t.user.Step = ""
		t.help()
		return nil
	}
	if t.user.ConsentAt.IsZero() {
		t.askConsent()
		return nil
	}
	return t.reask()
}

// askConsent asks her to agree to the processing of her personal data.
func (t *turn) askConsent() {
	t.user.Step = stepConsent
	t.send(t.text("consent.ask", nil), [][]store.Button{
		{t.button("consent.yes", "consent:yes")},
		{t.button("consent.no", "consent:no")},
	})
}

// consent takes her answer to the consent question.
func (t *turn) consent(answer string) error {
	if t.user.Step != stepConsent && t.user.Step != stepNoConsent {
		return t.oldButton()
	}
	t.toast("")
	switch answer {
	case "yes":
		t.user.ConsentAt = t.now
		t.edit(t.text("consent.ask", nil)+"\n\n✅ "+t.text("consent.yes", nil), nil)
		return t.resume(false)
	case "no":
		t.user.Step = stepNoConsent
		t.edit(t.text("consent.ask", nil), nil)
		t.say("consent.declined", nil)
		return nil
	}
	return t.oldButton()
}

// resume puts her back where she was: her submitted application, the
// closed notice after the deadline, or the next question of her form.
func (t *turn) resume(greet bool) error {
	app, err := t.tx.ApplicationOf(t.user.ID)
	if err == nil && app.Status == store.StatusWithdrawn {
		t.user.Step = stepSubmitted
		t.say("withdraw.already", map[string]any{"Code": app.Code})
		return nil
	}
	if err == nil {
		t.user.Step = stepSubmitted
		t.say("app.already_submitted", map[string]any{"Code": app.Code, "Date": t.date(app.SubmittedAt)})
		return nil
	}
	if !isNotFound(err) {
		return err
	}
	if s, ok := t.Programme.Stage("I"); ok && t.now.Before(s.Starts) {
		// The calendar, not a date in the code, says when the form opens.
		t.say("app.not_open", map[string]any{"Date": t.date(s.Starts)})
		return nil
	}
	draft, open, err := t.openDraft()
	if !open {
		return err
	}
	if _, isField := form.ByID(t.user.Step); !isField && t.user.Step != stepSummary {
		t.user.Step = nextStep(draft)
	}
	switch {
	case len(draft.Answers) == 0 && !t.user.Editing:
		t.say("form.intro", map[string]any{"Deadline": t.dateTime(t.Deadline)})
	case greet:
		t.say("form.welcome_back", nil)
	}
	return t.reask()
}

// closed reports whether the application deadline has passed.
func (t *turn) closed() bool { return !t.now.Before(t.Deadline) }

func (t *turn) sayClosed() {
	t.say("app.closed", map[string]any{"Deadline": t.dateTime(t.Deadline)})
}

// reask repeats the question she is on, in her language.
func (t *turn) reask() error {
	if handled, err := dialogues.Reask(t.talk()); handled || err != nil {
		return err
	}
	if t.user.Step == "" && len(t.workRoles()) > 0 {
		return nil // staff and the commission have no question pending
	}
	switch t.user.Step {
	case "", stepLanguage:
		return t.askLanguage()
	case stepConsent, stepNoConsent:
		t.askConsent()
		return nil
	case stepSubmitted:
		return t.resume(false)
	}
	draft, open, err := t.openDraft()
	if !open {
		return err
	}
	if t.user.Step == stepSummary {
		t.showSummary(draft)
		return nil
	}
	return t.askCurrent(draft)
}
