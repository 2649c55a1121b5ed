// Package report computes the programme's report for its donor from what
// the store holds: applications by oblast, category and source, the
// selection, attendance against plan, mentoring, election day and
// broadcasts, and the headline figures the organisation quotes ("456
// people from 6 oblasts, 66% women, 101% of planned attendance", the
// share of graduates elected against the school's 20% target). It is
// pure: Facts in, a Report out; the bot gathers the facts in one read
// transaction and bot/export lays the report out as a workbook.
package report

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/mentorbot/mentorbot/bot/form"
	"github.com/mentorbot/mentorbot/store"
)

// TargetShare is the school's expected result: at least a fifth of its
// graduates become local-council deputies.
const TargetShare = 0.20

// Facts are the records a report is computed from, as the store holds
// them when it is made.
type Facts struct {
	// At is when the report is made.
	At time.Time
	// ElectionDay is the day ages are counted at on the election sheet:
	// the election event's date, zero for At.
	ElectionDay time.Time
	// Drafts are the forms being filled in; Applications the submitted
	// ones, withdrawn and decided included.
	Drafts, Applications []store.Application
	// Participants are the school's participants (its graduates, for
	// election day), with what each recorded of the election.
	Participants []Participant
	// Events are the programme's events, each with its audience today.
	Events []Event
	// Questions are every mentoring question; FAQ every entry.
	Questions []store.Question
	FAQ       []store.FAQEntry
	// Broadcasts are every broadcast, drafts included (left out).
	Broadcasts []store.Broadcast
}

// Participant is one participant and her election day.
type Participant struct {
	User        store.User
	Application store.Application
	Candidacy   store.Candidacy
	// Reports are every version of her result, oldest first.
	Reports []store.ResultReport
}

// Event is an event with what is known of who came.
type Event struct {
	Event store.Event
	// Audience is how many the event is for, counted as /attendance does.
	Audience int
	RSVPs    []store.RSVP
}

// Report is the programme's figures.
type Report struct {
	At           time.Time
	Applications Applications
	Selection    []Selected
	Attendance   []Attendance
	Mentoring    Mentoring
	Election     Election
	Broadcasts   []Broadcast
	// BroadcastTotal adds up every broadcast.
	BroadcastTotal Broadcast
	Headline       Headline
}

// Unknown names the group of records that do not say (no oblast yet, no
// birth date): it sorts last.
const Unknown = ""

// Compute makes the report from the facts.
func Compute(f Facts) Report {
	r := Report{At: f.At}
	r.Applications = applications(f.Drafts, f.Applications)
	r.Selection = selection(f.Applications)
	r.Attendance = attendance(f.Events)
	r.Mentoring = mentoring(f.Questions, f.FAQ)
	day := f.ElectionDay
	if day.IsZero() {
		day = f.At
	}
	r.Election = election(f.Participants, day)
	r.Broadcasts, r.BroadcastTotal = broadcasts(f.Broadcasts)
	r.Headline = headline(f.Applications, r)
	return r
}

// Share is n of total as a fraction, and whether there is a total to
// speak of.
func Share(n, total int) (float64, bool) {
	if total <= 0 {
		return 0, false
	}
	return float64(n) / float64(total), true
}

// ---- applications

// AppCount counts the applications of one group.
type AppCount struct {
	// Key is the group: an oblast, a category or a source; Unknown when
	// the application does not say.
	Key string
	// Started counts every form begun (drafts and submitted); Submitted
	// those submitted, withdrawn ones included; Withdrawn those she took
	// back.
	Started, Submitted, Withdrawn int
}

// Applications are stage I by oblast, category and source.
type Applications struct {
	Total                          AppCount
	ByOblast, ByCategory, BySource []AppCount
}

func applications(drafts, apps []store.Application) Applications {
	byOblast, byCategory, bySource := map[string]*AppCount{}, map[string]*AppCount{}, map[string]*AppCount{}
	var total AppCount
	count := func(a store.Application, submitted bool) {
		source := a.Source
		if source == "" {
			source = store.SourceDirect
		}
		for _, c := range []*AppCount{&total, group(byOblast, a.Answers["oblast"]), group(byCategory, string(a.Category)), group(bySource, source)} {
			c.Started++
			if submitted {
				c.Submitted++
				if a.Status == store.StatusWithdrawn {
					c.Withdrawn++
				}
			}
		}
	}
	for _, a := range drafts {
		count(a, false)
	}
	for _, a := range apps {
		count(a, true)
	}
	return Applications{Total: total,
		ByOblast:   sorted(byOblast, oblastOrder),
		ByCategory: sorted(byCategory, categoryOrder),
		BySource: sortedBy(bySource, func(a, b *AppCount) int {
			return cmp.Or(cmp.Compare(b.Submitted, a.Submitted), cmp.Compare(a.Key, b.Key))
		}),
	}
}

func group(m map[string]*AppCount, key string) *AppCount {
	if m[key] == nil {
		m[key] = &AppCount{Key: key}
	}
	return m[key]
}

// oblastOrder places an oblast as the form lists them, unknown last.
func oblastOrder(key string) int {
	if i := slices.Index(form.Oblasts, key); i >= 0 {
		return i
	}
	if key == Unknown {
		return math.MaxInt
	}
	return len(form.Oblasts)
}

// Categories are the school's age groups in the order shown.
var Categories = []store.Category{store.Category28Plus, store.CategoryUnder28}

func categoryOrder(key string) int {
	if i := slices.Index(Categories, store.Category(key)); i >= 0 {
		return i
	}
	if key == Unknown {
		return math.MaxInt
	}
	return len(Categories)
}

func sorted(m map[string]*AppCount, order func(string) int) []AppCount {
	return sortedBy(m, func(a, b *AppCount) int {
		return cmp.Or(cmp.Compare(order(a.Key), order(b.Key)), cmp.Compare(a.Key, b.Key))
	})
}

func sortedBy(m map[string]*AppCount, compare func(a, b *AppCount) int) []AppCount {
	list := make([]*AppCount, 0, len(m))
	for _, c := range m {
		list = append(list, c)
	}
	slices.SortFunc(list, compare)
	out := make([]AppCount, len(list))
	for i, c := range list {
		out[i] = *c
	}
	return out
}

// ---- selection

// Selected is the selection's outcome in one oblast and category.
type Selected struct {
	Oblast   string
	Category store.Category
	// Applied counts the applications in the selection (not withdrawn);
	// the rest are staff's decisions, Undecided what is left.
	Applied, Accepted, Waitlisted, Declined, Undecided int
}

func selection(apps []store.Application) []Selected {
	type key struct {
		oblast   string
		category store.Category
	}
	m := map[key]*Selected{}
	for _, a := range apps {
		if !a.Active() {
			continue
		}
		k := key{a.Answers["oblast"], a.Category}
		s := m[k]
		if s == nil {
			s = &Selected{Oblast: k.oblast, Category: k.category}
			m[k] = s
		}
		s.Applied++
		switch a.Status {
		case store.StatusAccepted:
			s.Accepted++
		case store.StatusWaitlisted:
			s.Waitlisted++
		case store.StatusDeclined:
			s.Declined++
		default:
			s.Undecided++
		}
	}
	out := make([]Selected, 0, len(m))
	for _, s := range m {
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b Selected) int {
		return cmp.Or(cmp.Compare(oblastOrder(a.Oblast), oblastOrder(b.Oblast)), cmp.Compare(a.Oblast, b.Oblast),
			cmp.Compare(categoryOrder(string(a.Category)), categoryOrder(string(b.Category))))
	})
	return out
}

// SelectedTotal adds up the selection's rows.
func SelectedTotal(rows []Selected) Selected {
	var t Selected
	for _, s := range rows {
		addTo(&t, s)
	}
	return t
}

func (s *Selected) counts() []*int {
	return []*int{&s.Applied, &s.Accepted, &s.Waitlisted, &s.Declined, &s.Undecided}
}

// summable is a row of figures whose counts (its int fields, named by
// counts) add up to a total row.
type summable[T any] interface {
	*T
	counts() []*int
}

// addTo adds the counts of row to those of sum.
func addTo[T any, P summable[T]](sum P, row T) {
	into := sum.counts()
	for i, n := range P(&row).counts() {
		*into[i] += *n
	}
}

// ---- attendance

// Attendance is one meeting or session against its plan.
type Attendance struct {
	Event store.Event
	// Planned is the attendance staff planned (Event.Planned), 0 when
	// none was set; Audience how many it is for.
	Planned, Audience int
	// Coming said yes to the reminder, NotComing said no; Came said yes
	// to the follow-up.
	Coming, NotComing, Came int
}

// OfPlan is who came as a share of the plan, as the organisation
// reports it ("101% of planned attendance"); false without a plan.
func (a Attendance) OfPlan() (float64, bool) { return Share(a.Came, a.Planned) }

// OfAudience is who came as a share of the audience.
func (a Attendance) OfAudience() (float64, bool) { return Share(a.Came, a.Audience) }

// CountReplies counts the answers to an event's reminders: coming and
// notComing said yes and no to "will you come", came said yes to "did
// you come".
func CountReplies(rsvps []store.RSVP) (coming, notComing, came int) {
	for _, r := range rsvps {
		switch r.Coming {
		case "yes":
			coming++
		case "no":
			notComing++
		}
		if r.Attended == "yes" {
			came++
		}
	}
	return coming, notComing, came
}

// attendance covers the meetings and sessions, by time: greetings and
// election day have no attendance.
func attendance(events []Event) []Attendance {
	var out []Attendance
	for _, e := range events {
		if e.Event.Kind != store.EventMeeting && e.Event.Kind != store.EventSession {
			continue
		}
		a := Attendance{Event: e.Event, Planned: e.Event.Planned, Audience: e.Audience}
		a.Coming, a.NotComing, a.Came = CountReplies(e.RSVPs)
		out = append(out, a)
	}
	slices.SortStableFunc(out, func(a, b Attendance) int { return a.Event.At.Compare(b.Event.At) })
	return out
}

// AttendanceTotal adds up the events that count against a plan: held
// (not cancelled, begun by at) and with a plan set.
func AttendanceTotal(rows []Attendance, at time.Time) Attendance {
	var t Attendance
	for _, a := range rows {
		if a.Event.Cancelled || a.Event.At.After(at) || a.Planned == 0 {
			continue
		}
		addTo(&t, a)
	}
	return t
}

func (a *Attendance) counts() []*int {
	return []*int{&a.Planned, &a.Audience, &a.Coming, &a.NotComing, &a.Came}
}

// ---- mentoring

// Queue is the questions of one kind.
type Queue struct {
	Kind store.QuestionKind
	// Asked counts the questions; Answered those with a first answer;
	// Waiting those open or taken without one.
	Asked, Answered, Waiting int
	// Median and P90 are the times to a first answer of the answered
	// ones, as Excel's PERCENTILE.INC reckons them.
	Median, P90 time.Duration
}

// Mentoring is the questions by queue and the FAQ.
type Mentoring struct {
	Queues []Queue
	Total  Queue
	// FAQ counts the published entries by language; FAQTotal all.
	FAQ      map[string]int
	FAQTotal int
}

// QuestionKinds are the queues in the order shown; a kind not listed
// follows them by name.
var QuestionKinds = []store.QuestionKind{store.KindMentor, store.KindLawyer, store.KindHelp}

func mentoring(qs []store.Question, faq []store.FAQEntry) Mentoring {
	waits := map[store.QuestionKind][]time.Duration{}
	queues := map[store.QuestionKind]*Queue{}
	var all []time.Duration
	total := Queue{}
	for _, q := range qs {
		qu := queues[q.Kind]
		if qu == nil {
			qu = &Queue{Kind: q.Kind}
			queues[q.Kind] = qu
		}
		for _, c := range []*Queue{qu, &total} {
			c.Asked++
			if !q.FirstAnswerAt.IsZero() {
				c.Answered++
			} else if q.Status == store.QuestionOpen || q.Status == store.QuestionTaken {
				c.Waiting++
			}
		}
		if !q.FirstAnswerAt.IsZero() {
			d := max(q.FirstAnswerAt.Sub(q.CreatedAt), 0)
			waits[q.Kind] = append(waits[q.Kind], d)
			all = append(all, d)
		}
	}
	m := Mentoring{FAQ: map[string]int{}}
	for _, qu := range queues {
		qu.Median, qu.P90 = Percentile(waits[qu.Kind], 0.5), Percentile(waits[qu.Kind], 0.9)
		m.Queues = append(m.Queues, *qu)
	}
	order := func(k store.QuestionKind) int {
		if i := slices.Index(QuestionKinds, k); i >= 0 {
			return i
		}
		return len(QuestionKinds)
	}
	slices.SortFunc(m.Queues, func(a, b Queue) int {
		return cmp.Or(cmp.Compare(order(a.Kind), order(b.Kind)), cmp.Compare(a.Kind, b.Kind))
	})
	total.Median, total.P90 = Percentile(all, 0.5), Percentile(all, 0.9)
	m.Total = total
	for _, e := range faq {
		m.FAQ[e.Language]++
		m.FAQTotal++
	}
	return m
}

// Percentile is the p-th percentile (0–1) of ds by linear interpolation
// between the closest ranks, as Excel's PERCENTILE.INC (and MEDIAN at
// 0.5): staff can check it against the questions workbook. It is 0 for
// no durations.
func Percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	rank := p * float64(len(s)-1)
	lo := int(math.Floor(rank))
	hi := min(lo+1, len(s)-1)
	frac := rank - float64(lo)
	return s[lo] + time.Duration(math.Round(frac*float64(s[hi]-s[lo])))
}

// ---- election day

// ElectionRow counts one group of graduates on election day.
type ElectionRow struct {
	// Key is the oblast or the age group (AgeGroups), Unknown when her
	// records do not say.
	Key string
	// Graduates are the participants; Candidates those registered;
	// Reported those who sent a result; Elected those whose latest
	// result says elected, of whom ElectedVerified were checked against
	// the protocol photo, ElectedRejected found not to match it, and
	// the rest (ElectedUnchecked) not checked yet.
	Graduates, Candidates, Reported, Elected           int
	ElectedVerified, ElectedUnchecked, ElectedRejected int
	// Verified and Rejected count the latest results checked, elected or
	// not.
	Verified, Rejected int
}

// ElectedShare is the elected as a share of graduates, to hold against
// TargetShare.
func (r ElectionRow) ElectedShare() (float64, bool) { return Share(r.Elected, r.Graduates) }

// Election is election day, by oblast and by age group.
type Election struct {
	Day                  time.Time
	Total                ElectionRow
	ByOblast, ByAgeGroup []ElectionRow
}

// AgeGroups are the age groups of the election sheet, by age on
// election day: the school's younger category, then by decade or so.
var AgeGroups = []struct {
	Key      string
	From, To int // years, inclusive
}{
	{"18-27", 18, 27}, {"28-35", 28, 35}, {"36-45", 36, 45}, {"46-55", 46, 55}, {"56+", 56, 200},
}

// AgeGroup is the group of a stored birth date at day, Unknown when the
// date is missing or unsure.
func AgeGroup(birthDate string, day time.Time) string {
	birth, err := time.ParseInLocation(form.DateLayout, birthDate, day.Location())
	if err != nil {
		return Unknown
	}
	age := form.AgeAt(birth, day)
	for _, g := range AgeGroups {
		if age >= g.From && age <= g.To {
			return g.Key
		}
	}
	return Unknown
}

func election(ps []Participant, day time.Time) Election {
	e := Election{Day: day}
	byOblast, byAge := map[string]*ElectionRow{}, map[string]*ElectionRow{}
	row := func(m map[string]*ElectionRow, k string) *ElectionRow {
		if m[k] == nil {
			m[k] = &ElectionRow{Key: k}
		}
		return m[k]
	}
	for _, p := range ps {
		oblast := p.Candidacy.Oblast
		if oblast == "" {
			oblast = p.Application.Answers["oblast"]
		}
		rows := []*ElectionRow{&e.Total, row(byOblast, oblast), row(byAge, AgeGroup(p.Application.Answers["birth_date"], day))}
		for _, r := range rows {
			countElection(r, p)
		}
	}
	e.ByOblast = electionRows(byOblast, oblastOrder)
	e.ByAgeGroup = electionRows(byAge, func(k string) int {
		for i, g := range AgeGroups {
			if g.Key == k {
				return i
			}
		}
		return math.MaxInt
	})
	return e
}

// countElection adds one graduate to r: as /tally counts, a result is
// hers when she registered, and her latest version is the one that
// counts.
func countElection(r *ElectionRow, p Participant) {
	r.Graduates++
	if p.Candidacy.Registered != "yes" {
		return
	}
	r.Candidates++
	if len(p.Reports) == 0 {
		return
	}
	latest := p.Reports[len(p.Reports)-1]
	r.Reported++
	switch latest.Check {
	case store.CheckVerified:
		r.Verified++
	case store.CheckRejected:
		r.Rejected++
	}
	if latest.Elected != "yes" {
		return
	}
	r.Elected++
	switch latest.Check {
	case store.CheckVerified:
		r.ElectedVerified++
	case store.CheckRejected:
		r.ElectedRejected++
	default:
		r.ElectedUnchecked++
	}
}

func electionRows(m map[string]*ElectionRow, order func(string) int) []ElectionRow {
	out := make([]ElectionRow, 0, len(m))
	for _, r := range m {
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b ElectionRow) int {
		return cmp.Or(cmp.Compare(order(a.Key), order(b.Key)), cmp.Compare(a.Key, b.Key))
	})
	return out
}

// ---- broadcasts

// Broadcast is one broadcast's recipients by outcome.
type Broadcast struct {
	Broadcast store.Broadcast
	// Total recipients; Delivered, Blocked (she blocked the bot) and
	// Failed have an outcome; Left wait for one.
	Total, Delivered, Blocked, Failed, Left int
}

// broadcasts are those that were started, by number, and their sum.
func broadcasts(bs []store.Broadcast) ([]Broadcast, Broadcast) {
	var out []Broadcast
	var total Broadcast
	for _, b := range bs {
		if b.StartedAt.IsZero() {
			continue // a draft, a scheduled one, or cancelled before it ran
		}
		r := Broadcast{Broadcast: b, Total: b.Total, Delivered: b.Sent, Blocked: b.Blocked, Failed: b.Failed,
			Left: max(b.Total-b.Settled(), 0)}
		out = append(out, r)
		addTo(&total, r)
	}
	slices.SortFunc(out, func(a, b Broadcast) int { return cmp.Compare(a.Broadcast.ID, b.Broadcast.ID) })
	return out, total
}

func (b *Broadcast) counts() []*int {
	return []*int{&b.Total, &b.Delivered, &b.Blocked, &b.Failed, &b.Left}
}

// ---- the headline

// Headline is what the organisation tells its donor.
type Headline struct {
	// People are the women who submitted an application and kept it;
	// Oblasts how many oblasts they come from; Women and SexKnown count
	// those whose application says "female" of those that say.
	People, Oblasts, Women, SexKnown int
	// Participants are those accepted into the school, from
	// ParticipantOblasts oblasts.
	Participants, ParticipantOblasts int
	// Attendance adds up the events held with a plan.
	Attendance Attendance
	// Election is the whole of election day.
	Election ElectionRow
}

func headline(apps []store.Application, r Report) Headline {
	h := Headline{Attendance: AttendanceTotal(r.Attendance, r.At), Election: r.Election.Total}
	oblasts, accepted := map[string]bool{}, map[string]bool{}
	for _, a := range apps {
		if !a.Active() {
			continue
		}
		h.People++
		if o := a.Answers["oblast"]; o != "" {
			oblasts[o] = true
		}
		switch a.Answers["sex"] {
		case "female":
			h.Women++
			h.SexKnown++
		case "":
		default:
			h.SexKnown++
		}
		if a.Status == store.StatusAccepted {
			h.Participants++
			if o := a.Answers["oblast"]; o != "" {
				accepted[o] = true
			}
		}
	}
	h.Oblasts, h.ParticipantOblasts = len(oblasts), len(accepted)
	return h
}
