package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"time"
)

// OutgoingKind says what Telegram call an Outgoing becomes.
type OutgoingKind string

// Kinds of outgoing messages.
const (
	KindMessage  OutgoingKind = "message"  // a new text message
	KindEdit     OutgoingKind = "edit"     // replace the text and buttons of MessageID; with no Text, only the buttons
	KindCallback OutgoingKind = "callback" // answer a button tap (stops its spinner), optionally with a toast
	KindDocument OutgoingKind = "document" // a file
	KindMedia    OutgoingKind = "media"    // a photo, voice, video or file sent again by its file_id, Text as caption
	KindPhoto    OutgoingKind = "photo"    // a picture the bot made (Document holds the PNG), Text as caption
)

// Outgoing is one message the bot owes someone. Handlers queue them in the
// same transaction as the change they report, so a reply is never lost to
// a crash; the outbox is then delivered in order, at Telegram's pace.
type Outgoing struct {
	Kind   OutgoingKind `json:"kind"`
	ChatID int64        `json:"chat_id"`
	Text   string       `json:"text,omitempty"`
	// Buttons is an inline keyboard, row by row.
	Buttons [][]Button `json:"buttons,omitempty"`
	// ContactButton, when set, shows a reply keyboard with one button
	// that shares her phone number, labelled with this text.
	ContactButton string `json:"contact_button,omitempty"`
	// RemoveKeyboard hides a reply keyboard shown earlier.
	RemoveKeyboard bool   `json:"remove_keyboard,omitempty"`
	MessageID      int    `json:"message_id,omitempty"`  // KindEdit
	CallbackID     string `json:"callback_id,omitempty"` // KindCallback
	Document       *File  `json:"document,omitempty"`    // KindDocument
	Media          *Media `json:"media,omitempty"`       // KindMedia
}

// Button is one inline button: a label and the data Telegram sends back.
type Button struct {
	Text string `json:"text"`
	Data string `json:"data"`
}

// File is a document to send: held in full (exports are small), or, for
// a large file such as a backup, named by its path on disk so the outbox
// does not carry a copy of the database inside the database.
type File struct {
	Name string `json:"name"`
	Data []byte `json:"data,omitempty"`
	Path string `json:"path,omitempty"`
}

// Pending is an Outgoing waiting in the outbox.
type Pending struct {
	Seq      uint64    `json:"-"`
	Outgoing Outgoing  `json:"outgoing"`
	Queued   time.Time `json:"queued"`
	Attempts int       `json:"attempts,omitempty"`
}

// Enqueue adds messages to the outbox, to be delivered after the
// transaction commits.
func (tx *Tx) Enqueue(at time.Time, msgs ...Outgoing) error {
	b := tx.tx.Bucket(bucketOutbox)
	for _, m := range msgs {
		seq, err := b.NextSequence()
		if err != nil {
			return fmt.Errorf("enqueue for chat %d: %w", m.ChatID, err)
		}
		if err := put(b, itob(seq), Pending{Outgoing: m, Queued: at}); err != nil {
			return fmt.Errorf("enqueue for chat %d: %w", m.ChatID, err)
		}
	}
	return nil
}

// Outbox returns up to limit messages waiting for delivery, oldest first.
func (db *DB) Outbox(limit int) ([]Pending, error) {
	var out []Pending
	err := db.View(func(tx *Tx) error {
		c := tx.tx.Bucket(bucketOutbox).Cursor()
		for k, v := c.First(); k != nil && len(out) < limit; k, v = c.Next() {
			var p Pending
			if err := unmarshal(v, &p); err != nil {
				return fmt.Errorf("outbox item %d: %w", binary.BigEndian.Uint64(k), err)
			}
			p.Seq = binary.BigEndian.Uint64(k)
			out = append(out, p)
		}
		return nil
	})
	return out, err
}

// Delivered removes a delivered (or given up) message from the outbox.
func (db *DB) Delivered(seq uint64) error {
	return db.Update(func(tx *Tx) error { return tx.tx.Bucket(bucketOutbox).Delete(itob(seq)) })
}

// Retry records a failed attempt at delivering p, keeping it queued.
func (db *DB) Retry(p Pending) error {
	p.Attempts++
	return db.Update(func(tx *Tx) error {
		b := tx.tx.Bucket(bucketOutbox)
		if b.Get(itob(p.Seq)) == nil {
			return nil
		}
		return put(b, itob(p.Seq), p)
	})
}

// dropOutgoing removes every queued message to chatID. Keys are collected
// first: deleting under a bbolt cursor makes its Next skip an item.
func (tx *Tx) dropOutgoing(chatID int64) error {
	b := tx.tx.Bucket(bucketOutbox)
	var drop [][]byte
	err := b.ForEach(func(k, v []byte) error {
		var p Pending
		if err := unmarshal(v, &p); err != nil {
			return err
		}
		if p.Outgoing.ChatID == chatID {
			drop = append(drop, bytes.Clone(k))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("drop outbox of chat %d: %w", chatID, err)
	}
	for _, k := range drop {
		if err := b.Delete(k); err != nil {
			return fmt.Errorf("drop outbox of chat %d: %w", chatID, err)
		}
	}
	return nil
}
