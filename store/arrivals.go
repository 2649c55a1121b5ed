package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Where applicants come from, and how far they get: the start links staff
// make per source (a WhatsApp group, a district, a partner), and for each
// woman a small Arrival record that /applications counts without reading
// a single application.

// SourceDirect names the women who opened the bot without a start link,
// or before links existed.
const SourceDirect = "direct"

// LinkPrefix starts the /start payload of a source link:
// t.me/<bot>?start=src-<name>.
const LinkPrefix = "src-"

// MaxLinkName is the longest name of a source link. Telegram takes a start
// payload of up to 64 characters from A-Z, a-z, 0-9, _ and -; a name of
// 50 with "src-" before it stays well inside that.
const MaxLinkName = 50

// ErrBadLinkName is returned by CheckLinkName, and by PutLink, for a name
// that is empty, too long, or has a character other than a-z, 0-9, - and _.
var ErrBadLinkName = errors.New("a link name is 1-50 of a-z, 0-9, - and _")

// ErrLinkExists is returned by PutLink for a name already taken.
var ErrLinkExists = errors.New("a link with this name exists")

// CheckLinkName reports whether name can name a source link. Upper-case
// letters are refused, not folded, so that a link pasted from one chat
// and typed in another count as one source. "direct", "paper" and
// "email" are taken.
func CheckLinkName(name string) error {
	if name == "" || len(name) > MaxLinkName || name == SourceDirect || name == SourcePaper || name == SourceEmail {
		return ErrBadLinkName
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return ErrBadLinkName
		}
	}
	return nil
}

// Link is a start link staff made for one source.
type Link struct {
	Name      string    `json:"name"`
	CreatedBy int64     `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// PutLink saves a new link. It returns ErrBadLinkName or ErrLinkExists.
func (tx *Tx) PutLink(l Link) error {
	if err := CheckLinkName(l.Name); err != nil {
		return fmt.Errorf("save link %q: %w", l.Name, err)
	}
	b := tx.tx.Bucket(bucketLinks)
	if b.Get([]byte(l.Name)) != nil {
		return fmt.Errorf("save link %s: %w", l.Name, ErrLinkExists)
	}
	if err := put(b, []byte(l.Name), l); err != nil {
		return fmt.Errorf("save link %s: %w", l.Name, err)
	}
	return nil
}

// Link returns the link with the given name, or ErrNotFound.
func (tx *Tx) Link(name string) (Link, error) {
	b := tx.tx.Bucket(bucketLinks)
	if b == nil {
		return Link{}, fmt.Errorf("link %s: %w", name, ErrNotFound)
	}
	var l Link
	if err := get(b, []byte(name), &l); err != nil {
		return Link{}, fmt.Errorf("link %s: %w", name, err)
	}
	return l, nil
}

// Links returns every link, by name.
func (tx *Tx) Links() ([]Link, error) {
	if tx.tx.Bucket(bucketLinks) == nil {
		return nil, nil // a file of an older bot, opened read-only
	}
	return all[Link](tx, bucketLinks)
}

// Nudges are the reminders to finish her form: how many went, the last,
// the one planned (a due item of kind DueFinish at NextAt), whether she
// asked for no more, and when she first came back after one.
type Nudges struct {
	Sent       int       `json:"sent,omitempty"`
	LastAt     time.Time `json:"last_at,omitzero"`
	NextAt     time.Time `json:"next_at,omitzero"`
	Off        bool      `json:"off,omitempty"`
	CameBackAt time.Time `json:"came_back_at,omitzero"`
}

// Arrival is one woman's way through stage I, kept small for counting:
// the source she came from, and whether she opened the bot, started the
// form, was reminded, came back after a reminder, and submitted. The
// store keeps it in step with her draft and application (PutDraft,
// Submit); the bot notes her opening (NoteOpened).
type Arrival struct {
	Source    string   `json:"source,omitempty"`
	Opened    bool     `json:"opened,omitempty"`
	Started   bool     `json:"started,omitempty"`
	Reminded  bool     `json:"reminded,omitempty"`
	CameBack  bool     `json:"came_back,omitempty"`
	Submitted bool     `json:"submitted,omitempty"`
	Category  Category `json:"category,omitempty"`
}

// arrival reads userID's record, empty if she has none.
func (tx *Tx) arrival(userID int64) (Arrival, error) {
	var a Arrival
	if err := get(tx.tx.Bucket(bucketArrivals), idKey(userID), &a); err != nil && !errors.Is(err, ErrNotFound) {
		return Arrival{}, fmt.Errorf("arrival of user %d: %w", userID, err)
	}
	return a, nil
}

func (tx *Tx) putArrival(userID int64, a Arrival) error {
	if err := put(tx.tx.Bucket(bucketArrivals), idKey(userID), a); err != nil {
		return fmt.Errorf("save arrival of user %d: %w", userID, err)
	}
	return nil
}

// NoteOpened records that userID opened the bot (a /start), and her
// source if she has none yet: the first source kept is never replaced.
func (tx *Tx) NoteOpened(userID int64, source string) error {
	a, err := tx.arrival(userID)
	if err != nil {
		return err
	}
	was := a
	a.Opened = true
	if a.Source == "" {
		a.Source = source
	}
	if a == was {
		return nil // nothing new: no write
	}
	return tx.putArrival(userID, a)
}

// noteApplication brings her arrival in step with her draft or
// application.
func (tx *Tx) noteApplication(app Application) error {
	a, err := tx.arrival(app.UserID)
	if err != nil {
		return err
	}
	was := a
	noteOn(&a, app)
	if a == was {
		return nil
	}
	return tx.putArrival(app.UserID, a)
}

// noteOn marks on a what app says of her.
func noteOn(a *Arrival, app Application) {
	a.Started = true
	a.Reminded = a.Reminded || app.Nudges.Sent > 0
	a.CameBack = a.CameBack || !app.Nudges.CameBackAt.IsZero()
	if a.Source == "" {
		a.Source = app.Source
	}
	if app.Code != "" {
		a.Submitted, a.Category = true, app.Category
	}
}

// SourceCounts are the counts of one source.
type SourceCounts struct {
	Opened, Started, Submitted int
	ByCategory                 map[Category]int // submitted, by category
}

// Funnel is stage I in numbers: how many started the form, submitted,
// were reminded to finish and came back after a reminder, and per
// source.
type Funnel struct {
	Started, Submitted, Reminded, CameBack int
	// BySource holds each source with anyone in it, SourceDirect for those
	// with none.
	BySource map[string]SourceCounts
}

// Sources are the names in BySource, the most submissions first, then
// by name.
func (f Funnel) Sources() []string {
	var names []string
	for name := range f.BySource {
		names = append(names, name)
	}
	slices.SortFunc(names, func(a, b string) int {
		if d := f.BySource[b].Submitted - f.BySource[a].Submitted; d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	return names
}

// Funnel counts the arrivals: one small record per woman, no application
// read.
func (tx *Tx) Funnel() (Funnel, error) {
	f := Funnel{BySource: map[string]SourceCounts{}}
	b := tx.tx.Bucket(bucketArrivals)
	if b == nil {
		return f, nil // a file of an older bot, opened read-only
	}
	err := b.ForEach(func(k, v []byte) error {
		var a Arrival
		if err := json.Unmarshal(v, &a); err != nil {
			return fmt.Errorf("arrival %s: %w", k, err)
		}
		f.add(a)
		return nil
	})
	if err != nil {
		return Funnel{}, fmt.Errorf("count arrivals: %w", err)
	}
	return f, nil
}

func (f *Funnel) add(a Arrival) {
	source := a.Source
	if source == "" {
		source = SourceDirect
	}
	s := f.BySource[source]
	if s.ByCategory == nil {
		s.ByCategory = map[Category]int{}
	}
	s.Opened += b2i(a.Opened)
	s.Started += b2i(a.Started)
	s.Submitted += b2i(a.Submitted)
	if a.Submitted {
		s.ByCategory[a.Category]++
	}
	f.BySource[source] = s
	f.Started += b2i(a.Started)
	f.Submitted += b2i(a.Submitted)
	f.Reminded += b2i(a.Reminded)
	f.CameBack += b2i(a.CameBack)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// buildArrivals fills the arrivals for a file from before them, once,
// when their bucket is created: everyone without a role opened the bot,
// and drafts and applications say the rest. A record the bot cannot read
// is left out, as every list leaves it out.
func buildArrivals(btx *bolt.Tx) error {
	tx := &Tx{tx: btx}
	err := btx.Bucket(bucketUsers).ForEach(func(k, v []byte) error {
		var u User
		if json.Unmarshal(v, &u) != nil || len(u.Roles) > 0 {
			return nil
		}
		return tx.NoteOpened(u.ID, u.Source)
	})
	if err != nil {
		return fmt.Errorf("count arrivals: %w", err)
	}
	for _, bucket := range [][]byte{bucketDrafts, bucketApplications} {
		err := btx.Bucket(bucket).ForEach(func(k, v []byte) error {
			var app Application
			if json.Unmarshal(v, &app) != nil {
				return nil
			}
			return tx.noteApplication(app)
		})
		if err != nil {
			return fmt.Errorf("count arrivals: %w", err)
		}
	}
	return nil
}
