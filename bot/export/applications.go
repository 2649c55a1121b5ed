// Package export writes the school's records as CSV files for staff: the
// same bytes go to stdout from the command line and to staff as a document
// in the chat.
package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"time"

	"github.com/mentorbot/mentorbot/bot/form"
	"github.com/mentorbot/mentorbot/store"
)

// ApplicationColumns is the header of the applications CSV: the record's
// own columns, then one per form field in the form's order, a checklist
// giving one column per item.
func ApplicationColumns() []string {
	cols := []string{"code", "language", "category", "submitted_at", "status", "source"}
	for _, f := range form.Fields {
		if f.Kind == form.Checklist {
			cols = append(cols, f.Items...)
			continue
		}
		cols = append(cols, f.ID)
	}
	return cols
}

// Applications writes apps as CSV with a header row. Answers are written as
// stored (yes/no, option IDs, ISO dates, +996 numbers) so that a
// spreadsheet can filter them; times are in loc.
func Applications(w io.Writer, apps []store.Application, loc *time.Location) error {
	cw := csv.NewWriter(w)
	cols := ApplicationColumns()
	if err := cw.Write(cols); err != nil {
		return fmt.Errorf("write applications header: %w", err)
	}
	for _, a := range apps {
		row := []string{a.Code, a.Language, string(a.Category), a.SubmittedAt.In(loc).Format(time.RFC3339), string(a.Status), sourceOf(a)}
		for _, col := range cols[len(row):] {
			row = append(row, a.Answers[col])
		}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("write application %s: %w", a.Code, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write applications: %w", err)
	}
	return nil
}

// sourceOf is where she came from: her start link's name, or "direct".
func sourceOf(a store.Application) string {
	if a.Source == "" {
		return store.SourceDirect
	}
	return a.Source
}
