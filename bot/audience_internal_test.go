package bot

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/store"
)

// AudienceOf reads only the people an audience names; InAudience decides
// for one person. Both must name the same people, for every audience, or
// a broadcast would reach someone /schedule does not show the event to.
func TestAudienceOf_NamesWhomInAudienceNames(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "mentorbot.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	at := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	people := []struct {
		id      int64
		roles   []store.Role
		blocked bool
		app     *store.Application // submitted, if set
	}{
		{id: 1, roles: []store.Role{store.RoleStaff}},
		{id: 2, roles: []store.Role{store.RoleStaff}, blocked: true},
		{id: 3}, // staff by the config
		{id: 4, roles: []store.Role{store.RoleCommission}},
		{id: 5, roles: []store.Role{store.RoleMentor}},
		{id: 6, roles: []store.Role{store.RoleLawyer, store.RoleMentor}},
		{id: 7, roles: []store.Role{store.RoleHelper, store.RoleParticipant}, app: &store.Application{Category: store.Category28Plus, Answers: map[string]string{"oblast": "naryn"}}},
		{id: 8, roles: []store.Role{store.RoleParticipant, store.RoleCandidate}, app: &store.Application{Category: store.CategoryUnder28, Answers: map[string]string{"oblast": "osh"}}},
		{id: 9, roles: []store.Role{store.RoleParticipant, store.RoleCandidate, store.RoleDeputy}, app: &store.Application{Category: store.Category28Plus, Answers: map[string]string{"oblast": "osh"}}},
		{id: 10, roles: []store.Role{store.RoleParticipant}, blocked: true, app: &store.Application{Category: store.Category28Plus, Answers: map[string]string{"oblast": "naryn"}}},
		{id: 11, roles: []store.Role{store.RoleParticipant}}, // no application: in no oblast
		{id: 12, app: &store.Application{Category: store.Category28Plus, Answers: map[string]string{"oblast": "naryn"}}},
		{id: 13, app: &store.Application{Category: store.CategoryUnder28, Answers: map[string]string{"oblast": "naryn"}, Status: store.StatusWithdrawn}},
		{id: 14, blocked: true, app: &store.Application{Category: store.CategoryUnder28, Answers: map[string]string{}}},
		{id: 15}, // filling in the form
		{id: 16, roles: []store.Role{store.RoleLawyer}},
	}
	err = db.Update(func(tx *store.Tx) error {
		for _, p := range people {
			if err := tx.PutUser(store.User{ID: p.id, Roles: p.roles, Blocked: p.blocked, CreatedAt: at}); err != nil {
				return err
			}
			if p.app == nil {
				continue
			}
			a := *p.app
			a.UserID = p.id
			status := a.Status
			if a, err = tx.Submit(a, at); err != nil {
				return err
			}
			if status != "" {
				a.Status = status
				if err := tx.PutApplication(a); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	staffIDs := []int64{3, 1, 99} // 99 never wrote
	cases := map[string][]int64{
		"everyone":         {1, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 15, 16},
		"participants":     {7, 8, 9, 11},
		"candidates":       {8, 9},
		"deputies":         {9},
		"commission":       {4},
		"mentors":          {5, 6, 16},
		"staff":            {1, 3},
		"applicants":       {7, 8, 9, 12},
		"oblast:naryn":     {7},
		"oblast:osh":       {8, 9},
		"category:28plus":  {7, 9},
		"category:under28": {8},
		"nobody":           nil,
	}
	err = db.View(func(tx *store.Tx) error {
		everyone, err := tx.Users()
		if err != nil {
			return err
		}
		for audience, want := range cases {
			users, err := AudienceOf(tx, audience, staffIDs)
			if err != nil {
				return err
			}
			var got, byOne []int64
			for _, u := range users {
				got = append(got, u.ID)
			}
			kind, value, _ := strings.Cut(audience, ":")
			for _, u := range everyone {
				in, err := InAudience(tx, u, kind, value, staffIDs)
				if err != nil {
					return err
				}
				if in && !u.Blocked {
					byOne = append(byOne, u.ID)
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("AudienceOf(%q) = %v, want %v", audience, got, want)
			}
			if !slices.Equal(byOne, want) {
				t.Errorf("inAudience names %v for %q, want %v", byOne, audience, want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
