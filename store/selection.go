package store

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// Invite is a one-time link that gives whoever opens it a role.
type Invite struct {
	Code      string    `json:"code"`
	Role      Role      `json:"role"`
	CreatedBy int64     `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	UsedBy    int64     `json:"used_by,omitempty"`
	UsedAt    time.Time `json:"used_at,omitzero"`
}

// Usable reports whether the invite can still be redeemed at now.
func (inv Invite) Usable(now time.Time) bool { return inv.UsedBy == 0 && now.Before(inv.ExpiresAt) }

// PutInvite saves an invite.
func (tx *Tx) PutInvite(inv Invite) error {
	if err := put(tx.tx.Bucket(bucketInvites), []byte(inv.Code), inv); err != nil {
		return fmt.Errorf("save invite: %w", err)
	}
	return nil
}

// Invite returns the invite with the given code, or ErrNotFound.
func (tx *Tx) Invite(code string) (Invite, error) {
	var inv Invite
	if err := get(tx.tx.Bucket(bucketInvites), []byte(code), &inv); err != nil {
		return Invite{}, fmt.Errorf("invite: %w", err)
	}
	return inv, nil
}

// Criteria is the number of selection criteria each member scores.
const Criteria = 7

// Score is one commission member's scores of one application.
type Score struct {
	Code     string `json:"code"`
	MemberID int64  `json:"member_id"`
	// Points are the scores of the criteria in order, 1–5; 0 is not yet scored.
	Points      [Criteria]int `json:"points"`
	Confirmed   bool          `json:"confirmed,omitempty"`
	ConfirmedAt time.Time     `json:"confirmed_at,omitzero"`
	UpdatedAt   time.Time     `json:"updated_at"`
	// Recusal is set when she said she knows the applicant: she does not
	// score this application, and its mean is over the other members.
	// A recused score has no points and is never confirmed.
	Recusal   Recusal   `json:"recusal,omitempty"`
	RecusedAt time.Time `json:"recused_at,omitzero"`
}

// Recusal is why a member stands aside from an application: how she
// knows the applicant.
type Recusal string

// Reasons for a recusal.
const (
	RecusalRelative  Recusal = "relative"
	RecusalNeighbour Recusal = "neighbour"
	RecusalColleague Recusal = "colleague"
	RecusalOther     Recusal = "other"
)

// Recusals are the reasons in the order she is offered them.
var Recusals = []Recusal{RecusalRelative, RecusalNeighbour, RecusalColleague, RecusalOther}

// Recused reports whether she stood aside from the application.
func (s Score) Recused() bool { return s.Recusal != "" }

// Complete reports whether every criterion has a score.
func (s Score) Complete() bool { return !slices.Contains(s.Points[:], 0) }

// ErrInvalidScore is returned for points outside 1–5.
var ErrInvalidScore = errors.New("a score is a whole number from 1 to 5")

// ErrInvalidRecusal is returned for a recusal with an unknown reason, or
// with points or a confirmation beside it.
var ErrInvalidRecusal = errors.New("a recusal has a known reason and no points")

// Validate checks the points, and that a recusal carries none.
func (s Score) Validate() error {
	for _, p := range s.Points {
		if p < 0 || p > 5 {
			return ErrInvalidScore
		}
	}
	if s.Recused() && (!slices.Contains(Recusals, s.Recusal) || s.Confirmed || s.Points != [Criteria]int{}) {
		return ErrInvalidRecusal
	}
	return nil
}

func scoreKey(code string, member int64) []byte {
	return []byte(code + "|" + strconv.FormatInt(member, 10))
}

// Score returns member's scores of the application code, or ErrNotFound.
func (tx *Tx) Score(code string, member int64) (Score, error) {
	var s Score
	if err := get(tx.tx.Bucket(bucketScores), scoreKey(code, member), &s); err != nil {
		return Score{}, fmt.Errorf("score of %s by %d: %w", code, member, err)
	}
	return s, nil
}

// PutScore saves a member's scores.
func (tx *Tx) PutScore(s Score) error {
	if err := s.Validate(); err != nil {
		return fmt.Errorf("save score of %s by %d: %w", s.Code, s.MemberID, err)
	}
	if err := put(tx.tx.Bucket(bucketScores), scoreKey(s.Code, s.MemberID), s); err != nil {
		return fmt.Errorf("save score of %s by %d: %w", s.Code, s.MemberID, err)
	}
	return nil
}

// Scores returns every score.
func (tx *Tx) Scores() ([]Score, error) { return all[Score](tx, bucketScores) }

// Phase is where the selection stands.
type Phase string

// Phases of the selection.
const (
	PhaseNotOpen Phase = ""       // applications are still being collected
	PhaseOpen    Phase = "open"   // the commission scores
	PhaseClosed  Phase = "closed" // staff closed scoring; missing scores stay missing
)

// Selection is the state of stage II.
type Selection struct {
	Phase       Phase     `json:"phase"`
	OpenedAt    time.Time `json:"opened_at,omitzero"`
	ClosedAt    time.Time `json:"closed_at,omitzero"`
	PublishedAt time.Time `json:"published_at,omitzero"`
}

// Selection returns the selection's state (the zero value before it opens).
func (tx *Tx) Selection() (Selection, error) {
	var s Selection
	err := get(tx.tx.Bucket(bucketMeta), metaSelection, &s)
	if errors.Is(err, ErrNotFound) {
		return Selection{}, nil
	}
	if err != nil {
		return Selection{}, fmt.Errorf("selection state: %w", err)
	}
	return s, nil
}

// PutSelection saves the selection's state.
func (tx *Tx) PutSelection(s Selection) error {
	if err := put(tx.tx.Bucket(bucketMeta), metaSelection, s); err != nil {
		return fmt.Errorf("save selection state: %w", err)
	}
	return nil
}
