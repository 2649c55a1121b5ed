package store_test

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mentorbot/mentorbot/store"
)

// openBoth opens path writable and read-only, and returns both errors. A
// panic fails the test (it would have killed the bot).
func openBoth(t *testing.T, path string) (rw, ro error) {
	t.Helper()
	for _, readOnly := range []bool{false, true} {
		db, err := store.Open(path, store.Options{ReadOnly: readOnly})
		if err == nil {
			err = db.Check()
			db.Close()
		}
		if readOnly {
			ro = err
		} else {
			rw = err
		}
	}
	return rw, ro
}

// wantDamaged asserts that both opens of data gave ErrDamaged.
func wantDamaged(t *testing.T, what string, data []byte) {
	t.Helper()
	path := writeFile(t, data)
	rw, ro := openBoth(t, path)
	for _, err := range []error{rw, ro} {
		if !errors.Is(err, store.ErrDamaged) {
			t.Errorf("%s: got %v, want ErrDamaged", what, err)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error is not one line: %q", what, err)
		}
	}
	if got := readFile(t, path); !bytes.Equal(got, data) {
		t.Errorf("%s: the refused file was changed", what)
	}
}

func TestOpen_EmptyFileIsRefused(t *testing.T) {
	path := writeFile(t, nil)
	for _, readOnly := range []bool{false, true} {
		_, err := store.Open(path, store.Options{ReadOnly: readOnly})
		if !errors.Is(err, store.ErrDamaged) || !strings.Contains(err.Error(), "the file is empty (0 bytes)") {
			t.Errorf("read-only %v: got %v", readOnly, err)
		}
	}
	if info, _ := os.Stat(path); info.Size() != 0 {
		t.Errorf("the empty file became %d bytes", info.Size())
	}
}

func TestOpen_MissingFileIsCreatedWhole(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "mentorbot.db")
	db := MustReopen(t, path)
	if err := db.Check(); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "mentorbot.db" {
		t.Errorf("directory holds %v, want the database alone", entries)
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", info.Mode().Perm())
	}
}

// Every cut of a real file, at each page boundary and at odd offsets, is
// refused; the whole file opens.
func TestOpen_TruncatedFile(t *testing.T) {
	whole := readFile(t, sampleFile(t, 300, 400))
	const pageSize = 4096 // os.Getpagesize() on the machines we run on
	if len(whole)%pageSize != 0 || len(whole)/pageSize < 20 {
		t.Fatalf("sample is %d bytes; want a whole number of at least 20 pages", len(whole))
	}
	cuts := []int{1, 15, 16, 79, 80, 81, 1000, pageSize - 1, pageSize + 1, pageSize + 80, 3*pageSize + 7, len(whole) - 1, len(whole) - 4095}
	for at := pageSize; at < len(whole); at += pageSize {
		cuts = append(cuts, at)
	}
	for _, at := range cuts {
		wantDamaged(t, "cut at "+strconv.Itoa(at), whole[:at])
	}
	t.Logf("%d cuts of a %d-page file refused", len(cuts), len(whole)/pageSize)
	rw, ro := openBoth(t, writeFile(t, whole))
	if rw != nil || ro != nil {
		t.Errorf("the whole file: %v, %v", rw, ro)
	}
}

func TestOpen_Garbage(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	random := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	}
	whole := readFile(t, sampleFile(t, 100, 400))
	const pageSize = 4096

	for _, n := range []int{1, 80, 4096, 8192, 65536, len(whole)} {
		wantDamaged(t, "random "+strconv.Itoa(n), random(n))
	}
	wantDamaged(t, "text", []byte(strings.Repeat("not a database\n", 1000)))

	// The first meta page valid, everything after it random.
	firstPage := append(bytes.Clone(whole[:pageSize]), random(len(whole)-pageSize)...)
	wantDamaged(t, "a valid first page, then garbage", firstPage)

	// Both meta pages zeroed.
	zeroed := bytes.Clone(whole)
	clear(zeroed[:2*pageSize])
	wantDamaged(t, "both meta pages zeroed", zeroed)

	// The data pages zeroed, the meta pages intact.
	data := bytes.Clone(whole)
	clear(data[2*pageSize:])
	wantDamaged(t, "data pages zeroed", data)

	// One page in the middle overwritten.
	middle := bytes.Clone(whole)
	copy(middle[10*pageSize:11*pageSize], random(pageSize))
	wantDamaged(t, "one page of garbage", middle)

	// Only the first meta page zeroed: bbolt falls back to the second, as
	// after a crash that tore it. That is no damage: the file opens whole.
	torn := bytes.Clone(whole)
	clear(torn[:pageSize])
	path := writeFile(t, torn)
	db := MustReopen(t, path)
	if apps, err := db.Applications(); err != nil || len(apps) != 100 {
		t.Errorf("after a torn first meta page: %d applications, %v", len(apps), err)
	}
}

func TestOpen_NewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mentorbot.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := store.SetSchema(db, store.SchemaVersion+1); err != nil {
		t.Fatal(err)
	}
	db.Close()
	rw, ro := openBoth(t, path)
	for _, err := range []error{rw, ro} {
		if !errors.Is(err, store.ErrNewerSchema) || errors.Is(err, store.ErrDamaged) {
			t.Errorf("got %v, want ErrNewerSchema", err)
		}
	}
}

func TestCheck_SoundFileHasASummary(t *testing.T) {
	path := sampleFile(t, 120, 100)
	if err := store.CheckFile(path); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s, err := db.Summary()
	info, _ := os.Stat(path)
	if want := (store.Summary{Schema: store.SchemaVersion, Bytes: info.Size(), Users: 120, Applications: 120}); err != nil || s != want {
		t.Errorf("summary %+v, %v; want %+v", s, err, want)
	}
}
