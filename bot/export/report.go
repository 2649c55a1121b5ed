package export

import (
	"time"

	"github.com/mentorbot/mentorbot/bot/report"
	"github.com/mentorbot/mentorbot/store"
)

// Report is the programme's report as one workbook: the summary the
// organisation quotes to its donor, then a sheet per stage (applications,
// selection, attendance, mentoring, election day, broadcasts). Names of
// oblasts, groups and events are in lang through words; times in loc.
func Report(r report.Report, lang string, loc *time.Location, words Words) Workbook {
	l := labels{words: words}
	return Workbook{Name: "report", Sheets: []Table{
		reportSummary(r, loc, l),
		reportApplications(r.Applications, l),
		reportSelection(r.Selection, l),
		reportAttendance(r, lang, loc, l),
		reportMentoring(r.Mentoring, l),
		reportElection(r.Election, l),
		reportBroadcasts(r, loc, l),
	}}
}

// labels name the report's groups in staff's language.
type labels struct{ words Words }

func (l labels) text(key string) string { return l.words(key, nil) }

func (l labels) oblast(o string) string {
	if o == report.Unknown {
		return l.text("report.unknown")
	}
	return l.text("form.oblast.opt." + o)
}

func (l labels) category(c string) string {
	if c == report.Unknown {
		return l.text("report.unknown")
	}
	return l.text("category." + c)
}

func (l labels) source(s string) string {
	if s == store.SourceDirect {
		return l.text("report.source.direct")
	}
	return s
}

func (l labels) ageGroup(g string) string {
	if g == report.Unknown {
		return l.text("report.unknown")
	}
	return g
}

func (l labels) yesNo(b bool) string {
	if b {
		return l.text("answer.yes")
	}
	return l.text("answer.no")
}

// share is a fraction for a Percent column, blank without a total.
func share(n, total int) any {
	if v, ok := report.Share(n, total); ok {
		return v
	}
	return nil
}

// wholeOrBlank leaves a figure that is not set (a plan of 0) blank.
func wholeOrBlank(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

func reportSummary(r report.Report, loc *time.Location, l labels) Table {
	tb := Table{Name: "report_summary", Columns: []Column{
		{Key: "figure"}, {Key: "count", Kind: Whole}, {Key: "of", Kind: Whole}, {Key: "share", Kind: Percent}, {Key: "target", Kind: Percent},
	}}
	h := r.Headline
	line := func(key string, count any, of int, sh, target any) {
		tb.Rows = append(tb.Rows, []any{l.text(key), count, wholeOrBlank(of), sh, target})
	}
	tb.Rows = append(tb.Rows,
		[]any{l.words("report.made", map[string]any{"When": r.At.In(loc).Format("02.01.2006 15:04")}), nil, nil, nil, nil},
		[]any{Headline(r, l.words), nil, nil, nil, nil})
	a := r.Applications.Total
	line("report.fig.started", a.Started, 0, nil, nil)
	line("report.fig.submitted", a.Submitted, a.Started, share(a.Submitted, a.Started), nil)
	line("report.fig.withdrawn", a.Withdrawn, a.Submitted, share(a.Withdrawn, a.Submitted), nil)
	line("report.fig.people", h.People, 0, nil, nil)
	line("report.fig.oblasts", h.Oblasts, 0, nil, nil)
	line("report.fig.women", h.Women, h.SexKnown, share(h.Women, h.SexKnown), nil)
	line("report.fig.participants", h.Participants, h.People, share(h.Participants, h.People), nil)
	line("report.fig.participant_oblasts", h.ParticipantOblasts, 0, nil, nil)
	line("report.fig.attendance", h.Attendance.Came, h.Attendance.Planned, share(h.Attendance.Came, h.Attendance.Planned), nil)
	m := r.Mentoring
	line("report.fig.questions", m.Total.Asked, 0, nil, nil)
	line("report.fig.answered", m.Total.Answered, m.Total.Asked, share(m.Total.Answered, m.Total.Asked), nil)
	line("report.fig.faq", m.FAQTotal, 0, nil, nil)
	e := h.Election
	line("report.fig.graduates", e.Graduates, 0, nil, nil)
	line("report.fig.candidates", e.Candidates, e.Graduates, share(e.Candidates, e.Graduates), nil)
	line("report.fig.reported", e.Reported, e.Candidates, share(e.Reported, e.Candidates), nil)
	line("report.fig.elected", e.Elected, e.Graduates, share(e.Elected, e.Graduates), report.TargetShare)
	line("report.fig.elected_verified", e.ElectedVerified, e.Elected, share(e.ElectedVerified, e.Elected), nil)
	line("report.fig.elected_unchecked", e.ElectedUnchecked, e.Elected, share(e.ElectedUnchecked, e.Elected), nil)
	b := r.BroadcastTotal
	line("report.fig.delivered", b.Delivered, b.Total, share(b.Delivered, b.Total), nil)
	line("report.fig.blocked", b.Blocked, b.Total, share(b.Blocked, b.Total), nil)
	line("report.fig.failed", b.Failed, b.Total, share(b.Failed, b.Total), nil)
	return tb
}

// Headline is the sentence the organisation gives its donor, in staff's
// language: "456 people from 6 oblasts, 66% women, 101% of planned
// attendance; 22% of graduates elected (the school's target is 20%)".
// A part without figures (no plan set, no graduate yet) is left out.
func Headline(r report.Report, words Words) string {
	h := r.Headline
	s := words("report.headline.people", map[string]any{"Count": h.People}) + " " +
		words("report.headline.oblasts", map[string]any{"Count": h.Oblasts})
	if v, ok := report.Share(h.Women, h.SexKnown); ok {
		s += ", " + words("report.headline.women", map[string]any{"Share": percentText(v)})
	}
	if v, ok := report.Share(h.Attendance.Came, h.Attendance.Planned); ok {
		s += ", " + words("report.headline.attendance", map[string]any{"Share": percentText(v)})
	}
	if v, ok := h.Election.ElectedShare(); ok {
		s += "; " + words("report.headline.elected", map[string]any{"Share": percentText(v), "Target": percentText(report.TargetShare)})
	}
	return s
}

// percentText is a share as the organisation writes it: 101%.
func percentText(v float64) string {
	return csvCell(int(round4(v)*100+0.5), Whole) + "%"
}

func reportApplications(a report.Applications, l labels) Table {
	tb := Table{Name: "report_applications", Columns: []Column{
		{Key: "by"}, {Key: "group"}, {Key: "started", Kind: Whole}, {Key: "submitted", Kind: Whole}, {Key: "withdrawn", Kind: Whole},
	}}
	add := func(by string, rows []report.AppCount, name func(string) string) {
		for _, c := range rows {
			tb.Rows = append(tb.Rows, []any{l.text("report.by." + by), name(c.Key), c.Started, c.Submitted, c.Withdrawn})
		}
	}
	add("oblast", a.ByOblast, l.oblast)
	add("category", a.ByCategory, l.category)
	add("source", a.BySource, l.source)
	t := a.Total
	tb.Rows = append(tb.Rows, []any{l.text("report.total"), "", t.Started, t.Submitted, t.Withdrawn})
	return tb
}

func reportSelection(rows []report.Selected, l labels) Table {
	tb := Table{Name: "report_selection", Columns: []Column{
		{Key: "oblast", Label: "form.oblast.label"}, {Key: "category"}, {Key: "applied", Kind: Whole}, {Key: "accepted", Kind: Whole},
		{Key: "waitlisted", Kind: Whole}, {Key: "declined", Kind: Whole}, {Key: "undecided", Kind: Whole},
	}}
	row := func(oblast, category string, s report.Selected) {
		tb.Rows = append(tb.Rows, []any{oblast, category, s.Applied, s.Accepted, s.Waitlisted, s.Declined, s.Undecided})
	}
	for _, s := range rows {
		row(l.oblast(s.Oblast), l.category(string(s.Category)), s)
	}
	row(l.text("report.total"), "", report.SelectedTotal(rows))
	return tb
}

func reportAttendance(r report.Report, lang string, loc *time.Location, l labels) Table {
	tb := Table{Name: "report_attendance", Columns: []Column{
		{Key: "event"}, {Key: "title"}, {Key: "kind"}, {Key: "at", Kind: DateTime}, {Key: "cancelled"},
		{Key: "planned", Kind: Whole}, {Key: "audience_size", Kind: Whole}, {Key: "coming", Kind: Whole}, {Key: "not_coming", Kind: Whole},
		{Key: "came", Kind: Whole}, {Key: "of_plan", Kind: Percent}, {Key: "of_audience", Kind: Percent},
	}}
	for _, a := range r.Attendance {
		e := a.Event
		tb.Rows = append(tb.Rows, []any{e.ID, e.Title[lang], l.text("event_add.kind." + string(e.Kind)), at(e.At, loc), l.yesNo(e.Cancelled),
			wholeOrBlank(a.Planned), a.Audience, a.Coming, a.NotComing, a.Came, share(a.Came, a.Planned), share(a.Came, a.Audience)})
	}
	t := report.AttendanceTotal(r.Attendance, r.At)
	tb.Rows = append(tb.Rows, []any{l.text("report.attendance_total"), "", "", nil, "",
		t.Planned, t.Audience, t.Coming, t.NotComing, t.Came, share(t.Came, t.Planned), share(t.Came, t.Audience)})
	return tb
}

// hours is a duration in hours, for a Decimal column.
func hours(d time.Duration, n int) any {
	if n == 0 {
		return nil
	}
	return d.Hours()
}

func reportMentoring(m report.Mentoring, l labels) Table {
	tb := Table{Name: "report_mentoring", Columns: []Column{
		{Key: "queue"}, {Key: "asked", Kind: Whole}, {Key: "answered", Kind: Whole}, {Key: "waiting", Kind: Whole},
		{Key: "median_hours", Kind: Decimal}, {Key: "p90_hours", Kind: Decimal},
	}}
	row := func(name string, q report.Queue) {
		tb.Rows = append(tb.Rows, []any{name, q.Asked, q.Answered, q.Waiting, hours(q.Median, q.Answered), hours(q.P90, q.Answered)})
	}
	for _, q := range m.Queues {
		name := string(q.Kind)
		for _, k := range report.QuestionKinds {
			if k == q.Kind {
				name = l.text("queue." + string(k))
			}
		}
		row(name, q)
	}
	row(l.text("report.total"), m.Total)
	return tb
}

func reportElection(e report.Election, l labels) Table {
	tb := Table{Name: "report_election", Columns: []Column{
		{Key: "by"}, {Key: "group"}, {Key: "graduates", Kind: Whole}, {Key: "candidates", Kind: Whole}, {Key: "reported", Kind: Whole},
		{Key: "elected", Label: "export.col.elected_count", Kind: Whole}, {Key: "elected_verified", Kind: Whole}, {Key: "elected_unchecked", Kind: Whole},
		{Key: "elected_rejected", Kind: Whole}, {Key: "results_verified", Kind: Whole}, {Key: "results_rejected", Kind: Whole},
		{Key: "elected_share", Kind: Percent}, {Key: "target", Kind: Percent},
	}}
	row := func(by, group string, r report.ElectionRow) {
		tb.Rows = append(tb.Rows, []any{by, group, r.Graduates, r.Candidates, r.Reported, r.Elected, r.ElectedVerified, r.ElectedUnchecked,
			r.ElectedRejected, r.Verified, r.Rejected, share(r.Elected, r.Graduates), report.TargetShare})
	}
	for _, r := range e.ByOblast {
		row(l.text("report.by.oblast"), l.oblast(r.Key), r)
	}
	for _, r := range e.ByAgeGroup {
		row(l.text("report.by.age"), l.ageGroup(r.Key), r)
	}
	row(l.text("report.total"), "", e.Total)
	return tb
}

func reportBroadcasts(r report.Report, loc *time.Location, l labels) Table {
	tb := Table{Name: "report_broadcasts", Columns: []Column{
		{Key: "broadcast", Kind: Whole}, {Key: "started_at", Kind: DateTime}, {Key: "status"}, {Key: "audience"},
		{Key: "recipients", Kind: Whole}, {Key: "sent", Kind: Whole}, {Key: "blocked", Kind: Whole}, {Key: "failed", Kind: Whole},
		{Key: "left", Kind: Whole}, {Key: "delivered_share", Kind: Percent},
	}}
	row := func(id, started, status, audience any, b report.Broadcast) {
		tb.Rows = append(tb.Rows, []any{id, started, status, audience, b.Total, b.Delivered, b.Blocked, b.Failed, b.Left, share(b.Delivered, b.Total)})
	}
	for _, b := range r.Broadcasts {
		row(b.Broadcast.ID, at(b.Broadcast.StartedAt, loc), l.text("bc.status."+string(b.Broadcast.Status)), b.Broadcast.Audience, b)
	}
	row(nil, nil, l.text("report.total"), "", r.BroadcastTotal)
	return tb
}
