package store_test

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/mentorbot/mentorbot/store"
)

// idsWithRoles lists the IDs UsersWithRoles returns, in its order.
func idsWithRoles(t *testing.T, db *store.DB, roles ...store.Role) []int64 {
	t.Helper()
	var ids []int64
	err := db.View(func(tx *store.Tx) error {
		users, err := tx.UsersWithRoles(roles...)
		for _, u := range users {
			ids = append(ids, u.ID)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func update(t *testing.T, db *store.DB, fn func(tx *store.Tx) error) {
	t.Helper()
	if err := db.Update(fn); err != nil {
		t.Fatal(err)
	}
}

// The index follows every way a user's roles change: saved with roles,
// roles taken away, erased by /forget; blocking keeps them. MustOpen's
// Check compares the index with the users at the end.
func TestUsersWithRole_FollowsEveryChange(t *testing.T) {
	db := MustOpen(t)
	put := func(id int64, roles ...store.Role) {
		t.Helper()
		update(t, db, func(tx *store.Tx) error {
			u, err := tx.User(id)
			if errors.Is(err, store.ErrNotFound) {
				u = store.User{ID: id, CreatedAt: now}
			}
			u.Roles = roles
			return tx.PutUser(u)
		})
	}
	put(300, store.RoleMentor)
	put(7, store.RoleMentor, store.RoleLawyer)
	put(1 << 40)
	put(20, store.RoleParticipant, store.RoleCandidate)
	put(5, store.RoleLawyer, store.RoleLawyer) // a doubled role is one entry
	put(1<<40+1, store.RoleMentor)

	if got, want := idsWithRoles(t, db, store.RoleMentor), []int64{7, 300, 1<<40 + 1}; !slices.Equal(got, want) {
		t.Errorf("mentors %v, want %v", got, want)
	}
	if got, want := idsWithRoles(t, db, store.RoleMentor, store.RoleLawyer, store.RoleHelper), []int64{5, 7, 300, 1<<40 + 1}; !slices.Equal(got, want) {
		t.Errorf("mentors, lawyers and helpers %v, want %v (each once, by ID)", got, want)
	}
	if got := idsWithRoles(t, db, store.RoleStaff); got != nil {
		t.Errorf("staff %v, want none", got)
	}

	put(7, store.RoleLawyer) // no longer a mentor
	put(20, store.RoleParticipant, store.RoleDeputy)
	if err := db.SetBlocked(300, true); err != nil {
		t.Fatal(err)
	}
	update(t, db, func(tx *store.Tx) error {
		_, err := tx.Forget(1<<40+1, now)
		return err
	})
	if got, want := idsWithRoles(t, db, store.RoleMentor), []int64{300}; !slices.Equal(got, want) {
		t.Errorf("mentors %v after the changes, want %v", got, want)
	}
	if got, want := idsWithRoles(t, db, store.RoleCandidate), []int64(nil); !slices.Equal(got, want) {
		t.Errorf("candidates %v, want none", got)
	}
	if got, want := idsWithRoles(t, db, store.RoleDeputy), []int64{20}; !slices.Equal(got, want) {
		t.Errorf("deputies %v, want %v", got, want)
	}
	var blocked store.User
	update(t, db, func(tx *store.Tx) error {
		users, err := tx.UsersWithRole(store.RoleMentor)
		if len(users) == 1 {
			blocked = users[0]
		}
		return err
	})
	if !blocked.Blocked || blocked.ID != 300 {
		t.Errorf("UsersWithRole gave %+v, want user 300 as stored, blocked", blocked)
	}
}

// A change rolled back leaves the index as it was.
func TestUsersWithRole_RollbackKeepsIndex(t *testing.T) {
	db := MustOpen(t)
	update(t, db, func(tx *store.Tx) error { return tx.PutUser(store.User{ID: 1, Roles: []store.Role{store.RoleStaff}}) })
	boom := errors.New("boom")
	err := db.Update(func(tx *store.Tx) error {
		if err := tx.PutUser(store.User{ID: 1}); err != nil {
			return err
		}
		if err := tx.PutUser(store.User{ID: 2, Roles: []store.Role{store.RoleStaff}}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if got := idsWithRoles(t, db, store.RoleStaff); !slices.Equal(got, []int64{1}) {
		t.Errorf("staff %v after a rollback, want [1]", got)
	}
}

// schema1Buckets are the buckets of a file written by schema 1.
var schema1Buckets = []string{"meta", "users", "drafts", "applications", "app_by_user", "outbox", "handled", "invites", "scores", "events", "due", "sent", "rsvp", "questions", "faq", "broadcasts", "recipients", "candidacies", "reports", "violations", "audit"}

// writeSchema1 writes a file as a bot of schema 1 left it: its buckets,
// its version, and users as JSON under their decimal IDs, without any
// index. Records that are not JSON are written as they are.
func writeSchema1(t testing.TB, path string, users map[string]string) {
	t.Helper()
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	err = b.Update(func(tx *bolt.Tx) error {
		for _, name := range schema1Buckets {
			if _, err := tx.CreateBucket([]byte(name)); err != nil {
				return err
			}
		}
		if err := tx.Bucket([]byte("meta")).Put([]byte("schema_version"), []byte("1")); err != nil {
			return err
		}
		for k, v := range users {
			if err := tx.Bucket([]byte("users")).Put([]byte(k), []byte(v)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func schema1User(id int64, roles ...store.Role) (string, string) {
	data, err := json.Marshal(store.User{ID: id, FirstName: "A", Roles: roles})
	if err != nil {
		panic(err)
	}
	return strconv.FormatInt(id, 10), string(data)
}

// rawFile reads the schema version and the keys of the roles bucket
// (as "role|ID") straight from the file, as bbolt stores them.
func rawFile(t *testing.T, path string) (version string, index []string) {
	t.Helper()
	b, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	err = b.View(func(tx *bolt.Tx) error {
		version = string(tx.Bucket([]byte("meta")).Get([]byte("schema_version")))
		roles := tx.Bucket([]byte("roles"))
		if roles == nil {
			return nil
		}
		return roles.ForEach(func(k, _ []byte) error {
			if len(k) < 9 || k[len(k)-9] != '|' {
				return fmt.Errorf("index key %q is not role|ID", k)
			}
			index = append(index, fmt.Sprintf("%s|%d", k[:len(k)-9], binary.BigEndian.Uint64(k[len(k)-8:])))
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return version, index
}

// A file of schema 1 gets its index when the bot opens it for writing, in
// the transaction that opens it; a read-only open (an export) leaves it
// as it is and lists people by role by reading everyone.
func TestOpen_MigratesSchema1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mentorbot.db")
	users := map[string]string{}
	for _, u := range []struct {
		id    int64
		roles []store.Role
	}{{42, []store.Role{store.RoleStaff}}, {7, []store.Role{store.RoleMentor, store.RoleLawyer}}, {1000, nil}, {8, []store.Role{store.RoleMentor}}} {
		k, v := schema1User(u.id, u.roles...)
		users[k] = v
	}
	writeSchema1(t, path, users)

	ro, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("read-only open of schema 1: %v", err)
	}
	got := idsWithRoles(t, ro, store.RoleLawyer, store.RoleStaff)
	ro.Close()
	if !slices.Equal(got, []int64{7, 42}) {
		t.Errorf("read-only: lawyers and staff %v, want [7 42]", got)
	}
	if v, index := rawFile(t, path); v != "1" || index != nil {
		t.Fatalf("read-only open changed the file: schema %q, index %v", v, index)
	}

	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatalf("open schema 1 for writing: %v", err)
	}
	if got := idsWithRoles(t, db, store.RoleMentor); !slices.Equal(got, []int64{7, 8}) {
		t.Errorf("mentors %v after migration, want [7 8]", got)
	}
	update(t, db, func(tx *store.Tx) error { return tx.PutUser(store.User{ID: 8}) })
	if err := db.Check(); err != nil {
		t.Error(err)
	}
	db.Close()
	v, index := rawFile(t, path)
	if want := []string{"lawyer|7", "mentor|7", "staff|42"}; v != "2" || !slices.Equal(index, want) {
		t.Errorf("migrated file: schema %q, index %v; want schema 2, index %v", v, index, want)
	}
	// Opening again finds schema 2 and changes nothing.
	db = MustReopen(t, path)
	if got := idsWithRoles(t, db, store.RoleMentor, store.RoleLawyer, store.RoleStaff); !slices.Equal(got, []int64{7, 42}) {
		t.Errorf("after a second open: %v, want [7 42]", got)
	}
}

// A user record the bot cannot read does not stop the migration: it is
// left out of the index, as it was left out of every list before.
func TestOpen_MigrationSkipsUnreadableUser(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mentorbot.db")
	k, v := schema1User(7, store.RoleMentor)
	writeSchema1(t, path, map[string]string{k: v, "666": `{"id": 666, "roles": "mentor"}`})
	db := MustReopen(t, path)
	if got := idsWithRoles(t, db, store.RoleMentor); !slices.Equal(got, []int64{7}) {
		t.Errorf("mentors %v, want [7]", got)
	}
}

// A file from a newer bot is refused, read-only or not.
func TestOpen_RefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mentorbot.db")
	writeSchema1(t, path, nil)
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = b.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("meta")).Put([]byte("schema_version"), []byte(strconv.Itoa(store.SchemaVersion+1)))
	})
	b.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, ro := range []bool{false, true} {
		if _, err := store.Open(path, store.Options{ReadOnly: ro}); !errors.Is(err, store.ErrNewerSchema) {
			t.Errorf("read-only %v: %v, want ErrNewerSchema", ro, err)
		}
	}
}

// Check reports an index that disagrees with the users.
func TestCheck_ReportsBrokenRoleIndex(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mentorbot.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	update(t, db, func(tx *store.Tx) error { return tx.PutUser(store.User{ID: 5, Roles: []store.Role{store.RoleMentor}}) })
	db.Close()
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = b.Update(func(tx *bolt.Tx) error {
		roles := tx.Bucket([]byte("roles"))
		if err := roles.Delete(append([]byte("mentor|"), binary.BigEndian.AppendUint64(nil, 5)...)); err != nil {
			return err
		}
		return roles.Put(append([]byte("staff|"), binary.BigEndian.AppendUint64(nil, 6)...), nil)
	})
	b.Close()
	if err != nil {
		t.Fatal(err)
	}
	db, err = store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Check()
	for _, want := range []string{`role index has "staff|`, `role index misses "mentor|`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Check: %v, want %s", err, want)
		}
	}
	// The stale entry names nobody who is staff; the list stays right.
	if got := idsWithRoles(t, db, store.RoleStaff); got != nil {
		t.Errorf("staff %v from a stale entry, want none", got)
	}
}

// BenchmarkOpen_MigratesSchema1 opens a schema 1 file of 10 000 users, 70
// of them with roles, for writing: the first start of a bot of schema 2.
//
//	go test -run '^$' -bench MigratesSchema1 ./store/
func BenchmarkOpen_MigratesSchema1(b *testing.B) {
	dir := b.TempDir()
	orig := filepath.Join(dir, "v1.db")
	users := map[string]string{}
	for i := range 10_000 {
		var roles []store.Role
		if i < 60 {
			roles = []store.Role{store.RoleParticipant}
		} else if i < 70 {
			roles = []store.Role{store.RoleMentor}
		}
		k, v := schema1User(int64(100_000+i), roles...)
		users[k] = v
	}
	writeSchema1(b, orig, users)
	data, err := os.ReadFile(orig)
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(dir, "mentorbot.db")
	for b.Loop() {
		b.StopTimer()
		if err := os.WriteFile(path, data, 0o600); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		db, err := store.Open(path, store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
}
