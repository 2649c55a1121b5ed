// Package programme is the part of the bot with the programme's report
// for its donor: /report asks the file worker for one workbook (a
// summary and a sheet per stage, bot/export's Report) and two charts
// sent beside it; `mentorbot report` writes the same workbook from the
// command line with ReportFacts. The figures are bot/report's, from the
// facts gathered here in one read transaction.
package programme

import (
	"image/color"
	"time"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/bot/chart"
	"github.com/mentorbot/mentorbot/bot/export"
	"github.com/mentorbot/mentorbot/bot/report"
	"github.com/mentorbot/mentorbot/store"
)

// Feature is /report, for staff.
var Feature = bot.Feature{
	Commands: []bot.Command{
		{Name: "report", Roles: bot.StaffOnly, Run: programmeReport, Help: true, Menu: true},
	},
	Bundles: map[string]func(*bot.Turn, string) (bot.FileBundle, error){"report": reportFile},
}

// programmeReport is /report: made by the file worker, like the other
// workbooks, since it reads every record the school holds.
func programmeReport(t *bot.Turn) error { return t.FileJob("report", "") }

// reportFile builds it, in the worker (RunFileJobs).
func reportFile(t *bot.Turn, _ string) (bot.FileBundle, error) {
	facts, err := ReportFacts(t.Tx, t.School().StaffIDs, t.Now, t.School().Location)
	if err != nil {
		return bot.FileBundle{}, err
	}
	r := report.Compute(facts)
	words := func(key string, data map[string]any) string { return t.Text(key, data) }
	wb := export.Report(r, t.Lang(), t.School().Location, words)
	return bot.FileBundle{Sheets: wb.Sheets, Name: "report", Caption: export.Headline(r, words), Charts: reportCharts(t, r)}, nil
}

// ReportFacts gathers what the programme's report is computed from, as
// tx holds it at: every form and application, the participants with
// their election day, the events with their audience today (as
// /attendance counts it, staffIDs being staff from the config), the
// questions, the FAQ and the broadcasts. Ages on the election sheet are
// counted at the first election day of the calendar not cancelled, in
// loc; without one, at.
func ReportFacts(tx *store.Tx, staffIDs []int64, at time.Time, loc *time.Location) (report.Facts, error) {
	f := report.Facts{At: at}
	var err error
	if f.Drafts, err = tx.Drafts(); err != nil {
		return f, err
	}
	if f.Applications, err = tx.Applications(); err != nil {
		return f, err
	}
	rows, err := export.ResultRows(tx)
	if err != nil {
		return f, err
	}
	for _, r := range rows {
		f.Participants = append(f.Participants, report.Participant{User: r.User, Application: r.Application, Candidacy: r.Candidacy, Reports: r.Reports})
	}
	events, err := tx.Events()
	if err != nil {
		return f, err
	}
	for _, e := range events {
		if e.Kind == store.EventElection && !e.Cancelled && f.ElectionDay.IsZero() {
			f.ElectionDay = e.At.In(loc)
		}
		if e.Kind != store.EventMeeting && e.Kind != store.EventSession {
			continue
		}
		users, err := bot.AudienceOf(tx, e.Audience, staffIDs)
		if err != nil {
			return f, err
		}
		rsvps, err := tx.RSVPs(e.ID)
		if err != nil {
			return f, err
		}
		f.Events = append(f.Events, report.Event{Event: e, Audience: len(users), RSVPs: rsvps})
	}
	if f.ElectionDay.IsZero() {
		f.ElectionDay = at.In(loc)
	}
	if f.Questions, err = tx.Questions(); err != nil {
		return f, err
	}
	if f.FAQ, err = tx.FAQs(); err != nil {
		return f, err
	}
	f.Broadcasts, err = tx.Broadcasts()
	return f, err
}

// Most events the attendance chart shows: the latest, so the bars stay
// readable on a phone.
const chartEvents = 12

// Colours of the report's charts, as /tally_chart's.
var (
	lightBlue = color.RGBA{R: 158, G: 202, B: 225, A: 255}
	midBlue   = color.RGBA{R: 66, G: 146, B: 198, A: 255}
	darkBlue  = color.RGBA{R: 8, G: 81, B: 156, A: 255}
)

// reportCharts are the charts sent beside the workbook: applications by
// oblast, and attendance of the latest events against their plan. A
// chart with nothing to show is left out.
func reportCharts(t *bot.Turn, r report.Report) []bot.ChartFile {
	var out []bot.ChartFile
	if rows := r.Applications.ByOblast; len(rows) > 0 {
		c := chart.Bars{Title: t.Text("report.chart.applications", nil), YLabel: t.Text("tally.chart_people", nil)}
		var started, submitted, withdrawn []float64
		for _, a := range rows {
			c.Groups = append(c.Groups, reportOblast(t, a.Key))
			started = append(started, float64(a.Started))
			submitted = append(submitted, float64(a.Submitted))
			withdrawn = append(withdrawn, float64(a.Withdrawn))
		}
		c.Series = []chart.Series{
			{Label: t.Text("export.col.started", nil), Values: started, Color: lightBlue},
			{Label: t.Text("export.col.submitted", nil), Values: submitted, Color: midBlue},
			{Label: t.Text("export.col.withdrawn", nil), Values: withdrawn, Color: darkBlue},
		}
		out = append(out, bot.ChartFile{Name: "report-applications.png", Bars: c})
	}
	var held []report.Attendance
	for _, a := range r.Attendance {
		if !a.Event.Cancelled && !a.Event.At.After(r.At) {
			held = append(held, a)
		}
	}
	if len(held) > chartEvents {
		held = held[len(held)-chartEvents:]
	}
	if len(held) > 0 {
		c := chart.Bars{Title: t.Text("report.chart.attendance", nil), YLabel: t.Text("tally.chart_people", nil)}
		var planned, coming, came []float64
		for _, a := range held {
			c.Groups = append(c.Groups, a.Event.ID)
			planned = append(planned, float64(a.Planned))
			coming = append(coming, float64(a.Coming))
			came = append(came, float64(a.Came))
		}
		c.Series = []chart.Series{
			{Label: t.Text("export.col.planned", nil), Values: planned, Color: lightBlue},
			{Label: t.Text("export.col.coming", nil), Values: coming, Color: midBlue},
			{Label: t.Text("export.col.came", nil), Values: came, Color: darkBlue},
		}
		out = append(out, bot.ChartFile{Name: "report-attendance.png", Bars: c})
	}
	return out
}

// reportOblast names an oblast on a chart, or says it is not given.
func reportOblast(t *bot.Turn, o string) string {
	if o == report.Unknown {
		return t.Text("report.unknown", nil)
	}
	return t.Text("form.oblast.opt."+o, nil)
}
