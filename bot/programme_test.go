package bot_test

import (
	"bytes"
	"image/png"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot"

	"github.com/mentorbot/mentorbot/bot/export"
	"github.com/mentorbot/mentorbot/bot/export/exporttest"
	"github.com/mentorbot/mentorbot/bot/report"
	"github.com/mentorbot/mentorbot/bot/report/reporttest"
	"github.com/mentorbot/mentorbot/schedule"
	"github.com/mentorbot/mentorbot/store"
)

// /report sends one workbook, made by the file worker from what the store
// holds, with the headline as its caption, and two charts beside it. Its
// sheets are those of the scenario's known figures (checked cell by cell
// in bot/export), so the facts gathered from the store are the scenario's.
func TestReport_SendsWorkbookAndCharts(t *testing.T) {
	h := newHarnessOn(t, filepath.Join(t.TempDir(), "mentorbot.db"), func(o *bot.Options) {
		// The scenario's events only: the default programme's would add
		// rows to the attendance sheet and an election day of its own.
		p := schedule.DefaultProgramme(o.Deadline, o.Location)
		p.Events = nil
		o.Programme = p
	})
	h.clock.Set(reporttest.At)
	if err := h.db.Update(reporttest.Fill); err != nil {
		t.Fatal(err)
	}
	staff := &person{h: h, user: staffUser}
	staff.says("/report")

	var docs, photos []string
	var workbook []byte
	var pngs [][]byte
	for _, m := range h.srv.Messages(staffUser.ID) {
		switch {
		case m.Document != nil:
			docs = append(docs, m.Document.Name+": "+m.Document.Caption)
			workbook = m.Document.Data
		case m.Photo != nil:
			photos = append(photos, m.Photo.Name+": "+m.Photo.Caption)
			pngs = append(pngs, m.Photo.Data)
		}
	}
	if want := []string{"report-2027-10-20.xlsx: " + reporttest.Headline}; !slices.Equal(docs, want) {
		t.Fatalf("documents %q, want %q", docs, want)
	}
	if want := []string{"report-applications.png: " + h.text("ru", "report.chart.applications", nil),
		"report-attendance.png: " + h.text("ru", "report.chart.attendance", nil)}; !slices.Equal(photos, want) {
		t.Errorf("charts %q, want %q", photos, want)
	}
	for i, data := range pngs {
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil || img.Bounds().Dx() < 400 {
			t.Errorf("chart %d: %v", i, err)
		}
	}

	got, err := exporttest.ReadAll(workbook, bishkek)
	if err != nil {
		t.Fatal(err)
	}
	words := func(key string, data map[string]any) string { return h.text("ru", key, data) }
	var buf bytes.Buffer
	if err := export.Report(report.Compute(reporttest.Facts()), "ru", bishkek, words).WriteXLSX(&buf, words); err != nil {
		t.Fatal(err)
	}
	want, err := exporttest.ReadAll(buf.Bytes(), bishkek)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d sheets, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].Name != want[i].Name || !sameRows(got[i].Rows, want[i].Rows) {
			t.Errorf("sheet %s:\n%q\nwant %s:\n%q", got[i].Name, got[i].Rows, want[i].Name, want[i].Rows)
		}
	}
	// Two figures as the donor reads them, straight from the chat's file.
	if got[0].Rows[2][0] != reporttest.Headline || !slices.Equal(got[1].Rows[2], []string{"Область", "Нарынская", "3", "2", "0"}) {
		t.Errorf("summary %q, applications %q", got[0].Rows[2], got[1].Rows[2])
	}
}

// The report is staff's: anyone else is refused, and nothing is made.
func TestReport_StaffOnly(t *testing.T) {
	h := newHarness(t)
	p := participants(t, h, map[int64]string{10701: "ru"})[10701]
	p.news()
	p.says("/report")
	if got := p.news(); len(got) == 0 || got[0] != h.text("ru", "access.denied", nil) {
		t.Errorf("a participant's /report: %q", got)
	}
	for _, m := range h.srv.Messages(10701) {
		if m.Document != nil || m.Photo != nil {
			t.Errorf("she was sent a file")
		}
	}
	if jobs, err := h.db.FileJobs(); err != nil || len(jobs) != 0 {
		t.Errorf("file jobs %v, %v", jobs, err)
	}
}

// The planned attendance, skipped in /event_add, is set later with
// /event_plan: typed with the event, asked without the number, picked
// without the event; a greeting has none to plan.
func TestEventPlan_SetLater(t *testing.T) {
	h := newHarness(t)
	h.clock.Set(reporttest.At)
	if err := h.db.Update(reporttest.Fill); err != nil {
		t.Fatal(err)
	}
	staff := &person{h: h, user: staffUser}
	ru := func(key string, data any) string { return h.text("ru", key, data) }

	// /attendance holds who came against the plan, as the report does.
	staff.says("/attendance e-0510-1")
	staff.expect(ru("attendance.report", map[string]any{"Title": "Встреча e-0510-1", "Planned": 4, "Yes": 3, "No": 1, "Came": 3,
		"Share": "75%", "Rated": 0, "Rating": "–"}))

	staff.says("/event_plan e-1101-1 12")
	staff.expect(ru("event_plan.set", map[string]any{"ID": "e-1101-1", "Count": 12}))
	if e := storedEvent(t, h, "e-1101-1"); e.Planned != 12 {
		t.Errorf("planned %d", e.Planned)
	}
	staff.says("/event_plan e-1101-1")
	staff.expect(ru("event_plan.ask", map[string]any{"ID": "e-1101-1"}))
	staff.says("пятнадцать")
	staff.expect(ru("input.need_number", nil), ru("event_plan.ask", map[string]any{"ID": "e-1101-1"}))
	staff.says("1 500")
	staff.expect(ru("event_plan.set", map[string]any{"ID": "e-1101-1", "Count": 1500}))
	if e := storedEvent(t, h, "e-1101-1"); e.Planned != 1500 {
		t.Errorf("planned %d", e.Planned)
	}
	staff.says("/event_plan e-1101-1 0")
	staff.expect(ru("event_plan.cleared", map[string]any{"ID": "e-1101-1"}))
	staff.says("/event_plan e-1101-1 много")
	staff.expect(ru("event_plan.usage", map[string]any{"ID": "e-1101-1"}))
	staff.says("/event_plan g-0308 5")
	staff.expect(ru("event_plan.no_attendance", map[string]any{"ID": "g-0308"}))
	staff.says("/event_plan")
	staff.expect(ru("event.pick", map[string]any{"Command": "event_plan"}))
	staff.taps("e-1101-1 · 01.11.2027 15:00 · Встреча e-1101-1")
	staff.expect(ru("event_plan.ask", map[string]any{"ID": "e-1101-1"}))
	staff.taps(ru("event_add.no_plan_button", nil))
	staff.expect(ru("event_plan.cleared", map[string]any{"ID": "e-1101-1"}))

	var audit []string
	err := h.db.View(func(tx *store.Tx) error {
		p, err := tx.AuditLogPage(0, 20, 0)
		for _, e := range p.Entries {
			audit = append(audit, e.Action)
		}
		return err
	})
	if err != nil || !slices.Contains(audit, "/event_plan") {
		t.Errorf("audit %q, %v", audit, err)
	}
}

// A plan staff set for an event of the config file stays when the file's
// definition of the event changes: the file has no plans.
func TestEventPlan_KeptWhenTheConfigChanges(t *testing.T) {
	title := "Встреча"
	h := newHarnessOn(t, filepath.Join(t.TempDir(), "mentorbot.db"), func(o *bot.Options) {
		p := schedule.DefaultProgramme(o.Deadline, o.Location)
		p.Events = []store.Event{{ID: "meeting-x", Kind: store.EventMeeting, Title: map[string]string{"ky": "Жолугушуу", "ru": title},
			At: reporttest.At.Add(240 * time.Hour).UTC(), Duration: time.Hour, Link: "https://meet.example.org/x", Audience: "participants"}}
		o.Programme = p
	})
	h.clock.Set(reporttest.At)
	staff := &person{h: h, user: staffUser}
	staff.says("/event_plan meeting-x 30")
	staff.expect(h.text("ru", "event_plan.set", map[string]any{"ID": "meeting-x", "Count": 30}))

	title = "Встреча в Нарыне"
	h.restart()
	if e := storedEvent(t, h, "meeting-x"); e.Title["ru"] != title || e.Planned != 30 {
		t.Errorf("after the config changed: %q, planned %d", e.Title["ru"], e.Planned)
	}
}
