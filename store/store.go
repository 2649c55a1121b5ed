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
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// SchemaVersion is the layout of the file this code writes. Bump it, and add
// a step to migrate, whenever a bucket or a record changes incompatibly.
const SchemaVersion = 1

// Bucket names. Keys are documented beside each.
var (
	bucketMeta         = []byte("meta")         // metaSchema, metaOffset
	bucketUsers        = []byte("users")        // user ID (decimal) -> User
	bucketDrafts       = []byte("drafts")       // user ID -> Application being filled in
	bucketApplications = []byte("applications") // code -> submitted Application
	bucketAppByUser    = []byte("app_by_user")  // user ID -> code
	bucketOutbox       = []byte("outbox")       // sequence (8 bytes, big endian) -> Outgoing
	bucketHandled      = []byte("handled")      // update ID (8 bytes, big endian) -> empty
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
	// sequence (8 bytes) -> BackupRequest
	bucketBackupRequests = []byte("backup_requests")
)

// optionalBuckets are those a file of an older bot may lack when it is
// opened read-only (a writable open creates them); the code that reads
// them checks.
var optionalBuckets = [][]byte{bucketBackupRequests}

var allBuckets = [][]byte{bucketMeta, bucketUsers, bucketDrafts, bucketApplications, bucketAppByUser, bucketOutbox, bucketHandled, bucketInvites, bucketScores, bucketEvents, bucketDue, bucketSent, bucketRSVP, bucketQuestions, bucketFAQ, bucketBroadcasts, bucketRecipients, bucketCandidacies, bucketReports, bucketViolations, bucketAudit, bucketBackupRequests}

var (
	metaSchema    = []byte("schema_version")
	metaOffset    = []byte("next_update_offset")
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

// Options configure Open. The zero value is usable.
type Options struct {
	// Timeout is how long Open waits for another process's lock on the
	// file. Defaults to 2 seconds; bbolt's own default waits forever.
	Timeout time.Duration
	// ReadOnly opens the file for reading only (exports). It still needs
	// the file to be free: a running bot holds it exclusively.
	ReadOnly bool
}

// DB is an open mentorbot database.
type DB struct {
	bolt *bolt.DB
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
	db := &DB{bolt: b}
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

// init checks the schema version and creates the buckets missing. A file
// that already has them all is only read: no commit at every start.
func (db *DB) init() error {
	complete := false
	err := db.bolt.View(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil {
			if k, _ := tx.Cursor().First(); k != nil {
				return damaged("it holds bbolt data, but not mentorbot's (no %s bucket)", bucketMeta)
			}
			return nil
		}
		if _, err := schemaOf(meta); err != nil {
			return err
		}
		complete = meta.Get(metaSchema) != nil
		for _, name := range allBuckets {
			complete = complete && tx.Bucket(name) != nil
		}
		return nil
	})
	if err != nil || complete {
		return err
	}
	return db.bolt.Update(func(tx *bolt.Tx) error {
		for _, name := range allBuckets {
			_, err := tx.CreateBucketIfNotExists(name)
			if errors.Is(err, berrors.ErrIncompatibleValue) {
				return damaged("a record named %s where its bucket should be", name)
			}
			if err != nil {
				return fmt.Errorf("create bucket %s: %w", name, err)
			}
		}
		meta := tx.Bucket(bucketMeta)
		if meta.Get(metaSchema) == nil {
			return meta.Put(metaSchema, []byte(strconv.Itoa(SchemaVersion)))
		}
		return nil
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

// Update runs fn in a read-write transaction; an error from fn rolls back.
func (db *DB) Update(fn func(*Tx) error) error {
	return db.bolt.Update(func(tx *bolt.Tx) error { return fn(&Tx{tx: tx}) })
}

// Check verifies the file's internal consistency and returns every
// problem found, joined, as ErrDamaged. It first walks the pages itself
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
			return nil
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
