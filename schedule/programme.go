package schedule

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/store"
)

// Stage is one of the school's stages I–IX, with its dates.
type Stage struct {
	ID             string // "I" … "IX"
	Starts, Ending time.Time
}

// Period is a part of stage IV with its own kind of consultations.
type Period struct {
	ID             string // "before_announcing", "campaign", "mentor_lawyer"
	Starts, Ending time.Time
}

// Programme is the school's calendar: its stages, the periods of stage
// IV, and its dated events.
type Programme struct {
	Stages  []Stage
	Periods []Period
	Events  []store.Event
}

// StageIDs are the school's stages in order.
var StageIDs = []string{"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"}

// StageAt returns the stage under way at t. Stages may overlap (VI–IX
// do); the latest that has started wins.
func (p Programme) StageAt(t time.Time) (Stage, bool) {
	var found Stage
	ok := false
	for _, s := range p.Stages {
		if !t.Before(s.Starts) && t.Before(s.Ending) {
			found, ok = s, true
		}
	}
	return found, ok
}

// Stage returns the stage with the given ID.
func (p Programme) Stage(id string) (Stage, bool) {
	for _, s := range p.Stages {
		if s.ID == id {
			return s, true
		}
	}
	return Stage{}, false
}

// PeriodAt returns the period of stage IV under way at t.
func (p Programme) PeriodAt(t time.Time) (Period, bool) {
	for _, s := range p.Periods {
		if !t.Before(s.Starts) && t.Before(s.Ending) {
			return s, true
		}
	}
	return Period{}, false
}

// DefaultProgramme is the school's first run rolled forward so that the
// application deadline falls on deadline: the same days and months as the
// 2020–2021 run, in loc.
func DefaultProgramme(deadline time.Time, loc *time.Location) Programme {
	y := deadline.In(loc).Year() // the cycle's first year; the school runs in y+1
	day := func(year int, m time.Month, d, h, min int) time.Time { return time.Date(year, m, d, h, min, 0, 0, loc) }
	p := Programme{
		Stages: []Stage{
			{"I", day(y, time.November, 9, 0, 0), deadline},
			{"II", deadline, day(y+1, time.January, 17, 0, 0)},
			{"III", day(y+1, time.January, 25, 0, 0), day(y+1, time.January, 30, 0, 0)},
			{"IV", day(y+1, time.February, 1, 0, 0), day(y+1, time.April, 11, 0, 0)},
			{"V", day(y+1, time.April, 1, 0, 0), day(y+1, time.May, 1, 0, 0)},
			{"VI", day(y+1, time.May, 1, 0, 0), day(y+1, time.September, 1, 0, 0)},
			{"VII", day(y+1, time.June, 1, 0, 0), day(y+1, time.July, 1, 0, 0)},
			{"VIII", day(y+1, time.July, 1, 0, 0), day(y+1, time.August, 1, 0, 0)},
			{"IX", day(y+1, time.September, 1, 0, 0), day(y+1, time.October, 1, 0, 0)},
		},
		Periods: []Period{
			{"before_announcing", day(y+1, time.February, 1, 0, 0), day(y+1, time.February, 11, 0, 0)},
			{"campaign", day(y+1, time.February, 11, 0, 0), day(y+1, time.March, 12, 0, 0)},
			{"mentor_lawyer", day(y+1, time.March, 12, 0, 0), day(y+1, time.April, 12, 0, 0)},
		},
	}
	hours := func(h ...int) []time.Duration {
		var ds []time.Duration
		for _, v := range h {
			ds = append(ds, time.Duration(v)*time.Hour)
		}
		return ds
	}
	p.Events = []store.Event{
		{ID: "school", Kind: store.EventSession, At: day(y+1, time.January, 25, 9, 0), Duration: 4*24*time.Hour + 9*time.Hour,
			Title:    map[string]string{"ky": "Мектеп: «Эмне үчүн жана кантип жергиликтүү кеңештин депутаты болом?» (Бишкек)", "ru": "Школа «Почему и как я стану депутатом местного кенеша?» (Бишкек)"},
			Audience: "participants", Remind: hours(72, 24)},
		{ID: "meeting-1", Kind: store.EventMeeting, At: day(y+1, time.March, 4, 15, 0), Duration: 2 * time.Hour,
			Title:    map[string]string{"ky": "Онлайн жолугушуу «Иш кандай жүрүүдө?»: талапкерлерди көрсөтүү жана каттоо боюнча тажрыйба алмашуу", "ru": "Онлайн-встреча «Как идут дела?»: обмен опытом выдвижения и регистрации кандидатов"},
			Audience: "participants", Remind: hours(24, 1)},
		{ID: "greeting-8-march", Kind: store.EventGreeting, At: day(y+1, time.March, 8, 9, 0),
			Title:    map[string]string{"ky": "8-март", "ru": "8 Марта"},
			Text:     map[string]string{"ky": "🌷 Эл аралык аялдар күнү менен куттуктайбыз! Шайлоо өнөктүгүңүздө ийгилик жана күч-кубат каалайбыз.", "ru": "🌷 Поздравляем с Международным женским днём! Желаем сил и удачи в вашей кампании."},
			Audience: "participants"},
		{ID: "meeting-2", Kind: store.EventMeeting, At: day(y+1, time.March, 30, 15, 0), Duration: 2 * time.Hour,
			Title:    map[string]string{"ky": "Онлайн жолугушуу «Иш кандай жүрүүдө?»: талапкерлердин өнөктүгү боюнча тажрыйба алмашуу", "ru": "Онлайн-встреча «Как идут дела?»: обмен опытом избирательных кампаний"},
			Audience: "participants", Remind: hours(24, 1)},
		{ID: "election-day", Kind: store.EventElection, At: day(y+1, time.April, 11, 8, 0), Duration: 12 * time.Hour,
			Title:    map[string]string{"ky": "Шайлоо күнү", "ru": "День выборов"},
			Audience: "candidates", Remind: hours(24)},
	}
	for i := range p.Events {
		p.Events[i].At = p.Events[i].At.UTC()
		p.Events[i].Source = SourceDefault
	}
	return p
}

// Where an event comes from.
const (
	SourceDefault = "default" // the built-in programme
	SourceConfig  = "config"  // the config file's programme
	SourceChat    = "chat"    // added by staff in the chat
)

// Plan returns the due items of an event: its reminders, the greeting
// itself, and the follow-up after a meeting.
func Plan(e store.Event) []store.Due {
	if e.Cancelled {
		return nil
	}
	var due []store.Due
	for _, before := range e.Remind {
		due = append(due, store.Due{At: e.At.Add(-before), Kind: store.DueReminder, EventID: e.ID, Version: e.Version, Before: before})
	}
	switch e.Kind {
	case store.EventGreeting:
		due = append(due, store.Due{At: e.At, Kind: store.DueGreeting, EventID: e.ID, Version: e.Version})
	case store.EventMeeting:
		due = append(due, store.Due{At: e.Ends(), Kind: store.DueFollowUp, EventID: e.ID, Version: e.Version})
	case store.EventElection:
		due = append(due, store.Due{At: e.At, Kind: store.DueElection, EventID: e.ID, Version: e.Version})
	}
	return due
}

// Hash identifies an event's definition, so a changed config is noticed.
func Hash(e store.Event) string {
	def := e
	def.Version, def.ConfigHash, def.UpdatedAt, def.Cancelled = 0, "", time.Time{}, false
	data, _ := json.Marshal(def)
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:8])
}

// Audiences a programme event can address. "oblast:naryn" and
// "category:28plus" narrow the participants.
var Audiences = []string{"everyone", "applicants", "participants", "candidates", "deputies", "commission", "mentors", "staff"}

// Oblasts an audience may name; the form's list.
var Oblasts = []string{"batken", "chui", "issyk_kul", "jalal_abad", "naryn", "osh", "talas"}

// ErrAudience is returned for an audience the bot does not know.
var ErrAudience = errors.New(`unknown audience: want everyone, applicants, participants, candidates, deputies, commission, mentors, staff, oblast:NAME or category:28plus|under28`)

// CheckAudience validates an audience.
func CheckAudience(a string) error {
	kind, value, hasValue := strings.Cut(a, ":")
	switch {
	case !hasValue && slices.Contains(Audiences, a):
		return nil
	case kind == "oblast" && slices.Contains(Oblasts, value):
		return nil
	case kind == "category" && (value == string(store.Category28Plus) || value == string(store.CategoryUnder28)):
		return nil
	}
	return ErrAudience
}

// Validate checks an event: both titles, a link for a meeting (a real
// http or https address), a greeting's text in both languages, a known
// audience, reminders before the event. It does not judge the date: an
// event from the file may be in the past; the chat refuses those itself.
func Validate(e store.Event) error {
	var errs []error
	if e.ID == "" {
		errs = append(errs, errors.New("id: missing"))
	}
	for _, lang := range []string{"ky", "ru"} {
		if strings.TrimSpace(e.Title[lang]) == "" {
			errs = append(errs, fmt.Errorf("title_%s: missing", lang))
		}
		if e.Kind == store.EventGreeting && strings.TrimSpace(e.Text[lang]) == "" {
			errs = append(errs, fmt.Errorf("text_%s: missing for a greeting", lang))
		}
	}
	switch e.Kind {
	case store.EventMeeting:
		// The default programme cannot know the meetings' links; staff add
		// them in the file, and reminders say the link comes later.
		if err := CheckLink(e.Link); err != nil && !(e.Source == SourceDefault && e.Link == "") {
			errs = append(errs, err)
		}
	case store.EventGreeting, store.EventSession, store.EventElection:
	default:
		errs = append(errs, fmt.Errorf("kind %q: want meeting, session, greeting or election", e.Kind))
	}
	if err := CheckAudience(e.Audience); err != nil {
		errs = append(errs, fmt.Errorf("audience %q: %w", e.Audience, err))
	}
	for _, r := range e.Remind {
		if r <= 0 {
			errs = append(errs, fmt.Errorf("remind %s: must be before the event", r))
		}
	}
	if e.At.IsZero() {
		errs = append(errs, errors.New("at: missing"))
	}
	return errors.Join(errs...)
}

// CheckLink accepts an http(s) address with a host.
func CheckLink(link string) error {
	if link == "" {
		return errors.New("link: missing for an online meeting")
	}
	u, err := url.Parse(link)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("link %q: want an http or https address", link)
	}
	return nil
}

// ElectionDay returns the programme's election day, if it has one.
func (p Programme) ElectionDay() (store.Event, bool) {
	for _, e := range p.Events {
		if e.Kind == store.EventElection {
			return e, true
		}
	}
	return store.Event{}, false
}
