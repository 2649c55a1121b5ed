package main

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/telegramtest"
)

// oldMessage is the message a stored woman taps a button under: one the
// bot sent her before this run, which the fake server never saw. The bot
// edits it like any tapped question, and the server answers that edit
// with 400 "message to edit not found"; the call costs the bot the same.
const oldMessage = 1

// freshIDs is where the IDs of women new to the bot start; the stored
// ones start at storedIDs.
const (
	storedIDs = 1_000_000
	freshIDs  = 5_000_000
)

// sim is one simulated woman.
type sim struct {
	user  telegramtest.User
	pos   int // the script step she takes next
	msgID int // the message she taps buttons under

	busy     bool // a step was pushed and is not complete
	pushedAt time.Time
	gotFirst bool
	first    time.Duration
	recent   []string // the last calls to her chat, for errors
}

// sample is one completed step.
type sample struct {
	at       time.Time     // when the step was pushed
	first    time.Duration // push -> first call to her chat
	complete time.Duration // push -> the call she needs for her next step
}

// driver plays the women against the fake server.
type driver struct {
	tb      testing.TB
	rec     *recorder
	echo    bool // the echo bot: a step is complete at its first sendMessage
	markers []marker
	rng     *rand.Rand

	stored  [][]int64 // stored women by position, not yet used
	nextNew int64
	byChat  map[int64]*sim

	samples    []sample
	unexpected int // calls to a chat with no step outstanding
	lastID     int // the last update pushed
}

func newDriver(tb testing.TB, rec *recorder, echo bool, stored [][]int64, seed uint64) *driver {
	tb.Helper()
	m, err := markers()
	if err != nil {
		tb.Fatal(err)
	}
	st := make([][]int64, len(stored))
	for i, ids := range stored {
		st[i] = slices.Clone(ids)
	}
	return &driver{
		tb: tb, rec: rec, echo: echo, markers: m, rng: rand.New(rand.NewPCG(seed, 1)),
		stored: st, nextNew: freshIDs, byChat: map[int64]*sim{},
	}
}

// newSim brings in a woman at position pos: a stored one if any is left
// there, else a new one at the start.
func (d *driver) newSim(pos int) *sim {
	s := &sim{pos: 0}
	var id int64
	if pos > 0 && pos < len(d.stored) && len(d.stored[pos]) > 0 {
		ids := d.stored[pos]
		id, d.stored[pos] = ids[len(ids)-1], ids[:len(ids)-1]
		s.pos, s.msgID = pos, oldMessage
	} else {
		d.nextNew++
		id = d.nextNew
	}
	s.user = telegramtest.User{ID: id, FirstName: "Айгүл", LanguageCode: "ky"}
	d.byChat[id] = s
	return s
}

// randomSim brings in a woman at a random point of the dialogue.
func (d *driver) randomSim() *sim { return d.newSim(d.rng.IntN(len(script))) }

// push sends her next step to the fake server.
func (d *driver) push(s *sim) {
	st := script[s.pos]
	s.busy, s.gotFirst, s.recent = true, false, s.recent[:0]
	s.pushedAt = time.Now()
	switch st.kind {
	case kindStart, kindText:
		d.lastID = d.rec.srv.SendText(s.user, st.text)
	case kindTap:
		d.lastID = d.rec.srv.Tap(s.user, s.msgID, st.data)
	}
}

// handle takes one call of the bot; it returns the woman whose step it
// completed, if it did.
func (d *driver) handle(ev event) *sim {
	s := d.byChat[ev.chat]
	if s == nil || !s.busy {
		d.unexpected++
		return nil
	}
	if len(s.recent) < 8 {
		s.recent = append(s.recent, fmt.Sprintf("%s(%q, markup %q) -> %d", ev.method, clip(ev.text, 50), clip(ev.markup, 80), ev.code))
	}
	if !s.gotFirst {
		s.gotFirst, s.first = true, ev.at.Sub(s.pushedAt)
	}
	done := ev.method == "sendMessage"
	if !d.echo {
		done = d.markers[s.pos+1].matches(ev)
	}
	if !done {
		return nil
	}
	d.samples = append(d.samples, sample{at: s.pushedAt, first: s.first, complete: ev.at.Sub(s.pushedAt)})
	s.busy = false
	s.pos++
	if !d.echo && s.pos < len(script) && script[s.pos].kind == kindTap {
		if last := d.rec.srv.Last(s.user.ID); last.ID != 0 {
			s.msgID = last.ID
		}
	}
	return s
}

// unfetched is how many pushed updates the bot has not confirmed yet
// (asked getUpdates past): not fetched, or in a batch still handled.
func (d *driver) unfetched() int {
	return d.lastID - max(d.rec.srv.ConfirmedOffset(), 1) + 1
}

// finished reports whether she submitted; she then leaves the run.
func (d *driver) finished(s *sim) bool {
	if s.pos < len(script) {
		return false
	}
	delete(d.byChat, s.user.ID)
	return true
}

// next waits for the next call of the bot, failing after limit.
func (d *driver) next(limit time.Duration, waiting func() string) event {
	select {
	case ev := <-d.rec.events:
		return ev
	case <-time.After(limit):
		d.tb.Fatalf("no call of the bot for %v while waiting for %s", limit, waiting())
		return event{}
	}
}

func (d *driver) describe(s *sim) string {
	return fmt.Sprintf("user %d at step %d (%s %s%s) to get %s; her calls so far: [%s]",
		s.user.ID, s.pos, script[s.pos].kind, script[s.pos].data, clip(script[s.pos].text, 20),
		d.markers[s.pos+1], strings.Join(s.recent, "; "))
}

// walk takes s through up to steps steps, one at a time, each pushed once
// the previous is complete: latency with nothing else going on.
func (d *driver) walk(s *sim, steps int) {
	for range steps {
		if s.pos >= len(script) {
			return
		}
		d.push(s)
		for s.busy {
			d.handle(d.next(15*time.Second, func() string { return d.describe(s) }))
		}
	}
}

// openLoop pushes steps of random idle women at rate a second on average
// (Poisson arrivals) for dur, with users women taking part, then waits
// until every step is complete. It returns the women, all idle.
func (d *driver) openLoop(users []*sim, rate float64, dur time.Duration) []*sim {
	idle := slices.Clone(users)
	end := time.Now().Add(dur)
	arrival := time.NewTimer(d.interarrival(rate))
	defer arrival.Stop()
	busy := 0
	for time.Now().Before(end) || busy > 0 {
		var arrivals <-chan time.Time
		if time.Now().Before(end) {
			arrivals = arrival.C
		}
		select {
		case <-arrivals:
			arrival.Reset(d.interarrival(rate))
			if len(idle) == 0 {
				d.tb.Logf("open loop: no idle woman for an arrival")
				continue
			}
			i := d.rng.IntN(len(idle))
			s := idle[i]
			idle[i] = idle[len(idle)-1]
			idle = idle[:len(idle)-1]
			d.push(s)
			busy++
		case ev := <-d.rec.events:
			s := d.handle(ev)
			if s == nil {
				continue
			}
			busy--
			if d.finished(s) {
				s = d.randomSim()
			}
			idle = append(idle, s)
		case <-time.After(30 * time.Second):
			if busy > 0 {
				d.tb.Fatalf("open loop: no call of the bot for 30s with %d steps outstanding", busy)
			}
		}
	}
	return idle
}

func (d *driver) interarrival(rate float64) time.Duration {
	return time.Duration(d.rng.ExpFloat64() / rate * float64(time.Second))
}

// closedLoop pushes the next step of every woman as soon as her last one
// is complete (no time to think) until the last of marks, and calls mark
// at each of marks as it passes. Steps outstanding at the end stay so.
func (d *driver) closedLoop(users []*sim, marks []time.Time, mark func(int)) {
	for _, s := range users {
		d.push(s)
	}
	for i, at := range marks {
		timer := time.NewTimer(time.Until(at))
	loop:
		for {
			select {
			case <-timer.C:
				break loop
			case ev := <-d.rec.events:
				s := d.handle(ev)
				if s == nil {
					continue
				}
				if d.finished(s) {
					s = d.randomSim()
				}
				d.push(s)
			}
		}
		mark(i)
	}
}
