package store_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/store"
)

// fill stores n women, each with a submitted application carrying an
// essay of essayBytes, in batches of one transaction per 500.
func fill(tb testing.TB, db *store.DB, n, essayBytes int) {
	tb.Helper()
	essay := strings.Repeat("Айылда аялдар үчүн мектеп керек. ", essayBytes/60+1)[:essayBytes]
	for start := 0; start < n; start += 500 {
		err := db.Update(func(tx *store.Tx) error {
			for i := start; i < min(n, start+500); i++ {
				id := int64(10_000 + i)
				if err := tx.PutUser(store.User{ID: id, FirstName: fmt.Sprintf("Айгүл %d", i), Language: "ky", CreatedAt: now}); err != nil {
					return err
				}
				a := store.Application{UserID: id, Language: "ky", Category: store.Category28Plus,
					Answers: map[string]string{"full_name": fmt.Sprintf("Асанова Айгүл %d", i), "essay": essay}}
				if _, err := tx.Submit(a, now.Add(time.Duration(i)*time.Second)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
}

// sampleFile writes a database of n women to a new file and returns the
// path of an exact copy (a backup: every byte is a page in use).
func sampleFile(tb testing.TB, n, essayBytes int) string {
	tb.Helper()
	dir := tb.TempDir()
	db, err := store.Open(filepath.Join(dir, "live.db"), store.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	fill(tb, db, n, essayBytes)
	path := filepath.Join(dir, "sample.db")
	if err := db.BackupTo(path); err != nil {
		tb.Fatal(err)
	}
	if err := db.Close(); err != nil {
		tb.Fatal(err)
	}
	return path
}

func readFile(tb testing.TB, path string) []byte {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

func writeFile(tb testing.TB, data []byte) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "mentorbot.db")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}
