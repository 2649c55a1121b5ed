package store

import (
	"strconv"

	bolt "go.etcd.io/bbolt"
)

// SetSchema writes a schema version into the file, as a newer (or older)
// bot would have.
func SetSchema(db *DB, v int) error {
	return db.bolt.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(metaSchema, []byte(strconv.Itoa(v)))
	})
}

// CreateSmall makes a new database at path with pages of pageSize bytes
// (bbolt takes the machine's page size otherwise): small seeds for the
// fuzz target.
func CreateSmall(path string, pageSize int) (*DB, error) {
	b, err := bolt.Open(path, 0o600, &bolt.Options{PageSize: pageSize})
	if err != nil {
		return nil, err
	}
	db := &DB{bolt: b}
	if err := db.init(); err != nil {
		b.Close()
		return nil, err
	}
	return db, nil
}
