package bot_test

import (
	"strings"
	"testing"

	"github.com/mentorbot/mentorbot/bot/textnorm"
	"github.com/mentorbot/mentorbot/store"
)

// TestStaffSeeNamesWithoutBidiControls checks that a Telegram name with a
// right-to-left override, which would turn the rest of a line of a staff
// list around, is stored cleaned and shown to staff without it, and that a
// name stored before names were cleaned is shown without it too.
func TestStaffSeeNamesWithoutBidiControls(t *testing.T) {
	h := newHarness(t)
	staff := &person{h: h, user: staffUser}

	mentor := h.person(9301, "ru")
	mentor.user.FirstName = "\u202eАй\u200dгүл\u202c"
	mentor.says("/start " + invite(t, staff, "mentor"))
	if got := userOf(t, h, mentor.user.ID).FirstName; got != "Айгүл" {
		t.Errorf("stored name %+q, want %q", got, "Айгүл")
	}

	// As a name stored by an older version was left.
	err := h.db.Update(func(tx *store.Tx) error {
		return tx.PutUser(store.User{ID: 9302, FirstName: "\u202eАсел", Language: "ru", Roles: []store.Role{store.RoleLawyer}, CreatedAt: today})
	})
	if err != nil {
		t.Fatal(err)
	}

	staff.news()
	staff.says("/people")
	people := strings.Join(staff.news(), "\n")
	for _, want := range []string{"• Айгүл — 9301", "• Асел — 9302"} {
		if !strings.Contains(people, want) {
			t.Errorf("people lacks %q:\n%s", want, people)
		}
	}
	if i := strings.IndexFunc(people, textnorm.IsBidiControl); i >= 0 {
		t.Errorf("a bidi control at %d of the people list: %+q", i, people)
	}
}
