package dialogue_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/dialogue"
)

// FuzzParseCount: any text either is refused or gives a whole,
// non-negative number that reads back the same.
func FuzzParseCount(f *testing.F) {
	for _, s := range []string{"245", "1 250", "1\u00a0000", "-3", "", "двести", "9999999999", "0", " 12 ", "1,5", "٣"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := dialogue.ParseCount(s)
		if !ok {
			return
		}
		if n < 0 {
			t.Fatalf("%q gave %d", s, n)
		}
		if m, ok := dialogue.ParseCount(strconv.Itoa(n)); !ok || m != n {
			t.Fatalf("%q gave %d, which reads back as %d, %v", s, n, m, ok)
		}
	})
}

// FuzzParseDateTime: a time read is written back, as the bot writes
// times, and read again as the same time.
func FuzzParseDateTime(f *testing.F) {
	for _, s := range []string{"15.03.2027 15:00", "2027-03-15 15:00", "15.3.2027 9.05", "", "31.02.2027 10:00", "15.03.2027", "１５.03.2027 15:00"} {
		f.Add(s)
	}
	loc := time.FixedZone("Asia/Bishkek", 6*3600)
	f.Fuzz(func(t *testing.T, s string) {
		at, ok := dialogue.ParseDateTime(s, loc)
		if !ok {
			return
		}
		back, ok := dialogue.ParseDateTime(at.Format(dialogue.DateTimeLayout), loc)
		if !ok || !back.Equal(at.Truncate(time.Minute)) {
			t.Fatalf("%q gave %v, written %q, read back %v, %v", s, at, at.Format(dialogue.DateTimeLayout), back, ok)
		}
	})
}
