package bot

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/mentorbot/mentorbot/bot/export"
	"github.com/mentorbot/mentorbot/store"
)

// listApplications counts the submitted applications by category and
// lists them, newest last, with names: staff may see them.
func (t *turn) listApplications() error {
	apps, err := t.tx.Applications()
	if err != nil {
		return err
	}
	byCat := map[store.Category]int{}
	for _, a := range apps {
		byCat[a.Category]++
	}
	var sb strings.Builder
	sb.WriteString(t.text("staff.applications.count", map[string]any{
		"Total": len(apps), "Older": byCat[store.Category28Plus], "Younger": byCat[store.CategoryUnder28],
		"Deadline": t.dateTime(t.Deadline),
	}))
	for _, a := range apps {
		fmt.Fprintf(&sb, "\n%s · %s · %s · %s", a.Code, t.text("category."+string(a.Category), nil), t.date(a.SubmittedAt), a.Answers["full_name"])
	}
	if len(apps) > 0 {
		sb.WriteString("\n\n" + t.text("staff.applications.hint", nil))
	}
	t.send(sb.String(), nil)
	return nil
}

// showApplication shows one application in full: /application A-001.
func (t *turn) showApplication() error {
	code := strings.TrimSpace(t.u.Args)
	if code == "" {
		t.say("staff.application.usage", nil)
		return nil
	}
	app, err := t.tx.Application(strings.ToUpper(code))
	if isNotFound(err) {
		t.say("staff.application.not_found", map[string]any{"Code": code})
		return nil
	}
	if err != nil {
		return err
	}
	head := t.text("staff.application.head", map[string]any{
		"Code": app.Code, "Category": t.text("category."+string(app.Category), nil),
		"Date": t.dateTime(app.SubmittedAt), "Language": app.Language,
	})
	t.send(head+"\n\n"+t.summaryText(app, false, 1), nil)
	return nil
}

// exportApplications sends the applications CSV as a document.
func (t *turn) exportApplications() error {
	apps, err := t.tx.Applications()
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := export.Applications(&buf, apps, t.Location); err != nil {
		return err
	}
	name := "applications-" + t.now.In(t.Location).Format("2006-01-02") + ".csv"
	t.out = append(t.out, store.Outgoing{
		Kind: store.KindDocument, ChatID: t.u.ChatID,
		Text:     t.text("staff.export.caption", map[string]any{"Count": len(apps)}),
		Document: &store.File{Name: name, Data: buf.Bytes()},
	})
	return nil
}
