package form_test

import (
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/form"
)

func TestParseArrivalDate(t *testing.T) {
	bishkek := time.FixedZone("Asia/Bishkek", 6*60*60)
	// Today is 20 May 2026 in Bishkek.
	r := form.Rules{Location: bishkek, Now: time.Date(2026, 5, 19, 20, 0, 0, 0, time.UTC), Deadline: time.Date(2026, 5, 31, 18, 0, 0, 0, bishkek)}
	for _, tc := range []struct{ in, want, key string }{
		{in: "05.05.2026", want: "2026-05-05"},
		{in: "05.05.26", want: "2026-05-05"},
		{in: "5 мая", want: "2026-05-05"},
		{in: "5-май", want: "2026-05-05"},
		{in: "5 мая 2026 г.", want: "2026-05-05"},
		{in: "20.05", want: "2026-05-20"},
		{in: "21.05", want: "2025-05-21"}, // not yet this year: last year's
		{in: "1 декабря", want: "2025-12-01"},
		{in: "2026-05-05", want: "2026-05-05"},
		{in: " 05/05 ", want: "2026-05-05"},
		{in: "29.02", want: "2024-02-29"},
		{in: "31.04", key: "form.invalid.date_impossible"},
		{in: "мая", key: "form.invalid.date"},
		{in: "5", key: "form.invalid.date"},
		{in: "05 05", key: "form.invalid.date"},
		{in: "вчера", key: "form.invalid.date"},
	} {
		got, err := form.ParseArrivalDate(tc.in, r)
		checkErr(t, err, tc.key)
		if tc.key == "" && (got.Format(form.DateLayout) != tc.want || got.Location() != bishkek || got.Hour() != 0) {
			t.Errorf("ParseArrivalDate(%q) = %v, want %s 00:00 in Bishkek", tc.in, got, tc.want)
		}
	}
}

// FuzzParseArrivalDate: a day read is midnight in the school's zone and
// not after today unless a year was written; a refusal is a date's.
func FuzzParseArrivalDate(f *testing.F) {
	for _, s := range []string{"5 мая", "05.05.26", "05.05", "29.02", "1 декабря", "2026-05-05", "5-майда", "31.04"} {
		f.Add(s)
	}
	bishkek := time.FixedZone("Asia/Bishkek", 6*60*60)
	r := form.Rules{Location: bishkek, Now: time.Date(2026, 5, 19, 20, 0, 0, 0, time.UTC)}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := form.ParseArrivalDate(s, r)
		if err != nil {
			checkDateErr(t, s, err)
			return
		}
		if h, m, sec := got.Clock(); h != 0 || m != 0 || sec != 0 || got.Location() != bishkek {
			t.Fatalf("ParseArrivalDate(%q) = %v, want midnight in Bishkek", s, got)
		}
		if again, err := form.ParseArrivalDate(got.Format("02.01.2006"), r); err != nil || !again.Equal(got) {
			t.Fatalf("ParseArrivalDate(%q) = %v; its own writing reads %v, %v", s, got, again, err)
		}
	})
}

func TestArrivedInTime(t *testing.T) {
	bishkek := time.FixedZone("Asia/Bishkek", 6*60*60)
	r := form.Rules{Location: bishkek, Deadline: time.Date(2026, 5, 31, 18, 0, 0, 0, bishkek)}
	for day, want := range map[int]bool{30: true, 31: true} {
		if got := form.ArrivedInTime(time.Date(2026, 5, day, 0, 0, 0, 0, bishkek), r); got != want {
			t.Errorf("arrived %d May: in time %v, want %v", day, got, want)
		}
	}
	if form.ArrivedInTime(time.Date(2026, 6, 1, 0, 0, 0, 0, bishkek), r) {
		t.Error("arrived 1 June, after a deadline of 31 May: counted in time")
	}
}
