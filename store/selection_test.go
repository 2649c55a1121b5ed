package store_test

import (
	"errors"
	"testing"

	"github.com/mentorbot/mentorbot/store"
)

// A recusal is kept with its reason and time, and
// cannot carry points or a confirmation, nor an unknown reason.
func TestScore_Recusal(t *testing.T) {
	db := MustOpen(t)
	recused := store.Score{Code: "A-001", MemberID: 50, Recusal: store.RecusalNeighbour, RecusedAt: now, UpdatedAt: now}
	if err := db.Update(func(tx *store.Tx) error { return tx.PutScore(recused) }); err != nil {
		t.Fatal(err)
	}
	var got store.Score
	err := db.View(func(tx *store.Tx) (err error) { got, err = tx.Score("A-001", 50); return err })
	if err != nil || !got.Recused() || got.Recusal != store.RecusalNeighbour || !got.RecusedAt.Equal(now) {
		t.Fatalf("stored %+v, %v", got, err)
	}
	for name, bad := range map[string]store.Score{
		"Points":    {Code: "A-001", MemberID: 50, Recusal: store.RecusalRelative, Points: [7]int{4}},
		"Confirmed": {Code: "A-001", MemberID: 50, Recusal: store.RecusalRelative, Confirmed: true},
		"Unknown":   {Code: "A-001", MemberID: 50, Recusal: "cousin"},
	} {
		err := db.Update(func(tx *store.Tx) error { return tx.PutScore(bad) })
		if !errors.Is(err, store.ErrInvalidRecusal) {
			t.Errorf("%s: %v, want ErrInvalidRecusal", name, err)
		}
	}
	err = db.View(func(tx *store.Tx) (err error) { got, err = tx.Score("A-001", 50); return err })
	if err != nil || got.Recusal != store.RecusalNeighbour {
		t.Errorf("a refused write changed the recusal: %+v, %v", got, err)
	}
}
