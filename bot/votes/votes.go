// Package votes checks a candidate's figures from her election
// commission's protocol before they are stored: the arithmetic the
// protocol itself obeys, and the changes between two reports that are
// more likely a typo than a recount.
package votes

// Unknown is a figure she has not given (yet): it is not checked.
const Unknown = -1

// Figures are her figures from the protocol, each Unknown until given.
type Figures struct {
	// Received are the votes she received, Cast all the votes cast in
	// her constituency, Voters the voters on its list.
	Received, Cast, Voters int
}

// Breach is a rule of the protocol's arithmetic the figures break.
type Breach int

// The rules: her votes are among the votes cast, and no more votes are
// cast than there are voters (a turnout over 100%).
const (
	None Breach = iota
	ReceivedOverCast
	CastOverVoters
)

// Check returns the first rule the known figures break, or None.
func (f Figures) Check() Breach {
	switch {
	case known(f.Received) && known(f.Cast) && f.Received > f.Cast:
		return ReceivedOverCast
	case known(f.Cast) && known(f.Voters) && f.Cast > f.Voters:
		return CastOverVoters
	}
	return None
}

func known(n int) bool { return n != Unknown }

// Tenfold reports a change by a factor of ten or more between two
// reports of her votes: a digit typed twice or left out, more often
// than a recount.
func Tenfold(before, after int) bool {
	if before == 0 || after == 0 {
		return before != after && max(before, after) >= 10
	}
	return after >= 10*before || before >= 10*after
}
