package applying

import (
	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/bot/form"
	"github.com/mentorbot/mentorbot/store"
)

// resume puts her back where she was: her submitted application, the
// closed notice after the deadline, or the question of her form she is on.
func resumeForm(t *bot.Turn, greet bool) error {
	app, err := t.Tx.ApplicationOf(t.User.ID)
	if err == nil {
		t.Send(applicationStatus(t, app), nil)
		return nil
	}
	if !bot.IsNotFound(err) {
		return err
	}
	if s, ok := t.School().Programme.Stage("I"); ok && t.Now.Before(s.Starts) {
		// The calendar, not a date in the code, says when the form opens.
		t.Say("app.not_open", map[string]any{"Date": t.Date(s.Starts)})
		return nil
	}
	if t.Closed() {
		t.SayClosed()
		return nil
	}
	draft, err := draft(t)
	if err != nil {
		return err
	}
	switch {
	case len(draft.Answers) == 0:
		// Her application may have come on paper: one tap finds it.
		t.Send(t.Text("form.intro", map[string]any{"Deadline": t.DateTime(t.School().Deadline)}), introButtons(t))
		// She has started: kept as a draft, so she is counted and
		// reminded if she goes quiet before the first answer.
		if err := saveDraft(t, draft); err != nil {
			return err
		}
	case greet:
		done, total := form.Progress(draft.Answers)
		t.Say("form.welcome_back", map[string]any{"Done": done, "Count": total})
	}
	if in, err := t.Dialogues().In(t.Talk(), formDialogue); in || err != nil {
		if err != nil {
			return err
		}
		_, err = t.Dialogues().Reask(t.Talk())
		return err
	}
	return goOnWithForm(t, draft)
}

// applicationStatus says where her application is, as she may know it:
// sent, withdrawn, or, once the results are sent out, the decision
// (accepted with the school's dates, on the waiting list, not selected).
// Until then a decision is the commission's, and it is still "sent".
func applicationStatus(t *bot.Turn, app store.Application) string {
	data := map[string]any{"Code": app.Code, "Date": t.Date(app.SubmittedAt)}
	if !app.ArrivedAt.IsZero() {
		data["Date"] = t.Date(app.ArrivedAt) // it came on paper or by e-mail
	}
	switch {
	case app.Status == store.StatusWithdrawn:
		data["Date"] = t.Date(app.WithdrawnAt)
		return t.Text("app.status.withdrawn", data)
	case app.PublishedAt.IsZero() || !app.Status.Decided():
		return t.Text("app.already_submitted", data)
	case app.Status == store.StatusAccepted:
		data["Start"], data["End"] = t.Date(t.School().Selection.SchoolStart), t.Date(t.School().Selection.SchoolEnd)
		return t.Text("app.status.accepted", data)
	case app.Status == store.StatusWaitlisted:
		return t.Text("app.status.waitlisted", data)
	}
	return t.Text("app.status.declined", data)
}

// status is her application's status for /help: her application's, or
// her draft's progress; "" when she has neither.
func status(t *bot.Turn) (string, error) {
	app, err := t.Tx.ApplicationOf(t.User.ID)
	if err == nil {
		return applicationStatus(t, app), nil
	}
	if !bot.IsNotFound(err) {
		return "", err
	}
	d, err := t.Tx.Draft(t.User.ID)
	if bot.IsNotFound(err) || err == nil && len(d.Answers) == 0 {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	done, total := form.Progress(d.Answers)
	return t.Text("app.status.draft", map[string]any{"Done": done, "Total": total}), nil
}

// leftFormOrResume follows anything she sends outside the form: after
// /cancel she is told her answers wait for /start; otherwise where her
// application is.
func leftFormOrResume(t *bot.Turn) error {
	if _, err := t.Tx.ApplicationOf(t.User.ID); bot.IsNotFound(err) && !t.Closed() {
		if _, err := t.Tx.Draft(t.User.ID); err == nil {
			t.Say("form.left", nil)
			return nil
		} else if !bot.IsNotFound(err) {
			return err
		}
	} else if err != nil && !bot.IsNotFound(err) {
		return err
	}
	return resumeForm(t, false)
}
