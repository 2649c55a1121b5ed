package bot

import "github.com/mentorbot/mentorbot/store"

// prefixWithdraw is the confirmation of /withdraw: wd:yes, wd:no.
const prefixWithdraw = "wd"

// askWithdraw is /withdraw: she may take her application back until the
// results are out. It then leaves the scoring.
func (t *turn) askWithdraw() error {
	app, ok, err := t.withdrawable()
	if !ok {
		return err
	}
	t.send(t.text("withdraw.ask", map[string]any{"Code": app.Code}), [][]store.Button{
		{t.button("withdraw.yes", "wd:yes"), t.button("withdraw.no", "wd:no")},
	})
	return nil
}

// withdrawable returns her application if she can still withdraw it, and
// otherwise tells her why not.
func (t *turn) withdrawable() (store.Application, bool, error) {
	if t.user.Language == "" {
		t.user.Language = t.lang()
	}
	app, err := t.tx.ApplicationOf(t.user.ID)
	if isNotFound(err) {
		t.say("withdraw.none", nil)
		return app, false, nil
	}
	if err != nil {
		return app, false, err
	}
	switch {
	case app.Status == store.StatusWithdrawn:
		t.say("withdraw.already", map[string]any{"Code": app.Code})
		return app, false, nil
	case !app.PublishedAt.IsZero() || app.Status.Decided():
		t.say("withdraw.too_late", map[string]any{"Code": app.Code})
		return app, false, nil
	}
	return app, true, nil
}

// tapWithdraw takes her answer to the withdrawal question.
func (t *turn) tapWithdraw(answer string) error {
	t.toast("")
	t.editButtons(nil)
	if answer != "yes" {
		t.say("withdraw.kept", nil)
		return nil
	}
	app, ok, err := t.withdrawable()
	if !ok {
		return err
	}
	app.Status, app.WithdrawnAt = store.StatusWithdrawn, t.now
	if err := t.tx.PutApplication(app); err != nil {
		return err
	}
	t.Log.Info("application withdrawn", "code", app.Code)
	t.say("withdraw.done", map[string]any{"Code": app.Code})
	return nil
}
