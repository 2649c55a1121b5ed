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
// then the part that is the newcomer's home (Feature.Home: the form
// in bot/applying), or her application.

// start is /start: the first greeting for someone new, and for everyone
// else a return to where she was. It never wipes an answer.
func (t *Turn) start() error {
	payload := strings.TrimSpace(t.Update.Args)
	for _, f := range t.bot.routes.features {
		if f.Start == nil {
			continue
		}
		if done, err := f.Start(t, payload); done || err != nil {
			return err
		}
	}
	inForm, err := t.Dialogues().In(t.Talk(), t.bot.routes.home.Dialogue)
	if err != nil {
		return err
	}
	if len(t.workRoles()) > 0 && !inForm {
		// Staff, the commission, mentors and lawyers work here; they are
		// not walked into the application form.
		if t.User.Language == "" {
			t.User.Language = t.Lang()
		}
		t.Help()
		return nil
	}
	switch {
	case t.User.Language == "":
		return t.askLanguage()
	case t.User.ConsentAt.IsZero():
		t.askConsent()
		return nil
	}
	return t.Resume(true)
}

// Resume puts her back where she was, by the newcomer's home
// (Feature.Home): the form, or her application.
func (t *Turn) Resume(greet bool) error {
	if t.bot.routes.home.Resume == nil {
		t.Help()
		return nil
	}
	return t.bot.routes.home.Resume(t, greet)
}

// askLanguage shows the two languages. The greeting is in both, since we
// do not know yet which one she reads.
func (t *Turn) askLanguage() error {
	t.Send(t.Texts().Text("ky", "language.ask", nil)+"\n\n"+t.Texts().Text("ru", "language.ask", nil), [][]store.Button{{
		{Text: t.Texts().Text("ky", "language.self", nil), Data: prefixLanguage + ":ky"},
		{Text: t.Texts().Text("ru", "language.self", nil), Data: prefixLanguage + ":ru"},
	}})
	return nil
}

// chooseLanguage records her language, then goes on where she was.
func (t *Turn) chooseLanguage(lang string) error {
	if !locales.Supported(lang) {
		return t.OldButton()
	}
	t.User.Language = lang
	t.Toast("")
	t.Edit(t.Text("language.chosen", nil), nil)
	inDialogue, _, err := t.Dialogues().Current(t.Talk())
	if err != nil {
		return err
	}
	if len(t.workRoles()) > 0 && inDialogue == nil && t.User.Step == "" {
		// Staff, the commission, mentors and lawyers do not apply.
		t.Help()
		return nil
	}
	if t.User.ConsentAt.IsZero() {
		t.askConsent()
		return nil
	}
	return t.reask()
}

// askConsent asks her to agree to the processing of her personal data.
func (t *Turn) askConsent() {
	t.Send(t.Text("consent.ask", nil), [][]store.Button{
		{t.Button("consent.yes", prefixConsent+":yes")},
		{t.Button("consent.no", prefixConsent+":no")},
	})
}

// consent takes her answer to the consent question; once she agreed, its
// buttons are old.
func (t *Turn) consent(answer string) error {
	if !t.User.ConsentAt.IsZero() {
		return t.OldButton()
	}
	t.Toast("")
	switch answer {
	case "yes":
		t.User.ConsentAt = t.Now
		t.Edit(t.Text("consent.ask", nil)+"\n\n✅ "+t.Text("consent.yes", nil), nil)
		return t.Resume(false)
	case "no":
		t.Edit(t.Text("consent.ask", nil), nil)
		t.Say("consent.declined", nil)
		return nil
	}
	return t.OldButton()
}

// ApplyingOpen reports whether stage I is under way: the form has opened
// (the calendar's stage I) and the deadline has not passed.
func (t *Turn) ApplyingOpen() bool {
	if s, ok := t.School().Programme.Stage("I"); ok && t.Now.Before(s.Starts) {
		return false
	}
	return !t.Closed()
}

// Closed reports whether the application deadline has passed.
func (t *Turn) Closed() bool { return !t.Now.Before(t.School().Deadline) }

// SayClosed tells her the applications are closed, with the deadline.
func (t *Turn) SayClosed() {
	t.Say("app.closed", map[string]any{"Deadline": t.DateTime(t.School().Deadline)})
}

// reask repeats the question she is on, in her language.
func (t *Turn) reask() error {
	if handled, err := t.Dialogues().Reask(t.Talk()); handled || err != nil {
		return err
	}
	switch {
	case len(t.workRoles()) > 0:
		return nil // staff and the commission have no question pending
	case t.User.Language == "":
		return t.askLanguage()
	case t.User.ConsentAt.IsZero():
		t.askConsent()
		return nil
	}
	if t.bot.routes.home.Again == nil {
		return t.Resume(false)
	}
	return t.bot.routes.home.Again(t)
}
