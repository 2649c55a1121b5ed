package store_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/store"
)

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestBackup_NameIsUTCWhateverTheZone(t *testing.T) {
	db := MustOpen(t)
	dir := filepath.Join(t.TempDir(), "backups")
	bishkek := time.FixedZone("Asia/Bishkek", 6*3600)
	path, err := db.Backup(dir, 7, time.Date(2027, 3, 1, 9, 0, 0, 0, bishkek))
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "mentorbot-20270301T030000Z.db"); path != want {
		t.Errorf("backup at %s, want %s", path, want)
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", info.Mode().Perm())
	}
}

func TestBackup_TwoInOneSecondAreBothKept(t *testing.T) {
	db := MustOpen(t)
	dir := t.TempDir()
	at := time.Date(2027, 3, 1, 3, 0, 0, 100, time.UTC)
	var paths []string
	for i := range 3 {
		if i == 1 {
			fill(t, db, 1, 10) // the second copy differs from the first
		}
		path, err := db.Backup(dir, 7, at.Add(time.Duration(i)*300*time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, filepath.Base(path))
	}
	want := []string{"mentorbot-20270301T030000Z.db", "mentorbot-20270301T030000Z_2.db", "mentorbot-20270301T030000Z_3.db"}
	if !slices.Equal(paths, want) || !slices.Equal(dirNames(t, dir), want) {
		t.Errorf("backups %v, directory %v; want %v", paths, dirNames(t, dir), want)
	}
	first, err := store.Open(filepath.Join(dir, want[0]), store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	if apps, _ := first.Applications(); len(apps) != 0 {
		t.Errorf("the first copy was overwritten: %d applications", len(apps))
	}
}

// Pruning counts complete backups only: partial files, foreign files and
// names that only look like backups are neither counted nor deleted.
func TestBackup_PruneKeepsTheNewestComplete(t *testing.T) {
	db := MustOpen(t)
	dir := t.TempDir()
	others := []string{".mentorbot-20270309T030000Z-123.db.partial", "mentorbot-old.db", "mentorbot-20270301T030000Z_1.db", "notes.txt"}
	// A backup of the old kind (not checked, perhaps cut off) goes once
	// there are keep checked ones, never before.
	legacy := "mentorbot-20270309-030000.db"
	for _, name := range append(slices.Clone(others), legacy) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("not a backup"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	days := []int{4, 1, 3, 2} // out of order: names sort by time, not by when taken
	for i, day := range days {
		if _, err := db.Backup(dir, 2, time.Date(2027, 3, day, 3, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join(dir, legacy)); i == 0 && err != nil {
			t.Errorf("the old backup went with only one checked backup: %v", err)
		}
	}
	want := append(slices.Clone(others), "mentorbot-20270303T030000Z.db", "mentorbot-20270304T030000Z.db")
	slices.Sort(want)
	if got := dirNames(t, dir); !slices.Equal(got, want) {
		t.Errorf("directory holds %v, want %v", got, want)
	}
}

func TestCleanBackups_RemovesPartialsOnly(t *testing.T) {
	db := MustOpen(t)
	dir := t.TempDir()
	kept, err := db.Backup(dir, 7, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{".mentorbot-20270301T030000Z-1.db.partial", ".mentorbot-x.db.partial", "notes.partial", ".other.db.partial"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("half a copy"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	n, err := store.CleanBackups(dir)
	if err != nil || n != 2 {
		t.Errorf("removed %d, %v; want 2", n, err)
	}
	if got, want := dirNames(t, dir), []string{".other.db.partial", filepath.Base(kept), "notes.partial"}; !slices.Equal(got, want) {
		t.Errorf("left %v, want %v", got, want)
	}
	if n, err := store.CleanBackups(filepath.Join(dir, "none")); n != 0 || err != nil {
		t.Errorf("missing directory: %d, %v", n, err)
	}
}

// A backup of a database with data is checked, holds the same records,
// and does not carry the /backup requests and workbooks waiting when it
// was made.
func TestBackup_SameContent(t *testing.T) {
	db := MustOpen(t)
	fill(t, db, 250, 300)
	if err := db.Update(func(tx *store.Tx) error {
		if err := tx.PutFileJob(store.FileJob{Kind: "applications", ChatID: 900, UserID: 900, Lang: "ru", At: now}); err != nil {
			return err
		}
		return tx.RequestBackup(store.BackupRequest{ChatID: 900, UserID: 900, Lang: "ru", At: now})
	}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path, err := db.Backup(dir, 7, now)
	if err != nil {
		t.Fatal(err)
	}
	if got := dirNames(t, dir); len(got) != 1 {
		t.Errorf("left beside the backup: %v", got)
	}
	if err := store.CheckFile(path); err != nil {
		t.Fatal(err)
	}
	copyDB, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	for name, read := range map[string]func(*store.DB) (any, error){
		"applications": func(d *store.DB) (any, error) { return d.Applications() },
		"users": func(d *store.DB) (any, error) {
			var us []store.User
			err := d.View(func(tx *store.Tx) (err error) { us, err = tx.Users(); return err })
			return us, err
		},
	} {
		orig, err1 := read(db)
		copied, err2 := read(copyDB)
		if err1 != nil || err2 != nil || !reflect.DeepEqual(orig, copied) {
			t.Errorf("%s differ in the copy (%v, %v)", name, err1, err2)
		}
	}
	if reqs, err := copyDB.BackupRequests(); err != nil || len(reqs) != 0 {
		t.Errorf("the copy carries requests: %+v, %v", reqs, err)
	}
	if reqs, _ := db.BackupRequests(); len(reqs) != 1 {
		t.Errorf("the database lost its request: %+v", reqs)
	}
	if jobs, err := copyDB.FileJobs(); err != nil || len(jobs) != 0 {
		t.Errorf("the copy carries workbooks to send: %+v, %v", jobs, err)
	}
	if jobs, _ := db.FileJobs(); len(jobs) != 1 || jobs[0].Kind != "applications" || jobs[0].UserID != 900 {
		t.Errorf("the database lost its workbook: %+v", jobs)
	}
}

func TestBackupTo_NeverOverwrites(t *testing.T) {
	db := MustOpen(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "copy.db")
	if err := db.BackupTo(path); err != nil {
		t.Fatal(err)
	}
	if err := db.BackupTo(path); !errors.Is(err, fs.ErrExist) {
		t.Errorf("second copy to the same file: %v", err)
	}
	if got := dirNames(t, dir); !slices.Equal(got, []string{"copy.db"}) {
		t.Errorf("directory holds %v", got)
	}
	if err := store.CheckFile(path); err != nil {
		t.Error(err)
	}
}
