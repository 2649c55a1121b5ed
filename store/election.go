package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// Candidacy is what a participant recorded before the vote.
type Candidacy struct {
	UserID       int64  `json:"user_id"`
	Registered   string `json:"registered"` // "yes" or "no"
	Oblast       string `json:"oblast,omitempty"`
	District     string `json:"district,omitempty"`
	AiylOkmotu   string `json:"aiyl_okmotu,omitempty"`
	Constituency string `json:"constituency,omitempty"`
	// List is the party list she runs on, or "independent".
	List      string    `json:"list,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`
	// (A file of an older bot may hold "step", "draft" and "violation":
	// the dialogues in progress, which bot/dialogue now keeps. They are
	// ignored; she starts such a report again.)
}

// ResultReport is one version of her election result. Corrections add
// versions; none is overwritten.
type ResultReport struct {
	UserID        int64  `json:"user_id"`
	Version       int    `json:"version"`
	VotesReceived int    `json:"votes_received"`
	VotesCast     int    `json:"votes_cast"`
	Voters        int    `json:"voters,omitempty"` // registered voters, if she knows
	Seats         int    `json:"seats"`
	Elected       string `json:"elected"` // "yes", "no" or "unknown"
	// PhotoFileID is the commission's published result or protocol, by
	// Telegram's file_id: never downloaded.
	PhotoFileID string `json:"photo_file_id,omitempty"`
	// PhotoType is "video" or "document" when she sent one instead of a
	// photo ("" is a photo), for showing it to staff again.
	PhotoType string    `json:"photo_type,omitempty"`
	At        time.Time `json:"at"`
	// Flags name what looked implausible: "tenfold_change" (and, in
	// results stored before a turnout over 100% was refused,
	// "turnout_over_100").
	Flags []string `json:"flags,omitempty"`
	// Check is what staff found when they compared the figures with the
	// protocol photo: "" (not checked yet), CheckVerified or CheckRejected.
	// The tally and the report count checked and unchecked results apart.
	Check string `json:"check,omitempty"`
	// CheckedBy is the staff member who checked it, CheckedAt when, and
	// Reason, for a rejected one, what she was told was wrong.
	CheckedBy int64     `json:"checked_by,omitempty"`
	CheckedAt time.Time `json:"checked_at,omitzero"`
	Reason    string    `json:"reason,omitempty"`
}

// What staff found when checking a result against its protocol photo.
const (
	CheckVerified = "verified"
	CheckRejected = "rejected"
)

// Candidacy returns her candidacy, or ErrNotFound.
func (tx *Tx) Candidacy(userID int64) (Candidacy, error) {
	var c Candidacy
	if err := get(tx.tx.Bucket(bucketCandidacies), idKey(userID), &c); err != nil {
		return Candidacy{}, fmt.Errorf("candidacy of %d: %w", userID, err)
	}
	return c, nil
}

// PutCandidacy saves her candidacy.
func (tx *Tx) PutCandidacy(c Candidacy) error {
	if err := put(tx.tx.Bucket(bucketCandidacies), idKey(c.UserID), c); err != nil {
		return fmt.Errorf("save candidacy of %d: %w", c.UserID, err)
	}
	return nil
}

// Candidacies returns every candidacy.
func (tx *Tx) Candidacies() ([]Candidacy, error) { return all[Candidacy](tx, bucketCandidacies) }

func reportKey(user int64, version int) []byte {
	k := make([]byte, 16)
	binary.BigEndian.PutUint64(k, uint64(user))
	binary.BigEndian.PutUint64(k[8:], uint64(version))
	return k
}

// AddReport stores a new version of her result and returns it numbered.
func (tx *Tx) AddReport(r ResultReport) (ResultReport, error) {
	versions, err := tx.Reports(r.UserID)
	if err != nil {
		return r, err
	}
	r.Version = len(versions) + 1
	if err := put(tx.tx.Bucket(bucketReports), reportKey(r.UserID, r.Version), r); err != nil {
		return r, fmt.Errorf("save result of %d: %w", r.UserID, err)
	}
	return r, nil
}

// CheckReport records what staff found on one version of her result
// against its protocol photo: check is CheckVerified or CheckRejected
// (reason says why). A version already checked keeps its first check:
// it returns ErrChecked, and ErrNotFound for a version that does not
// exist.
func (tx *Tx) CheckReport(userID int64, version int, check, reason string, by int64, at time.Time) (ResultReport, error) {
	if check != CheckVerified && check != CheckRejected {
		return ResultReport{}, fmt.Errorf("check result %d v%d: %q is no check", userID, version, check)
	}
	b := tx.tx.Bucket(bucketReports)
	var r ResultReport
	if err := get(b, reportKey(userID, version), &r); err != nil {
		return r, fmt.Errorf("check result %d v%d: %w", userID, version, err)
	}
	if r.Check != "" {
		return r, fmt.Errorf("check result %d v%d: %w", userID, version, ErrChecked)
	}
	r.Check, r.Reason, r.CheckedBy, r.CheckedAt = check, reason, by, at
	if err := put(b, reportKey(userID, version), r); err != nil {
		return r, fmt.Errorf("check result %d v%d: %w", userID, version, err)
	}
	return r, nil
}

// ErrChecked is returned by CheckReport for a result another staff
// member has checked already.
var ErrChecked = errors.New("result checked already")

// Reports returns every version of her result, oldest first.
func (tx *Tx) Reports(userID int64) ([]ResultReport, error) {
	var out []ResultReport
	c := tx.tx.Bucket(bucketReports).Cursor()
	prefix := itob(uint64(userID))
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		var r ResultReport
		if err := unmarshal(v, &r); err != nil {
			return nil, fmt.Errorf("result of %d: %w", userID, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// Violation is a report of a breach of the election rules.
type Violation struct {
	ID     int       `json:"id"`
	UserID int64     `json:"user_id"`
	What   string    `json:"what"`
	Where  string    `json:"where"`
	Media  *Media    `json:"media,omitempty"`
	At     time.Time `json:"at"`
}

// PutViolation saves a violation report; a new one (ID 0) gets a number.
func (tx *Tx) PutViolation(v Violation) (Violation, error) {
	b := tx.tx.Bucket(bucketViolations)
	if v.ID == 0 {
		seq, err := b.NextSequence()
		if err != nil {
			return v, err
		}
		v.ID = int(seq)
	}
	if err := put(b, itob(uint64(v.ID)), v); err != nil {
		return v, fmt.Errorf("save violation %d: %w", v.ID, err)
	}
	return v, nil
}

// Violations returns every violation report, oldest first.
func (tx *Tx) Violations() ([]Violation, error) { return all[Violation](tx, bucketViolations) }
