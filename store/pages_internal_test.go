package store

import (
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func pageCodes(t *testing.T, db *DB, offset, limit int) ([]string, ApplicationCounts) {
	t.Helper()
	var got []string
	var counts ApplicationCounts
	err := db.View(func(tx *Tx) error {
		page, c, err := tx.ApplicationsPage(offset, limit)
		for _, a := range page {
			got = append(got, a.Code)
		}
		counts = c
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return got, counts
}

// A file from before the index, or with applications an older bot took
// without it, pages right: read-only by reading every application, and
// after a writable Open from the index built again.
func TestCategoryIndex_RebuiltWhenBehind(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	db, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	err = db.Update(func(tx *Tx) error {
		for i, cat := range []Category{Category28Plus, CategoryUnder28, Category28Plus} {
			if _, err := tx.Submit(Application{UserID: int64(i + 1), Category: cat}, at); err != nil {
				return err
			}
		}
		// As an older bot leaves it: A-003 taken without the index.
		idx := tx.tx.Bucket(bucketAppCategory)
		if err := idx.Delete([]byte("A-003")); err != nil {
			return err
		}
		return idx.SetSequence(2)
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	want := []string{"A-002", "A-003"}
	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if got, counts := pageCodes(t, ro, 1, 5); !slices.Equal(got, want) || counts.Total != 3 || counts.ByCategory[Category28Plus] != 2 {
		t.Errorf("read-only, index behind: %v %+v", got, counts)
	}
	ro.Close()

	db, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.View(func(tx *Tx) error {
		if tx.categoryIndex() == nil || string(tx.tx.Bucket(bucketAppCategory).Get([]byte("A-003"))) != string(Category28Plus) {
			t.Error("index not rebuilt at Open")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, counts := pageCodes(t, db, 1, 5); !slices.Equal(got, want) || counts.Total != 3 || counts.ByCategory[Category28Plus] != 2 {
		t.Errorf("rebuilt index: %v %+v", got, counts)
	}
}
