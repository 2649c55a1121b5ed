package store_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/mentorbot/mentorbot/store"
)

// smallDB is a database with 1 KB pages holding a few women: a seed the
// fuzzer can mutate in every page.
func smallDB(f *testing.F) []byte {
	f.Helper()
	dir := f.TempDir()
	db, err := store.CreateSmall(filepath.Join(dir, "small.db"), 1024)
	if err != nil {
		f.Fatal(err)
	}
	fill(f, db, 12, 150)
	copyPath := filepath.Join(dir, "copy.db")
	if err := db.BackupTo(copyPath); err != nil {
		f.Fatal(err)
	}
	db.Close()
	data, err := os.ReadFile(copyPath)
	if err != nil {
		f.Fatal(err)
	}
	return data
}

// Any file contents: Open never panics (nor faults), and refuses what it
// cannot use with ErrDamaged or ErrNewerSchema. What it accepts can be
// checked, counted and read without a panic, writable or read-only.
func FuzzOpen(f *testing.F) {
	small := smallDB(f)
	f.Add(small)
	f.Add(small[:len(small)/2])
	f.Add(small[:len(small)-1])
	torn := append([]byte(nil), small...)
	clear(torn[:1024])
	f.Add(torn)
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "mentorbot.db")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		for _, readOnly := range []bool{true, false} {
			db, err := store.Open(path, store.Options{ReadOnly: readOnly})
			if err != nil {
				if !errors.Is(err, store.ErrDamaged) && !errors.Is(err, store.ErrNewerSchema) {
					t.Fatalf("read-only %v: %v, want ErrDamaged or ErrNewerSchema", readOnly, err)
				}
				continue
			}
			if err := db.Check(); err == nil {
				// Sound: every record can be read (or fails as an error).
				_, _ = db.Summary()
				_, _ = db.Applications()
				_, _ = db.Outbox(10)
			} else if !errors.Is(err, store.ErrDamaged) {
				t.Errorf("check: %v, want ErrDamaged", err)
			}
			if err := db.Close(); err != nil {
				t.Errorf("close: %v", err)
			}
		}
	})
}
