package store

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// # Applications entered on a woman's behalf
//
// Applications also come on paper and by e-mail; staff enter them (in the
// chat, or from a file). Such an application has no Telegram account
// behind it until she opens the bot herself, yet every index of
// applications (app_by_user, the drafts, her arrival record) is keyed by
// the owner's user ID. So an entered application gets an owner ID of its
// own: unlinkedBase plus the number of its code. Telegram's user IDs are
// positive and have at most 52 significant bits (the Bot API promises it,
// so that they fit a double), and the IDs of groups and channels are
// negative; an ID from 2^62 up is therefore never anyone's Telegram ID, a
// message sent to it reaches no chat, and two entered applications never
// share one since their codes differ. When she links (LinkApplication),
// the application takes her real ID and the made-up one is dropped.

// unlinkedBase is the first owner ID of an entered application.
const unlinkedBase int64 = 1 << 62

// Sources of an entered application.
const (
	SourcePaper = "paper"
	SourceEmail = "email"
)

// Unlinked reports whether userID is the made-up owner of an application
// entered on a woman's behalf that no Telegram account is linked to yet:
// nobody to write to.
func Unlinked(userID int64) bool { return userID >= unlinkedBase }

// ErrLinked is returned by LinkApplication for an application that is
// already someone's.
var ErrLinked = errors.New("application already linked to a Telegram account")

// SubmitEntered stores a, entered by staff on a woman's behalf, as a
// submitted application: it gets the next code and a made-up owner (see
// above). a.Source should be SourcePaper or SourceEmail and a.ArrivedAt
// set; the caller checked that it arrived by the deadline.
func (tx *Tx) SubmitEntered(a Application, at time.Time) (Application, error) {
	seq, err := tx.tx.Bucket(bucketApplications).NextSequence()
	if err != nil {
		return Application{}, fmt.Errorf("next application code: %w", err)
	}
	if seq > math.MaxInt64-uint64(unlinkedBase) {
		return Application{}, fmt.Errorf("application number %d: too many applications", seq)
	}
	a.UserID = unlinkedBase + int64(seq)
	if a.Answers == nil {
		a.Answers = map[string]string{}
	}
	if a.StartedAt.IsZero() {
		a.StartedAt = at
	}
	return tx.submit(a, seq, at)
}

// Entry returns the application staff member staffID is entering on a
// woman's behalf, or ErrNotFound. It is kept apart from her own draft, so
// a staff member who applies herself loses nothing by entering one.
func (tx *Tx) Entry(staffID int64) (Application, error) {
	var a Application
	if err := get(tx.tx.Bucket(bucketEntries), idKey(staffID), &a); err != nil {
		return Application{}, fmt.Errorf("application entered by %d: %w", staffID, err)
	}
	if a.Answers == nil {
		a.Answers = map[string]string{}
	}
	return a, nil
}

// PutEntry saves the application staffID is entering.
func (tx *Tx) PutEntry(staffID int64, a Application) error {
	if err := put(tx.tx.Bucket(bucketEntries), idKey(staffID), a); err != nil {
		return fmt.Errorf("save application entered by %d: %w", staffID, err)
	}
	return nil
}

// DropEntry forgets the application staffID was entering (it was
// submitted, or she left).
func (tx *Tx) DropEntry(staffID int64) error {
	if err := tx.tx.Bucket(bucketEntries).Delete(idKey(staffID)); err != nil {
		return fmt.Errorf("drop application entered by %d: %w", staffID, err)
	}
	return nil
}

// UnlinkedByPhone returns the first entered application, by code, that no
// one is linked to yet and whose phone answer is phone (E.164), or
// ErrNotFound. A few hundred applications are read: it runs only when
// someone shares her own contact.
func (tx *Tx) UnlinkedByPhone(phone string) (Application, error) {
	apps, err := tx.Applications()
	if err != nil {
		return Application{}, err
	}
	for _, a := range apps {
		if Unlinked(a.UserID) && phone != "" && a.Answers["phone"] == phone {
			return a, nil
		}
	}
	return Application{}, fmt.Errorf("entered application by phone: %w", ErrNotFound)
}

// ApplicationWithPhone returns the first application, by code, whose
// phone answer is phone (E.164), whoever's it is, or ErrNotFound: staff
// entering one on a woman's behalf are told of an application she may
// have sent already.
func (tx *Tx) ApplicationWithPhone(phone string) (Application, error) {
	apps, err := tx.Applications()
	if err != nil {
		return Application{}, err
	}
	for _, a := range apps {
		if phone != "" && a.Answers["phone"] == phone {
			return a, nil
		}
	}
	return Application{}, fmt.Errorf("application by phone: %w", ErrNotFound)
}

// LinkApplication makes the entered application code userID's: it takes
// her ID, is indexed by it, and her own draft, if she had started one, is
// dropped (the application is hers now). It refuses with ErrLinked an
// application already linked, and with ErrAlreadySubmitted a user who has
// an application.
func (tx *Tx) LinkApplication(code string, userID int64) (Application, error) {
	a, err := tx.Application(code)
	if err != nil {
		return Application{}, err
	}
	if !Unlinked(a.UserID) {
		return Application{}, fmt.Errorf("link %s: %w", code, ErrLinked)
	}
	if Unlinked(userID) {
		return Application{}, fmt.Errorf("link %s to made-up user %d", code, userID)
	}
	if _, err := tx.ApplicationOf(userID); err == nil {
		return Application{}, fmt.Errorf("link %s to user %d: %w", code, userID, ErrAlreadySubmitted)
	} else if !errors.Is(err, ErrNotFound) {
		return Application{}, err
	}
	byUser := tx.tx.Bucket(bucketAppByUser)
	if err := byUser.Delete(idKey(a.UserID)); err != nil {
		return Application{}, fmt.Errorf("link %s: %w", code, err)
	}
	if err := tx.tx.Bucket(bucketArrivals).Delete(idKey(a.UserID)); err != nil {
		return Application{}, fmt.Errorf("link %s: %w", code, err)
	}
	a.UserID = userID
	if err := byUser.Put(idKey(userID), []byte(code)); err != nil {
		return Application{}, fmt.Errorf("link %s: %w", code, err)
	}
	if err := tx.tx.Bucket(bucketDrafts).Delete(idKey(userID)); err != nil {
		return Application{}, fmt.Errorf("link %s: drop her draft: %w", code, err)
	}
	if err := put(tx.tx.Bucket(bucketApplications), []byte(code), a); err != nil {
		return Application{}, fmt.Errorf("link %s: %w", code, err)
	}
	// She is counted once, under the source her application came by.
	arr, err := tx.arrival(userID)
	if err != nil {
		return Application{}, err
	}
	arr.Source = a.Source
	noteOn(&arr, a)
	return a, tx.putArrival(userID, arr)
}
