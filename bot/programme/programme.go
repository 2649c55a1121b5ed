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
var programmeReport = bot.SendsFile("report")

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
		c := peopleBars(t, "report.chart.applications", rows, func(a report.AppCount) string { return reportOblast(t, a.Key) },
			column[report.AppCount]{"export.col.started", lightBlue, func(a report.AppCount) int { return a.Started }},
			column[report.AppCount]{"export.col.submitted", midBlue, func(a report.AppCount) int { return a.Submitted }},
			column[report.AppCount]{"export.col.withdrawn", darkBlue, func(a report.AppCount) int { return a.Withdrawn }})
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
		c := peopleBars(t, "report.chart.attendance", held, func(a report.Attendance) string { return a.Event.ID },
			column[report.Attendance]{"export.col.planned", lightBlue, func(a report.Attendance) int { return a.Planned }},
			column[report.Attendance]{"export.col.coming", midBlue, func(a report.Attendance) int { return a.Coming }},
			column[report.Attendance]{"export.col.came", darkBlue, func(a report.Attendance) int { return a.Came }})
		out = append(out, bot.ChartFile{Name: "report-attendance.png", Bars: c})
	}
	return out
}

// column is one series of a chart of rows R: its label's key, its
// colour, and the count of a row.
type column[R any] struct {
	label string
	color color.RGBA
	count func(R) int
}

// peopleBars is a chart of people counted: a group of bars per row,
// named by group, one bar per column.
func peopleBars[R any](t *bot.Turn, titleKey string, rows []R, group func(R) string, columns ...column[R]) chart.Bars {
	c := chart.Bars{Title: t.Text(titleKey, nil), YLabel: t.Text("tally.chart_people", nil)}
	for _, col := range columns {
		c.Series = append(c.Series, chart.Series{Label: t.Text(col.label, nil), Color: col.color})
	}
	for _, r := range rows {
		c.Groups = append(c.Groups, group(r))
		for i, col := range columns {
			c.Series[i].Values = append(c.Series[i].Values, float64(col.count(r)))
		}
	}
	return c
}

// reportOblast names an oblast on a chart, or says it is not given.
func reportOblast(t *bot.Turn, o string) string {
	if o == report.Unknown {
		return t.Text("report.unknown", nil)
	}
	return t.Text("form.oblast.opt."+o, nil)
}
