package store_test

import (
	"path/filepath"
	"testing"

	"github.com/mentorbot/mentorbot/store"
)

// A record written by an older bot with a free-text answer pending
// ("awaiting", dropped since those conversations are dialogues) reads as
// it was, without it; she starts that step again.
func TestUser_OldAwaitingIgnored(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mentorbot.db")
	writeSchema1(t, path, map[string]string{"7": `{"id": 7, "first_name": "A", "language": "ru", "roles": ["mentor"], "step": "submitted", "awaiting": "answer:1"}`})
	db := MustReopen(t, path)
	var u store.User
	if err := db.View(func(tx *store.Tx) (err error) { u, err = tx.User(7); return err }); err != nil {
		t.Fatal(err)
	}
	if u.ID != 7 || u.Language != "ru" || u.Step != "submitted" || !u.HasRole(store.RoleMentor) {
		t.Errorf("old record read as %+v", u)
	}
}
