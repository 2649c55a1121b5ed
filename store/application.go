package store

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Category is the school's split of applicants by age at the deadline.
type Category string

// Categories: about 20 women aged 28 and over, 10–20 under 28.
const (
	Category28Plus  Category = "28plus"
	CategoryUnder28 Category = "under28"
)

// Status is where a submitted application is in the selection.
type Status string

// Statuses: submitted until she withdraws it or staff decide on it.
const (
	StatusSubmitted  Status = "submitted"
	StatusWithdrawn  Status = "withdrawn"
	StatusAccepted   Status = "accepted"
	StatusWaitlisted Status = "waitlisted"
	StatusDeclined   Status = "declined"
)

// Decided reports whether staff took a decision on the application.
func (s Status) Decided() bool {
	return s == StatusAccepted || s == StatusWaitlisted || s == StatusDeclined
}

// Active reports whether the application takes part in the selection.
func (a Application) Active() bool { return a.Status != StatusWithdrawn }

// Application is one woman's application form: a draft while she fills
// it in, then a submitted record with a code.
type Application struct {
	Code     string `json:"code,omitempty"` // "A-017", set on submit
	UserID   int64  `json:"user_id"`
	Language string `json:"language"`
	// Answers maps a form field ID to her answer. A key that is present
	// with an empty value is a question she chose to skip.
	Answers map[string]string `json:"answers"`
	// Pending holds an answer being built over several messages: the essay
	// while it arrives in parts, the ticked stages of the checklist,
	// until she taps Done and it becomes the answer.
	Pending     string    `json:"pending,omitempty"`
	Category    Category  `json:"category,omitempty"`
	Status      Status    `json:"status,omitempty"`
	StartedAt   time.Time `json:"started_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	SubmittedAt time.Time `json:"submitted_at,omitzero"`
	// Masked holds staff's edits of the copy of her free-text answers
	// that the commission sees; the originals in Answers stay as written.
	Masked      map[string]string `json:"masked,omitempty"`
	DecidedAt   time.Time         `json:"decided_at,omitzero"`
	PublishedAt time.Time         `json:"published_at,omitzero"` // when she was sent her result
	WithdrawnAt time.Time         `json:"withdrawn_at,omitzero"`
	// Source is where she came from: the name of the start link she
	// opened, "" for none (counted as direct); SourcePaper or SourceEmail
	// for an application staff entered on her behalf.
	Source string `json:"source,omitempty"`
	// ArrivedAt is the day a paper or e-mail application reached the
	// school (00:00 in the school's zone), which decides whether it came
	// by the deadline; zero for one sent in the chat. EnteredBy is the
	// staff member who entered it, 0 for one imported from a file.
	ArrivedAt time.Time `json:"arrived_at,omitzero"`
	EnteredBy int64     `json:"entered_by,omitempty"`
	// Nudges are the reminders to finish the form she got while it was a
	// draft.
	Nudges Nudges `json:"nudges,omitzero"`
}

// Draft returns the application userID is filling in, or ErrNotFound.
func (tx *Tx) Draft(userID int64) (Application, error) {
	var a Application
	if err := get(tx.tx.Bucket(bucketDrafts), idKey(userID), &a); err != nil {
		return Application{}, fmt.Errorf("draft of user %d: %w", userID, err)
	}
	if a.Answers == nil {
		a.Answers = map[string]string{}
	}
	return a, nil
}

// Drafts returns every form being filled in, by user ID: the forms
// started and not submitted, which the programme's report counts.
func (tx *Tx) Drafts() ([]Application, error) { return all[Application](tx, bucketDrafts) }

// PutDraft saves a draft.
func (tx *Tx) PutDraft(a Application) error {
	if err := put(tx.tx.Bucket(bucketDrafts), idKey(a.UserID), a); err != nil {
		return fmt.Errorf("save draft of user %d: %w", a.UserID, err)
	}
	return tx.noteApplication(a)
}

// Submit turns the user's draft a into a submitted application: it gets
// the next code, leaves the drafts and is indexed by its owner. It returns
// the application as stored.
func (tx *Tx) Submit(a Application, at time.Time) (Application, error) {
	if _, err := tx.ApplicationOf(a.UserID); err == nil {
		return Application{}, fmt.Errorf("submit for user %d: %w", a.UserID, ErrAlreadySubmitted)
	}
	seq, err := tx.tx.Bucket(bucketApplications).NextSequence()
	if err != nil {
		return Application{}, fmt.Errorf("next application code: %w", err)
	}
	return tx.submit(a, seq, at)
}

// submit stores a as the application numbered seq.
func (tx *Tx) submit(a Application, seq uint64, at time.Time) (Application, error) {
	a.Code = applicationCode(seq)
	a.Status = StatusSubmitted
	a.SubmittedAt = at
	a.UpdatedAt = at
	if err := put(tx.tx.Bucket(bucketApplications), []byte(a.Code), a); err != nil {
		return Application{}, fmt.Errorf("save application %s: %w", a.Code, err)
	}
	if err := tx.tx.Bucket(bucketAppByUser).Put(idKey(a.UserID), []byte(a.Code)); err != nil {
		return Application{}, fmt.Errorf("index application %s: %w", a.Code, err)
	}
	if err := tx.indexCategory(a, seq); err != nil {
		return Application{}, err
	}
	if err := tx.tx.Bucket(bucketDrafts).Delete(idKey(a.UserID)); err != nil {
		return Application{}, fmt.Errorf("remove draft of %s: %w", a.Code, err)
	}
	return a, tx.noteApplication(a)
}

// ErrAlreadySubmitted is returned by Submit when the user has an application.
var ErrAlreadySubmitted = errors.New("application already submitted")

// PutApplication saves a submitted application after a change (a
// decision, a masked answer, a withdrawal).
func (tx *Tx) PutApplication(a Application) error {
	if a.Code == "" {
		return fmt.Errorf("save application of user %d: no code", a.UserID)
	}
	if err := put(tx.tx.Bucket(bucketApplications), []byte(a.Code), a); err != nil {
		return fmt.Errorf("save application %s: %w", a.Code, err)
	}
	return tx.indexCategory(a, 0)
}

// ApplicationOf returns the submitted application of userID, or ErrNotFound.
func (tx *Tx) ApplicationOf(userID int64) (Application, error) {
	code := tx.tx.Bucket(bucketAppByUser).Get(idKey(userID))
	if code == nil {
		return Application{}, fmt.Errorf("application of user %d: %w", userID, ErrNotFound)
	}
	return tx.Application(string(code))
}

// Application returns the submitted application with the given code.
func (tx *Tx) Application(code string) (Application, error) {
	var a Application
	if err := get(tx.tx.Bucket(bucketApplications), []byte(code), &a); err != nil {
		return Application{}, fmt.Errorf("application %s: %w", code, err)
	}
	return a, nil
}

// Applications returns every submitted application, by code.
func (tx *Tx) Applications() ([]Application, error) {
	apps, err := all[Application](tx, bucketApplications)
	// Keys sort as text, which puts A-1000 before A-999: shorter codes first.
	slices.SortStableFunc(apps, func(a, b Application) int {
		return cmp.Or(cmp.Compare(len(a.Code), len(b.Code)), cmp.Compare(a.Code, b.Code))
	})
	return apps, err
}

// Applications returns every submitted application, by code.
func (db *DB) Applications() ([]Application, error) {
	var apps []Application
	err := db.View(func(tx *Tx) (err error) {
		apps, err = tx.Applications()
		return err
	})
	return apps, err
}
