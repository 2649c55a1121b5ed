package export

import (
	"time"

	"github.com/mentorbot/mentorbot/bot/form"
	"github.com/mentorbot/mentorbot/store"
)

// ApplicationColumns are the columns of the applications table: the
// record's own, then one per form field in the form's order, a checklist
// giving one column per item. A form field's header is its label
// (form.<id>.label), a checklist item's its short name (form.<item>.short).
func ApplicationColumns() []Column {
	cols := []Column{{Key: "code"}, {Key: "language"}, {Key: "category"}, {Key: "submitted_at", Kind: DateTime}, {Key: "status"}, {Key: "source"}, {Key: "arrived_at", Kind: Date}}
	for _, f := range form.Fields {
		if f.Kind == form.Checklist {
			for _, item := range f.Items {
				cols = append(cols, Column{Key: item, Label: "form." + item + ".short"})
			}
			continue
		}
		c := Column{Key: f.ID, Label: "form." + f.ID + ".label"}
		if f.Kind == form.Date {
			c.Kind = Date
		}
		cols = append(cols, c)
	}
	return cols
}

// Applications is one row per application. Answers are as stored (yes/no,
// option IDs, +996 numbers) so that a spreadsheet can filter them; a date
// answer is a date, the submission time a date-time in loc; the day a
// paper or e-mail application arrived a date, blank for the others.
func Applications(apps []store.Application, loc *time.Location) Table {
	cols := ApplicationColumns()
	tb := Table{Name: "applications", Columns: cols}
	for _, a := range apps {
		row := []any{a.Code, a.Language, string(a.Category), a.SubmittedAt.In(loc), string(a.Status), sourceOf(a), a.ArrivedAt.In(loc)}
		for _, c := range cols[len(row):] {
			row = append(row, answer(a.Answers[c.Key], c.Kind))
		}
		tb.Rows = append(tb.Rows, row)
	}
	return tb
}

// ApplicationRecordColumns is how many of ApplicationColumns are the
// record's own, before the form's answers.
const ApplicationRecordColumns = 7

// answer is a stored answer as its column's kind: a date answer
// ("1990-03-15") as a date; one that does not parse stays text.
func answer(s string, k Kind) any {
	if k == Date && s != "" {
		if d, err := time.Parse(time.DateOnly, s); err == nil {
			return d
		}
	}
	return s
}

// sourceOf is where she came from: her start link's name, or "direct".
func sourceOf(a store.Application) string {
	if a.Source == "" {
		return store.SourceDirect
	}
	return a.Source
}
