package store_test

import (
	"path/filepath"
	"testing"

	"github.com/mentorbot/mentorbot/store"
)

// A file of about 30 MB: 7 000 women, 2 500 bytes of essay each.
func bigFile(b *testing.B) string {
	b.Helper()
	return sampleFile(b, 7_000, 2_500)
}

// BenchmarkOpen is a start of the bot on a ~30 MB file: the checks of
// its pages before bbolt maps it, and the first read.
func BenchmarkOpen(b *testing.B) {
	path := bigFile(b)
	b.SetBytes(int64(len(readFile(b, path))))
	b.ResetTimer()
	for b.Loop() {
		db, err := store.Open(path, store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		db.Close()
	}
}

// BenchmarkBackup is one checked backup of a ~30 MB file: copy, fsync,
// open and check the copy, name it, sync the directory.
func BenchmarkBackup(b *testing.B) {
	path := bigFile(b)
	b.SetBytes(int64(len(readFile(b, path))))
	db, err := store.Open(path, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	dir := filepath.Join(b.TempDir(), "backups")
	b.ResetTimer()
	for b.Loop() {
		if _, err := db.Backup(dir, 2, now); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheck is `mentorbot check` on a ~30 MB file.
func BenchmarkCheck(b *testing.B) {
	path := bigFile(b)
	b.SetBytes(int64(len(readFile(b, path))))
	b.ResetTimer()
	for b.Loop() {
		if err := store.CheckFile(path); err != nil {
			b.Fatal(err)
		}
	}
}
