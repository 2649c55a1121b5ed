package applying

import (
	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/store"
)

// prefixWithdraw is the confirmation of /withdraw: wd:yes, wd:no.
const prefixWithdraw = "wd"

// askWithdraw is /withdraw: she may take her application back until the
// results are out. It then leaves the scoring.
func askWithdraw(t *bot.Turn) error {
	app, ok, err := withdrawable(t)
	if !ok {
		return err
	}
	t.Send(t.Text("withdraw.ask", map[string]any{"Code": app.Code}), [][]store.Button{
		{t.Button("withdraw.yes", prefixWithdraw+":yes"), t.Button("withdraw.no", prefixWithdraw+":no")},
	})
	return nil
}

// withdrawable returns her application if she can still withdraw it, and
// otherwise tells her why not.
func withdrawable(t *bot.Turn) (store.Application, bool, error) {
	if t.User.Language == "" {
		t.User.Language = t.Lang()
	}
	app, err := t.Tx.ApplicationOf(t.User.ID)
	if bot.IsNotFound(err) {
		t.Say("withdraw.none", nil)
		return app, false, nil
	}
	if err != nil {
		return app, false, err
	}
	switch {
	case app.Status == store.StatusWithdrawn:
		t.Say("withdraw.already", map[string]any{"Code": app.Code})
		return app, false, nil
	case !app.PublishedAt.IsZero() || app.Status.Decided():
		t.Say("withdraw.too_late", map[string]any{"Code": app.Code})
		return app, false, nil
	}
	return app, true, nil
}

// tapWithdraw takes her answer to the withdrawal question.
func tapWithdraw(t *bot.Turn, answer string) error {
	if !t.TapConfirms(answer, "withdraw.kept") {
		return nil
	}
	app, ok, err := withdrawable(t)
	if !ok {
		return err
	}
	app.Status, app.WithdrawnAt = store.StatusWithdrawn, t.Now
	if err := t.Tx.PutApplication(app); err != nil {
		return err
	}
	t.Log().Info("application withdrawn", "code", app.Code)
	t.Say("withdraw.done", map[string]any{"Code": app.Code})
	return nil
}
