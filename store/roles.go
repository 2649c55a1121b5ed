package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// The index of users by role (schema 2) lets a notice to staff, a queue
// or the participants read the few people it is for, instead of decoding
// all 10 000 women who ever wrote. Its keys are the role, roleSep and the
// user ID (8 bytes, big endian); its values are empty. PutUser keeps it in
// step with the users bucket, in the same transaction, and it is the only
// code that writes users.

// roleSep ends the role in an index key; no role contains it.
const roleSep = '|'

// roleKey is the index key of user id under role.
func roleKey(role Role, id int64) []byte {
	k := make([]byte, 0, len(role)+1+8)
	k = append(append(k, role...), roleSep)
	return binary.BigEndian.AppendUint64(k, uint64(id))
}

// rolePrefix is the start of every index key of role.
func rolePrefix(role Role) []byte { return append([]byte(role), roleSep) }

// storedRoles are the roles of the JSON user record data (nil: no record).
func storedRoles(data []byte) ([]Role, error) {
	if data == nil {
		return nil, nil
	}
	var rec struct {
		Roles []Role `json:"roles"`
	}
	if err := unmarshal(data, &rec); err != nil {
		return nil, err
	}
	return rec.Roles, nil
}

// reindexRoles moves user id in the index from the roles she had to the
// roles she has.
func reindexRoles(index *bolt.Bucket, id int64, had, has []Role) error {
	for _, r := range had {
		if !slices.Contains(has, r) {
			if err := index.Delete(roleKey(r, id)); err != nil {
				return fmt.Errorf("unindex role %s of user %d: %w", r, id, err)
			}
		}
	}
	for _, r := range has {
		if !slices.Contains(had, r) {
			if err := index.Put(roleKey(r, id), nil); err != nil {
				return fmt.Errorf("index role %s of user %d: %w", r, id, err)
			}
		}
	}
	return nil
}

// UsersWithRole returns the users who hold role, by ID.
func (tx *Tx) UsersWithRole(role Role) ([]User, error) { return tx.UsersWithRoles(role) }

// UsersWithRoles returns the users who hold any of roles, each once, by ID.
// It reads only them: the index of users by role names them. On a file of
// schema 1 opened read-only, which has no index yet, it reads everyone.
func (tx *Tx) UsersWithRoles(roles ...Role) ([]User, error) {
	index := tx.tx.Bucket(bucketRoles)
	if index == nil {
		return tx.scanRoles(roles)
	}
	var ids []int64
	c := index.Cursor()
	for _, role := range roles {
		prefix := rolePrefix(role)
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			if len(k) == len(prefix)+8 {
				ids = append(ids, int64(binary.BigEndian.Uint64(k[len(prefix):])))
			}
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	users := make([]User, 0, len(ids))
	for _, id := range ids {
		u, err := tx.User(id)
		if errors.Is(err, ErrNotFound) {
			continue // a stale entry; Check reports it
		}
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(roles, u.HasRole) {
			users = append(users, u)
		}
	}
	return users, nil
}

// scanRoles is UsersWithRoles without the index: it decodes everyone.
func (tx *Tx) scanRoles(roles []Role) ([]User, error) {
	users, err := tx.Users()
	return slices.DeleteFunc(users, func(u User) bool { return !slices.ContainsFunc(roles, u.HasRole) }), err
}

// indexRoles builds the index of users by role: the migration of a file
// from schema 1 to 2. A record that cannot be decoded is left out, as it
// was left out of every list before: the bot cannot read that user either.
func indexRoles(tx *bolt.Tx) error {
	index := tx.Bucket(bucketRoles)
	return tx.Bucket(bucketUsers).ForEach(func(k, v []byte) error {
		var u struct {
			ID    int64  `json:"id"`
			Roles []Role `json:"roles"`
		}
		if err := unmarshal(v, &u); err != nil {
			return nil
		}
		return reindexRoles(index, u.ID, nil, u.Roles)
	})
}

// checkRoleIndex reports where the index of users by role and the users
// bucket disagree.
func checkRoleIndex(tx *bolt.Tx) error {
	index := tx.Bucket(bucketRoles)
	if index == nil {
		return nil // schema 1, read-only: UsersWithRoles scans
	}
	want := map[string]bool{}
	err := tx.Bucket(bucketUsers).ForEach(func(k, v []byte) error {
		var u User
		if unmarshal(v, &u) != nil {
			return nil
		}
		for _, r := range u.Roles {
			want[string(roleKey(r, u.ID))] = true
		}
		return nil
	})
	if err != nil {
		return err
	}
	var errs []error
	err = index.ForEach(func(k, _ []byte) error {
		if !want[string(k)] {
			errs = append(errs, fmt.Errorf("role index has %q, which no user holds", k))
		}
		delete(want, string(k))
		return nil
	})
	for _, k := range slices.Sorted(maps.Keys(want)) {
		errs = append(errs, fmt.Errorf("role index misses %q", k))
	}
	return errors.Join(append(errs, err)...)
}
