package bot

import (
	"github.com/mentorbot/mentorbot/bot/form"
	"github.com/mentorbot/mentorbot/store"
)

// resume puts her back where she was: her submitted application, the
// closed notice after the deadline, or the question of her form she is on.
func (t *turn) resumeForm(greet bool) error {
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
	if in, err := t.dialogues().In(t.talk(), formDialogue); in || err != nil {
		if err != nil {
			return err
		}
		_, err = t.dialogues().Reask(t.talk())
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
	return t.resumeForm(false)
}
