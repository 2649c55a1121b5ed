package store_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/store"
)

// MustOpen opens a database in a fresh temporary directory and checks its
// consistency when the test ends.
func MustOpen(t *testing.T) *store.DB {
	t.Helper()
	return MustReopen(t, filepath.Join(t.TempDir(), "mentorbot.db"))
}

// MustReopen opens the database at path, as a restarted bot would.
func MustReopen(t *testing.T, path string) *store.DB {
	t.Helper()
	db, err := store.Open(path, store.Options{Timeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Check(); err != nil {
			t.Errorf("check: %v", err)
		}
		db.Close()
	})
	return db
}

var now = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

func TestOpen_Locked(t *testing.T) {
	db := MustOpen(t)
	_, err := store.Open(db.Path(), store.Options{Timeout: 50 * time.Millisecond})
	if !errors.Is(err, store.ErrLocked) {
		t.Fatalf("got %v, want ErrLocked", err)
	}
}

func TestOpen_ReadOnlyMissingFile(t *testing.T) {
	_, err := store.Open(filepath.Join(t.TempDir(), "none.db"), store.Options{ReadOnly: true})
	if err == nil {
		t.Fatal("opened a file that does not exist")
	}
}

func TestHandleUpdate_OnceOnly(t *testing.T) {
	db := MustOpen(t)
	runs := 0
	apply := func() bool {
		handled, err := db.HandleUpdate(7, func(tx *store.Tx) error {
			runs++
			return tx.PutUser(store.User{ID: 42, Language: "ky", CreatedAt: now})
		})
		if err != nil {
			t.Fatal(err)
		}
		return handled
	}
	if !apply() {
		t.Fatal("first delivery not handled")
	}
	if apply() {
		t.Fatal("second delivery handled again")
	}
	if runs != 1 {
		t.Fatalf("ran %d times, want 1", runs)
	}
}

func TestHandleUpdate_ErrorRollsBack(t *testing.T) {
	db := MustOpen(t)
	boom := errors.New("boom")
	_, err := db.HandleUpdate(1, func(tx *store.Tx) error {
		if err := tx.PutUser(store.User{ID: 42}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("got %v", err)
	}
	err = db.View(func(tx *store.Tx) error {
		_, err := tx.User(42)
		return err
	})
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("user saved despite the error: %v", err)
	}
	// Not marked handled: a retry runs.
	handled, err := db.HandleUpdate(1, func(*store.Tx) error { return nil })
	if err != nil || !handled {
		t.Fatalf("retry: handled=%v err=%v", handled, err)
	}
}

func TestSubmit_CodesAndIndex(t *testing.T) {
	db := MustOpen(t)
	for i, uid := range []int64{10, 20, 30} {
		err := db.Update(func(tx *store.Tx) error {
			d := store.Application{UserID: uid, Language: "ru", Answers: map[string]string{"full_name": "X"}, StartedAt: now}
			if err := tx.PutDraft(d); err != nil {
				return err
			}
			app, err := tx.Submit(d, now.Add(time.Duration(i)*time.Minute))
			if err != nil {
				return err
			}
			if want := []string{"A-001", "A-002", "A-003"}[i]; app.Code != want {
				t.Errorf("code %s, want %s", app.Code, want)
			}
			if _, err := tx.Draft(uid); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("draft still there: %v", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	err := db.Update(func(tx *store.Tx) error {
		if _, err := tx.Submit(store.Application{UserID: 20}, now); !errors.Is(err, store.ErrAlreadySubmitted) {
			t.Errorf("second submit: %v", err)
		}
		app, err := tx.ApplicationOf(20)
		if err != nil || app.Code != "A-002" {
			t.Errorf("ApplicationOf(20) = %s, %v", app.Code, err)
		}
		if apps, err := tx.Applications(); err != nil || len(apps) != 3 || apps[2].Code != "A-003" {
			t.Errorf("applications: %d, %v", len(apps), err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestDrafts_ListsFormsNotSubmitted(t *testing.T) {
	db := MustOpen(t)
	err := db.Update(func(tx *store.Tx) error {
		for _, uid := range []int64{30, 10, 20} {
			d := store.Application{UserID: uid, Language: "ky", Answers: map[string]string{"oblast": "naryn"}, StartedAt: now}
			if err := tx.PutDraft(d); err != nil {
				return err
			}
		}
		_, err := tx.Submit(store.Application{UserID: 20, Answers: map[string]string{}}, now)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.View(func(tx *store.Tx) error {
		drafts, err := tx.Drafts()
		if err != nil {
			return err
		}
		var ids []int64
		for _, d := range drafts {
			ids = append(ids, d.UserID)
		}
		if fmt.Sprint(ids) != "[10 30]" || drafts[0].Answers["oblast"] != "naryn" {
			t.Errorf("drafts %v, want [10 30] with their answers", ids)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
