package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"time"
)

// BroadcastStatus is where a broadcast stands.
type BroadcastStatus string

// Statuses of a broadcast.
const (
	BroadcastDraft     BroadcastStatus = "draft"     // staff are still writing it
	BroadcastScheduled BroadcastStatus = "scheduled" // it starts at ScheduledAt
	BroadcastRunning   BroadcastStatus = "running"
	BroadcastPaused    BroadcastStatus = "paused"
	BroadcastCancelled BroadcastStatus = "cancelled"
	BroadcastDone      BroadcastStatus = "done"
)

// Broadcast is an announcement from staff to an audience, each recipient
// in her language.
type Broadcast struct {
	ID        int               `json:"id"`
	CreatedBy int64             `json:"created_by"`
	CreatedAt time.Time         `json:"created_at"`
	Text      map[string]string `json:"text"` // by language
	// Media is a photo or document sent with the text as its caption.
	Media       *Media          `json:"media,omitempty"`
	Audience    string          `json:"audience,omitempty"`
	Status      BroadcastStatus `json:"status"`
	ScheduledAt time.Time       `json:"scheduled_at,omitzero"`
	StartedAt   time.Time       `json:"started_at,omitzero"`
	FinishedAt  time.Time       `json:"finished_at,omitzero"`
	// The staff member's progress message, edited as the broadcast runs.
	ProgressChat      int64 `json:"progress_chat,omitempty"`
	ProgressMessageID int   `json:"progress_message_id,omitempty"`
	Total             int   `json:"total,omitempty"`
	// What became of the recipients so far, kept as they settle so that
	// progress and the end are known without reading every recipient.
	Sent    int `json:"sent,omitempty"`
	Blocked int `json:"blocked,omitempty"`
	Failed  int `json:"failed,omitempty"`
	// ProgressAt is when the progress message was last edited, and
	// ProgressShown the number of settled recipients it showed.
	ProgressAt    time.Time `json:"progress_at,omitzero"`
	ProgressShown int       `json:"progress_shown,omitempty"`
}

// Settled is how many recipients have an outcome.
func (b Broadcast) Settled() int { return b.Sent + b.Blocked + b.Failed }

// TextFor is the version for a language, or the other one when staff
// chose to send one version to everyone.
func (b Broadcast) TextFor(lang string) string {
	if t := b.Text[lang]; t != "" {
		return t
	}
	for _, t := range b.Text {
		if t != "" {
			return t
		}
	}
	return ""
}

// RecipientState is where one recipient of a broadcast is.
type RecipientState string

// States of a recipient.
const (
	RecipientPending RecipientState = "pending" // not in the outbox: paused, or not started
	RecipientQueued  RecipientState = "queued"  // her copy waits in the outbox
	// RecipientInFlight is what an older bot wrote while sending; it is
	// read as pending.
	RecipientInFlight RecipientState = "in_flight"
	RecipientSent     RecipientState = "sent"
	RecipientBlocked  RecipientState = "blocked" // she blocked the bot, or her account is gone
	RecipientFailed   RecipientState = "failed"
)

// Recipient is one person a broadcast goes to.
type Recipient struct {
	BroadcastID int            `json:"broadcast_id"`
	UserID      int64          `json:"user_id"`
	Language    string         `json:"language"`
	State       RecipientState `json:"state"`
	Attempts    int            `json:"attempts,omitempty"`
	Error       string         `json:"error,omitempty"`
	At          time.Time      `json:"at,omitzero"`
	// Seq is her copy's place in the outbox while she is queued.
	Seq uint64 `json:"seq,omitempty"`
}

// Unsent reports whether the recipient still waits for her copy.
func (r Recipient) Unsent() bool {
	return r.State == RecipientPending || r.State == RecipientQueued || r.State == RecipientInFlight
}

// PutBroadcast saves a broadcast; a new one (ID 0) gets the next number.
func (tx *Tx) PutBroadcast(b Broadcast) (Broadcast, error) {
	bucket := tx.tx.Bucket(bucketBroadcasts)
	if b.ID == 0 {
		seq, err := bucket.NextSequence()
		if err != nil {
			return b, fmt.Errorf("number a broadcast: %w", err)
		}
		b.ID = int(seq)
	}
	if err := put(bucket, itob(uint64(b.ID)), b); err != nil {
		return b, fmt.Errorf("save broadcast %d: %w", b.ID, err)
	}
	return b, nil
}

// Broadcast returns broadcast id, or ErrNotFound.
func (tx *Tx) Broadcast(id int) (Broadcast, error) {
	var b Broadcast
	if err := get(tx.tx.Bucket(bucketBroadcasts), itob(uint64(id)), &b); err != nil {
		return Broadcast{}, fmt.Errorf("broadcast %d: %w", id, err)
	}
	return b, nil
}

// Broadcasts returns every broadcast, oldest first.
func (tx *Tx) Broadcasts() ([]Broadcast, error) { return all[Broadcast](tx, bucketBroadcasts) }

func recipientKey(broadcast int, user int64) []byte {
	k := make([]byte, 16)
	binary.BigEndian.PutUint64(k, uint64(broadcast))
	binary.BigEndian.PutUint64(k[8:], uint64(user))
	return k
}

// PutRecipient saves a recipient's state.
func (tx *Tx) PutRecipient(r Recipient) error {
	if err := put(tx.tx.Bucket(bucketRecipients), recipientKey(r.BroadcastID, r.UserID), r); err != nil {
		return fmt.Errorf("save recipient %d of broadcast %d: %w", r.UserID, r.BroadcastID, err)
	}
	return nil
}

// Recipients returns the recipients of a broadcast, by user ID.
func (tx *Tx) Recipients(broadcast int) ([]Recipient, error) {
	var out []Recipient
	c := tx.tx.Bucket(bucketRecipients).Cursor()
	prefix := itob(uint64(broadcast))
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		var r Recipient
		if err := unmarshal(v, &r); err != nil {
			return nil, fmt.Errorf("recipient of broadcast %d: %w", broadcast, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// NextRecipients returns up to n recipients still to send, in user ID
// order, starting after user after (0 for the beginning). Recipients are
// sent in that order, so those a crash left in flight come first.
func (tx *Tx) NextRecipients(broadcast int, after int64, n int) ([]Recipient, error) {
	var out []Recipient
	c := tx.tx.Bucket(bucketRecipients).Cursor()
	prefix := itob(uint64(broadcast))
	for k, v := c.Seek(recipientKey(broadcast, after+1)); k != nil && bytes.HasPrefix(k, prefix) && len(out) < n; k, v = c.Next() {
		var r Recipient
		if err := unmarshal(v, &r); err != nil {
			return nil, fmt.Errorf("recipient of broadcast %d: %w", broadcast, err)
		}
		if r.State == RecipientPending || r.State == RecipientInFlight {
			out = append(out, r)
		}
	}
	return out, nil
}

// Recipient returns one recipient of a broadcast, or ErrNotFound.
func (tx *Tx) Recipient(broadcast int, user int64) (Recipient, error) {
	var r Recipient
	if err := get(tx.tx.Bucket(bucketRecipients), recipientKey(broadcast, user), &r); err != nil {
		return r, fmt.Errorf("recipient %d of broadcast %d: %w", user, broadcast, err)
	}
	return r, nil
}

// QueueRecipients puts the copies of broadcast b for every recipient
// not yet sent and not queued into the outbox's bulk lane, and reports
// how many it queued.
func (tx *Tx) QueueRecipients(b Broadcast, at time.Time) (int, error) {
	rs, err := tx.Recipients(b.ID)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range rs {
		if r.State != RecipientPending && r.State != RecipientInFlight {
			continue
		}
		seqs, err := tx.enqueue(at, Outgoing{Kind: KindMessage, ChatID: r.UserID, Lane: LaneBulk, Broadcast: b.ID, Lang: r.Language})
		if err != nil {
			return n, err
		}
		r.State, r.Seq = RecipientQueued, seqs[0]
		if err := tx.PutRecipient(r); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// UnqueueRecipients takes broadcast b's copies still waiting out of the
// outbox (a pause or a cancel): their recipients are pending again.
func (tx *Tx) UnqueueRecipients(b Broadcast) (int, error) {
	rs, err := tx.Recipients(b.ID)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range rs {
		if r.State != RecipientQueued {
			continue
		}
		if err := tx.unqueue(r.UserID, r.Seq); err != nil {
			return n, err
		}
		r.State, r.Seq = RecipientPending, 0
		if err := tx.PutRecipient(r); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// SettleRecipient records the outcome of a broadcast copy on its
// recipient and on the broadcast's counts, and returns the broadcast.
// A copy that settles after its broadcast was paused (it was on its way)
// counts too. An outcome already recorded is not counted twice.
func (tx *Tx) SettleRecipient(o Outcome) (Broadcast, error) {
	m := o.Outgoing
	b, err := tx.Broadcast(m.Broadcast)
	if err != nil {
		return b, err
	}
	r, err := tx.Recipient(m.Broadcast, m.ChatID)
	if isNotFound(err) {
		return b, nil
	}
	if err != nil || !r.Unsent() {
		return b, err
	}
	r.At, r.Seq, r.Attempts = o.At, 0, o.Attempts
	switch o.Result {
	case Sent:
		r.State = RecipientSent
		b.Sent++
	case Blocked:
		r.State, r.Error = RecipientBlocked, o.Reason
		b.Blocked++
	default:
		r.State, r.Error = RecipientFailed, o.Reason
		b.Failed++
	}
	if err := tx.PutRecipient(r); err != nil {
		return b, err
	}
	return tx.PutBroadcast(b)
}

// RecountRecipients sets broadcast b's counts from its recipients: for a
// broadcast an older bot was sending, which kept no counts.
func (tx *Tx) RecountRecipients(b Broadcast) (Broadcast, error) {
	rs, err := tx.Recipients(b.ID)
	if err != nil {
		return b, err
	}
	b.Total, b.Sent, b.Blocked, b.Failed = len(rs), 0, 0, 0
	for _, r := range rs {
		switch r.State {
		case RecipientSent:
			b.Sent++
		case RecipientBlocked:
			b.Blocked++
		case RecipientFailed:
			b.Failed++
		}
	}
	return tx.PutBroadcast(b)
}

// RetryFailed makes broadcast b's failed recipients pending again, for
// "send again to those not reached", and reports how many.
func (tx *Tx) RetryFailed(b Broadcast) (Broadcast, int, error) {
	rs, err := tx.Recipients(b.ID)
	if err != nil {
		return b, 0, err
	}
	n := 0
	for _, r := range rs {
		if r.State != RecipientFailed {
			continue
		}
		r.State, r.Error = RecipientPending, ""
		if err := tx.PutRecipient(r); err != nil {
			return b, n, err
		}
		n++
	}
	b.Failed -= n
	return b, n, nil
}
