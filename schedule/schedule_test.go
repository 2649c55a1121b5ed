package schedule_test

import (
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/schedule"
)

func TestNextAnnual(t *testing.T) {
	bishkek, err := time.LoadLocation(schedule.Location)
	if err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, bishkek)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	tests := []struct{ name, now, want string }{
		{"BeforeDeadline", "2026-11-22 10:00", "2026-12-11 17:00"},
		{"SameDayBefore", "2026-12-11 16:59", "2026-12-11 17:00"},
		{"AtDeadline", "2026-12-11 17:00", "2027-12-11 17:00"},
		{"AfterDeadline", "2026-12-20 09:00", "2027-12-11 17:00"},
		{"NewYear", "2027-01-01 00:00", "2027-12-11 17:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := schedule.NextAnnual(at(tt.now), time.December, 11, 17, 0, bishkek)
			if want := at(tt.want); !got.Equal(want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
	t.Run("FromUTC", func(t *testing.T) {
		// 11 Dec 12:00 UTC is 18:00 in Bishkek: this year's deadline has passed.
		now := time.Date(2026, 12, 11, 12, 0, 0, 0, time.UTC)
		got := schedule.NextAnnual(now, time.December, 11, 17, 0, bishkek)
		if want := at("2027-12-11 17:00"); !got.Equal(want) {
			t.Errorf("got %v, want %v", got, want)
		}
	})
}
