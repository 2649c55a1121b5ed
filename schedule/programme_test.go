package schedule_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/schedule"
	"github.com/mentorbot/mentorbot/store"
)

var bishkek, _ = time.LoadLocation(schedule.Location)

func TestDefaultProgramme(t *testing.T) {
	deadline := time.Date(2026, 12, 11, 17, 0, 0, 0, bishkek)
	p := schedule.DefaultProgramme(deadline, bishkek)
	want := map[string]string{
		"school":           "2027-01-25 09:00",
		"meeting-1":        "2027-03-04 15:00",
		"greeting-8-march": "2027-03-08 09:00",
		"meeting-2":        "2027-03-30 15:00",
		"election-day":     "2027-04-11 08:00",
	}
	for _, e := range p.Events {
		if got := e.At.In(bishkek).Format(schedule.TimeLayout); got != want[e.ID] {
			t.Errorf("%s at %s, want %s", e.ID, got, want[e.ID])
		}
		if err := schedule.Validate(e); err != nil {
			t.Errorf("%s: %v", e.ID, err)
		}
	}
	if len(p.Events) != len(want) {
		t.Errorf("%d events", len(p.Events))
	}
	for _, tt := range []struct {
		at, stage, period string
	}{
		{"2026-11-22 10:00", "I", ""},
		{"2026-12-11 17:00", "II", ""},
		{"2027-01-27 12:00", "III", ""},
		{"2027-02-05 12:00", "IV", "before_announcing"},
		{"2027-03-04 15:00", "IV", "campaign"},
		{"2027-03-20 15:00", "IV", "mentor_lawyer"},
		{"2027-04-11 10:00", "V", "mentor_lawyer"},
		{"2027-06-15 10:00", "VII", ""},
	} {
		at, _ := schedule.ParseTime(tt.at, bishkek)
		s, _ := p.StageAt(at)
		per, _ := p.PeriodAt(at)
		if s.ID != tt.stage || per.ID != tt.period {
			t.Errorf("%s: stage %q period %q, want %q %q", tt.at, s.ID, per.ID, tt.stage, tt.period)
		}
	}
}

func TestPlan(t *testing.T) {
	at := time.Date(2027, 3, 4, 9, 0, 0, 0, time.UTC)
	meeting := store.Event{ID: "m", Kind: store.EventMeeting, At: at, Duration: 2 * time.Hour, Version: 3, Remind: []time.Duration{24 * time.Hour, time.Hour}}
	due := schedule.Plan(meeting)
	if len(due) != 3 || !due[0].At.Equal(at.Add(-24*time.Hour)) || !due[1].At.Equal(at.Add(-time.Hour)) ||
		due[2].Kind != store.DueFollowUp || !due[2].At.Equal(at.Add(2*time.Hour)) || due[2].Version != 3 {
		t.Errorf("meeting plan %+v", due)
	}
	meeting.Cancelled = true
	if due := schedule.Plan(meeting); len(due) != 0 {
		t.Errorf("cancelled event planned %+v", due)
	}
	greeting := store.Event{ID: "g", Kind: store.EventGreeting, At: at}
	if due := schedule.Plan(greeting); len(due) != 1 || due[0].Kind != store.DueGreeting {
		t.Errorf("greeting plan %+v", due)
	}
}

func TestProgrammeConfig(t *testing.T) {
	def := schedule.DefaultProgramme(time.Date(2026, 12, 11, 17, 0, 0, 0, bishkek), bishkek)
	good := schedule.EventConfig{ID: "m1", TitleKy: "Жолугушуу", TitleRu: "Встреча", At: "2027-03-04 15:00", Link: "https://meet.example.org/m1", Audience: "oblast:naryn"}
	t.Run("OK", func(t *testing.T) {
		p, err := schedule.ProgrammeConfig{Events: []schedule.EventConfig{good},
			Stages: []schedule.SpanConfig{{ID: "III", Starts: "2027-01-26", Ends: "2027-01-31"}}}.Resolve(def, bishkek)
		if err != nil {
			t.Fatal(err)
		}
		e := p.Events[0]
		if len(p.Events) != 1 || e.Kind != store.EventMeeting || e.Duration != 2*time.Hour || len(e.Remind) != 2 || e.At.Format(time.RFC3339) != "2027-03-04T09:00:00Z" {
			t.Errorf("event %+v", e)
		}
		if s, _ := p.Stage("III"); s.Starts.Day() != 26 {
			t.Errorf("stage III %+v", s)
		}
	})
	bad := func(mod func(*schedule.EventConfig)) schedule.EventConfig {
		e := good
		mod(&e)
		return e
	}
	tests := []struct {
		name string
		ec   schedule.EventConfig
		want string
	}{
		{"ImpossibleDate", bad(func(e *schedule.EventConfig) { e.At = "2027-02-30 15:00" }), "programme.events[0] (m1): at:"},
		{"NoTitleRu", bad(func(e *schedule.EventConfig) { e.TitleRu = " " }), "title_ru: missing"},
		{"NoLink", bad(func(e *schedule.EventConfig) { e.Link = "" }), "link: missing"},
		{"BadLink", bad(func(e *schedule.EventConfig) { e.Link = "javascript:alert(1)" }), "want an http or https address"},
		{"UnknownAudience", bad(func(e *schedule.EventConfig) { e.Audience = "oblast:bishkek" }), "unknown audience"},
		{"BadRemind", bad(func(e *schedule.EventConfig) { e.Remind = []string{"-1h"} }), "remind: want a time before the event, for example 24h or 1h, more than 0 and at most 1440h (60 days), got \"-1h\""},
		{"GreetingWithoutText", bad(func(e *schedule.EventConfig) { e.Kind = "greeting" }), "text_ky: missing"},
		{"UnknownKind", bad(func(e *schedule.EventConfig) { e.Kind = "party" }), "kind \"party\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := schedule.ProgrammeConfig{Events: []schedule.EventConfig{tt.ec}}.Resolve(def, bishkek)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want %q", err, tt.want)
			}
		})
	}
	// A duration or a reminder beyond its bounds is refused, one line each.
	remind := "programme.events[0] (m1): remind: want a time before the event, for example 24h or 1h, more than 0 and at most 1440h (60 days), got "
	duration := "programme.events[0] (m1): duration: want for example 2h or 90m, more than 0 and at most 720h (30 days), got "
	for _, tt := range []struct {
		name string
		ec   schedule.EventConfig
		want string
	}{
		{"DurationZero", bad(func(e *schedule.EventConfig) { e.Duration = "0s" }), duration + `"0s"`},
		{"DurationTwoMonths", bad(func(e *schedule.EventConfig) { e.Duration = "1440h" }), duration + `"1440h"`},
		{"DurationNaN", bad(func(e *schedule.EventConfig) { e.Duration = "NaN" }), duration + `"NaN"`},
		{"RemindZero", bad(func(e *schedule.EventConfig) { e.Remind = []string{"0s"} }), remind + `"0s"`},
		{"RemindYear", bad(func(e *schedule.EventConfig) { e.Remind = []string{"8760h"} }), remind + `"8760h"`},
		{"BothWrong", bad(func(e *schedule.EventConfig) { e.Duration, e.Remind = "-1m", []string{"1h", "2000h"} }), duration + `"-1m"` + "\n" + remind + `"2000h"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := schedule.ProgrammeConfig{Events: []schedule.EventConfig{tt.ec}}.Resolve(def, bishkek)
			if err == nil || err.Error() != tt.want {
				t.Errorf("got  %v\nwant %s", err, tt.want)
			}
		})
	}
	t.Run("Bounds", func(t *testing.T) {
		p, err := schedule.ProgrammeConfig{Events: []schedule.EventConfig{bad(func(e *schedule.EventConfig) { e.Duration, e.Remind = "720h", []string{"1440h"} })}}.Resolve(def, bishkek)
		if err != nil || p.Events[0].Duration != schedule.MaxEventDuration || p.Events[0].Remind[0] != schedule.MaxRemindBefore {
			t.Errorf("bounds: %v, %+v", err, p.Events)
		}
	})
	t.Run("DuplicateID", func(t *testing.T) {
		_, err := schedule.ProgrammeConfig{Events: []schedule.EventConfig{good, good}}.Resolve(def, bishkek)
		if err == nil || !strings.Contains(err.Error(), "programme.events[1] (m1): id: used twice") {
			t.Errorf("got %v", err)
		}
	})
	t.Run("BadStage", func(t *testing.T) {
		_, err := schedule.ProgrammeConfig{Stages: []schedule.SpanConfig{{ID: "X", Starts: "2027-01-01", Ends: "2027-01-02"}}}.Resolve(def, bishkek)
		if err == nil || !strings.Contains(err.Error(), "programme.stages[0]: id \"X\"") {
			t.Errorf("got %v", err)
		}
	})
}
