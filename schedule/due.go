package schedule

import (
	"log/slog"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
)

// DueItems is where the due items are kept: *store.DB.
type DueItems interface {
	// NextDue returns the time of the first due item, false if none.
	NextDue() (time.Time, bool, error)
}

// How long the due schedule waits when it has nothing better to go by.
const (
	// dueIdle is the longest wait: with nothing due sooner it looks at the
	// store again after a minute. No item needs it (the bot says when it
	// plans one), but a clock that jumps or a plan made behind the bot's
	// back is then never worse than the old minute tick.
	dueIdle = time.Minute
	// dueRetry is how long items already due wait after a delivery that
	// failed (or is still running) before they are tried again.
	dueRetry = time.Minute
)

// Due delivers the due items at their time on a cron: it is the
// cron.Schedule of one entry whose Next is the first due item's time, and
// it owns that entry.
//
// Cron computes an entry's next run only when the entry is added and after
// it runs, so a due item planned sooner than the entry's next run would
// wait for it. Planned therefore removes the entry and adds it again, and
// so does every successful delivery, so that the next run is computed from
// the store as the delivery left it. Two entries' deliveries may overlap
// for a moment after a re-entry; each is one store transaction that drops
// what it delivered, so nothing goes out twice. Times are instants: the
// cron's location (cron.WithLocation) only changes how they print. Safe
// for concurrent use.
type Due struct {
	cron    *cron.Cron
	items   DueItems
	deliver func() error
	log     *slog.Logger

	// mu guards next and fresh. Next holds it while it reads the store, so
	// a Planned after a commit either sees the time Next computed from a
	// store without the new item (and re-enters), or makes Next wait and
	// read the store with it. It is never held while calling the cron:
	// the cron's goroutine calls Next.
	mu sync.Mutex
	// next is the entry's next run as last computed; zero before the first.
	next time.Time
	// fresh is true from adding the entry until cron first asks its Next:
	// cron asks again only right after starting the job.
	fresh bool

	// entry serialises re-entries; id is the current entry.
	entry sync.Mutex
	id    cron.EntryID
}

// NewDue adds to c the entry that calls deliver when the first of items
// falls due. deliver sends what is due (Bot.DeliverDue); a failure is
// logged and tried again a minute later.
func NewDue(c *cron.Cron, items DueItems, deliver func() error, log *slog.Logger) *Due {
	d := &Due{cron: c, items: items, deliver: deliver, log: log}
	d.reenter()
	return d
}

// Next returns when the entry runs next, after t: the first due item's
// time, or t+1 minute when none is due sooner. An item already due makes
// a new entry run at once (it was planned for now, or is left from a
// failed delivery); right after a run it waits a minute, as that run is
// delivering it and adds the entry again when done.
func (d *Due) Next(t time.Time) time.Time {
	d.mu.Lock()
	defer d.mu.Unlock()
	fresh := d.fresh
	d.fresh = false
	at, ok, err := d.items.NextDue()
	switch {
	case err != nil:
		d.log.Error("cannot tell when the next item is due; looking again in a minute", "err", err)
		d.next = t.Add(dueRetry)
	case !ok || at.After(t.Add(dueIdle)):
		d.next = t.Add(dueIdle)
	case at.After(t):
		d.next = at
	case fresh:
		d.next = t.Add(time.Nanosecond) // cron wants a time after t
	default:
		d.next = t.Add(dueRetry)
	}
	return d.next
}

// Planned tells the schedule that an item due at at was stored (after the
// commit): if that is before the entry's next run, the entry is added
// again so that it runs at at.
func (d *Due) Planned(at time.Time) {
	d.entry.Lock()
	defer d.entry.Unlock()
	d.mu.Lock()
	sooner := !d.next.IsZero() && at.Before(d.next)
	d.mu.Unlock()
	if sooner {
		d.reenterLocked()
	}
}

// run is the entry's job: deliver, then let cron compute the next run from
// the store as the delivery left it. After a failure the entry stays as it
// is: items already due are tried again after dueRetry.
func (d *Due) run() {
	if err := d.deliver(); err != nil {
		d.log.Error("due items not delivered; trying again in a minute", "err", err)
		return
	}
	d.entry.Lock()
	defer d.entry.Unlock()
	d.reenterLocked()
}

// reenter adds the entry, removing the one before.
func (d *Due) reenter() {
	d.entry.Lock()
	defer d.entry.Unlock()
	d.reenterLocked()
}

// reenterLocked is reenter with d.entry held. Cron's Remove and Schedule
// hand the change to cron's goroutine when it runs, and change its entries
// directly when it does not; either way the new entry's Next is computed
// with the store as it is now.
func (d *Due) reenterLocked() {
	if d.id != 0 {
		d.cron.Remove(d.id)
	}
	d.mu.Lock()
	d.fresh = true
	d.mu.Unlock()
	d.id = d.cron.Schedule(d, cron.FuncJob(d.run))
}
