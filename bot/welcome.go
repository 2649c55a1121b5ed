package bot

import (
	"strings"

	"github.com/mentorbot/mentorbot/locales"
	"github.com/mentorbot/mentorbot/store"
)

// Prefixes of the buttons handled here.
const (
	prefixLanguage = "lang"    // lang:ky, a language chosen
	prefixConsent  = "consent" // consent:yes, her answer to the consent question
)

// Where a newcomer is follows from her record, not from a step kept by
// hand: no language yet → the language; no consent yet → the consent;
// then the form (a dialogue, see application.go), or her application.

// start is /start: the first greeting for someone new, and for everyone
// else a return to where she was. It never wipes an answer.
func (t *turn) start() error {
	payload := strings.TrimSpace(t.u.Args)
	for _, f := range t.routes.features {
		if f.Start == nil {
			continue
		}
		if done, err := f.Start(t, payload); done || err != nil {
			return err
		}
	}
	inForm, err := t.dialogues().In(t.talk(), t.routes.home.Dialogue)
	if err != nil {
		return err
	}
	if len(t.workRoles()) > 0 && !inForm {
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

// resume puts her back where she was, by the newcomer's home
// (Feature.Home): the form, or her application.
func (t *turn) resume(greet bool) error {
	if t.routes.home.Resume == nil {
		t.help()
		return nil
	}
	return t.routes.home.Resume(t, greet)
}

// askLanguage shows the two languages. The greeting is in both, since we
// do not know yet which one she reads.
func (t *turn) askLanguage() error {
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
	inDialogue, _, err := t.dialogues().Current(t.talk())
	if err != nil {
		return err
	}
	if len(t.workRoles()) > 0 && inDialogue == nil && t.user.Step == "" {
		// Staff, the commission, mentors and lawyers do not apply.
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
	t.send(t.text("consent.ask", nil), [][]store.Button{
		{t.button("consent.yes", "consent:yes")},
		{t.button("consent.no", "consent:no")},
	})
}

// consent takes her answer to the consent question; once she agreed, its
// buttons are old.
func (t *turn) consent(answer string) error {
	if !t.user.ConsentAt.IsZero() {
		return t.oldButton()
	}
	t.toast("")
	switch answer {
	case "yes":
		t.user.ConsentAt = t.now
		t.edit(t.text("consent.ask", nil)+"\n\n✅ "+t.text("consent.yes", nil), nil)
		return t.resume(false)
	case "no":
		t.edit(t.text("consent.ask", nil), nil)
		t.say("consent.declined", nil)
		return nil
	}
	return t.oldButton()
}

// applyingOpen reports whether stage I is under way: the form has opened
// (the calendar's stage I) and the deadline has not passed.
func (t *turn) applyingOpen() bool {
	if s, ok := t.Programme.Stage("I"); ok && t.now.Before(s.Starts) {
		return false
	}
	return !t.closed()
}

// closed reports whether the application deadline has passed.
func (t *turn) closed() bool { return !t.now.Before(t.Deadline) }

func (t *turn) sayClosed() {
	t.say("app.closed", map[string]any{"Deadline": t.dateTime(t.Deadline)})
}

// reask repeats the question she is on, in her language.
func (t *turn) reask() error {
	if handled, err := t.dialogues().Reask(t.talk()); handled || err != nil {
		return err
	}
	switch {
	case len(t.workRoles()) > 0:
		return nil // staff and the commission have no question pending
	case t.user.Language == "":
		return t.askLanguage()
	case t.user.ConsentAt.IsZero():
		t.askConsent()
		return nil
	}
	if t.routes.home.Again == nil {
		return t.resume(false)
	}
	return t.routes.home.Again(t)
}
