//go:build linux

package store_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/mentorbot/mentorbot/store"
)

// A full disk, for real: a child process whose file size limit
// (RLIMIT_FSIZE) stops the database from growing. Every write that needs
// more room fails with a StorageError that is not fatal, keeps nothing,
// and does not mark the update handled; once room is made the same
// update is handled, and the file is sound.
func TestUpdate_DiskFull(t *testing.T) {
	if dir := os.Getenv("MENTORBOT_DISKFULL_DIR"); dir != "" {
		diskFullChild(dir)
		return
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestUpdate_DiskFull$", "-test.v")
	cmd.Env = append(os.Environ(), "MENTORBOT_DISKFULL_DIR="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "DISKFULL OK") {
		t.Fatalf("child: %v\n%s", err, out)
	}
	t.Logf("%s", grep(string(out), "DISKFULL"))
	db := MustReopen(t, filepath.Join(dir, "m.db"))
	handled, err := db.Handled(99)
	if err != nil || !handled {
		t.Errorf("update 99 handled=%v (%v) after the disk had room again", handled, err)
	}
}

func grep(s, word string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, word) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// diskFullChild runs in the child: it must not call t.Fatal (there is no
// t); it prints what it found and exits non-zero on a surprise.
func diskFullChild(dir string) {
	fail := func(format string, args ...any) {
		fmt.Printf("DISKFULL FAIL: "+format+"\n", args...)
		os.Exit(1)
	}
	db, err := store.Open(filepath.Join(dir, "m.db"), store.Options{})
	if err != nil {
		fail("open: %v", err)
	}
	fi, err := os.Stat(db.Path())
	if err != nil {
		fail("stat: %v", err)
	}
	limit := uint64(fi.Size()) + 256<<10
	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		fail("getrlimit: %v", err)
	}
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: limit, Max: old.Max}); err != nil {
		fail("setrlimit: %v", err)
	}
	big := strings.Repeat("x", 32<<10)
	writes := 0
	var storageErr error
	for i := range 1000 {
		err := db.Update(func(tx *store.Tx) error {
			return tx.PutUser(store.User{ID: int64(i + 1), FirstName: big, CreatedAt: now})
		})
		if err != nil {
			storageErr = err
			break
		}
		writes++
	}
	if storageErr == nil {
		fail("1000 writes of 32 KB fitted under a limit of %d bytes", limit)
	}
	if !store.IsStorage(storageErr) || store.IsFatal(storageErr) || !strings.Contains(storageErr.Error(), "file too large") {
		fail("the full disk gave %v (storage %v, fatal %v)", storageErr, store.IsStorage(storageErr), store.IsFatal(storageErr))
	}
	// An update that needs room: not handled, nothing kept.
	handled, err := db.HandleUpdate(99, func(tx *store.Tx) error {
		return tx.PutUser(store.User{ID: 5000, FirstName: big + big, CreatedAt: now})
	})
	if handled || !store.IsStorage(err) {
		fail("update on a full disk: handled=%v err=%v", handled, err)
	}
	if h, _ := db.Handled(99); h {
		fail("update 99 marked handled although nothing was saved")
	}
	var u store.User
	if err := db.View(func(tx *store.Tx) (err error) { u, err = tx.User(5000); return err }); !errors.Is(err, store.ErrNotFound) {
		fail("user 5000 kept from a failed commit: %+v, %v", u, err)
	}
	// Room is made: the same update goes through.
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &old); err != nil {
		fail("setrlimit: %v", err)
	}
	handled, err = db.HandleUpdate(99, func(tx *store.Tx) error {
		return tx.PutUser(store.User{ID: 5000, FirstName: big + big, CreatedAt: now})
	})
	if !handled || err != nil {
		fail("update after room was made: handled=%v err=%v", handled, err)
	}
	if err := db.Check(); err != nil {
		fail("check: %v", err)
	}
	if err := db.Close(); err != nil {
		fail("close: %v", err)
	}
	fmt.Printf("DISKFULL OK: %d writes fitted under %d bytes; then %v\n", writes, limit, storageErr)
}
