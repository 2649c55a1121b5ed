package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
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
	// sequence (8 bytes) -> BackupRequest
	bucketBackupRequests = []byte("backup_requests")
	// user ID (decimal) -> Conversation: where she is in a dialogue
	bucketConversations = []byte("conversations")
	// user ID (decimal) -> Arrival: her way through stage I, for counts
	// (see buildArrivals)
	bucketArrivals = []byte("arrivals")
	// link name -> Link: staff's start links, one per source
	bucketLinks = []byte("links")
	// sequence (8 bytes) -> FileJob: a workbook to make and send
	bucketFileJobs = []byte("file_jobs")
	// staff member's ID -> Application she is entering on a woman's behalf
	// (see Entry)
	bucketEntries = []byte("entries")
)

// optionalBuckets are those a file of an older bot may lack when it is
// opened read-only (a writable open creates them); the code that reads
// them checks.
var optionalBuckets = [][]byte{bucketBackupRequests, bucketConversations, bucketRoles, bucketAppCategory, bucketOutboxByChat, bucketDead, bucketArrivals, bucketLinks, bucketFileJobs, bucketEntries}

var allBuckets = [][]byte{bucketMeta, bucketUsers, bucketDrafts, bucketApplications, bucketAppByUser, bucketAppCategory, bucketOutbox, bucketOutboxByChat, bucketDead, bucketHandled, bucketInvites, bucketScores, bucketEvents, bucketDue, bucketSent, bucketRSVP, bucketQuestions, bucketFAQ, bucketBroadcasts, bucketRecipients, bucketCandidacies, bucketReports, bucketViolations, bucketAudit, bucketRoles, bucketBackupRequests, bucketConversations, bucketArrivals, bucketLinks, bucketFileJobs, bucketEntries}

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
//
// A missing file is created whole under a temporary name and then put in
// place, so a crash during the very first start never leaves a half-made
// file behind. An existing file is checked before bbolt maps it (see
// filecheck.go): an empty, cut-off or garbled file gives ErrDamaged
// instead of a crash, and so does anything bbolt itself trips on while
// opening it and reading it for the first time. A file written by a newer
// bot gives ErrNewerSchema; one another process holds gives ErrLocked.
func Open(path string, opts Options) (*DB, error) {
	if opts.Timeout == 0 {
		opts.Timeout = 2 * time.Second
	}
	db, err := open(path, opts)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return db, nil
}

func open(path string, opts Options) (*DB, error) {
	_, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && !opts.ReadOnly:
		if err := create(path, opts.Timeout); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, err
	}
	m, err := precheck(path, opts)
	if err != nil {
		return nil, err
	}
	db, err := openBolt(path, opts)
	if err == nil && m.torn && !opts.ReadOnly {
		err = db.rewriteMeta()
	}
	return db, err
}

// rewriteMeta commits twice, so that both meta pages are written again:
// a meta page torn by a crash is then whole, and bbolt's check (which
// stops at a torn one) can run.
func (db *DB) rewriteMeta() error {
	for range 2 {
		if err := db.bolt.Update(func(*bolt.Tx) error { return nil }); err != nil {
			db.bolt.Close()
			return fmt.Errorf("rewrite the torn meta page: %w", err)
		}
	}
	return nil
}

// create makes a new, initialised database at path. If another process
// created one meanwhile, that one stays.
func create(path string, timeout time.Duration) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.new")
	if err != nil {
		return fmt.Errorf("create: %w", err)
	}
	name := tmp.Name()
	defer os.Remove(name)
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("create: %w", err)
	}
	b, err := bolt.Open(name, 0o600, &bolt.Options{Timeout: timeout})
	if err != nil {
		return fmt.Errorf("create: %w", err)
	}
	err = (&DB{bolt: b}).init()
	if cerr := b.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("create: %w", err)
	}
	if err := placeNew(name, path); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("create: %w", err)
	}
	return nil
}

// precheck checks the file's meta pages and page structure under the
// same lock bbolt takes next, so a bot writing it is reported as
// ErrLocked, not mistaken for damage.
func precheck(path string, opts Options) (fileMeta, error) {
	flag := os.O_RDWR
	if opts.ReadOnly {
		flag = os.O_RDONLY
	}
	f, err := os.OpenFile(path, flag, 0)
	if err != nil {
		return fileMeta{}, err
	}
	defer f.Close() // and the lock with it
	if err := lockFile(f, !opts.ReadOnly, opts.Timeout); err != nil {
		return fileMeta{}, err
	}
	info, err := f.Stat()
	if err != nil {
		return fileMeta{}, err
	}
	m, err := readMeta(f, info.Size())
	if err != nil {
		return fileMeta{}, err
	}
	return m, walkFile(f, m, true)
}

// openBolt opens the checked file with bbolt and reads it once (the
// schema; creating missing buckets when writable), all under guard.
func openBolt(path string, opts Options) (*DB, error) {
	var file *os.File // bbolt's own, to release its lock if bbolt panics
	bopts := &bolt.Options{Timeout: opts.Timeout, ReadOnly: opts.ReadOnly,
		OpenFile: func(name string, flag int, perm os.FileMode) (*os.File, error) {
			f, err := os.OpenFile(name, flag, perm)
			file = f
			return f, err
		}}
	var b *bolt.DB
	returned := false
	err := guard("bbolt could not open it", func() (err error) {
		b, err = bolt.Open(path, 0o600, bopts)
		returned = true
		return err
	})
	switch {
	case !returned:
		if file != nil {
			file.Close()
		}
		return nil, err
	case errors.Is(err, berrors.ErrTimeout):
		return nil, ErrLocked
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrVersionMismatch), errors.Is(err, berrors.ErrChecksum):
		return nil, damaged("%w", err)
	case err != nil:
		return nil, err
	}
	db := &DB{bolt: b, fault: opts.CommitFault}
	first := db.init
	if opts.ReadOnly {
		first = db.checkSchema
	}
	returned = false
	err = guard("bbolt could not read it", func() error {
		err := first()
		returned = true
		return err
	})
	switch {
	case !returned:
		// A panic may have left bbolt's locks taken: Close could hang.
		// Closing the file releases the lock on it; the rest is let go.
		file.Close()
		return nil, err
	case err != nil:
		b.Close()
		return nil, err
	}
	return db, nil
}

// init checks the schema version, creates the buckets missing, brings an
// older file up to date and builds the derived indexes it lacks. A file
// that needs none of it is only read: no commit at every start.
func (db *DB) init() error {
	current := false
	err := db.bolt.View(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil {
			if k, _ := tx.Cursor().First(); k != nil {
				return damaged("it holds bbolt data, but not mentorbot's (no %s bucket)", bucketMeta)
			}
			return nil
		}
		have, err := schemaOf(meta)
		if err != nil {
			return err
		}
		current = have == SchemaVersion
		for _, name := range allBuckets {
			current = current && tx.Bucket(name) != nil
		}
		current = current && applicationsIndexed(tx)
		return nil
	})
	if err != nil || current {
		return err
	}
	return db.update(func(tx *bolt.Tx) error {
		// The outbox's index by chat is derived: built for a file from
		// before it.
		reindex := tx.Bucket(bucketOutboxByChat) == nil
		// So are the arrivals' counts: built for a file from before them.
		countArrivals := tx.Bucket(bucketArrivals) == nil
		for _, name := range allBuckets {
			_, err := tx.CreateBucketIfNotExists(name)
			if errors.Is(err, berrors.ErrIncompatibleValue) {
				return damaged("a record named %s where its bucket should be", name)
			}
			if err != nil {
				return fmt.Errorf("create bucket %s: %w", name, err)
			}
		}
		if reindex {
			if err := indexOutbox(tx); err != nil {
				return err
			}
		}
		if countArrivals {
			if err := buildArrivals(tx); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		if meta.Get(metaSchema) == nil {
			return meta.Put(metaSchema, []byte(strconv.Itoa(SchemaVersion)))
		}
		have, err := schemaOf(meta)
		if err != nil {
			return err
		}
		if err := migrate(tx, have); err != nil {
			return err
		}
		return indexApplications(tx)
	})
}

// schemaOf reads the schema version, refusing one newer than this code.
// A new file has none yet: 0.
func schemaOf(meta *bolt.Bucket) (int, error) {
	v := meta.Get(metaSchema)
	if v == nil {
		return 0, nil
	}
	have, err := strconv.Atoi(string(v))
	if err != nil {
		return 0, damaged("schema version %q is not a number", v)
	}
	if have > SchemaVersion {
		return have, fmt.Errorf("schema %d, this bot knows %d: %w", have, SchemaVersion, ErrNewerSchema)
	}
	return have, nil
}

// checkSchema refuses a read-only file from a newer bot, or one that is
// not a mentorbot database at all, or lacks a bucket the code reads: a
// read-only open cannot create it, and reading it would panic.
func (db *DB) checkSchema() error {
	return db.bolt.View(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil {
			return damaged("it is not a mentorbot database (no %s bucket)", bucketMeta)
		}
		if _, err := schemaOf(meta); err != nil {
			return err
		}
		for _, name := range allBuckets {
			if tx.Bucket(name) == nil && !slices.ContainsFunc(optionalBuckets, func(o []byte) bool { return bytes.Equal(o, name) }) {
				return damaged("it has no %s bucket (a file of an older mentorbot gets it at the bot's next start)", name)
			}
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

// Check verifies the file's internal consistency and returns every
// problem found, joined, as ErrDamaged; then it checks the index of users
// by role against the users. It first walks the pages itself
// (as Open does), so that bbolt's own check, which runs in a goroutine of
// its own where a fault cannot be caught, only ever sees pages that exist.
//
// A file whose last commit's meta page a crash tore (a writable Open
// rewrites it; a read-only one cannot) is judged by the walk alone:
// bbolt's check stops at the torn page and would call the file damaged,
// though bbolt reads it whole from the meta page before.
func (db *DB) Check() error {
	return guard("bbolt's check failed", func() error {
		return db.bolt.View(func(tx *bolt.Tx) error {
			torn, err := db.walk(tx)
			if err != nil || torn {
				return err
			}
			var errs []error
			for err := range tx.Check() {
				errs = append(errs, err)
			}
			if len(errs) > 0 {
				return damaged("%w", errors.Join(errs...))
			}
			return checkRoleIndex(tx)
		})
	})
}

// walk checks the pages tx sees, and reports a torn meta page. The
// freelist is read from the file only when the meta page of tx is still
// there: two commits since tx began overwrite it, and a writable database
// holds its freelist in memory anyway.
func (db *DB) walk(tx *bolt.Tx) (torn bool, err error) {
	f, err := os.Open(db.Path())
	if err != nil {
		return false, fmt.Errorf("check: %w", err)
	}
	defer f.Close()
	pageSize := uint64(db.bolt.Info().PageSize)
	m := fileMeta{pageSize: pageSize, root: uint64(tx.Cursor().Bucket().Root()), hwm: uint64(tx.Size()) / pageSize, txid: uint64(tx.ID())}
	onDisk := false
	for slot := range int64(2) {
		buf := make([]byte, metaEnd)
		if _, err := f.ReadAt(buf, slot*int64(pageSize)); err != nil {
			return false, damaged("read meta page %d: %w", slot, err)
		}
		dm, err := parseMeta(buf)
		if err != nil {
			torn = true
		} else if dm.txid == m.txid && dm.root == m.root {
			m.freelist, onDisk = dm.freelist, true
		}
	}
	return torn, walkFile(f, m, onDisk)
}

func itob(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}

func btoi(b []byte) uint64 { return binary.BigEndian.Uint64(b) }

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
