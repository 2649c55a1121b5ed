package main

import (
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/bot/selection"
	"github.com/mentorbot/mentorbot/schedule"
	"github.com/mentorbot/mentorbot/store"
)

// Config is the TOML configuration file. Every setting has a default, so
// the bot runs without a file; see mentorbot.example.toml for each one.
type Config struct {
	// Timezone is the school's zone: dates are shown and deadlines judged in it.
	Timezone string `toml:"timezone"`
	// Staff are the Telegram user IDs of the first staff members.
	Staff        []int64            `toml:"staff"`
	Applications ApplicationsConfig `toml:"applications"`
	Selection    SelectionConfig    `toml:"selection"`
	School       SchoolConfig       `toml:"school"`
	// Programme is the school's calendar; see schedule.ProgrammeConfig.
	Programme schedule.ProgrammeConfig `toml:"programme"`
	Mentoring MentoringConfig          `toml:"mentoring"`
	Broadcast BroadcastConfig          `toml:"broadcast"`
	Backup    BackupConfig             `toml:"backup"`

	location  *time.Location
	deadline  time.Time
	school    bot.SelectionOptions
	programme schedule.Programme
	mentoring bot.MentoringOptions
}

// ApplicationsConfig is stage I: taking applications.
type ApplicationsConfig struct {
	// Deadline is "YYYY-MM-DD HH:MM" in Timezone. Empty means the next
	// 11 December, 17:00, the first run's deadline rolled forward.
	Deadline string `toml:"deadline"`
}

// SelectionConfig is stage II: scoring and choosing the participants.
type SelectionConfig struct {
	// Accept28Plus and AcceptUnder28 are how many the bot proposes to
	// accept in each category; Waitlist how many more it proposes to keep
	// in reserve in each; each 0 to 1000.
	Accept28Plus  int `toml:"accept_28plus"`
	AcceptUnder28 int `toml:"accept_under28"`
	Waitlist      int `toml:"waitlist"`
	// SpreadLimit flags an application whose members' totals differ by
	// more than this many points (of 100): more than 0, at most 100.
	SpreadLimit float64 `toml:"spread_limit"`
	// InviteDays is how long an invitation link works, 1 to 90 days.
	InviteDays int `toml:"invite_days"`
}

// MentoringConfig is stage IV's question queues.
type MentoringConfig struct {
	// ReannounceAfter is how long an untaken question waits before its
	// queue is told again ("24h", from 1m to 720h); staff are told after
	// twice as long.
	ReannounceAfter string `toml:"reannounce_after"`
	// LawyerAlways opens the lawyers' queue for all of stage IV, not
	// only in the programme's mentor_lawyer period.
	LawyerAlways bool `toml:"lawyer_always"`
}

// BroadcastConfig is how fast the bot writes to Telegram.
type BroadcastConfig struct {
	// Rate is the most messages a second the bot sends, replies and
	// broadcasts together, 0.5 to 30: a smooth pace, never two messages
	// closer than 1/Rate. Telegram allows about 30.
	Rate float64 `toml:"rate"`
	// ChatRate is the most new messages a second one chat gets, on
	// average, with bursts of two. Telegram allows about one.
	ChatRate float64 `toml:"chat_rate"`
}

// BackupConfig is the daily copy of the database.
type BackupConfig struct {
	// Dir is where daily backups go; empty turns them off.
	Dir string `toml:"dir"`
	// Keep is how many backups are kept, 1 to 1000; older ones are deleted.
	Keep int `toml:"keep"`
	// At is the time of day, "HH:MM" in the school's time zone.
	At string `toml:"at"`
}

// SchoolConfig is stage III, the school itself.
type SchoolConfig struct {
	// Starts and Ends are "YYYY-MM-DD". Empty means 25 and 29 January
	// after the application deadline, as in the first run.
	Starts string `toml:"starts"`
	Ends   string `toml:"ends"`
}

// DefaultConfig is the configuration with no file.
func DefaultConfig() Config {
	return Config{
		Timezone:  schedule.Location,
		Selection: SelectionConfig{Accept28Plus: 20, AcceptUnder28: 15, Waitlist: 5, SpreadLimit: 20, InviteDays: 7},
		Broadcast: BroadcastConfig{Rate: 30, ChatRate: 1},
		Backup:    BackupConfig{Dir: "backups", Keep: 7, At: "03:00"},
	}
}

// LoadConfig reads the file at path over the defaults; an empty path gives
// the defaults. now fixes the default deadline.
func LoadConfig(path string, now time.Time) (Config, error) {
	cfg := DefaultConfig()
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return Config{}, fmt.Errorf("read config: %w", err)
		}
		md, err := toml.Decode(string(data), &cfg)
		if err != nil {
			return Config{}, fmt.Errorf("config %s: %w", path, err)
		}
		if undecoded := md.Undecoded(); len(undecoded) > 0 {
			keys := make([]string, len(undecoded))
			for i, k := range undecoded {
				keys[i] = k.String()
			}
			return Config{}, fmt.Errorf("config %s: unknown setting %s", path, strings.Join(keys, ", "))
		}
	}
	if err := cfg.resolve(now); err != nil {
		if path == "" {
			return Config{}, err
		}
		return Config{}, fmt.Errorf("config %s: %w", path, err)
	}
	return cfg, nil
}

// resolve checks the settings and works out the derived values.
func (c *Config) resolve(now time.Time) error {
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil || c.Timezone == "" {
		return fmt.Errorf("timezone %q is not a known time zone (for example %q)", c.Timezone, schedule.Location)
	}
	c.location = loc
	for _, id := range c.Staff {
		if id <= 0 {
			return fmt.Errorf("staff: %d is not a Telegram user ID", id)
		}
	}
	if c.Applications.Deadline == "" {
		c.deadline = schedule.NextAnnual(now, time.December, 11, 17, 0, loc)
	} else if c.deadline, err = time.ParseInLocation("2006-01-02 15:04", c.Applications.Deadline, loc); err != nil {
		return errors.New(`applications.deadline: want "YYYY-MM-DD HH:MM", for example "2026-12-11 17:00"`)
	}
	if err := c.resolveProgramme(); err != nil {
		return err
	}
	if err := c.resolveMentoring(); err != nil {
		return err
	}
	if err := c.checkBackup(); err != nil {
		return err
	}
	if err := floatBetween("broadcast.rate", "messages a second", c.Broadcast.Rate, 0.5, 30); err != nil {
		return err
	}
	if err := floatBetween("broadcast.chat_rate", "messages a second to one chat", c.Broadcast.ChatRate, 0.1, 30); err != nil {
		return err
	}
	return c.resolveSelection()
}

// Bounds of the settings. Beyond them a value is a typo, not a choice:
// NaN, Inf, 0 or 200 000 break the bot quietly instead of loudly.
// The rate's bounds are in resolve: 0.5 to 30 messages a second, Telegram's
// limit; the programme's are in the schedule package.
const (
	maxQuota       = 1000 // accept_28plus, accept_under28, waitlist
	maxInviteDays  = 90   // selection.invite_days
	maxBackups     = 1000 // backup.keep
	maxSpreadLimit = 100  // selection.spread_limit: totals are out of 100
	// mentoring.reannounce_after: a queue told more often than every
	// minute is spammed; one told after a month is not told at all.
	minReannounce = time.Minute
	maxReannounce = 30 * 24 * time.Hour
)

// floatBetween refuses a number setting that is not a finite value from lo to hi.
func floatBetween(name, what string, v, lo, hi float64) error {
	if math.IsNaN(v) || v < lo || v > hi {
		return fmt.Errorf("%s: want %s between %v and %v, got %v", name, what, lo, hi, v)
	}
	return nil
}

// intBetween refuses a whole-number setting outside lo to hi.
func intBetween(name, what string, v, lo, hi int) error {
	if v < lo || v > hi {
		return fmt.Errorf("%s: want %s between %d and %d, got %d", name, what, lo, hi, v)
	}
	return nil
}

// checkBackup checks the daily backup's settings.
func (c *Config) checkBackup() error {
	if err := intBetween("backup.keep", "a number of copies", c.Backup.Keep, 1, maxBackups); err != nil {
		return err
	}
	_, err := c.BackupSpec()
	return err
}

// resolveMentoring checks the queues' settings.
func (c *Config) resolveMentoring() error {
	c.mentoring = bot.DefaultMentoring()
	c.mentoring.LawyerAlways = c.Mentoring.LawyerAlways
	if c.Mentoring.ReannounceAfter != "" {
		d, err := time.ParseDuration(c.Mentoring.ReannounceAfter)
		if err != nil || d < minReannounce || d > maxReannounce {
			return fmt.Errorf("mentoring.reannounce_after: want a duration such as 24h, from 1m to 720h (30 days), got %q", c.Mentoring.ReannounceAfter)
		}
		c.mentoring.ReannounceAfter = d
	}
	return nil
}

// resolveProgramme builds the calendar: the default programme for the
// deadline, with the file's stages, periods and events over it. Stage I
// ends at the application deadline.
func (c *Config) resolveProgramme() error {
	p, err := c.Programme.Resolve(schedule.DefaultProgramme(c.deadline, c.location), c.location)
	if err != nil {
		return err
	}
	for i := range p.Stages {
		if p.Stages[i].ID == "I" && c.Applications.Deadline != "" {
			p.Stages[i].Ending = c.deadline
		}
		if p.Stages[i].ID == "I" && c.Applications.Deadline == "" {
			c.deadline = p.Stages[i].Ending
		}
	}
	c.programme = p
	return nil
}

// resolveSelection checks stage II and III settings.
func (c *Config) resolveSelection() error {
	s := c.Selection
	for _, q := range []struct {
		name  string
		value int
	}{{"selection.accept_28plus", s.Accept28Plus}, {"selection.accept_under28", s.AcceptUnder28}, {"selection.waitlist", s.Waitlist}} {
		if err := intBetween(q.name, "a number of applicants", q.value, 0, maxQuota); err != nil {
			return err
		}
	}
	if math.IsNaN(s.SpreadLimit) || s.SpreadLimit <= 0 || s.SpreadLimit > maxSpreadLimit {
		return fmt.Errorf("selection.spread_limit: want points (of 100) more than 0 and at most 100, got %v", s.SpreadLimit)
	}
	if err := intBetween("selection.invite_days", "days", s.InviteDays, 1, maxInviteDays); err != nil {
		return err
	}
	c.school = bot.DefaultSelection(c.deadline, c.location)
	for _, d := range []struct {
		name, value string
		to          *time.Time
	}{{"school.starts", c.School.Starts, &c.school.SchoolStart}, {"school.ends", c.School.Ends, &c.school.SchoolEnd}} {
		if d.value == "" {
			continue
		}
		day, err := time.ParseInLocation("2006-01-02", d.value, c.location)
		if err != nil {
			return fmt.Errorf(`%s: want "YYYY-MM-DD", for example "2027-01-25"`, d.name)
		}
		*d.to = day
	}
	if c.school.SchoolEnd.Before(c.school.SchoolStart) {
		return errors.New("school.ends is before school.starts")
	}
	c.school.Quotas = map[store.Category]selection.Quota{
		store.Category28Plus:  {Accept: s.Accept28Plus, Waitlist: s.Waitlist},
		store.CategoryUnder28: {Accept: s.AcceptUnder28, Waitlist: s.Waitlist},
	}
	c.school.SpreadLimit = s.SpreadLimit
	c.school.InviteTTL = time.Duration(s.InviteDays) * 24 * time.Hour
	return nil
}

// Location is the resolved time zone.
func (c Config) Location() *time.Location { return c.location }

// Deadline is the resolved application deadline.
func (c Config) Deadline() time.Time { return c.deadline }

// BackupSpec is the cron spec of the daily backup ("" when off).
func (c Config) BackupSpec() (string, error) {
	if c.Backup.Dir == "" {
		return "", nil
	}
	at, err := time.Parse("15:04", c.Backup.At)
	if err != nil {
		return "", fmt.Errorf(`backup.at: want "HH:MM", for example "03:00", got %q`, c.Backup.At)
	}
	return fmt.Sprintf("%d %d * * *", at.Minute(), at.Hour()), nil
}

// MentoringOptions are the resolved queue settings.
func (c Config) MentoringOptions() bot.MentoringOptions { return c.mentoring }

// ProgrammeResolved is the school's calendar with the file applied.
func (c Config) ProgrammeResolved() schedule.Programme { return c.programme }

// SelectionOptions are the resolved stage II and III settings.
func (c Config) SelectionOptions() bot.SelectionOptions { return c.school }
