package bot

import (
	"fmt"
	"strings"

	"github.com/mentorbot/mentorbot/bot/export"
	"github.com/mentorbot/mentorbot/store"
)

// listApplications is a page of /applications: how many there are by
// category (on the first page also how many started, were reminded, came
// back, and the counts per source), then the page's applications in code
// order, with names: staff may see them. Only the page's applications are
// read.
func (t *turn) listApplications(w window) (listPage, error) {
	apps, counts, err := t.tx.ApplicationsPage(w.offset, w.limit)
	if err != nil {
		return listPage{}, err
	}
	var sb strings.Builder
	sb.WriteString(t.text("staff.applications.count", map[string]any{
		"Count": counts.Total, "Older": counts.ByCategory[store.Category28Plus], "Younger": counts.ByCategory[store.CategoryUnder28],
		"Deadline": t.dateTime(t.Deadline),
	}))
	if w.offset == 0 {
		head, err := t.sourcesHead()
		if err != nil {
			return listPage{}, err
		}
		if head != "" {
			sb.WriteString("\n" + head)
			if len(apps) > 0 {
				sb.WriteString("\n")
			}
		}
	}
	for _, a := range apps {
		fmt.Fprintf(&sb, "\n%s · %s · %s · %s", a.Code, t.text("category."+string(a.Category), nil), t.date(a.SubmittedAt), clip(a.Answers["full_name"], listName))
	}
	if counts.Total > 0 {
		sb.WriteString("\n\n" + t.text("staff.applications.hint", nil))
	}
	return listPage{text: sb.String(), total: counts.Total}, nil
}

// showApplication shows one application in full: /application A-001.
func (t *turn) showApplication() error {
	code := strings.TrimSpace(t.u.Args)
	if code == "" {
		t.say("staff.application.usage", nil)
		return nil
	}
	app, err := t.application(code)
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
	if !app.ArrivedAt.IsZero() {
		head += "\n" + t.text("staff.application.arrived", map[string]any{"Source": t.text("entry.via."+app.Source, nil), "Date": t.date(app.ArrivedAt)})
	}
	t.send(head+"\n\n"+t.summaryText(app.Answers, false, 1), nil)
	return nil
}

// exportApplications sends the applications workbook: /export,
// and the file button under /applications.
func (t *turn) exportApplications() error { return t.fileJob("applications", "") }

// exportApplicationsTable builds it, in the worker (RunFileJobs).
func (t *turn) exportApplicationsTable(string) (fileTable, error) {
	apps, err := t.tx.Applications()
	if err != nil {
		return fileTable{}, err
	}
	return fileTable{export.Applications(apps, t.Location), "applications", t.text("staff.export.caption", map[string]any{"Count": len(apps)})}, nil
}
