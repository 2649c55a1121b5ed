package store

import (
	"fmt"
	"strconv"

	bolt "go.etcd.io/bbolt"
)

// migrations[v] brings a file of schema v to schema v+1. They run in the
// transaction that opens the file for writing, so a crash halfway leaves
// the file as it was, and the next start migrates it again.
var migrations = map[int]func(*bolt.Tx) error{
	1: indexRoles,
}

// migrate brings a file of schema have up to SchemaVersion. A read-only
// open does not migrate: the code reading an older file copes without
// what the migration adds (see UsersWithRoles).
func migrate(tx *bolt.Tx, have int) error {
	if have == SchemaVersion {
		return nil
	}
	for v := have; v < SchemaVersion; v++ {
		step, ok := migrations[v]
		if !ok {
			return fmt.Errorf("no way to migrate schema %d to %d", v, v+1)
		}
		if err := step(tx); err != nil {
			return fmt.Errorf("migrate schema %d to %d: %w", v, v+1, err)
		}
	}
	return tx.Bucket(bucketMeta).Put(metaSchema, []byte(strconv.Itoa(SchemaVersion)))
}
