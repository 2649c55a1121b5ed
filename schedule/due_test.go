package schedule_test

import (
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/mentorbot/mentorbot/schedule"
	"github.com/mentorbot/mentorbot/store"
)

// dueOn is a due schedule on a real store, on a cron that is not started:
// the test calls Next with its own times where cron would call it with
// the clock's.
type dueOn struct {
	t     *testing.T
	db    *store.DB
	cron  *cron.Cron
	due   *schedule.Due
	fails error // what delivery returns
	runs  int   // deliveries
}

func newDue(t *testing.T) *dueOn {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "mentorbot.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	d := &dueOn{t: t, db: db, cron: schedule.NewCron(time.UTC, slog.New(slog.NewTextHandler(io.Discard, nil)))}
	d.due = schedule.NewDue(d.cron, db, func() error { d.runs++; return d.fails }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	return d
}

// plan stores due items as the bot does, and tells the schedule.
func (d *dueOn) plan(items ...store.Due) {
	d.t.Helper()
	if err := d.db.Update(func(tx *store.Tx) error {
		for _, it := range items {
			if err := tx.PlanDue(it); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		d.t.Fatal(err)
	}
	for _, it := range items {
		d.due.Planned(it.At)
	}
}

// entry is the schedule's one cron entry.
func (d *dueOn) entry() cron.Entry {
	d.t.Helper()
	entries := d.cron.Entries()
	if len(entries) != 1 {
		d.t.Fatalf("%d cron entries, want the one of the due items", len(entries))
	}
	return entries[0]
}

// expectNext checks the entry's next run computed at t.
func (d *dueOn) expectNext(t, want time.Time) {
	d.t.Helper()
	if got := d.entry().Schedule.Next(t); !got.Equal(want) {
		d.t.Errorf("Next(%v) = %v, want %v", t.Format(time.TimeOnly), got.Format(time.StampMilli), want.Format(time.StampMilli))
	}
}

var base = time.Date(2027, 3, 4, 9, 0, 0, 0, time.UTC)

func TestDue_NextIsTheFirstItemsTime(t *testing.T) {
	d := newDue(t)
	// Nothing due: look again in a minute.
	d.expectNext(base, base.Add(time.Minute))
	// A digest 40 s ahead: exactly then.
	d.plan(store.Due{At: base.Add(40 * time.Second), Kind: store.DueQuestions, EventID: "mentor"})
	d.expectNext(base, base.Add(40*time.Second))
	// Seen from further away: a minute at most.
	d.expectNext(base.Add(-time.Hour), base.Add(-time.Hour+time.Minute))
}

func TestDue_ItemAlreadyDue(t *testing.T) {
	d := newDue(t)
	d.plan(store.Due{At: base.Add(-time.Second), Kind: store.DueBroadcast, EventID: "3"})
	// A new entry with something due (planned for now, or left by a
	// delivery that failed): at once.
	d.expectNext(base, base.Add(time.Nanosecond))
	// Cron asks again only right after starting the job that delivers it:
	// then a minute, as the job adds the entry again when done.
	d.expectNext(base, base.Add(time.Minute))
}

func TestDue_PlannedSoonerReenters(t *testing.T) {
	d := newDue(t)
	d.plan(store.Due{At: base.Add(50 * time.Second), Kind: store.DueReminder, EventID: "meeting-1", Version: 1})
	d.expectNext(base, base.Add(50*time.Second))
	first := d.entry().ID

	// Later than the entry's next run: left as it is.
	d.plan(store.Due{At: base.Add(55 * time.Second), Kind: store.DueFollowUp, EventID: "meeting-1", Version: 1})
	if id := d.entry().ID; id != first {
		t.Errorf("an item due later re-entered the schedule (entry %d, was %d)", id, first)
	}
	// Sooner: a new entry, whose first run is the new item's time.
	d.plan(store.Due{At: base.Add(10 * time.Second), Kind: store.DueQuestions, EventID: "lawyer"})
	if id := d.entry().ID; id == first {
		t.Fatal("an item due sooner did not re-enter the schedule")
	}
	d.expectNext(base, base.Add(10*time.Second))
}

func TestDue_MovedEvent(t *testing.T) {
	d := newDue(t)
	meeting := store.Event{ID: "meeting-2", Kind: store.EventMeeting, At: base.Add(time.Hour), Duration: 2 * time.Hour,
		Remind: []time.Duration{time.Hour}, Version: 1}
	d.plan(schedule.Plan(meeting)...)
	d.expectNext(base.Add(-30*time.Second), base)

	// Moved 20 s earlier: its new reminder wakes the delivery.
	meeting.At, meeting.Version = meeting.At.Add(-20*time.Second), 2
	d.plan(schedule.Plan(meeting)...)
	d.expectNext(base.Add(-30*time.Second), base.Add(-20*time.Second))

	// Moved a day later: the reminders of the earlier times stay until
	// their time, when the delivery drops them unsent; the first still
	// wakes it.
	meeting.At, meeting.Version = meeting.At.Add(24*time.Hour), 3
	d.plan(schedule.Plan(meeting)...)
	d.expectNext(base.Add(-30*time.Second), base.Add(-20*time.Second))
}

func TestDue_AfterDelivery(t *testing.T) {
	d := newDue(t)
	d.plan(store.Due{At: base, Kind: store.DueGreeting, EventID: "greeting-8-march", Version: 1})
	d.expectNext(base.Add(-time.Second), base)
	first := d.entry()

	// A failed delivery keeps the entry: what is due is tried again in a
	// minute, not in a tight loop.
	d.fails = errors.New("disk full")
	first.Job.Run()
	if d.runs != 1 || d.entry().ID != first.ID {
		t.Fatalf("after a failed delivery: %d runs, entry %d (was %d)", d.runs, d.entry().ID, first.ID)
	}
	d.expectNext(base, base.Add(time.Minute))

	// A delivery that worked adds the entry again, so its next run comes
	// from the store as the delivery left it.
	d.fails = nil
	first.Job.Run()
	if d.runs != 2 || d.entry().ID == first.ID {
		t.Fatalf("after a delivery: %d runs, entry %d (was %d); want a new entry", d.runs, d.entry().ID, first.ID)
	}
}
