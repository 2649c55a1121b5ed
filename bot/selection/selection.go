// Package selection is the arithmetic of stage II: the seven weighted
// criteria, a member's weighted total, the ranking of applications by the
// mean of the members' totals within each category, the proposal of the
// top of each category, and the masking of what could identify an
// applicant in the free text the commission reads.
package selection

import (
	"cmp"
	"slices"

	"github.com/mentorbot/mentorbot/store"
)

// Weights of the seven criteria, in percent, in the school's order: the
// wish to become a deputy, readiness for every activity, work with local
// self-government, understanding of the community's needs, the wish to
// learn, work with the community, purposefulness and leadership.
var Weights = [store.Criteria]int{15, 15, 10, 10, 20, 10, 20}

// MaxPoints is the top of the five-point scale.
const MaxPoints = 5

// Total is one member's weighted total out of 100: sum(weight × score) / 5.
// ok is false while a criterion is unscored.
func Total(points [store.Criteria]int) (total float64, ok bool) {
	sum := 0
	for i, p := range points {
		if p == 0 {
			return 0, false
		}
		sum += Weights[i] * p
	}
	return float64(sum) / MaxPoints, true
}

// Scorers are the people whose totals the ranking shows, in column
// order: the members, then anyone else with a confirmed score, by ID. Those
// are former members: a score confirmed while she was a member counts
// after her role is revoked, as Rank counts every confirmed score.
func Scorers(members []int64, scores []store.Score) []int64 {
	out := slices.Clone(members)
	var former []int64
	for _, s := range scores {
		if s.Confirmed && !slices.Contains(out, s.MemberID) && !slices.Contains(former, s.MemberID) {
			former = append(former, s.MemberID)
		}
	}
	slices.Sort(former)
	return append(out, former...)
}

// Result is an application's place in the ranking.
type Result struct {
	App store.Application
	// Totals holds each member's confirmed total, by member ID; a member
	// who has not confirmed is missing from it.
	Totals map[int64]float64
	Mean   float64 // mean of Totals; 0 when there are none
	Spread float64 // highest minus lowest total
	// Flagged is set when the spread is over the limit: the members read
	// her very differently, and staff should look before deciding.
	Flagged  bool
	Proposed store.Status // what the bot proposes: accepted, waitlisted or declined
}

// Quota is how many applicants of a category the school accepts, and how
// many it keeps on the waiting list.
type Quota struct {
	Accept, Waitlist int
}

// Rank returns the active applications of one category, best first, with
// the members' confirmed totals, and proposes the top Quota.Accept for
// acceptance and the next Quota.Waitlist for the waiting list. Equal means
// keep the order of submission.
func Rank(apps []store.Application, scores []store.Score, spreadLimit float64, q Quota) []Result {
	byCode := map[string][]store.Score{}
	for _, s := range scores {
		if s.Confirmed {
			byCode[s.Code] = append(byCode[s.Code], s)
		}
	}
	var results []Result
	for _, a := range apps {
		if !a.Active() {
			continue
		}
		results = append(results, result(a, byCode[a.Code], spreadLimit))
	}
	slices.SortStableFunc(results, func(a, b Result) int { return cmp.Compare(b.Mean, a.Mean) })
	for i := range results {
		switch {
		case i < q.Accept:
			results[i].Proposed = store.StatusAccepted
		case i < q.Accept+q.Waitlist:
			results[i].Proposed = store.StatusWaitlisted
		default:
			results[i].Proposed = store.StatusDeclined
		}
	}
	return results
}

func result(a store.Application, scores []store.Score, spreadLimit float64) Result {
	r := Result{App: a, Totals: map[int64]float64{}}
	lo, hi, sum := 0.0, 0.0, 0.0
	for _, s := range scores {
		total, ok := Total(s.Points)
		if !ok {
			continue
		}
		if len(r.Totals) == 0 || total < lo {
			lo = total
		}
		if len(r.Totals) == 0 || total > hi {
			hi = total
		}
		r.Totals[s.MemberID] = total
		sum += total
	}
	if n := len(r.Totals); n > 0 {
		r.Mean = sum / float64(n)
		r.Spread = hi - lo
		r.Flagged = r.Spread > spreadLimit
	}
	return r
}
