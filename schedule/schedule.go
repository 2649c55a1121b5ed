// Package schedule holds mentorbot's time-driven work: the cron runner
// that later stages' reminders hang on, and the calendar arithmetic of the
// school's yearly cycle.
//
// Cron's own scheduler forgets a run whose time passed while the process
// was down, so nothing here keeps state: what must happen is kept in the
// store, and cron only wakes the code that delivers what is due.
package schedule

import (
	"log/slog"
	"time"
	// The zone database is embedded: a slim server image may have none,
	// and the school's dates must not depend on it.
	_ "time/tzdata"

	"github.com/robfig/cron/v3"
)

// Location is the school's time zone.
const Location = "Asia/Bishkek"

// NewCron returns a cron runner in loc whose jobs never crash the bot (a
// panic is logged) and never overlap themselves. cron.New adds neither by
// default, whatever its doc comment suggests.
func NewCron(loc *time.Location, log *slog.Logger) *cron.Cron {
	logger := cronLogger{log}
	return cron.New(
		cron.WithLocation(loc),
		cron.WithChain(cron.Recover(logger), cron.SkipIfStillRunning(logger)),
		cron.WithLogger(logger),
	)
}

// cronLogger passes cron's messages to slog.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "err", err)...)
}

// NextAnnual returns the first moment strictly after now that falls on the
// given month, day, hour and minute in loc: "11 December, 17:00" of the
// coming cycle.
func NextAnnual(now time.Time, month time.Month, day, hour, minute int, loc *time.Location) time.Time {
	local := now.In(loc)
	t := time.Date(local.Year(), month, day, hour, minute, 0, 0, loc)
	if !t.After(now) {
		t = time.Date(local.Year()+1, month, day, hour, minute, 0, 0, loc)
	}
	return t
}
