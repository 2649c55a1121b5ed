package votes_test

import (
	"testing"

	"github.com/mentorbot/mentorbot/bot/votes"
)

func TestFigures_Check(t *testing.T) {
	u := votes.Unknown
	for _, c := range []struct {
		name string
		f    votes.Figures
		want votes.Breach
	}{
		{"OK", votes.Figures{Received: 245, Cast: 1250, Voters: 1500}, votes.None},
		{"AllEqual", votes.Figures{Received: 300, Cast: 300, Voters: 300}, votes.None},
		{"Zeroes", votes.Figures{Received: 0, Cast: 0, Voters: u}, votes.None},
		{"OnlyHers", votes.Figures{Received: 245, Cast: u, Voters: u}, votes.None},
		{"VotersUnknown", votes.Figures{Received: 245, Cast: 1250, Voters: u}, votes.None},
		{"ReceivedOverCast", votes.Figures{Received: 1250, Cast: 245, Voters: 1500}, votes.ReceivedOverCast},
		{"ReceivedOverCastFirst", votes.Figures{Received: 1250, Cast: 245, Voters: 100}, votes.ReceivedOverCast},
		{"TurnoutOver100", votes.Figures{Received: 245, Cast: 1250, Voters: 1000}, votes.CastOverVoters},
		{"TurnoutByOne", votes.Figures{Received: 245, Cast: 1001, Voters: 1000}, votes.CastOverVoters},
		{"CastUnknown", votes.Figures{Received: 2000, Cast: u, Voters: 1000}, votes.None},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := c.f.Check(); got != c.want {
				t.Errorf("%+v: got %d, want %d", c.f, got, c.want)
			}
		})
	}
}

func TestTenfold(t *testing.T) {
	for _, c := range []struct {
		before, after int
		want          bool
	}{
		{245, 2450, true}, {2450, 245, true}, {245, 2449, false}, {245, 254, false},
		{0, 10, true}, {0, 9, false}, {10, 0, true}, {0, 0, false}, {1, 10, true},
	} {
		if got := votes.Tenfold(c.before, c.after); got != c.want {
			t.Errorf("Tenfold(%d, %d) = %v, want %v", c.before, c.after, got, c.want)
		}
	}
}
