package store_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/store"
)

// Tx.Health reads in the transaction it is given (staff's /status runs in
// the update's): it sees that transaction's own writes, and DB.Health,
// in a transaction of its own, tells the same once they are committed.
func TestTx_HealthInTheUpdate(t *testing.T) {
	db, err := store.Open(filepath.Join(t.TempDir(), "mentorbot.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	at := time.Date(2027, 3, 4, 9, 0, 0, 0, time.UTC)
	var inside store.Health
	_, err = db.HandleUpdate(42, func(tx *store.Tx) error {
		if err := tx.Enqueue(at, store.Outgoing{ChatID: 1, Text: "remind", Lane: store.LaneBulk}); err != nil {
			return err
		}
		if err := tx.PlanDue(store.Due{At: at, Kind: store.DueReminder, EventID: "meeting-1"}); err != nil {
			return err
		}
		inside, err = tx.Health("")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if inside.Schema != store.SchemaVersion || inside.Outbox[store.LaneBulk] != 1 || len(inside.NextDue) != 1 ||
		inside.NextDue[0].EventID != "meeting-1" || inside.LastUpdate != 0 {
		t.Errorf("inside the update: %+v", inside)
	}
	after, err := db.Health("")
	if err != nil {
		t.Fatal(err)
	}
	if after.Outbox[store.LaneBulk] != 1 || len(after.NextDue) != 1 || after.LastUpdate != 42 {
		t.Errorf("after it: %+v", after)
	}
}
