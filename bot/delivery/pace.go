package delivery

import "time"

// gcra is a pace: at most one event every interval on average, with up to
// burst events at once after a quiet spell. It is the generic cell rate
// algorithm: tat is the theoretical time of the next event; an event is
// allowed once now is no earlier than tat minus the burst's tolerance.
// A burst of 1 is a smooth pace: never two events closer than interval.
type gcra struct {
	interval  time.Duration
	tolerance time.Duration
	tat       time.Time
}

func newGCRA(perSecond float64, burst int) gcra {
	if perSecond <= 0 {
		return gcra{}
	}
	interval := time.Duration(float64(time.Second) / perSecond)
	return gcra{interval: interval, tolerance: time.Duration(max(burst-1, 0)) * interval}
}

// allowedAt is the earliest time the next event may happen.
func (g *gcra) allowedAt() time.Time { return g.tat.Add(-g.tolerance) }

// take records an event at now, which must not be before allowedAt.
// An event late for its slot by less than an interval (timers fire late)
// keeps the schedule, so lateness does not add up and the pace is the
// rate; after a longer quiet spell the schedule starts again from now,
// as in the plain algorithm. Slots are never closer than interval, so in
// any second there are at most rate+2 events, with burst 1.
func (g *gcra) take(now time.Time) {
	if g.interval == 0 {
		return
	}
	if g.tat.Before(now.Add(-g.interval)) {
		g.tat = now
	}
	g.tat = g.tat.Add(g.interval)
}
