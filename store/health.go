package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"time"
)

// Health is how the bot is doing, as its database shows it: what
// `mentorbot status` and staff's /status report. Every figure is read in
// one transaction, so they agree with each other.
type Health struct {
	Schema int
	// LastUpdate is the newest update handled and LastHandledAt when it
	// was handled (zero if none is remembered: marks go after 48 hours).
	LastUpdate    int
	LastHandledAt time.Time
	// Outbox counts the messages waiting, by lane.
	Outbox      map[Lane]int
	DeadLetters int
	// Broadcasts are those running or paused.
	Broadcasts []Broadcast
	// NextDue are the first due items (reminders, greetings, ...).
	NextDue []Due
	// LastBackup is the newest complete backup in the backup directory,
	// "" if none (or no directory was given).
	LastBackup   string
	LastBackupAt time.Time
}

// healthDue is how many coming due items Health lists.
const healthDue = 5

// Health reads the bot's health in a transaction of its own. backupDir,
// if not "", is where its backups are.
func (db *DB) Health(backupDir string) (Health, error) {
	var h Health
	err := db.View(func(tx *Tx) (err error) {
		h, err = tx.Health(backupDir)
		return err
	})
	return h, err
}

// Health reads the bot's health in tx: for staff's /status, which runs
// inside the transaction of the update that asked. backupDir, if not "",
// is where its backups are.
func (tx *Tx) Health(backupDir string) (Health, error) {
	h := Health{Outbox: map[Lane]int{}}
	err := func() error {
		meta := tx.tx.Bucket(bucketMeta)
		if meta != nil {
			schema, err := schemaOf(meta)
			if err != nil {
				return err
			}
			h.Schema = schema
		}
		if err := tx.tx.Bucket(bucketHandled).ForEach(func(k, v []byte) error {
			if len(k) != 8 || len(v) != 8 {
				return nil
			}
			// Update IDs may jump back after a long silence: the last one
			// handled is the newest mark, the highest ID among equals.
			at, id := time.Unix(int64(binary.BigEndian.Uint64(v)), 0), int(binary.BigEndian.Uint64(k))
			switch {
			case at.After(h.LastHandledAt):
				h.LastHandledAt, h.LastUpdate = at, id
			case at.Equal(h.LastHandledAt):
				h.LastUpdate = max(h.LastUpdate, id)
			}
			return nil
		}); err != nil {
			return err
		}
		if err := tx.tx.Bucket(bucketOutbox).ForEach(func(k, v []byte) error {
			var p Pending
			if err := unmarshal(v, &p); err != nil {
				return fmt.Errorf("outbox item %d: %w", binary.BigEndian.Uint64(k), err)
			}
			h.Outbox[p.Outgoing.InLane()]++
			return nil
		}); err != nil {
			return err
		}
		var err error
		if _, h.DeadLetters, err = tx.DeadLettersPage(0, 0); err != nil {
			return err
		}
		all, err := tx.Broadcasts()
		if err != nil {
			return err
		}
		for _, b := range all {
			if b.Status == BroadcastRunning || b.Status == BroadcastPaused {
				h.Broadcasts = append(h.Broadcasts, b)
			}
		}
		c := tx.tx.Bucket(bucketDue).Cursor()
		for k, v := c.First(); k != nil && len(h.NextDue) < healthDue; k, v = c.Next() {
			var d Due
			if err := unmarshal(v, &d); err != nil {
				return fmt.Errorf("due item: %w", err)
			}
			h.NextDue = append(h.NextDue, d)
		}
		return nil
	}()
	if err != nil {
		return h, fmt.Errorf("health: %w", err)
	}
	if backupDir != "" {
		complete, _, err := listBackups(backupDir)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return h, fmt.Errorf("health: backups: %w", err)
		}
		if n := len(complete); n > 0 {
			h.LastBackup, h.LastBackupAt = complete[n-1].name, complete[n-1].at
		}
	}
	return h, nil
}
