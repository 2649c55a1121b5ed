package schedule

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/store"
)

// TimeLayout is how the config and staff write a date and time.
const TimeLayout = "2006-01-02 15:04"

// ProgrammeConfig is the [programme] section of the config file. Stages
// and periods given there replace the default ones with the same ID;
// events given there replace the default events altogether.
type ProgrammeConfig struct {
	Stages  []SpanConfig  `toml:"stages"`
	Periods []SpanConfig  `toml:"periods"`
	Events  []EventConfig `toml:"events"`
}

// SpanConfig is a stage or period: an ID and two times.
type SpanConfig struct {
	ID     string `toml:"id"`
	Starts string `toml:"starts"`
	Ends   string `toml:"ends"`
}

// EventConfig is one event as the file writes it.
type EventConfig struct {
	ID       string   `toml:"id"`
	Kind     string   `toml:"kind"`
	TitleKy  string   `toml:"title_ky"`
	TitleRu  string   `toml:"title_ru"`
	TextKy   string   `toml:"text_ky"`
	TextRu   string   `toml:"text_ru"`
	At       string   `toml:"at"`
	Duration string   `toml:"duration"`
	Link     string   `toml:"link"`
	Audience string   `toml:"audience"`
	Remind   []string `toml:"remind"`
}

// Bounds of an event in the file: a longer one, or a reminder earlier than
// this, is a typo (the school itself lasts five days, and a reminder two
// months ahead reminds nobody).
const (
	MaxEventDuration = 30 * 24 * time.Hour
	MaxRemindBefore  = 60 * 24 * time.Hour
)

// DefaultReminders are how long before an event its audience is reminded
// when the file does not say: a day and an hour before a meeting, a day
// before a session, nothing before a greeting.
func DefaultReminders(kind store.EventKind) []time.Duration {
	switch kind {
	case store.EventMeeting:
		return []time.Duration{24 * time.Hour, time.Hour}
	case store.EventSession:
		return []time.Duration{24 * time.Hour}
	}
	return nil
}

// Resolve applies the file's programme over def. Every problem is
// reported with the field it is in, all at once, so the bot refuses to
// start on a malformed programme instead of stopping halfway.
func (pc ProgrammeConfig) Resolve(def Programme, loc *time.Location) (Programme, error) {
	p := Programme{Stages: slices.Clone(def.Stages), Periods: slices.Clone(def.Periods), Events: def.Events}
	var errs []error
	for i, sc := range pc.Stages {
		if err := applySpan(sc, loc, StageIDs, func(id string, from, to time.Time) { setStage(&p, id, from, to) }); err != nil {
			errs = append(errs, fmt.Errorf("programme.stages[%d]: %w", i, err))
		}
	}
	for i, sc := range pc.Periods {
		ids := []string{"before_announcing", "campaign", "mentor_lawyer"}
		if err := applySpan(sc, loc, ids, func(id string, from, to time.Time) { setPeriod(&p, id, from, to) }); err != nil {
			errs = append(errs, fmt.Errorf("programme.periods[%d]: %w", i, err))
		}
	}
	if len(pc.Events) > 0 {
		p.Events = nil
		seen := map[string]bool{}
		for i, ec := range pc.Events {
			e, err := ec.Event(loc)
			if err == nil && seen[e.ID] {
				err = errors.New("id: used twice")
			}
			if err != nil {
				errs = append(errs, within(fmt.Sprintf("programme.events[%d] (%s)", i, ec.ID), err)...)
				continue
			}
			seen[e.ID] = true
			p.Events = append(p.Events, e)
		}
	}
	return p, errors.Join(errs...)
}

// within prefixes each problem joined in err with where, so that every
// line of the message names its setting.
func within(where string, err error) []error {
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range joined.Unwrap() {
			out = append(out, within(where, e)...)
		}
		return out
	}
	return []error{fmt.Errorf("%s: %w", where, err)}
}

func applySpan(sc SpanConfig, loc *time.Location, ids []string, set func(string, time.Time, time.Time)) error {
	if !slices.Contains(ids, sc.ID) {
		return fmt.Errorf("id %q: want one of %s", sc.ID, strings.Join(ids, ", "))
	}
	from, err1 := ParseTime(sc.Starts, loc)
	to, err2 := ParseTime(sc.Ends, loc)
	switch {
	case err1 != nil:
		return fmt.Errorf("starts: %w", err1)
	case err2 != nil:
		return fmt.Errorf("ends: %w", err2)
	case !to.After(from):
		return errors.New("ends: not after starts")
	}
	set(sc.ID, from, to)
	return nil
}

func setStage(p *Programme, id string, from, to time.Time) {
	for i := range p.Stages {
		if p.Stages[i].ID == id {
			p.Stages[i].Starts, p.Stages[i].Ending = from, to
		}
	}
}

func setPeriod(p *Programme, id string, from, to time.Time) {
	for i := range p.Periods {
		if p.Periods[i].ID == id {
			p.Periods[i].Starts, p.Periods[i].Ending = from, to
		}
	}
}

// ParseTime reads "YYYY-MM-DD HH:MM" (or a date alone, at 00:00) in loc
// and refuses impossible dates such as 31 February.
func ParseTime(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{TimeLayout, "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q: want a real date and time as YYYY-MM-DD HH:MM", s)
}

// Event turns the file's event into a store event, checked.
func (ec EventConfig) Event(loc *time.Location) (store.Event, error) {
	e := store.Event{
		ID: strings.TrimSpace(ec.ID), Kind: store.EventKind(strings.TrimSpace(ec.Kind)),
		Title:    map[string]string{"ky": strings.TrimSpace(ec.TitleKy), "ru": strings.TrimSpace(ec.TitleRu)},
		Link:     strings.TrimSpace(ec.Link),
		Audience: strings.TrimSpace(ec.Audience), Source: SourceConfig,
	}
	if e.Kind == "" {
		e.Kind = store.EventMeeting
	}
	if e.Audience == "" {
		e.Audience = "participants"
	}
	if ec.TextKy != "" || ec.TextRu != "" {
		e.Text = map[string]string{"ky": strings.TrimSpace(ec.TextKy), "ru": strings.TrimSpace(ec.TextRu)}
	}
	var errs []error
	at, err := ParseTime(ec.At, loc)
	if err != nil {
		errs = append(errs, fmt.Errorf("at: %w", err))
	}
	e.At = at.UTC()
	if ec.Duration != "" {
		if e.Duration, err = time.ParseDuration(ec.Duration); err != nil || e.Duration <= 0 || e.Duration > MaxEventDuration {
			errs = append(errs, fmt.Errorf("duration: want for example 2h or 90m, more than 0 and at most 720h (30 days), got %q", ec.Duration))
		}
	} else if e.Kind == store.EventMeeting {
		e.Duration = 2 * time.Hour
	}
	e.Remind = DefaultReminders(e.Kind)
	if ec.Remind != nil {
		e.Remind = nil
		for _, r := range ec.Remind {
			d, err := time.ParseDuration(r)
			if err != nil || d <= 0 || d > MaxRemindBefore {
				errs = append(errs, fmt.Errorf("remind: want a time before the event, for example 24h or 1h, more than 0 and at most 1440h (60 days), got %q", r))
				continue
			}
			e.Remind = append(e.Remind, d)
		}
	}
	check := e
	if at.IsZero() {
		check.At = time.Unix(1, 0) // the date's own error is reported above
	}
	if err := Validate(check); err != nil {
		errs = append(errs, err)
	}
	return e, errors.Join(errs...)
}
