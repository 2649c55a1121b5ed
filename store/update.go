package store

import (
	"encoding/binary"
	"fmt"
	"strconv"

	bolt "go.etcd.io/bbolt"
)

// HandleUpdate runs fn for the Telegram update updateID in one transaction
// that also marks the update as handled. An update already marked is not
// run again: it returns handled=false and no error. This is what makes
// redelivery after a crash harmless: Telegram sends again every update whose
// offset was not confirmed, and the answers it carried are applied once.
func (db *DB) HandleUpdate(updateID int, fn func(*Tx) error) (handled bool, err error) {
	key := itob(uint64(updateID))
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketHandled)
		if b.Get(key) != nil || updateID < offset(tx) {
			return nil
		}
		if err := fn(&Tx{tx: tx}); err != nil {
			return err
		}
		handled = true
		return b.Put(key, nil)
	})
	if err != nil {
		return false, fmt.Errorf("handle update %d: %w", updateID, err)
	}
	return handled, nil
}

// Offset is the getUpdates offset to ask Telegram for next: one past the
// last update confirmed. Zero on a new file.
func (db *DB) Offset() (int, error) {
	var off int
	err := db.bolt.View(func(tx *bolt.Tx) error {
		off = offset(tx)
		return nil
	})
	return off, err
}

func offset(tx *bolt.Tx) int {
	v := tx.Bucket(bucketMeta).Get(metaOffset)
	if v == nil {
		return 0
	}
	n, _ := strconv.Atoi(string(v))
	return n
}

// SetOffset records that every update below off has been handled and may be
// confirmed to Telegram, and forgets the handled marks below it: Telegram
// never sends those again once the offset is confirmed.
func (db *DB) SetOffset(off int) error {
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		if off <= offset(tx) {
			return nil
		}
		if err := tx.Bucket(bucketMeta).Put(metaOffset, []byte(strconv.Itoa(off))); err != nil {
			return err
		}
		c := tx.Bucket(bucketHandled).Cursor()
		for k, _ := c.First(); k != nil && binary.BigEndian.Uint64(k) < uint64(off); k, _ = c.First() {
			if err := c.Delete(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("set update offset %d: %w", off, err)
	}
	return nil
}
