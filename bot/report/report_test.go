package report_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/report"
	"github.com/mentorbot/mentorbot/bot/report/reporttest"
	"github.com/mentorbot/mentorbot/store"
)

// counts writes groups as "key started/submitted/withdrawn".
func counts(rows []report.AppCount) string {
	s := ""
	for _, c := range rows {
		s += fmt.Sprintf("%s %d/%d/%d; ", c.Key, c.Started, c.Submitted, c.Withdrawn)
	}
	return s
}

// The figures of the scenario, worked out by hand in reporttest.
func TestCompute_Scenario(t *testing.T) {
	r := report.Compute(reporttest.Facts())

	a := r.Applications
	if a.Total != (report.AppCount{Started: reporttest.Started, Submitted: reporttest.Submitted, Withdrawn: reporttest.Withdrawn}) {
		t.Errorf("total %+v", a.Total)
	}
	for _, c := range []struct{ name, got, want string }{
		{"by oblast", counts(a.ByOblast), "chui 1/1/0; naryn 3/2/0; osh 3/3/1; talas 2/2/0;  1/0/0; "},
		{"by category", counts(a.ByCategory), "28plus 5/5/1; under28 3/3/0;  2/0/0; "},
		{"by source", counts(a.BySource), "wa-naryn 4/3/0; direct 3/2/1; email 2/2/0; paper 1/1/0; "},
	} {
		if c.got != c.want {
			t.Errorf("%s: %q, want %q", c.name, c.got, c.want)
		}
	}

	sel := ""
	for _, s := range r.Selection {
		sel += fmt.Sprintf("%s %s %d: %d/%d/%d; ", s.Oblast, s.Category, s.Applied, s.Accepted, s.Waitlisted, s.Declined)
	}
	if want := "chui 28plus 1: 1/0/0; naryn 28plus 1: 1/0/0; naryn under28 1: 1/0/0; osh 28plus 1: 1/0/0; osh under28 1: 0/0/1; talas 28plus 1: 1/0/0; talas under28 1: 0/1/0; "; sel != want {
		t.Errorf("selection %q,\nwant %q", sel, want)
	}
	if tot := report.SelectedTotal(r.Selection); tot != (report.Selected{Applied: 7, Accepted: 5, Waitlisted: 1, Declined: 1}) {
		t.Errorf("selection total %+v", tot)
	}

	att := ""
	for _, e := range r.Attendance {
		share, ok := e.OfPlan()
		att += fmt.Sprintf("%s plan %d audience %d yes %d no %d came %d (%.2f %v); ", e.Event.ID, e.Planned, e.Audience, e.Coming, e.NotComing, e.Came, share, ok)
	}
	if want := "e-0510-1 plan 4 audience 5 yes 3 no 1 came 3 (0.75 true); e-0515-1 plan 5 audience 5 yes 0 no 0 came 0 (0.00 true); " +
		"e-0520-1 plan 2 audience 5 yes 0 no 0 came 3 (1.50 true); e-1101-1 plan 10 audience 5 yes 0 no 0 came 0 (0.00 true); "; att != want {
		t.Errorf("attendance %q,\nwant %q", att, want)
	}

	m := r.Mentoring
	q := ""
	for _, k := range m.Queues {
		q += fmt.Sprintf("%s %d/%d/%d %v %v; ", k.Kind, k.Asked, k.Answered, k.Waiting, k.Median, k.P90)
	}
	if want := "mentor 4/3/1 2h0m0s 2h48m0s; lawyer 1/1/0 30m0s 30m0s; help 1/1/0 10m0s 10m0s; "; q != want {
		t.Errorf("queues %q,\nwant %q", q, want)
	}
	if m.Total.Asked != 6 || m.Total.Answered != 5 || m.Total.Median != time.Hour || m.Total.P90 != 2*time.Hour+36*time.Minute {
		t.Errorf("all questions %+v", m.Total)
	}
	if m.FAQTotal != 3 || m.FAQ["ky"] != 2 || m.FAQ["ru"] != 1 {
		t.Errorf("FAQ %d %v", m.FAQTotal, m.FAQ)
	}

	e := r.Election
	if e.Total != (report.ElectionRow{Graduates: 5, Candidates: 4, Reported: 3, Elected: 2, ElectedVerified: 1, ElectedUnchecked: 1, Verified: 1, Rejected: 1}) {
		t.Errorf("election %+v", e.Total)
	}
	if share, ok := e.Total.ElectedShare(); !ok || share != 0.4 {
		t.Errorf("elected share %v %v", share, ok)
	}
	rows := func(rs []report.ElectionRow) string {
		s := ""
		for _, r := range rs {
			s += fmt.Sprintf("%s %d/%d/%d/%d; ", r.Key, r.Graduates, r.Candidates, r.Reported, r.Elected)
		}
		return s
	}
	if got, want := rows(e.ByOblast), "chui 1/1/0/0; naryn 2/2/2/2; osh 1/1/1/0; talas 1/0/0/0; "; got != want {
		t.Errorf("by oblast %q, want %q", got, want)
	}
	if got, want := rows(e.ByAgeGroup), "18-27 1/1/1/1; 28-35 1/1/0/0; 36-45 1/1/1/0; 46-55 1/1/1/1;  1/0/0/0; "; got != want {
		t.Errorf("by age %q, want %q", got, want)
	}

	b := r.BroadcastTotal
	if got := fmt.Sprint(len(r.Broadcasts), b.Total, b.Delivered, b.Blocked, b.Failed, b.Left); got != "2 15 9 2 1 3" {
		t.Errorf("broadcasts, total, delivered, blocked, failed, left: %s", got)
	}

	h := r.Headline
	if h.People != reporttest.People || h.Oblasts != reporttest.Oblasts || h.Women != reporttest.Women || h.SexKnown != 6 || h.Participants != 5 || h.ParticipantOblasts != 4 {
		t.Errorf("headline %+v", h)
	}
	if h.Attendance.Planned != 6 || h.Attendance.Came != 6 {
		t.Errorf("attendance held with a plan: %+v", h.Attendance)
	}
}

// A birth date gives the age on election day, not at the report: she
// turns 28 the day after the vote.
func TestAgeGroup(t *testing.T) {
	day := time.Date(2027, 10, 10, 8, 0, 0, 0, reporttest.Bishkek)
	for birth, want := range map[string]string{
		"1999-10-11": "18-27", "1999-10-10": "28-35", "1971-01-01": "56+", "": report.Unknown,
		"1990-03-01|2090-03-01": report.Unknown, "2015-01-01": report.Unknown,
	} {
		if got := report.AgeGroup(birth, day); got != want {
			t.Errorf("born %q: %q, want %q", birth, got, want)
		}
	}
}

// Percentile interpolates as Excel's PERCENTILE.INC.
func TestPercentile(t *testing.T) {
	h := func(n float64) time.Duration { return time.Duration(n * float64(time.Hour)) }
	for _, c := range []struct {
		ds   []time.Duration
		p    float64
		want time.Duration
	}{
		{nil, 0.5, 0},
		{[]time.Duration{h(5)}, 0.9, h(5)},
		{[]time.Duration{h(4), h(1), h(3), h(2)}, 0.5, h(2.5)},
		{[]time.Duration{h(1), h(2), h(3), h(4), h(5), h(6), h(7), h(8), h(9), h(10)}, 0.9, h(9.1)},
	} {
		if got := report.Percentile(c.ds, c.p); got != c.want {
			t.Errorf("Percentile(%v, %v) = %v, want %v", c.ds, c.p, got, c.want)
		}
	}
}

// A broadcast that never started has no recipients to count; drafts
// have no result; with no plan, attendance has no share of one.
func TestCompute_Empty(t *testing.T) {
	r := report.Compute(report.Facts{At: reporttest.At, Broadcasts: []store.Broadcast{{ID: 1, Status: store.BroadcastDraft, Total: 4}},
		Events: []report.Event{{Event: store.Event{ID: "e", Kind: store.EventMeeting}, Audience: 3}}})
	if len(r.Broadcasts) != 0 || r.BroadcastTotal.Total != 0 {
		t.Errorf("broadcasts %+v", r.Broadcasts)
	}
	if _, ok := r.Attendance[0].OfPlan(); ok {
		t.Error("a share of no plan")
	}
	if _, ok := r.Election.Total.ElectedShare(); ok {
		t.Error("a share of no graduates")
	}
}

// A reply counts once for the reminder and once for the follow-up; no
// answer counts for neither.
func TestCountReplies(t *testing.T) {
	rsvps := []store.RSVP{
		{Coming: "yes", Attended: "yes"},
		{Coming: "yes", Attended: "no"},
		{Coming: "no"},
		{Attended: "yes"}, // came without answering the reminder
		{},
	}
	coming, notComing, came := report.CountReplies(rsvps)
	if coming != 2 || notComing != 1 || came != 2 {
		t.Errorf("coming %d, not coming %d, came %d; want 2, 1, 2", coming, notComing, came)
	}
	if c, n, a := report.CountReplies(nil); c != 0 || n != 0 || a != 0 {
		t.Errorf("no replies: %d %d %d", c, n, a)
	}
}
