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

// Where a newcomer is follows from her record, not from a step kept by
// hand: no language yet → the language; no consent yet → the consent;
// then the form (a dialogue, see application.go), or her application.

// start is /start: the first greeting for someone new, and for everyone
// else a return to where she was. It never wipes an answer.
func (t *turn) start() error {
	if code, ok := strings.CutPrefix(strings.TrimSpace(t.u.Args), invitePrefix); ok {
		return t.redeem(code)
	}
	if err := t.noteArrival(strings.TrimSpace(t.u.Args)); err != nil {
		return err
	}
	inForm, err := dialogues.In(t.talk(), formDialogue)
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
	inDialogue, _, err := dialogues.Current(t.talk())
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

// resume puts her back where she was: her submitted application, the
// closed notice after the deadline, or the question of her form she is on.
func (t *turn) resume(greet bool) error {
	app, err := t.tx.ApplicationOf(t.user.ID)
	if err == nil {
		t.send(t.applicationStatus(app), nil)
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
	if t.closed() {
		t.sayClosed()
		return nil
	}
	draft, err := t.draft()
	if err != nil {
		return err
	}
	switch {
	case len(draft.Answers) == 0:
		t.say("form.intro", map[string]any{"Deadline": t.dateTime(t.Deadline)})
		// She has started: kept as a draft, so she is counted and
		// reminded if she goes quiet before the first answer.
		if err := t.saveDraft(draft); err != nil {
			return err
		}
	case greet:
		done, total := form.Progress(draft.Answers)
		t.say("form.welcome_back", map[string]any{"Done": done, "Count": total})
	}
	if in, err := dialogues.In(t.talk(), formDialogue); in || err != nil {
		if err != nil {
			return err
		}
		_, err = dialogues.Reask(t.talk())
		return err
	}
	return t.goOnWithForm(draft)
}

// applicationStatus says where her application is, as she may know it:
// sent, withdrawn, or, once the results are sent out, the decision
// (accepted with the school's dates, on the waiting list, not selected).
// Until then a decision is the commission's, and it is still "sent".
func (t *turn) applicationStatus(app store.Application) string {
	data := map[string]any{"Code": app.Code, "Date": t.date(app.SubmittedAt)}
	if !app.ArrivedAt.IsZero() {
		data["Date"] = t.date(app.ArrivedAt) // it came on paper or by e-mail
	}
	switch {
	case app.Status == store.StatusWithdrawn:
		data["Date"] = t.date(app.WithdrawnAt)
		return t.text("app.status.withdrawn", data)
	case app.PublishedAt.IsZero() || !app.Status.Decided():
		return t.text("app.already_submitted", data)
	case app.Status == store.StatusAccepted:
		data["Start"], data["End"] = t.date(t.Selection.SchoolStart), t.date(t.Selection.SchoolEnd)
		return t.text("app.status.accepted", data)
	case app.Status == store.StatusWaitlisted:
		return t.text("app.status.waitlisted", data)
	}
	return t.text("app.status.declined", data)
}

// status is her application's status for /help: her application's, or
// her draft's progress; "" when she has neither.
func (t *turn) status() (string, error) {
	app, err := t.tx.ApplicationOf(t.user.ID)
	if err == nil {
		return t.applicationStatus(app), nil
	}
	if !isNotFound(err) {
		return "", err
	}
	d, err := t.tx.Draft(t.user.ID)
	if isNotFound(err) || err == nil && len(d.Answers) == 0 {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	done, total := form.Progress(d.Answers)
	return t.text("app.status.draft", map[string]any{"Done": done, "Total": total}), nil
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
	if handled, err := dialogues.Reask(t.talk()); handled || err != nil {
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
	return t.leftFormOrResume()
}

// leftFormOrResume follows anything she sends outside the form: after
// /cancel she is told her answers wait for /start; otherwise where her
// application is.
func (t *turn) leftFormOrResume() error {
	if _, err := t.tx.ApplicationOf(t.user.ID); isNotFound(err) && !t.closed() {
		if _, err := t.tx.Draft(t.user.ID); err == nil {
			t.say("form.left", nil)
			return nil
		} else if !isNotFound(err) {
			return err
		}
	} else if err != nil && !isNotFound(err) {
		return err
	}
	return t.resume(false)
}
