package store_test

import (
	"errors"
	"testing"

	"github.com/mentorbot/mentorbot/store"
)

func TestSubmitEntered_OwnerIsNoTelegramID(t *testing.T) {
	db := MustOpen(t)
	var first, second store.Application
	err := db.Update(func(tx *store.Tx) error {
		// A woman applying in the chat takes the first code.
		if _, err := tx.Submit(store.Application{UserID: 501, Answers: map[string]string{"phone": "+996555000001"}}, now); err != nil {
			return err
		}
		var err error
		first, err = tx.SubmitEntered(store.Application{Source: store.SourcePaper, ArrivedAt: now, Answers: map[string]string{"phone": "+996555123456"}}, now)
		if err != nil {
			return err
		}
		second, err = tx.SubmitEntered(store.Application{Source: store.SourceEmail, ArrivedAt: now, Answers: map[string]string{"phone": "+996555123456"}}, now)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if first.Code != "A-002" || second.Code != "A-003" {
		t.Fatalf("codes %s, %s; want A-002, A-003", first.Code, second.Code)
	}
	for _, a := range []store.Application{first, second} {
		// Telegram user IDs have at most 52 bits; groups are negative.
		if !store.Unlinked(a.UserID) || a.UserID < 1<<52 || a.Status != store.StatusSubmitted {
			t.Errorf("%s: owner %d, status %s", a.Code, a.UserID, a.Status)
		}
	}
	if first.UserID == second.UserID || store.Unlinked(501) || store.Unlinked(1<<52) || store.Unlinked(-100123) {
		t.Error("made-up owners collide, or a Telegram ID counts as made up")
	}
	err = db.View(func(tx *store.Tx) error {
		got, err := tx.ApplicationOf(first.UserID)
		if err != nil || got.Code != first.Code || got.Source != store.SourcePaper || !got.ArrivedAt.Equal(now) {
			t.Errorf("ApplicationOf(made-up owner) = %+v, %v", got, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestLinkApplication(t *testing.T) {
	db := MustOpen(t)
	const her, other = 7001, 7002
	var code string
	err := db.Update(func(tx *store.Tx) error {
		if err := tx.PutDraft(store.Application{UserID: her, Answers: map[string]string{"full_name": "Айгүл"}, StartedAt: now}); err != nil {
			return err
		}
		a, err := tx.SubmitEntered(store.Application{Source: store.SourcePaper, ArrivedAt: now, Answers: map[string]string{"phone": "+996555123456"}}, now)
		code = a.Code
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *store.Tx) error {
		found, err := tx.UnlinkedByPhone("+996555123456")
		if err != nil || found.Code != code {
			t.Fatalf("UnlinkedByPhone = %s, %v", found.Code, err)
		}
		if _, err := tx.UnlinkedByPhone("+996555999999"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another number: %v, want ErrNotFound", err)
		}
		a, err := tx.LinkApplication(code, her)
		if err != nil || a.UserID != her {
			t.Fatalf("link: %+v, %v", a, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *store.Tx) error {
		if a, err := tx.ApplicationOf(her); err != nil || a.Code != code {
			t.Errorf("her application: %s, %v", a.Code, err)
		}
		if _, err := tx.Draft(her); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("her draft stayed: %v", err)
		}
		if _, err := tx.UnlinkedByPhone("+996555123456"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a linked application is found again: %v", err)
		}
		if _, err := tx.LinkApplication(code, other); !errors.Is(err, store.ErrLinked) {
			t.Errorf("a second person took it over: %v", err)
		}
		counts, err := tx.Funnel()
		if err != nil {
			return err
		}
		if got := counts.BySource[store.SourcePaper].Submitted; got != 1 {
			t.Errorf("paper submissions counted %d, want 1 (%+v)", got, counts)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestEntry_KeptApartFromHerDraft(t *testing.T) {
	db := MustOpen(t)
	const staff = 900
	err := db.Update(func(tx *store.Tx) error {
		if err := tx.PutDraft(store.Application{UserID: staff, Answers: map[string]string{"full_name": "Own"}}); err != nil {
			return err
		}
		if err := tx.PutEntry(staff, store.Application{Answers: map[string]string{"full_name": "Paper"}}); err != nil {
			return err
		}
		e, err := tx.Entry(staff)
		if err != nil || e.Answers["full_name"] != "Paper" {
			t.Errorf("entry %+v, %v", e, err)
		}
		if err := tx.DropEntry(staff); err != nil {
			return err
		}
		if _, err := tx.Entry(staff); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("entry after drop: %v", err)
		}
		d, err := tx.Draft(staff)
		if err != nil || d.Answers["full_name"] != "Own" {
			t.Errorf("her own draft: %+v, %v", d, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestApplicationWithPhone(t *testing.T) {
	db := MustOpen(t)
	err := db.Update(func(tx *store.Tx) error {
		if _, err := tx.Submit(store.Application{UserID: 501, Answers: map[string]string{"phone": "+996555000001"}}, now); err != nil {
			return err
		}
		if _, err := tx.SubmitEntered(store.Application{Source: store.SourcePaper, ArrivedAt: now, Answers: map[string]string{"phone": "+996555123456"}}, now); err != nil {
			return err
		}
		// A draft is not an application yet.
		return tx.PutDraft(store.Application{UserID: 502, Answers: map[string]string{"phone": "+996555000002"}})
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.View(func(tx *store.Tx) error {
		for phone, want := range map[string]string{"+996555000001": "A-001", "+996555123456": "A-002"} {
			if a, err := tx.ApplicationWithPhone(phone); err != nil || a.Code != want {
				t.Errorf("%s: %s, %v; want %s", phone, a.Code, err, want)
			}
		}
		for _, phone := range []string{"+996555000002", "+996555999999", ""} {
			if a, err := tx.ApplicationWithPhone(phone); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%q: %s, %v; want none", phone, a.Code, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
