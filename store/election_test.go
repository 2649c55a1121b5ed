package store_test

import (
	"errors"
	"testing"

	"github.com/mentorbot/mentorbot/store"
)

// A check is kept on the version it was made for: a correction is a new
// version, not checked yet, and a second check of the same version
// (another staff member at the same time) is refused.
func TestCheckReport_OnceAndPerVersion(t *testing.T) {
	db := MustOpen(t)
	err := db.Update(func(tx *store.Tx) error {
		if _, err := tx.AddReport(store.ResultReport{UserID: 7, VotesReceived: 245, VotesCast: 1250, At: now}); err != nil {
			return err
		}
		r, err := tx.CheckReport(7, 1, store.CheckRejected, "photo_unreadable", 100, now)
		if err != nil {
			return err
		}
		if r.Check != store.CheckRejected || r.Reason != "photo_unreadable" || r.CheckedBy != 100 || !r.CheckedAt.Equal(now) {
			t.Errorf("checked %+v", r)
		}
		if _, err := tx.CheckReport(7, 1, store.CheckVerified, "", 101, now); !errors.Is(err, store.ErrChecked) {
			t.Errorf("second check: %v, want ErrChecked", err)
		}
		if _, err := tx.CheckReport(7, 2, store.CheckVerified, "", 101, now); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("check of a missing version: %v, want ErrNotFound", err)
		}
		if _, err := tx.CheckReport(7, 1, "maybe", "", 101, now); err == nil {
			t.Error("took a check that is neither verified nor rejected")
		}
		_, err = tx.AddReport(store.ResultReport{UserID: 7, VotesReceived: 254, VotesCast: 1250, At: now})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.View(func(tx *store.Tx) error {
		rs, err := tx.Reports(7)
		if err != nil {
			return err
		}
		if len(rs) != 2 || rs[0].Check != store.CheckRejected || rs[0].Reason != "photo_unreadable" || rs[1].Check != "" {
			t.Errorf("stored: %+v", rs)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
