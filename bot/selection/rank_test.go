package selection_test

import (
	"slices"
	"testing"

	"github.com/mentorbot/mentorbot/bot/selection"
	"github.com/mentorbot/mentorbot/store"
)

func TestTotal(t *testing.T) {
	tests := []struct {
		name   string
		points [store.Criteria]int
		want   float64
		ok     bool
	}{
		{"AllFive", [7]int{5, 5, 5, 5, 5, 5, 5}, 100, true},
		{"AllOne", [7]int{1, 1, 1, 1, 1, 1, 1}, 20, true},
		// 15·4 + 15·3 + 10·2 + 10·5 + 20·4 + 10·3 + 20·5 = 385; / 5 = 77
		{"Mixed", [7]int{4, 3, 2, 5, 4, 3, 5}, 77, true},
		// 15·3 + 15·3 + 10·3 + 10·3 + 20·3 + 10·3 + 20·4 = 320; / 5 = 64
		{"LeaderOneUp", [7]int{3, 3, 3, 3, 3, 3, 4}, 64, true},
		{"Missing", [7]int{5, 5, 5, 0, 5, 5, 5}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := selection.Total(tt.points)
			if got != tt.want || ok != tt.ok {
				t.Errorf("got %v, %v; want %v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
	sum := 0
	for _, w := range selection.Weights {
		sum += w
	}
	if sum != 100 {
		t.Errorf("weights add up to %d", sum)
	}
}

func TestRank(t *testing.T) {
	apps := []store.Application{
		{Code: "A-001", Status: store.StatusSubmitted},
		{Code: "A-002", Status: store.StatusSubmitted},
		{Code: "A-003", Status: store.StatusWithdrawn},
		{Code: "A-004", Status: store.StatusSubmitted},
		{Code: "A-005", Status: store.StatusSubmitted},
	}
	score := func(code string, member int64, points [7]int, confirmed bool) store.Score {
		return store.Score{Code: code, MemberID: member, Points: points, Confirmed: confirmed}
	}
	all := func(p int) [7]int { return [7]int{p, p, p, p, p, p, p} }
	scores := []store.Score{
		score("A-001", 1, all(3), true), // 60
		score("A-001", 2, all(4), true), // 80
		score("A-001", 3, all(5), true), // 100: spread 40
		score("A-002", 1, all(5), true),
		score("A-002", 2, all(4), true),
		score("A-002", 3, all(4), false), // not confirmed: left out
		score("A-003", 1, all(5), true),  // withdrawn
		score("A-004", 1, all(2), true),
		score("A-005", 1, [7]int{5, 5, 5, 5, 5, 5, 0}, true), // incomplete: left out
	}
	got := selection.Rank(apps, scores, 20, selection.Quota{Accept: 1, Waitlist: 1})
	want := []struct {
		code     string
		mean     float64
		n        int
		flagged  bool
		proposed store.Status
	}{
		{"A-002", 90, 2, false, store.StatusAccepted},
		{"A-001", 80, 3, true, store.StatusWaitlisted},
		{"A-004", 40, 1, false, store.StatusDeclined},
		{"A-005", 0, 0, false, store.StatusDeclined},
	}
	if len(got) != len(want) {
		t.Fatalf("%d results, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.App.Code != w.code || g.Mean != w.mean || len(g.Totals) != w.n || g.Flagged != w.flagged || g.Proposed != w.proposed {
			t.Errorf("%d: got %s mean %v totals %v flagged %v proposed %s; want %+v", i, g.App.Code, g.Mean, g.Totals, g.Flagged, g.Proposed, w)
		}
	}
	if got[1].Spread != 40 || got[1].Totals[3] != 100 {
		t.Errorf("A-001: spread %v, totals %v", got[1].Spread, got[1].Totals)
	}
}

func TestScorers(t *testing.T) {
	scores := []store.Score{
		{Code: "A-001", MemberID: 30, Confirmed: true},
		{Code: "A-001", MemberID: 7},                   // a member, not confirmed
		{Code: "A-002", MemberID: 20},                  // former, unfinished: no column
		{Code: "A-002", MemberID: 40, Confirmed: true}, // former
		{Code: "A-003", MemberID: 30, Confirmed: true},
		{Code: "A-003", MemberID: 9, Confirmed: true}, // former: former ones go by ID
	}
	got := selection.Scorers([]int64{7, 5}, scores)
	want := []int64{7, 5, 9, 30, 40}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
