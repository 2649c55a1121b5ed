package store

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// EventKind says what an event of the programme is.
type EventKind string

// Kinds of events.
const (
	EventMeeting  EventKind = "meeting"  // an online meeting: reminders with a link, RSVP, attendance
	EventGreeting EventKind = "greeting" // a message sent on a date, such as for 8 March
	EventSession  EventKind = "session"  // an in-person or online session: reminders, no link needed
	EventElection EventKind = "election" // election day: candidates get the day's buttons in the morning
)

// Event is one dated thing in the school's programme. Times are UTC.
type Event struct {
	ID       string            `json:"id"`
	Kind     EventKind         `json:"kind"`
	Title    map[string]string `json:"title"`          // by language: "ky", "ru"
	Text     map[string]string `json:"text,omitempty"` // a greeting's message, by language
	At       time.Time         `json:"at"`
	Duration time.Duration     `json:"duration,omitempty"`
	Link     string            `json:"link,omitempty"`
	Audience string            `json:"audience"` // see schedule.ParseAudience
	// Remind lists how long before At the audience is reminded.
	Remind    []time.Duration `json:"remind,omitempty"`
	Cancelled bool            `json:"cancelled,omitempty"`
	// Planned is the attendance staff planned, 0 when none was set: the
	// programme's report gives who came as a share of it, as the
	// organisation reports to its donor ("101% of planned attendance").
	Planned int `json:"planned,omitempty"`
	// Version grows with every move, so reminders planned for an older
	// time are recognised and dropped.
	Version int `json:"version"`
	// Source is "config" for events from the programme in the config
	// file, "chat" for those staff added in the chat.
	Source string `json:"source"`
	// ConfigHash is the config's definition last applied, so an edited
	// file updates the event and an unchanged one leaves staff's moves.
	ConfigHash string    `json:"config_hash,omitempty"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Ends is when the event is over.
func (e Event) Ends() time.Time { return e.At.Add(e.Duration) }

// PutEvent saves an event.
func (tx *Tx) PutEvent(e Event) error {
	if err := put(tx.tx.Bucket(bucketEvents), []byte(e.ID), e); err != nil {
		return fmt.Errorf("save event %s: %w", e.ID, err)
	}
	return nil
}

// Event returns the event with the given ID, or ErrNotFound.
func (tx *Tx) Event(id string) (Event, error) {
	var e Event
	if err := get(tx.tx.Bucket(bucketEvents), []byte(id), &e); err != nil {
		return Event{}, fmt.Errorf("event %s: %w", id, err)
	}
	return e, nil
}

// Events returns every event, by time.
func (tx *Tx) Events() ([]Event, error) {
	events, err := all[Event](tx, bucketEvents)
	slices.SortStableFunc(events, func(a, b Event) int { return a.At.Compare(b.At) })
	return events, err
}

// DueKind is what a due item does when its time comes.
type DueKind string

// Kinds of due items.
const (
	DueReminder DueKind = "reminder" // remind the audience of an event
	DueGreeting DueKind = "greeting" // send a greeting
	DueFollowUp DueKind = "followup" // ask whether they attended, and how it was
	// DueQuestions announces new questions; EventID holds the queue's kind.
	// Questions that arrive together are announced in one digest.
	DueQuestions DueKind = "questions"
	// DueBroadcast starts a scheduled broadcast; EventID holds its ID.
	DueBroadcast DueKind = "broadcast"
	// DueElection writes to every registered candidate on election morning.
	DueElection DueKind = "election"
	// DueFinish reminds a woman to finish her form; EventID holds her user
	// ID, At is her draft's Nudges.NextAt.
	DueFinish DueKind = "finish"
)

// Due is work that must happen at a time: kept in the store because
// cron forgets what fell due while the bot was down.
type Due struct {
	Key     []byte        `json:"-"`
	At      time.Time     `json:"at"`
	Kind    DueKind       `json:"kind"`
	EventID string        `json:"event_id"`
	Version int           `json:"version"`
	Before  time.Duration `json:"before,omitempty"` // a reminder's distance from the event
}

// PlanDue stores a due item.
func (tx *Tx) PlanDue(d Due) error {
	b := tx.tx.Bucket(bucketDue)
	seq, err := b.NextSequence()
	if err != nil {
		return fmt.Errorf("plan %s of %s: %w", d.Kind, d.EventID, err)
	}
	// Keys sort by time: the time in nanoseconds, then a sequence.
	key := make([]byte, 16)
	binary.BigEndian.PutUint64(key, uint64(d.At.UnixNano()))
	binary.BigEndian.PutUint64(key[8:], seq)
	if err := put(b, key, d); err != nil {
		return fmt.Errorf("plan %s of %s: %w", d.Kind, d.EventID, err)
	}
	return nil
}

// DueUntil returns the items due at or before t, oldest first.
func (tx *Tx) DueUntil(t time.Time) ([]Due, error) {
	var items []Due
	c := tx.tx.Bucket(bucketDue).Cursor()
	limit := make([]byte, 8)
	binary.BigEndian.PutUint64(limit, uint64(t.UnixNano()))
	for k, v := c.First(); k != nil && bytes.Compare(k[:8], limit) <= 0; k, v = c.Next() {
		var d Due
		if err := unmarshal(v, &d); err != nil {
			return nil, fmt.Errorf("due item: %w", err)
		}
		d.Key = bytes.Clone(k)
		items = append(items, d)
	}
	return items, nil
}

// NextDue returns the time of the first due item, false if none: the
// first key of the due bucket, so the schedule can wake exactly then
// without reading any item.
func (db *DB) NextDue() (at time.Time, ok bool, err error) {
	err = db.View(func(tx *Tx) error {
		k, _ := tx.tx.Bucket(bucketDue).Cursor().First()
		if k == nil {
			return nil
		}
		if len(k) < 8 {
			return fmt.Errorf("due item key %x is too short", k)
		}
		at, ok = time.Unix(0, int64(binary.BigEndian.Uint64(k[:8]))).UTC(), true
		return nil
	})
	if err != nil {
		return time.Time{}, false, fmt.Errorf("next due item: %w", err)
	}
	return at, ok, nil
}

// DropDue removes a due item that was done or is obsolete.
func (tx *Tx) DropDue(d Due) error { return tx.tx.Bucket(bucketDue).Delete(d.Key) }

// DropDueAt removes the items of kind for eventID planned at exactly at:
// one the caller knows the time of but not the key, such as a reminder
// replanned at every answer. It reads only the items of that nanosecond.
// Those can be thousands (every woman's reminder to finish at 10:00 on
// the same day), so an item is decoded only when its bytes hold eventID
// as PlanDue encoded it: decoding them all doubled the CPU of a form
// answer under load.
func (tx *Tx) DropDueAt(at time.Time, kind DueKind, eventID string) error {
	b := tx.tx.Bucket(bucketDue)
	prefix := make([]byte, 8)
	binary.BigEndian.PutUint64(prefix, uint64(at.UnixNano()))
	quoted, err := json.Marshal(eventID)
	if err != nil {
		return fmt.Errorf("drop %s of %s: %w", kind, eventID, err)
	}
	needle := append([]byte(`"event_id":`), quoted...)
	var drop [][]byte // deleted after the walk: a cursor's Delete can skip the next key
	c := b.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if !bytes.Contains(v, needle) {
			continue
		}
		var d Due
		if err := unmarshal(v, &d); err != nil {
			return fmt.Errorf("due item: %w", err)
		}
		if d.Kind == kind && d.EventID == eventID {
			drop = append(drop, bytes.Clone(k))
		}
	}
	for _, k := range drop {
		if err := b.Delete(k); err != nil {
			return fmt.Errorf("drop %s of %s: %w", kind, eventID, err)
		}
	}
	return nil
}

// MarkSent records that something was sent to userID under key, and
// reports whether it is the first time: what makes a reminder go out at
// most once per person, whatever restarts and moves happen.
func (tx *Tx) MarkSent(key string, userID int64) (first bool, err error) {
	k := []byte(key + "|" + strconv.FormatInt(userID, 10))
	b := tx.tx.Bucket(bucketSent)
	if b.Get(k) != nil {
		return false, nil
	}
	return true, b.Put(k, nil)
}

// RSVP is one person's answers about one event.
type RSVP struct {
	EventID string `json:"event_id"`
	UserID  int64  `json:"user_id"`
	// Coming is "yes" or "no" from the reminder's buttons, "" if unanswered.
	Coming string `json:"coming,omitempty"`
	// Attended is "yes" or "no" from the follow-up, "" if unanswered.
	Attended  string    `json:"attended,omitempty"`
	Rating    int       `json:"rating,omitempty"` // 1–5
	Comment   string    `json:"comment,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`
}

func rsvpKey(eventID string, userID int64) []byte {
	return []byte(eventID + "|" + strconv.FormatInt(userID, 10))
}

// RSVP returns a person's answers about an event (empty if none).
func (tx *Tx) RSVP(eventID string, userID int64) (RSVP, error) {
	var r RSVP
	err := get(tx.tx.Bucket(bucketRSVP), rsvpKey(eventID, userID), &r)
	if errors.Is(err, ErrNotFound) {
		return RSVP{EventID: eventID, UserID: userID}, nil
	}
	return r, err
}

// PutRSVP saves a person's answers about an event.
func (tx *Tx) PutRSVP(r RSVP) error {
	if err := put(tx.tx.Bucket(bucketRSVP), rsvpKey(r.EventID, r.UserID), r); err != nil {
		return fmt.Errorf("save answer about %s: %w", r.EventID, err)
	}
	return nil
}

// RSVPs returns everyone's answers about an event.
func (tx *Tx) RSVPs(eventID string) ([]RSVP, error) {
	var out []RSVP
	c := tx.tx.Bucket(bucketRSVP).Cursor()
	prefix := []byte(eventID + "|")
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		var r RSVP
		if err := unmarshal(v, &r); err != nil {
			return nil, fmt.Errorf("answer about %s: %w", eventID, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// Users returns everyone who has written to the bot, by ID.
func (tx *Tx) Users() ([]User, error) {
	users, err := all[User](tx, bucketUsers)
	slices.SortFunc(users, func(a, b User) int { return cmp.Compare(a.ID, b.ID) })
	return users, err
}
