package applying

import (
	"fmt"
	"strings"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/bot/export"
	"github.com/mentorbot/mentorbot/store"
)

// listApplications is a page of /applications: how many there are by
// category (on the first page also how many started, were reminded, came
// back, and the counts per source), then the page's applications in code
// order, with names: staff may see them. Only the page's applications are
// read.
func listApplications(t *bot.Turn, w bot.Window) (bot.Page, error) {
	apps, counts, err := t.Tx.ApplicationsPage(w.Offset, w.Limit)
	if err != nil {
		return bot.Page{}, err
	}
	var sb strings.Builder
	sb.WriteString(t.Text("staff.applications.count", map[string]any{
		"Count": counts.Total, "Older": counts.ByCategory[store.Category28Plus], "Younger": counts.ByCategory[store.CategoryUnder28],
		"Deadline": t.DateTime(t.School().Deadline),
	}))
	if w.Offset == 0 {
		head, err := sourcesHead(t)
		if err != nil {
			return bot.Page{}, err
		}
		if head != "" {
			sb.WriteString("\n" + head)
			if len(apps) > 0 {
				sb.WriteString("\n")
			}
		}
	}
	for _, a := range apps {
		fmt.Fprintf(&sb, "\n%s · %s · %s · %s", a.Code, t.Text("category."+string(a.Category), nil), t.Date(a.SubmittedAt), bot.Clip(a.Answers["full_name"], bot.ListName))
	}
	if counts.Total > 0 {
		sb.WriteString("\n\n" + t.Text("staff.applications.hint", nil))
	}
	return bot.Page{Text: sb.String(), Total: counts.Total}, nil
}

// showApplication shows one application in full: /application A-001.
func showApplication(t *bot.Turn) error {
	app, ok, err := t.ApplicationArg("staff.application.usage")
	if !ok {
		return err
	}
	head := t.Text("staff.application.head", map[string]any{
		"Code": app.Code, "Category": t.Text("category."+string(app.Category), nil),
		"Date": t.DateTime(app.SubmittedAt), "Language": app.Language,
	})
	if !app.ArrivedAt.IsZero() {
		head += "\n" + t.Text("staff.application.arrived", map[string]any{"Source": t.Text("entry.via."+app.Source, nil), "Date": t.Date(app.ArrivedAt)})
	}
	t.Send(head+"\n\n"+t.SummaryText(app.Answers, false, 1), nil)
	return nil
}

// exportApplications sends the applications workbook: /export,
// and the file button under /applications.
var exportApplications = bot.SendsFile("applications")

// exportApplicationsTable builds it, in the worker (RunFileJobs).
func exportApplicationsTable(t *bot.Turn, _ string) (bot.FileTable, error) {
	apps, err := t.Tx.Applications()
	if err != nil {
		return bot.FileTable{}, err
	}
	return bot.FileTable{Table: export.Applications(apps, t.School().Location), Name: "applications", Caption: t.Text("staff.export.caption", map[string]any{"Count": len(apps)})}, nil
}
