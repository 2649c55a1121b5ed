package store

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Backups are named for the moment they were taken, in UTC whatever the
// server's zone (the Z says so), so that names sort by time:
// mentorbot-20270301T030000Z.db. A second backup in the same second gets
// _2, _3, ... after the Z, which still sorts after the first. While being
// written and checked, a backup has a hidden name ending in .partial that
// no listing of backups counts.
const (
	backupPrefix  = "mentorbot-"
	backupLayout  = "20060102T150405Z"
	backupExt     = ".db"
	partialPrefix = ".mentorbot-"
	partialExt    = ".partial"
)

// BackupName is the file name of the n-th backup (from 1) taken in the
// second of at.
func BackupName(at time.Time, n int) string {
	name := backupPrefix + at.UTC().Format(backupLayout)
	if n > 1 {
		name += "_" + strconv.Itoa(n)
	}
	return name + backupExt
}

// parseBackupName reads a name BackupName made; ok is false for any other.
func parseBackupName(name string) (at time.Time, n int, ok bool) {
	stem, found := strings.CutPrefix(name, backupPrefix)
	stem, ext := strings.CutSuffix(stem, backupExt)
	if !found || !ext || len(stem) < len(backupLayout) {
		return time.Time{}, 0, false
	}
	at, err := time.Parse(backupLayout, stem[:len(backupLayout)])
	if err != nil {
		return time.Time{}, 0, false
	}
	n = 1
	if rest := stem[len(backupLayout):]; rest != "" {
		digits, under := strings.CutPrefix(rest, "_")
		if n, err = strconv.Atoi(digits); !under || err != nil || n < 2 {
			return time.Time{}, 0, false
		}
	}
	return at, n, true
}

// Backup writes a checked copy of the database into dir, named for at
// (BackupName), and deletes the oldest complete backups beyond keep (none
// when keep < 1). It returns the new file's path.
//
// The copy is made in a read transaction, so the bot goes on answering;
// it is written under a temporary name, synced, opened and checked (the
// page structure, bbolt's consistency check, the schema) and only then
// given its name. A crash at any moment leaves either a complete backup
// or a .partial file that CleanBackups removes; never a cut-off file
// under a backup's name. Names are never reused: a second backup in the
// same second gets the next number.
func (db *DB) Backup(dir string, keep int, at time.Time) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("backup: %w", err)
	}
	tmp, err := db.writeChecked(dir, partialPrefix+at.UTC().Format(backupLayout)+"-*"+backupExt+partialExt)
	if err != nil {
		return "", fmt.Errorf("backup into %s: %w", dir, err)
	}
	for n := 1; ; n++ {
		path := filepath.Join(dir, BackupName(at, n))
		err := placeNew(tmp, path)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			os.Remove(tmp)
			return "", fmt.Errorf("backup to %s: %w", path, err)
		}
		return path, pruneBackups(dir, keep)
	}
}

// BackupTo writes a checked copy of the database to path, which must not
// exist: the copy is made beside it under a temporary name, synced and
// checked, then named path, as Backup does.
func (db *DB) BackupTo(path string) error {
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("backup to %s: %w", path, fs.ErrExist)
	}
	tmp, err := db.writeChecked(filepath.Dir(path), "."+filepath.Base(path)+".*"+partialExt)
	if err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	if err := placeNew(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}

// writeChecked copies the database, as one read transaction sees it, to
// a new file in dir named by pattern (os.CreateTemp), syncs it and checks
// the copy. It returns the copy's path; on failure it leaves nothing.
func (db *DB) writeChecked(dir, pattern string) (string, error) {
	f, err := os.CreateTemp(dir, pattern) // mode 0600: it holds personal data
	if err != nil {
		return "", err
	}
	name := f.Name()
	requests := false
	err = db.bolt.View(func(tx *bolt.Tx) error {
		for _, name := range workerBuckets {
			if b := tx.Bucket(name); b != nil && b.Stats().KeyN > 0 {
				requests = true
			}
		}
		_, err := tx.WriteTo(f)
		return err
	})
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && requests {
		err = dropBackupRequests(name)
	}
	if err == nil {
		err = CheckFile(name)
	}
	if err != nil {
		os.Remove(name)
		return "", err
	}
	return name, nil
}

// workerBuckets hold the requests of the bot's workers (backups to make,
// workbooks to send): a copy carries none of them.
var workerBuckets = [][]byte{bucketBackupRequests, bucketFileJobs}

// dropBackupRequests empties the requests carried in a copy: a bot
// restored from it must not make copies or send files nobody asked of it.
func dropBackupRequests(path string) error {
	db, err := Open(path, Options{})
	if err != nil {
		return err
	}
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		for _, name := range workerBuckets {
			if err := tx.DeleteBucket(name); err != nil {
				return err
			}
			if _, err := tx.CreateBucket(name); err != nil {
				return err
			}
		}
		return nil
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	return err
}

// CheckFile opens the database file at path read-only and checks it: its
// page structure, bbolt's consistency check and its schema. It returns nil
// for a sound file, ErrDamaged or ErrNewerSchema otherwise.
func CheckFile(path string) error {
	db, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		return err
	}
	err = db.Check()
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	return err
}

// placeNew gives the complete file tmp the name path, never replacing a
// file already there (fs.ErrExist then: tmp stays), and syncs the
// directory so the name survives a power cut.
func placeNew(tmp, path string) error {
	err := os.Link(tmp, path)
	switch {
	case errors.Is(err, fs.ErrExist):
		return err
	case err != nil:
		// A file system without hard links: look, then rename.
		if _, serr := os.Lstat(path); serr == nil {
			return fs.ErrExist
		}
		if err := os.Rename(tmp, path); err != nil {
			return err
		}
	default:
		if err := os.Remove(tmp); err != nil {
			return err
		}
	}
	return syncDir(filepath.Dir(path))
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// legacyBackupLayout is how backups were named before they were checked
// (mentorbot-20270301-030000.db, in UTC or, for /backup, in Bishkek
// time). Such a file may be cut off: it never counts as a backup to keep,
// and goes once keep checked ones are newer.
const legacyBackupLayout = "20060102-150405"

// backupFile is a complete backup found in a directory.
type backupFile struct {
	name string
	at   time.Time
	n    int
}

// listBackups returns the complete backups in dir, oldest first, and the
// names of legacy ones. Other files, partial ones included, are not
// backups.
func listBackups(dir string) (complete []backupFile, legacy []string, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, err
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		if at, n, ok := parseBackupName(e.Name()); ok {
			complete = append(complete, backupFile{name: e.Name(), at: at, n: n})
		} else if stem, ok := strings.CutPrefix(strings.TrimSuffix(e.Name(), backupExt), backupPrefix); ok && strings.HasSuffix(e.Name(), backupExt) {
			if _, err := time.Parse(legacyBackupLayout, stem); err == nil {
				legacy = append(legacy, e.Name())
			}
		}
	}
	slices.SortFunc(complete, func(a, b backupFile) int {
		return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.n, b.n))
	})
	return complete, legacy, nil
}

// pruneBackups keeps the newest keep complete backups in dir; legacy
// ones go once there are keep complete ones.
func pruneBackups(dir string, keep int) error {
	if keep < 1 {
		return nil
	}
	complete, legacy, err := listBackups(dir)
	if err != nil {
		return fmt.Errorf("prune backups: %w", err)
	}
	if len(complete) < keep {
		legacy = nil
	}
	for _, b := range complete[:max(0, len(complete)-keep)] {
		legacy = append(legacy, b.name)
	}
	for _, name := range legacy {
		// Another backup pruning at the same moment may have been first.
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("prune backups: %w", err)
		}
	}
	return nil
}

// CleanBackups removes from dir the partial files that backups killed
// midway left behind, and returns how many. The bot calls it at start,
// before it makes any backup. A missing dir has none.
func CleanBackups(dir string) (removed int, err error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("clean backups: %w", err)
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, partialPrefix) || !strings.HasSuffix(name, partialExt) || !e.Type().IsRegular() {
			continue
		}
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, fmt.Errorf("clean backups: %w", err)
		}
		removed++
	}
	return removed, nil
}

// BackupRequest is a staff member's /backup waiting for its copy. It is
// recorded in the update's transaction; the copy is made afterwards, in a
// read transaction, by the bot's backup worker, which then removes the
// request and queues the file in one short write transaction. A bot
// killed in between makes the copy again at its next start.
type BackupRequest struct {
	ID     uint64    `json:"-"`
	ChatID int64     `json:"chat_id"`
	UserID int64     `json:"user_id"`
	Lang   string    `json:"lang"` // of the caption, hers
	At     time.Time `json:"at"`
}

// RequestBackup records a /backup for the worker.
func (tx *Tx) RequestBackup(r BackupRequest) error {
	b := tx.tx.Bucket(bucketBackupRequests)
	seq, err := b.NextSequence()
	if err != nil {
		return fmt.Errorf("request backup: %w", err)
	}
	if err := put(b, itob(seq), r); err != nil {
		return fmt.Errorf("request backup: %w", err)
	}
	return nil
}

// BackupRequests returns the requests waiting, oldest first.
func (db *DB) BackupRequests() ([]BackupRequest, error) {
	var out []BackupRequest
	err := db.View(func(tx *Tx) error {
		return tx.tx.Bucket(bucketBackupRequests).ForEach(func(k, v []byte) error {
			var r BackupRequest
			if err := unmarshal(v, &r); err != nil {
				return fmt.Errorf("backup request %x: %w", k, err)
			}
			r.ID = btoi(k)
			out = append(out, r)
			return nil
		})
	})
	return out, err
}

// FinishBackupRequest removes a request whose copy is queued (or whose
// failure is told).
func (tx *Tx) FinishBackupRequest(id uint64) error {
	return tx.tx.Bucket(bucketBackupRequests).Delete(itob(id))
}
