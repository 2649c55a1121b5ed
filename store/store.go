package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
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
	bucketAppCategory  = []byte("app_category") // code -> category, an index (see indexApplications)
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
)

var allBuckets = [][]byte{bucketMeta, bucketUsers, bucketDrafts, bucketApplications, bucketAppByUser, bucketAppCategory, bucketOutbox, bucketHandled, bucketInvites, bucketScores, bucketEvents, bucketDue, bucketSent, bucketRSVP, bucketQuestions, bucketFAQ, bucketBroadcasts, bucketRecipients, bucketCandidacies, bucketReports, bucketViolations, bucketAudit}

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
	db := &DB{bolt: b}
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
	return db.bolt.Update(func(tx *bolt.Tx) error {
		for _, name := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("create bucket %s: %w", name, err)
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

// Update runs fn in a read-write transaction; an error from fn rolls back.
func (db *DB) Update(fn func(*Tx) error) error {
	return db.bolt.Update(func(tx *bolt.Tx) error { return fn(&Tx{tx: tx}) })
}

// Check verifies the file's internal consistency (bbolt's own check) and
// returns every problem found, joined.
func (db *DB) Check() error {
	return db.bolt.View(func(tx *bolt.Tx) error {
		var errs []error
		for err := range tx.Check() {
			errs = append(errs, err)
		}
		return errors.Join(errs...)
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
