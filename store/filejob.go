package store

import (
	"fmt"
	"time"
)

// FileJob is a workbook a staff member asked for, waiting to be made. The
// update that asked records which one (Kind, and Arg: the broadcast whose
// report it is) in its own transaction; the bot's file worker builds it
// afterwards in a read transaction and writes it outside any, then queues
// it and removes the job in one short write. A bot killed in between
// makes it again at its next start.
type FileJob struct {
	ID     uint64    `json:"-"`
	Kind   string    `json:"kind"`
	Arg    string    `json:"arg,omitempty"`
	ChatID int64     `json:"chat_id"`
	UserID int64     `json:"user_id"`
	Lang   string    `json:"lang"` // of the headers, hers
	At     time.Time `json:"at"`
}

// PutFileJob records a workbook for the file worker.
func (tx *Tx) PutFileJob(j FileJob) error {
	b := tx.tx.Bucket(bucketFileJobs)
	seq, err := b.NextSequence()
	if err != nil {
		return fmt.Errorf("file job: %w", err)
	}
	if err := put(b, itob(seq), j); err != nil {
		return fmt.Errorf("file job: %w", err)
	}
	return nil
}

// FileJobs returns the workbooks waiting, oldest first.
func (db *DB) FileJobs() ([]FileJob, error) {
	var out []FileJob
	err := db.View(func(tx *Tx) error {
		b := tx.tx.Bucket(bucketFileJobs)
		if b == nil {
			return nil // a read-only file of an older bot
		}
		return b.ForEach(func(k, v []byte) error {
			var j FileJob
			if err := unmarshal(v, &j); err != nil {
				return fmt.Errorf("file job %x: %w", k, err)
			}
			j.ID = btoi(k)
			out = append(out, j)
			return nil
		})
	})
	return out, err
}

// FinishFileJob removes a job whose file is queued.
func (tx *Tx) FinishFileJob(id uint64) error {
	if err := tx.tx.Bucket(bucketFileJobs).Delete(itob(id)); err != nil {
		return fmt.Errorf("finish file job %d: %w", id, err)
	}
	return nil
}
