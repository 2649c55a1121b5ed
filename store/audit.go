package store

import (
	"encoding/binary"
	"fmt"
	"time"
)

// AuditEntry is one staff action: who, what, when. Detail holds the
// command's arguments or the button's data, never a message's text.
type AuditEntry struct {
	At     time.Time `json:"at"`
	UserID int64     `json:"user_id"`
	Action string    `json:"action"`
	Detail string    `json:"detail,omitempty"`
}

// Audit records a staff action.
func (tx *Tx) Audit(e AuditEntry) error {
	b := tx.tx.Bucket(bucketAudit)
	seq, err := b.NextSequence()
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	key := make([]byte, 16)
	binary.BigEndian.PutUint64(key, uint64(e.At.UnixNano()))
	binary.BigEndian.PutUint64(key[8:], seq)
	if err := put(b, key, e); err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// AuditLog returns the newest n entries, newest first.
func (tx *Tx) AuditLog(n int) ([]AuditEntry, error) {
	var out []AuditEntry
	c := tx.tx.Bucket(bucketAudit).Cursor()
	for k, v := c.Last(); k != nil && len(out) < n; k, v = c.Prev() {
		var e AuditEntry
		if err := unmarshal(v, &e); err != nil {
			return nil, fmt.Errorf("audit entry: %w", err)
		}
		out = append(out, e)
	}
	return out, nil
}
