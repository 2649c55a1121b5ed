package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// HandledFor is how long an update's handled mark is kept. Telegram sends
// an unconfirmed update again for at most 24 hours; after a week with no
// updates it may reuse old ids, so marks must not be kept for ever.
const HandledFor = 48 * time.Hour

// HandleUpdate runs fn for the Telegram update updateID in one transaction
// that also marks the update as handled. An update already marked is not
// run again: it returns handled=false and no error. This is what makes
// redelivery after a crash harmless: Telegram sends again every update
// that was not confirmed, and the answers it carried are applied once.
//
// Updates are recognised by their mark alone, never by comparing ids:
// after a week of silence Telegram may number the next update below the
// last one.
//
// An error from fn is returned as it is, and nothing is kept. When the
// disk refuses the commit the error is a *StorageError and the update is
// not marked: it must not be confirmed to Telegram, and it is handled
// again once the disk works.
func (db *DB) HandleUpdate(updateID int, fn func(*Tx) error) (handled bool, err error) {
	key := itob(uint64(updateID))
	err = db.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketHandled)
		if b.Get(key) != nil {
			return errSkip // rolls back: nothing to write
		}
		if err := fn(&Tx{tx: tx}); err != nil {
			return err
		}
		handled = true
		return b.Put(key, itob(uint64(time.Now().Unix())))
	})
	if err == errSkip {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("handle update %d: %w", updateID, err)
	}
	return handled, nil
}

// errSkip ends a write transaction that found nothing to do: rolling back
// costs no write to disk, where an empty commit costs two syncs.
var errSkip = errors.New("nothing to do")

// Handled reports whether update updateID is marked as handled.
func (db *DB) Handled(updateID int) (bool, error) {
	handled := false
	err := db.View(func(tx *Tx) error {
		handled = tx.tx.Bucket(bucketHandled).Get(itob(uint64(updateID))) != nil
		return nil
	})
	return handled, err
}

// PruneHandled forgets the handled marks set before before, and reports
// how many it removed. Marks from a file older than their timestamps are
// stamped with now instead: they may belong to updates Telegram still
// holds.
func (db *DB) PruneHandled(before, now time.Time) (int, error) {
	var drop, stamp [][]byte
	removed := 0
	err := db.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketHandled)
		err := b.ForEach(func(k, v []byte) error {
			switch {
			case len(v) != 8:
				stamp = append(stamp, bytes.Clone(k))
			case int64(binary.BigEndian.Uint64(v)) < before.Unix():
				drop = append(drop, bytes.Clone(k))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range drop {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		for _, k := range stamp {
			if err := b.Put(k, itob(uint64(now.Unix()))); err != nil {
				return err
			}
		}
		removed = len(drop)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("prune handled updates: %w", err)
	}
	return removed, nil
}

// LastHandled is the newest handled mark: when the bot last handled an
// update (zero if never, or not since the marks were pruned).
func (db *DB) LastHandled() (time.Time, error) {
	var last int64
	err := db.View(func(tx *Tx) error {
		return tx.tx.Bucket(bucketHandled).ForEach(func(_, v []byte) error {
			if len(v) == 8 {
				last = max(last, int64(binary.BigEndian.Uint64(v)))
			}
			return nil
		})
	})
	if err != nil || last == 0 {
		return time.Time{}, err
	}
	return time.Unix(last, 0), nil
}
