package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// SchemaVersion is the layout of the file this code writes. Bump it, and add
// a step to migrations, whenever a bucket or a record changes incompatibly:
//
//   - 1: the first layout.
//   - 2: the index of users by role (bucket roles), built at Open.
const SchemaVersion = 2

// Bucket names. Keys are documented beside each.
var (
	bucketMeta         = []byte("meta")         // metaSchema, metaOffset
	bucketUsers        = []byte("users")        // user ID (decimal) -> User
	bucketDrafts       = []byte("drafts")       // user ID -> Application being filled in
	bucketApplications = []byte("applications") // code -> submitted Application
	bucketAppByUser    = []byte("app_by_user")  // user ID -> code
	bucketAppCategory  = []byte("app_category") // code -> category, an index (see indexApplications)
	bucketOutbox       = []byte("outbox")       // sequence (8 bytes, big endian) -> Pending
	bucketOutboxByChat = []byte("outbox_chat")  // chat ID (8 bytes) + sequence (8 bytes) -> empty
	bucketDead         = []byte("dead")         // sequence (8 bytes) -> DeadLetter
	bucketHandled      = []byte("handled")      // update ID (8 bytes, big endian) -> when handled (Unix seconds, 8 bytes)
	bucketInvites      = []byte("invites")      // invite code -> Invite
	bucketScores       = []byte("scores")       // application code + "|" + member ID -> Score
	bucketEvents       = []byte("events")       // event ID -> Event
	bucketDue          = []byte("due")          // time (ns, 8 bytes) + sequence (8 bytes) -> Due
	bucketSent         = []byte("sent")         // what + "|" + user ID -> empty: sent once
	bucketRSVP         = []byte("rsvp")         // event ID + "|" + user ID -> RSVP
	bucketQuestions    = []byte("questions")    // question ID (8 bytes, big endian) -> Question
	bucketFAQ          = []byte("faq")          // entry ID (8 bytes, big endian) -> FAQEntry
	bucketBroadcasts   = []byte("broadcasts")   // broadcast ID (8 bytes) -> Broadcast
	bucketRecipients   = []byte("recipients")   // broadcast ID (8 bytes) + user ID (8 bytes) -> Recipient
	bucketCandidacies  = []byte("candidacies")  // user ID -> Candidacy
	bucketReports      = []byte("reports")      // user ID (8 bytes) + version (8 bytes) -> ResultReport
	bucketViolations   = []byte("violations")   // ID (8 bytes) -> Violation
	bucketAudit        = []byte("audit")        // time (ns, 8 bytes) + sequence (8 bytes) -> AuditEntry
	bucketRoles        = []byte("roles")        // role + "|" + user ID (8 bytes, big endian) -> empty (schema 2)
)

var allBuckets = [][]byte{bucketMeta, bucketUsers, bucketDrafts, bucketApplications, bucketAppByUser, bucketAppCategory, bucketOutbox, bucketOutboxByChat, bucketDead, bucketHandled, bucketInvites, bucketScores, bucketEvents, bucketDue, bucketSent, bucketRSVP, bucketQuestions, bucketFAQ, bucketBroadcasts, bucketRecipients, bucketCandidacies, bucketReports, bucketViolations, bucketAudit, bucketRoles}

var (
	metaSchema    = []byte("schema_version")
	metaSelection = []byte("selection")
)

// Errors returned by the store.
var (
	// ErrLocked is returned by Open when another process holds the file.
	ErrLocked = errors.New("database is in use by another process")
	// ErrNotFound is returned when a record does not exist.
	ErrNotFound = errors.New("not found")
	// ErrNewerSchema is returned by Open for a file written by a newer bot.
	ErrNewerSchema = errors.New("database was written by a newer version of mentorbot")
)

// StorageError is a write the disk refused: it is full, the file is over
// its size limit, the file system is read-only or failing. Nothing of the
// transaction was saved. Most such faults pass (space is freed, the disk
// comes back), so callers retry later; Fatal tells the ones that do not.
type StorageError struct {
	Op  string // "begin" or "commit"
	Err error
}

func (e *StorageError) Error() string { return "storage " + e.Op + ": " + e.Err.Error() }
func (e *StorageError) Unwrap() error { return e.Err }

// Fatal reports whether the store can no longer commit at all: the file
// is closed or read-only, or bbolt could not map it again after growing
// it (its memory of the file is gone). Only a restart helps then. Every
// other refusal (ENOSPC, EFBIG, EDQUOT, EIO, ...) may pass; bbolt does not
// always keep the errno (a failed resize is only text), so the fatal ones
// are the ones named.
func (e *StorageError) Fatal() bool {
	return errors.Is(e.Err, berrors.ErrDatabaseNotOpen) || errors.Is(e.Err, berrors.ErrDatabaseReadOnly) ||
		errors.Is(e.Err, berrors.ErrTxClosed) || strings.Contains(e.Err.Error(), "mmap")
}

// IsStorage reports whether err is (or wraps) a *StorageError: the disk,
// not the code, failed.
func IsStorage(err error) bool {
	var se *StorageError
	return errors.As(err, &se)
}

// IsFatal reports whether err is a *StorageError after which the store
// can no longer commit.
func IsFatal(err error) bool {
	var se *StorageError
	return errors.As(err, &se) && se.Fatal()
}

// Options configure Open. The zero value is usable.
type Options struct {
	// Timeout is how long Open waits for another process's lock on the
	// file. Defaults to 2 seconds; bbolt's own default waits forever.
	Timeout time.Duration
	// ReadOnly opens the file for reading only (exports). It still needs
	// the file to be free: a running bot holds it exclusively.
	ReadOnly bool
	// CommitFault, for tests, is asked before each commit; an error it
	// returns fails the commit the way a full or failing disk does (a
	// *StorageError, nothing kept). Nil in production.
	CommitFault func() error
}

// DB is an open mentorbot database.
type DB struct {
	bolt  *bolt.DB
	fault func() error
}

// Open opens (creating if needed) the database file at path.
func Open(path string, opts Options) (*DB, error) {
	if opts.Timeout == 0 {
		opts.Timeout = 2 * time.Second
	}
	if opts.ReadOnly {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("open %s: %w", path, err)
		}
	}
	b, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: opts.Timeout, ReadOnly: opts.ReadOnly})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("open %s: %w", path, ErrLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db := &DB{bolt: b, fault: opts.CommitFault}
	check := db.init
	if opts.ReadOnly {
		check = db.checkSchema
	}
	if err := check(); err != nil {
		b.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return db, nil
}

// init creates the buckets and checks the schema version.
func (db *DB) init() error {
	return db.update(func(tx *bolt.Tx) error {
		// The outbox's index by chat is derived: built when a file from
		// before it is opened.
		reindex := tx.Bucket(bucketOutboxByChat) == nil
		for _, name := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("create bucket %s: %w", name, err)
			}
		}
		if reindex {
			if err := indexOutbox(tx); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		v := meta.Get(metaSchema)
		if v == nil {
			return meta.Put(metaSchema, []byte(strconv.Itoa(SchemaVersion)))
		}
		have, err := strconv.Atoi(string(v))
		if err != nil {
			return fmt.Errorf("read schema version %q: %w", v, err)
		}
		if have > SchemaVersion {
			return fmt.Errorf("schema %d, this bot knows %d: %w", have, SchemaVersion, ErrNewerSchema)
		}
		if err := migrate(tx, have); err != nil {
			return err
		}
		return indexApplications(tx)
	})
}

// checkSchema refuses a read-only file from a newer bot.
func (db *DB) checkSchema() error {
	return db.bolt.View(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil {
			return fmt.Errorf("%s is not a mentorbot database", db.Path())
		}
		if have, _ := strconv.Atoi(string(meta.Get(metaSchema))); have > SchemaVersion {
			return fmt.Errorf("schema %d, this bot knows %d: %w", have, SchemaVersion, ErrNewerSchema)
		}
		return nil
	})
}

// Close closes the file.
func (db *DB) Close() error { return db.bolt.Close() }

// Path is the file the database lives in.
func (db *DB) Path() string { return db.bolt.Path() }

// Tx is one transaction: the typed view of the buckets that the bot's
// handlers read and change. It is only valid inside the function it was
// passed to.
type Tx struct {
	tx *bolt.Tx
}

// View runs fn in a read-only transaction.
func (db *DB) View(fn func(*Tx) error) error {
	return db.bolt.View(func(tx *bolt.Tx) error { return fn(&Tx{tx: tx}) })
}

// Update runs fn in a read-write transaction; an error from fn rolls back
// and is returned as it is. When the disk refuses the commit, nothing of
// fn's changes is kept and the error is a *StorageError.
func (db *DB) Update(fn func(*Tx) error) error {
	return db.update(func(tx *bolt.Tx) error { return fn(&Tx{tx: tx}) })
}

// update is bbolt's Update, telling fn's errors from the commit's.
func (db *DB) update(fn func(*bolt.Tx) error) (err error) {
	tx, err := db.bolt.Begin(true)
	if err != nil {
		return &StorageError{Op: "begin", Err: err}
	}
	committed := false
	defer func() {
		if !committed {
			_ = tx.Rollback() // after a failed commit bbolt has rolled back already
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	if db.fault != nil {
		if err := db.fault(); err != nil {
			return &StorageError{Op: "commit", Err: err}
		}
	}
	if err := tx.Commit(); err != nil {
		committed = true // Commit rolls back itself when it fails
		return &StorageError{Op: "commit", Err: err}
	}
	committed = true
	return nil
}

// OnCommit runs fn once the transaction is committed, after its write
// lock is released; not at all if it rolls back. It is how the bot tells
// others about a change only when the change is really stored.
func (tx *Tx) OnCommit(fn func()) { tx.tx.OnCommit(fn) }

// Check verifies the file's internal consistency (bbolt's own check, and
// the index of users by role against the users) and returns every problem
// found, joined.
func (db *DB) Check() error {
	return db.bolt.View(func(tx *bolt.Tx) error {
		var errs []error
		for err := range tx.Check() {
			errs = append(errs, err)
		}
		return errors.Join(append(errs, checkRoleIndex(tx))...)
	})
}

func itob(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}

func idKey(id int64) []byte { return []byte(strconv.FormatInt(id, 10)) }

// get decodes the JSON record at key into v; ErrNotFound if absent.
func get(b *bolt.Bucket, key []byte, v any) error {
	data := b.Get(key)
	if data == nil {
		return ErrNotFound
	}
	return json.Unmarshal(data, v)
}

// put encodes v as JSON at key.
func put(b *bolt.Bucket, key []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, data)
}

func unmarshal(data []byte, v any) error { return json.Unmarshal(data, v) }

func isNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

// all decodes every record of a bucket, in key order. A record that
// cannot be decoded fails the whole read, naming its key.
func all[T any](tx *Tx, bucket []byte) ([]T, error) {
	var out []T
	err := tx.tx.Bucket(bucket).ForEach(func(k, v []byte) error {
		var rec T
		if err := unmarshal(v, &rec); err != nil {
			return fmt.Errorf("%s record %x: %w", bucket, k, err)
		}
		out = append(out, rec)
		return nil
	})
	return out, err
}
