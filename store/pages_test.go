package store_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/store"
)

// submitMany submits n applications, every third under 28.
func submitMany(t testing.TB, db *store.DB, n int) {
	t.Helper()
	err := db.Update(func(tx *store.Tx) error {
		for i := range n {
			cat := store.Category28Plus
			if i%3 == 0 {
				cat = store.CategoryUnder28
			}
			a := store.Application{UserID: int64(1000 + i), Language: "ky", Category: cat, Answers: map[string]string{"full_name": fmt.Sprint("Айгүл ", i)}}
			if _, err := tx.Submit(a, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func codes(apps []store.Application) []string {
	out := make([]string, len(apps))
	for i, a := range apps {
		out[i] = a.Code
	}
	return out
}

// checkPages compares every page of size with the same slice of all
// applications, through A-999 and A-1000 where the codes grow a digit.
func checkPages(t *testing.T, db *store.DB, size int) {
	t.Helper()
	all, err := db.Applications()
	if err != nil {
		t.Fatal(err)
	}
	err = db.View(func(tx *store.Tx) error {
		for offset := 0; offset <= len(all)+size; offset += size {
			page, counts, err := tx.ApplicationsPage(offset, size)
			if err != nil {
				return err
			}
			want := codes(all[min(offset, len(all)):min(offset+size, len(all))])
			if got := codes(page); !slices.Equal(got, want) {
				t.Errorf("page at %d: %v, want %v", offset, got, want)
			}
			if counts.Total != len(all) {
				t.Errorf("page at %d: total %d, want %d", offset, counts.Total, len(all))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestApplicationsPage_CodeOrderAndCounts(t *testing.T) {
	db := MustOpen(t)
	submitMany(t, db, 1007)
	checkPages(t, db, 20)
	checkPages(t, db, 7)
	err := db.View(func(tx *store.Tx) error {
		page, counts, err := tx.ApplicationsPage(995, 8)
		if err != nil {
			return err
		}
		if got, want := codes(page), []string{"A-996", "A-997", "A-998", "A-999", "A-1000", "A-1001", "A-1002", "A-1003"}; !slices.Equal(got, want) {
			t.Errorf("across A-999: %v, want %v", got, want)
		}
		if page[4].Answers["full_name"] != "Айгүл 999" {
			t.Errorf("A-1000 read as %+v", page[4])
		}
		if counts.ByCategory[store.CategoryUnder28] != 336 || counts.ByCategory[store.Category28Plus] != 671 {
			t.Errorf("by category: %v", counts.ByCategory)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestApplicationsPage_Empty(t *testing.T) {
	db := MustOpen(t)
	err := db.View(func(tx *store.Tx) error {
		page, counts, err := tx.ApplicationsPage(0, 20)
		if err != nil || len(page) != 0 || counts.Total != 0 {
			t.Errorf("empty store: %v %+v %v", page, counts, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A decision or a masked answer saved later keeps the application's place
// and category in the index.
func TestApplicationsPage_AfterChanges(t *testing.T) {
	db := MustOpen(t)
	submitMany(t, db, 5)
	err := db.Update(func(tx *store.Tx) error {
		a, err := tx.Application("A-002")
		if err != nil {
			return err
		}
		a.Status = store.StatusAccepted
		return tx.PutApplication(a)
	})
	if err != nil {
		t.Fatal(err)
	}
	checkPages(t, db, 2)
	err = db.View(func(tx *store.Tx) error {
		page, counts, err := tx.ApplicationsPage(1, 1)
		if err != nil {
			return err
		}
		if len(page) != 1 || page[0].Status != store.StatusAccepted || counts.ByCategory[store.Category28Plus] != 3 {
			t.Errorf("after a decision: %+v %+v", page, counts)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestAuditLogPage(t *testing.T) {
	db := MustOpen(t)
	record := func(from, to int) {
		t.Helper()
		err := db.Update(func(tx *store.Tx) error {
			for i := from; i <= to; i++ {
				if err := tx.Audit(store.AuditEntry{At: now.Add(time.Duration(i) * time.Minute), UserID: 900, Action: fmt.Sprint("/a", i)}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	actions := func(p store.AuditPage) []string {
		var out []string
		for _, e := range p.Entries {
			out = append(out, e.Action)
		}
		return out
	}
	page := func(offset, limit int, mark uint64) store.AuditPage {
		t.Helper()
		var p store.AuditPage
		err := db.View(func(tx *store.Tx) (err error) {
			p, err = tx.AuditLogPage(offset, limit, mark)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	record(1, 45)
	first := page(0, 20, 0)
	if first.Total != 45 || first.Mark != 45 || len(first.Entries) != 20 || first.Entries[0].Action != "/a45" || first.Entries[19].Action != "/a26" {
		t.Fatalf("first page: total %d, mark %d, %v", first.Total, first.Mark, actions(first))
	}
	// Actions taken since do not shift the pages seen with the mark.
	record(46, 50)
	if p := page(20, 20, first.Mark); p.Total != 45 || !slices.Equal(actions(p), []string{"/a25", "/a24", "/a23", "/a22", "/a21", "/a20", "/a19", "/a18", "/a17", "/a16", "/a15", "/a14", "/a13", "/a12", "/a11", "/a10", "/a9", "/a8", "/a7", "/a6"}) {
		t.Errorf("second page as of the first: total %d, %v", p.Total, actions(p))
	}
	if p := page(40, 20, first.Mark); !slices.Equal(actions(p), []string{"/a5", "/a4", "/a3", "/a2", "/a1"}) {
		t.Errorf("last page: %v", actions(p))
	}
	if p := page(0, 2, 0); p.Total != 50 || p.Mark != 50 || !slices.Equal(actions(p), []string{"/a50", "/a49"}) {
		t.Errorf("now: total %d, mark %d, %v", p.Total, p.Mark, actions(p))
	}
	if p := page(60, 20, 0); p.Total != 50 || len(p.Entries) != 0 {
		t.Errorf("past the end: %+v", p)
	}
}

// BenchmarkApplicationsPage is one page of 20 among 10 000 applications.
func BenchmarkApplicationsPage(b *testing.B) {
	db, err := store.Open(b.TempDir()+"/m.db", store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	submitMany(b, db, 10000)
	for b.Loop() {
		err := db.View(func(tx *store.Tx) error {
			page, _, err := tx.ApplicationsPage(5000, 20)
			if len(page) != 20 {
				b.Fatalf("%d on the page", len(page))
			}
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
