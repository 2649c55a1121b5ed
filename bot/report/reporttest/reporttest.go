// Package reporttest is a small school with known figures, for the tests
// of the programme's report: the same records as report.Facts (for the
// pure computation) and written into a store (for the workbook the chat
// sends and the command line writes). The figures each test expects are
// worked out by hand in the comments below.
package reporttest

import (
	"time"

	"github.com/mentorbot/mentorbot/bot/report"
	"github.com/mentorbot/mentorbot/store"
)

// Participants are the graduates' Telegram IDs; Applicants the others
// who submitted; Drafting the two still filling in the form.
var (
	Participants = []int64{101, 102, 103, 104, 105}
	Applicants   = []int64{106, 107, 108}
	Drafting     = []int64{109, 110}
)

// The scenario, by hand:
//
// Applications (10 started, 8 submitted, 1 withdrawn):
//
//	A-001 101 naryn 28plus  wa-naryn accepted  female 1980-05-10
//	A-002 102 naryn under28 paper    accepted  female 2001-01-15
//	A-003 103 osh   28plus  (direct) accepted  female 1990-03-01
//	A-004 104 talas 28plus  email    accepted  female (no birth date)
//	A-005 105 chui  28plus  wa-naryn accepted  female 1995-12-01
//	A-006 106 osh   28plus  (direct) withdrawn female
//	A-007 107 osh   under28 email    declined  male
//	A-008 108 talas under28 wa-naryn waitlisted (sex not given)
//	draft 109 naryn wa-naryn; draft 110 (no oblast yet), direct
//
// By oblast (started/submitted/withdrawn): chui 1/1/0, naryn 3/2/0, osh
// 3/3/1, talas 2/2/0, not given 1/0/0. By source: wa-naryn 4/3/0, direct
// 3/2/1, email 2/2/0, paper 1/1/0. Headline: 7 people (not withdrawn)
// from 4 oblasts, 5 women of 6 whose sex is known (83%); 5 accepted.
//
// Events (audience "participants": the 5 graduates):
//
//	e-0510-1 meeting, plan 4: coming 3, not coming 1, came 3 (75% of plan)
//	e-0520-1 session, plan 2: came 3 (150%)
//	e-0515-1 meeting, plan 5, cancelled: not counted
//	e-1101-1 meeting, plan 10, after the report: not counted
//	g-0308 greeting, el-1010 election day (10.10.2027): no attendance
//
// Held with a plan: 6 came of 6 planned, 100%.
//
// Questions: mentor answered after 1 h, 3 h, 2 h and one waiting (median
// 2 h, p90 2 h 48 min); lawyer after 30 min; help after 10 min. All: median
// 1 h, p90 2 h 36 min. FAQ: 2 in Kyrgyz, 1 in Russian.
//
// Election day: 101 (naryn, 47: 46-55) elected, verified; 102 (naryn,
// 26: 18-27) elected in her correction, unchecked; 103 (osh, 37: 36-45)
// not elected, rejected; 104 (talas, no birth date) not registered; 105
// (chui, 31: 28-35) registered, no result. 5 graduates, 4 candidates, 3
// reported, 2 elected (40%, against 20%), 1 of them verified.
//
// Broadcasts: 1 done (10: 7 delivered, 2 blocked, 1 failed), 2 a draft
// (left out), 3 paused (5: 2 delivered, 3 left). Total 15: 9, 2, 1, 3 left.
const (
	Started, Submitted, Withdrawn = 10, 8, 1
	People, Oblasts, Women        = 7, 4, 5
	Headline                      = "7 человек из 4 областей, женщин — 83%, 100% от плановой посещаемости; избраны 40% выпускниц (цель Школы — 20%)"
)

// Bishkek is the school's time zone, fixed: Kyrgyzstan keeps no summer
// time.
var Bishkek = time.FixedZone("Asia/Bishkek", 6*3600)

// At is when the report is made.
var At = on("2027-10-20 12:00")

// ElectionDay is the election event's time.
var ElectionDay = on("2027-10-10 08:00")

func on(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, Bishkek)
	if err != nil {
		panic(err)
	}
	return t
}

type app struct {
	user                          int64
	oblast, category, source, sex string
	status                        store.Status
	birth                         string
}

var apps = []app{
	{101, "naryn", "28plus", "wa-naryn", "female", store.StatusAccepted, "1980-05-10"},
	{102, "naryn", "under28", "paper", "female", store.StatusAccepted, "2001-01-15"},
	{103, "osh", "28plus", "", "female", store.StatusAccepted, "1990-03-01"},
	{104, "talas", "28plus", "email", "female", store.StatusAccepted, ""},
	{105, "chui", "28plus", "wa-naryn", "female", store.StatusAccepted, "1995-12-01"},
	{106, "osh", "28plus", "", "female", store.StatusWithdrawn, "1985-01-01"},
	{107, "osh", "under28", "email", "male", store.StatusDeclined, "2000-02-02"},
	{108, "talas", "under28", "wa-naryn", "", store.StatusWaitlisted, "2002-03-03"},
}

func (a app) application() store.Application {
	answers := map[string]string{"full_name": "Участница", "oblast": a.oblast}
	if a.sex != "" {
		answers["sex"] = a.sex
	}
	if a.birth != "" {
		answers["birth_date"] = a.birth
	}
	return store.Application{UserID: a.user, Language: "ru", Answers: answers, Category: store.Category(a.category),
		Source: a.source, StartedAt: on("2027-01-10 10:00"), UpdatedAt: on("2027-01-10 10:00")}
}

func drafts() []store.Application {
	return []store.Application{
		{UserID: 109, Language: "ky", Answers: map[string]string{"oblast": "naryn"}, Source: "wa-naryn", StartedAt: on("2027-01-12 10:00")},
		{UserID: 110, Language: "ru", Answers: map[string]string{}, StartedAt: on("2027-01-12 11:00")},
	}
}

func events() ([]store.Event, map[string][]store.RSVP) {
	ev := func(id string, kind store.EventKind, at string, planned int, cancelled bool) store.Event {
		return store.Event{ID: id, Kind: kind, Title: map[string]string{"ky": "Жолугушуу " + id, "ru": "Встреча " + id}, At: on(at).UTC(),
			Duration: 2 * time.Hour, Audience: "participants", Planned: planned, Cancelled: cancelled, Version: 1, Source: "chat"}
	}
	list := []store.Event{
		ev("g-0308", store.EventGreeting, "2027-03-08 09:00", 0, false),
		ev("e-0510-1", store.EventMeeting, "2027-05-10 15:00", 4, false),
		ev("e-0515-1", store.EventMeeting, "2027-05-15 15:00", 5, true),
		ev("e-0520-1", store.EventSession, "2027-05-20 11:00", 2, false),
		ev("el-1010", store.EventElection, "2027-10-10 08:00", 0, false),
		ev("e-1101-1", store.EventMeeting, "2027-11-01 15:00", 10, false),
	}
	r := func(event string, user int64, coming, attended string) store.RSVP {
		return store.RSVP{EventID: event, UserID: user, Coming: coming, Attended: attended}
	}
	rsvps := map[string][]store.RSVP{
		"e-0510-1": {r("e-0510-1", 101, "yes", "yes"), r("e-0510-1", 102, "yes", "yes"), r("e-0510-1", 103, "yes", "no"),
			r("e-0510-1", 104, "no", ""), r("e-0510-1", 105, "", "yes")},
		"e-0520-1": {r("e-0520-1", 101, "", "yes"), r("e-0520-1", 102, "", "yes"), r("e-0520-1", 103, "", "yes")},
	}
	return list, rsvps
}

func questions() []store.Question {
	q := func(kind store.QuestionKind, asked string, after time.Duration) store.Question {
		at := on(asked)
		out := store.Question{UserID: 101, Kind: kind, Language: "ru", Status: store.QuestionOpen, CreatedAt: at,
			Thread: []store.Post{{AuthorID: 101, Text: "Вопрос", At: at}}}
		if after > 0 {
			out.Status, out.FirstAnswerAt = store.QuestionAnswered, at.Add(after)
		}
		return out
	}
	return []store.Question{
		q(store.KindMentor, "2027-04-01 10:00", time.Hour),
		q(store.KindMentor, "2027-04-02 10:00", 3*time.Hour),
		q(store.KindLawyer, "2027-04-02 11:00", 30*time.Minute),
		q(store.KindMentor, "2027-04-03 10:00", 2*time.Hour),
		q(store.KindHelp, "2027-10-10 12:00", 10*time.Minute),
		q(store.KindMentor, "2027-10-19 10:00", 0),
	}
}

func faq() []store.FAQEntry {
	return []store.FAQEntry{
		{Language: "ky", Topic: "t", Question: "С?", Answer: "Ж.", UpdatedAt: At},
		{Language: "ky", Topic: "t", Question: "С2?", Answer: "Ж2.", UpdatedAt: At},
		{Language: "ru", Topic: "t", Question: "В?", Answer: "О.", UpdatedAt: At},
	}
}

func broadcasts() []store.Broadcast {
	return []store.Broadcast{
		{ID: 1, CreatedAt: on("2027-03-01 10:00"), StartedAt: on("2027-03-01 10:05"), FinishedAt: on("2027-03-01 10:30"),
			Text: map[string]string{"ru": "Привет"}, Audience: "participants", Status: store.BroadcastDone, Total: 10, Sent: 7, Blocked: 2, Failed: 1},
		{ID: 2, CreatedAt: on("2027-04-01 10:00"), Text: map[string]string{"ru": "Черновик"}, Status: store.BroadcastDraft},
		{ID: 3, CreatedAt: on("2027-10-19 10:00"), StartedAt: on("2027-10-19 10:05"),
			Text: map[string]string{"ru": "Итоги"}, Audience: "participants", Status: store.BroadcastPaused, Total: 5, Sent: 2},
	}
}

func candidacies() ([]store.Candidacy, map[int64][]store.ResultReport) {
	c := func(user int64, oblast string) store.Candidacy {
		return store.Candidacy{UserID: user, Registered: "yes", Oblast: oblast, UpdatedAt: on("2027-09-01 10:00")}
	}
	r := func(user int64, elected, check string) store.ResultReport {
		return store.ResultReport{UserID: user, VotesReceived: 120, VotesCast: 900, Seats: 15, Elected: elected, Check: check, At: on("2027-10-11 10:00")}
	}
	return []store.Candidacy{c(101, "naryn"), c(102, "naryn"), c(103, "osh"), c(105, "chui")},
		map[int64][]store.ResultReport{
			101: {r(101, "yes", store.CheckVerified)},
			102: {r(102, "no", ""), r(102, "yes", "")},
			103: {r(103, "no", store.CheckRejected)},
		}
}

// Facts are the scenario as the report reads it.
func Facts() report.Facts {
	f := report.Facts{At: At, ElectionDay: ElectionDay, Drafts: drafts(), Questions: questions(), FAQ: faq(), Broadcasts: broadcasts()}
	for i, a := range apps {
		ap := a.application()
		ap.Code, ap.Status = code(i+1), a.status
		f.Applications = append(f.Applications, ap)
	}
	cs, reports := candidacies()
	byUser := map[int64]store.Candidacy{}
	for _, c := range cs {
		byUser[c.UserID] = c
	}
	for i, id := range Participants {
		f.Participants = append(f.Participants, report.Participant{User: store.User{ID: id, Roles: []store.Role{store.RoleParticipant}},
			Application: f.Applications[i], Candidacy: byUser[id], Reports: reports[id]})
	}
	evs, rsvps := events()
	for _, e := range evs {
		if e.Kind == store.EventMeeting || e.Kind == store.EventSession {
			f.Events = append(f.Events, report.Event{Event: e, Audience: len(Participants), RSVPs: rsvps[e.ID]})
		}
	}
	return f
}

func code(n int) string { return "A-00" + string(rune('0'+n)) }

// Fill writes the scenario into a store: the users (the graduates as
// participants), their forms and applications, the events and answers,
// the questions, the FAQ, the broadcasts and election day.
func Fill(tx *store.Tx) error {
	for _, id := range append(append(append([]int64{}, Participants...), Applicants...), Drafting...) {
		u := store.User{ID: id, FirstName: "Айгүл", Language: "ru", CreatedAt: on("2027-01-10 09:00")}
		if id <= 105 {
			u.Roles = []store.Role{store.RoleParticipant}
		}
		if err := tx.PutUser(u); err != nil {
			return err
		}
	}
	for _, d := range drafts() {
		if err := tx.PutDraft(d); err != nil {
			return err
		}
	}
	for _, a := range apps {
		ap, err := tx.Submit(a.application(), on("2027-01-15 10:00"))
		if err != nil {
			return err
		}
		ap.Status = a.status
		if err := tx.PutApplication(ap); err != nil {
			return err
		}
	}
	evs, rsvps := events()
	for _, e := range evs {
		if err := tx.PutEvent(e); err != nil {
			return err
		}
		for _, r := range rsvps[e.ID] {
			if err := tx.PutRSVP(r); err != nil {
				return err
			}
		}
	}
	for _, q := range questions() {
		if _, err := tx.PutQuestion(q); err != nil {
			return err
		}
	}
	for _, e := range faq() {
		if _, err := tx.PutFAQ(e); err != nil {
			return err
		}
	}
	for _, b := range broadcasts() {
		if _, err := tx.PutBroadcast(b); err != nil {
			return err
		}
	}
	cs, reports := candidacies()
	for _, c := range cs {
		if err := tx.PutCandidacy(c); err != nil {
			return err
		}
	}
	for _, id := range Participants {
		for _, r := range reports[id] {
			if _, err := tx.AddReport(r); err != nil {
				return err
			}
		}
	}
	return nil
}
