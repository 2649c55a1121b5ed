package store_test

import (
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/store"
)

func TestNextDue_FirstItemByTime(t *testing.T) {
	db := MustOpen(t)
	at, ok, err := db.NextDue()
	if err != nil || ok {
		t.Fatalf("empty store: NextDue() = %v, %v, %v; want none", at, ok, err)
	}
	later := store.Due{At: now.Add(2 * time.Hour), Kind: store.DueReminder, EventID: "meeting-1", Version: 1}
	sooner := store.Due{At: now.Add(90 * time.Second), Kind: store.DueQuestions, EventID: "mentor"}
	if err := db.Update(func(tx *store.Tx) error {
		if err := tx.PlanDue(later); err != nil {
			return err
		}
		return tx.PlanDue(sooner)
	}); err != nil {
		t.Fatal(err)
	}
	// Planned second but due first: the time, to the nanosecond, in UTC.
	if at, ok, err := db.NextDue(); err != nil || !ok || !at.Equal(sooner.At) || at.Location() != time.UTC {
		t.Fatalf("NextDue() = %v, %v, %v; want %v", at, ok, err, sooner.At)
	}
	// Once delivered and dropped, the next one.
	if err := db.Update(func(tx *store.Tx) error {
		items, err := tx.DueUntil(sooner.At)
		if err != nil || len(items) != 1 {
			t.Fatalf("due until %v: %v, %v", sooner.At, items, err)
		}
		return tx.DropDue(items[0])
	}); err != nil {
		t.Fatal(err)
	}
	if at, ok, err := db.NextDue(); err != nil || !ok || !at.Equal(later.At) {
		t.Fatalf("after the first was dropped: NextDue() = %v, %v, %v; want %v", at, ok, err, later.At)
	}
}

func TestOnCommit_OnlyAfterCommit(t *testing.T) {
	db := MustOpen(t)
	var calls []string
	_ = db.Update(func(tx *store.Tx) error {
		tx.OnCommit(func() { calls = append(calls, "rolled back") })
		return store.ErrNotFound
	})
	err := db.Update(func(tx *store.Tx) error {
		tx.OnCommit(func() {
			// The change is visible to others by then.
			_, ok, err := db.NextDue()
			calls = append(calls, "committed", map[bool]string{true: "seen", false: "unseen"}[ok && err == nil])
		})
		return tx.PlanDue(store.Due{At: now, Kind: store.DueGreeting, EventID: "greeting-8-march", Version: 1})
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) != 2 || calls[0] != "committed" || calls[1] != "seen" {
		t.Errorf("commit handlers ran %q, want committed then seen", calls)
	}
}

// DropDueAt drops exactly the items of its kind and event at its time:
// not an event whose ID starts the same, not another kind for the same
// event, not the same item at another time, whatever else shares it.
func TestDropDueAt_OnlyItsOwn(t *testing.T) {
	db := MustOpen(t)
	at := now.Add(24 * time.Hour)
	plan := []store.Due{
		{At: at, Kind: store.DueFinish, EventID: "12"},
		{At: at, Kind: store.DueFinish, EventID: "123"},
		{At: at, Kind: store.DueReminder, EventID: "12"},
		{At: at.Add(time.Nanosecond), Kind: store.DueFinish, EventID: "12"},
		{At: at, Kind: store.DueFinish, EventID: `a"b<c>`},
	}
	for i := range 50 { // others' reminders at the same moment
		plan = append(plan, store.Due{At: at, Kind: store.DueFinish, EventID: "9" + time.Duration(i).String()})
	}
	if err := db.Update(func(tx *store.Tx) error {
		for _, d := range plan {
			if err := tx.PlanDue(d); err != nil {
				return err
			}
		}
		if err := tx.DropDueAt(at, store.DueFinish, "12"); err != nil {
			return err
		}
		return tx.DropDueAt(at, store.DueFinish, `a"b<c>`)
	}); err != nil {
		t.Fatal(err)
	}
	var left []store.Due
	if err := db.View(func(tx *store.Tx) (err error) {
		left, err = tx.DueUntil(at.Add(time.Hour))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(left) != len(plan)-2 {
		t.Fatalf("%d items left, want %d", len(left), len(plan)-2)
	}
	for _, d := range left {
		if d.At.Equal(at) && d.Kind == store.DueFinish && (d.EventID == "12" || d.EventID == `a"b<c>`) {
			t.Errorf("not dropped: %+v", d)
		}
	}
}
