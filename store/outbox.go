package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
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
	// KindMenu sets the command menu of ChatID's own chat to Commands, in
	// Lang's words; with no Commands it deletes that chat's menu, so she
	// sees the default menu again. It is not a message in her chat: the
	// outbox keeps menus in a queue of their own beside her messages, so
	// a menu that fails never holds up her replies.
	KindMenu OutgoingKind = "menu"
)

// Lane is how urgent an outgoing message is. The outbox sends the most
// urgent lane first, under one pace for all of them, so a woman's next
// question never waits behind a broadcast.
type Lane uint8

// Lanes, most urgent first. The zero value means "not set": the answer
// to a tap goes in LaneTap, anything else in LaneReply.
const (
	LaneUnset  Lane = iota
	LaneTap         // the answer to a button tap: not a message, never waits
	LaneReply       // a reply to the person who just wrote
	LaneNotice      // a notice to someone else: a queue, staff, results
	LaneBulk        // broadcasts, reminders, digests
)

// Lanes is every lane, most urgent first.
var Lanes = []Lane{LaneTap, LaneReply, LaneNotice, LaneBulk}

// String names the lane for logs and /status.
func (l Lane) String() string {
	switch l {
	case LaneTap:
		return "tap"
	case LaneReply:
		return "reply"
	case LaneNotice:
		return "notice"
	case LaneBulk:
		return "bulk"
	}
	return "unset"
}

// Outgoing is one message the bot owes someone. Handlers queue them in the
// same transaction as the change they report, so a reply is never lost to
// a crash; the outbox then delivers them, in order within each chat.
type Outgoing struct {
	Kind   OutgoingKind `json:"kind"`
	ChatID int64        `json:"chat_id"`
	Text   string       `json:"text,omitempty"`
	// Buttons is an inline keyboard, row by row.
	Buttons [][]Button `json:"buttons,omitempty"`
	// ContactButton, when set, shows a reply keyboard with one button
	// that shares her phone number, labelled with this text.
	ContactButton string `json:"contact_button,omitempty"`
	// KeyboardBack, with ContactButton, puts beside it a button that
	// sends this text (the dialogue engine's Back, typed).
	KeyboardBack string `json:"keyboard_back,omitempty"`
	// RemoveKeyboard hides a reply keyboard shown earlier.
	RemoveKeyboard bool   `json:"remove_keyboard,omitempty"`
	MessageID      int    `json:"message_id,omitempty"`  // KindEdit
	CallbackID     string `json:"callback_id,omitempty"` // KindCallback
	Document       *File  `json:"document,omitempty"`    // KindDocument
	Media          *Media `json:"media,omitempty"`       // KindMedia
	// Commands is the command menu of KindMenu.
	Commands []MenuCommand `json:"commands,omitempty"`
	// Lane is how urgent it is; see Lane.
	Lane Lane `json:"lane,omitempty"`
	// Broadcast, when set, makes this one recipient's copy of that
	// broadcast: the text (and media) in Lang are read from the broadcast
	// when the message is loaded, so a broadcast to thousands is not
	// stored thousands of times, and its outcome is the recipient's.
	Broadcast int    `json:"broadcast,omitempty"`
	Lang      string `json:"lang,omitempty"`
	// FailNote, when set, is sent to the same chat if this message can
	// never be delivered: "the file could not be sent", in her language.
	FailNote string `json:"fail_note,omitempty"`
}

// InLane is the lane the message goes in, the default applied.
func (m Outgoing) InLane() Lane {
	switch {
	case m.Kind == KindCallback:
		return LaneTap
	case m.Lane == LaneUnset:
		return LaneReply
	}
	return m.Lane
}

// IsSend reports whether the message is a new message in the chat (what
// Telegram's per-chat limit counts), not an edit or a tap's answer.
func (m Outgoing) IsSend() bool {
	return m.Kind != KindEdit && m.Kind != KindCallback && m.Kind != KindMenu
}

// MenuCommand is one line of a command menu: the command without its
// slash, and what it does in a few words.
type MenuCommand struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// Button is one inline button: a label and the data Telegram sends back,
// or a label and a link.
type Button struct {
	Text string `json:"text"`
	Data string `json:"data"`
	// URL makes it a link button (a meeting's "Join"): a tap opens the
	// address, and no Data comes back.
	URL string `json:"url,omitempty"`
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

func chatSeqKey(chat int64, seq uint64) []byte {
	k := make([]byte, 16)
	binary.BigEndian.PutUint64(k, uint64(chat))
	binary.BigEndian.PutUint64(k[8:], seq)
	return k
}

// Enqueue adds messages to the outbox, to be delivered after the
// transaction commits.
func (tx *Tx) Enqueue(at time.Time, msgs ...Outgoing) error {
	_, err := tx.enqueue(at, msgs...)
	return err
}

// enqueue is Enqueue, returning the sequence numbers given.
func (tx *Tx) enqueue(at time.Time, msgs ...Outgoing) ([]uint64, error) {
	b := tx.tx.Bucket(bucketOutbox)
	byChat := tx.tx.Bucket(bucketOutboxByChat)
	seqs := make([]uint64, 0, len(msgs))
	for _, m := range msgs {
		seq, err := b.NextSequence()
		if err != nil {
			return nil, fmt.Errorf("enqueue for chat %d: %w", m.ChatID, err)
		}
		if err := put(b, itob(seq), Pending{Outgoing: m, Queued: at}); err != nil {
			return nil, fmt.Errorf("enqueue for chat %d: %w", m.ChatID, err)
		}
		if err := byChat.Put(chatSeqKey(m.ChatID, seq), nil); err != nil {
			return nil, fmt.Errorf("enqueue for chat %d: %w", m.ChatID, err)
		}
		seqs = append(seqs, seq)
	}
	return seqs, nil
}

// Outbox returns up to limit messages waiting for delivery, oldest first.
func (db *DB) Outbox(limit int) ([]Pending, error) { return db.OutboxAfter(0, limit) }

// OutboxAfter returns up to limit messages waiting for delivery whose
// sequence number is above after, oldest first: the outbox reads what
// was queued since it last looked without reading everything again.
// A broadcast's copies come with their text and media filled in.
func (db *DB) OutboxAfter(after uint64, limit int) ([]Pending, error) {
	var out []Pending
	err := db.View(func(tx *Tx) error {
		c := tx.tx.Bucket(bucketOutbox).Cursor()
		broadcasts := map[int]Broadcast{}
		for k, v := c.Seek(itob(after + 1)); k != nil && len(out) < limit; k, v = c.Next() {
			p, err := tx.pending(k, v, broadcasts)
			if err != nil {
				return err
			}
			out = append(out, p)
		}
		return nil
	})
	return out, err
}

// pending decodes one outbox item, filling in a broadcast copy's text
// from the broadcast (cached in broadcasts for the rest of the read).
func (tx *Tx) pending(k, v []byte, broadcasts map[int]Broadcast) (Pending, error) {
	var p Pending
	if err := unmarshal(v, &p); err != nil {
		return p, fmt.Errorf("outbox item %d: %w", binary.BigEndian.Uint64(k), err)
	}
	p.Seq = binary.BigEndian.Uint64(k)
	m := &p.Outgoing
	if m.Broadcast == 0 || m.Text != "" || m.Media != nil {
		return p, nil
	}
	b, ok := broadcasts[m.Broadcast]
	if !ok {
		var err error
		if b, err = tx.Broadcast(m.Broadcast); err != nil && !isNotFound(err) {
			return p, err
		}
		broadcasts[m.Broadcast] = b
	}
	m.Text = b.TextFor(m.Lang)
	if b.Media != nil {
		m.Kind, m.Media = KindMedia, b.Media
	}
	return p, nil
}

// Queued reports whether the outbox still holds message seq: a handler
// may have dropped it (she blocked the bot, a broadcast was paused)
// after the outbox read it.
func (db *DB) Queued(seq uint64) (bool, error) {
	queued := false
	err := db.View(func(tx *Tx) error {
		queued = tx.tx.Bucket(bucketOutbox).Get(itob(seq)) != nil
		return nil
	})
	return queued, err
}

// OutboxDepth counts the messages waiting, by lane.
func (db *DB) OutboxDepth() (map[Lane]int, error) {
	depth := map[Lane]int{}
	err := db.View(func(tx *Tx) error {
		return tx.tx.Bucket(bucketOutbox).ForEach(func(k, v []byte) error {
			var p Pending
			if err := unmarshal(v, &p); err != nil {
				return fmt.Errorf("outbox item %d: %w", binary.BigEndian.Uint64(k), err)
			}
			depth[p.Outgoing.InLane()]++
			return nil
		})
	})
	return depth, err
}

// unqueue removes message seq of chat from the outbox, if it is there.
func (tx *Tx) unqueue(chat int64, seq uint64) error {
	if err := tx.tx.Bucket(bucketOutbox).Delete(itob(seq)); err != nil {
		return fmt.Errorf("remove outbox item %d: %w", seq, err)
	}
	if err := tx.tx.Bucket(bucketOutboxByChat).Delete(chatSeqKey(chat, seq)); err != nil {
		return fmt.Errorf("remove outbox item %d: %w", seq, err)
	}
	return nil
}

// dropOutgoing removes every queued message to chatID, through the
// outbox's index by chat; a broadcast's copy among them settles its
// recipient with result why. Keys are collected first: deleting under a
// bbolt cursor makes its Next skip an item.
func (tx *Tx) dropOutgoing(chatID int64, why Result) error {
	var seqs []uint64
	c := tx.tx.Bucket(bucketOutboxByChat).Cursor()
	prefix := itob(uint64(chatID))
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		seqs = append(seqs, binary.BigEndian.Uint64(k[8:]))
	}
	outbox := tx.tx.Bucket(bucketOutbox)
	for _, seq := range seqs {
		var p Pending
		if v := outbox.Get(itob(seq)); v != nil && unmarshal(v, &p) == nil && p.Outgoing.Broadcast != 0 {
			p.Seq = seq
			if _, err := tx.SettleRecipient(Outcome{Pending: p, Result: why}); err != nil {
				return fmt.Errorf("drop outbox of chat %d: %w", chatID, err)
			}
		}
		if err := tx.unqueue(chatID, seq); err != nil {
			return fmt.Errorf("drop outbox of chat %d: %w", chatID, err)
		}
	}
	return nil
}

// indexOutbox builds the outbox's index by chat for a file written
// before it existed.
func indexOutbox(tx *bolt.Tx) error {
	byChat := tx.Bucket(bucketOutboxByChat)
	return tx.Bucket(bucketOutbox).ForEach(func(k, v []byte) error {
		var p Pending
		if err := unmarshal(v, &p); err != nil {
			return fmt.Errorf("outbox item %x: %w", k, err)
		}
		return byChat.Put(chatSeqKey(p.Outgoing.ChatID, binary.BigEndian.Uint64(k)), nil)
	})
}

// Result is how an attempt to deliver a message ended for good.
type Result string

// Results of delivery.
const (
	// Sent: Telegram took it.
	Sent Result = "sent"
	// Dropped: Telegram refused something that does not matter any more
	// (an edit of a message she deleted, the answer to a tap too old).
	Dropped Result = "dropped"
	// Blocked: she blocked the bot; nothing more is sent to her.
	Blocked Result = "blocked"
	// Dead: it can never be delivered (refused for good, or still failing
	// after the horizon); kept as a dead letter for staff to see.
	Dead Result = "dead"
)

// Outcome is the end of one outbox item: what happened, and why.
type Outcome struct {
	Pending
	Result Result    `json:"result"`
	Reason string    `json:"reason,omitempty"` // the cause, for a dead letter: "telegram 400: Bad Request: chat not found"
	At     time.Time `json:"at"`
}

// DeadLetter is a message the outbox gave up on, kept for staff to see.
type DeadLetter = Outcome

// Settle records the end of one outbox item: it leaves the outbox; a dead
// letter is kept, with the message's FailNote queued to her chat; her
// blocking the bot is recorded, which drops her other messages too.
// It reports the sequence numbers of messages it queued (the fail note).
func (tx *Tx) Settle(o Outcome) (queued []uint64, err error) {
	m := o.Outgoing
	if err := tx.unqueue(m.ChatID, o.Seq); err != nil {
		return nil, err
	}
	if m.Broadcast != 0 {
		// A broadcast's copy: its outcome is its recipient's (the
		// broadcast's report lists those not reached; no dead letter).
		if _, err := tx.SettleRecipient(o); err != nil {
			return nil, err
		}
		if o.Result == Blocked {
			return nil, tx.SetBlocked(m.ChatID, true)
		}
		return nil, nil
	}
	switch o.Result {
	case Blocked:
		return nil, tx.SetBlocked(m.ChatID, true)
	case Dead:
		b := tx.tx.Bucket(bucketDead)
		seq, err := b.NextSequence()
		if err != nil {
			return nil, fmt.Errorf("dead letter: %w", err)
		}
		dead := o
		dead.Outgoing.Document = slimFile(dead.Outgoing.Document)
		if err := put(b, itob(seq), dead); err != nil {
			return nil, fmt.Errorf("dead letter: %w", err)
		}
		if m.FailNote != "" {
			return tx.enqueue(o.At, Outgoing{Kind: KindMessage, ChatID: m.ChatID, Text: m.FailNote, Lane: m.Lane})
		}
	}
	return nil, nil
}

// slimFile keeps a dead letter's file name, not its bytes.
func slimFile(f *File) *File {
	if f == nil {
		return nil
	}
	return &File{Name: f.Name, Path: f.Path}
}

// DeadLetters returns the newest n dead letters, newest first, and how
// many there are in all.
func (tx *Tx) DeadLetters(n int) ([]DeadLetter, int, error) { return tx.DeadLettersPage(0, n) }

// DeadLettersPage returns limit dead letters, newest first, after
// skipping offset of them, and how many there are in all.
func (tx *Tx) DeadLettersPage(offset, limit int) ([]DeadLetter, int, error) {
	var out []DeadLetter
	b := tx.tx.Bucket(bucketDead)
	c := b.Cursor()
	i := 0
	for k, v := c.Last(); k != nil && len(out) < limit; k, v = c.Prev() {
		if i++; i <= offset {
			continue
		}
		var d DeadLetter
		if err := unmarshal(v, &d); err != nil {
			return nil, 0, fmt.Errorf("dead letter %d: %w", binary.BigEndian.Uint64(k), err)
		}
		out = append(out, d)
	}
	return out, b.Stats().KeyN, nil
}
