// Package benchpop stores the population of the hot-path benchmarks (a
// cycle at its busiest: 10 000 women) in a real bbolt file, for the
// benchmarks of the core and of the parts alike.
package benchpop

import (
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/locales"
	"github.com/mentorbot/mentorbot/store"
)

// The population of the hot-path benchmarks: a cycle at its busiest.
const (
	Applicants   = 8000 // filling in the form, at every step
	Submitted    = 2000 // with a submitted application
	Participants = 60   // accepted, among the submitted
	Candidates   = 40   // registered candidates, among the participants
	FirstID      = 100_000
	Candidate    = FirstID + Applicants // the first participant
)

// Staff, mentors, lawyers and helpers of the benchmark, by ID.
var (
	Staff    = []int64{10, 11, 12}
	Mentors  = []int64{20, 21, 22, 23, 24}
	Lawyers  = []int64{30, 31, 32}
	Helpers  = []int64{40, 41}
	ConfigID = int64(9) // staff by the config only
)

// ErrRollback ends a benchmark's write transaction without committing
// it: what is measured is the work, not the disk.
var ErrRollback = errors.New("rolled back on purpose")

// Bot stores the population in a real bbolt file and returns a bot on
// it that runs features.
func Bot(b testing.TB, features []bot.Feature) *bot.Bot {
	b.Helper()
	db, err := store.Open(filepath.Join(b.TempDir(), "mentorbot.db"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	at := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	essay := strings.Repeat("Мен айылымдагы аялдардын үнү угулсун деп келдим. ", 12)
	err = db.Update(func(tx *store.Tx) error {
		for i := range Applicants {
			id := int64(FirstID + i)
			u := store.User{ID: id, FirstName: "Айгүл", Language: "ky", LangCode: "ky", ConsentAt: at, CreatedAt: at, Step: "oblast"}
			if err := tx.PutUser(u); err != nil {
				return err
			}
			d := store.Application{UserID: id, Language: "ky", Answers: map[string]string{"full_name": "Айгүл Асанова", "sex": "female"}, StartedAt: at, UpdatedAt: at}
			if err := tx.PutDraft(d); err != nil {
				return err
			}
		}
		for i := range Submitted {
			id := int64(FirstID + Applicants + i)
			u := store.User{ID: id, FirstName: "Гүлнара", Language: "ru", LangCode: "ru", ConsentAt: at, CreatedAt: at, Step: "submitted"}
			if i < Participants {
				u.Roles = []store.Role{store.RoleParticipant}
			}
			if i < Candidates {
				u.Roles = append(u.Roles, store.RoleCandidate)
				if err := tx.PutCandidacy(store.Candidacy{UserID: id, Registered: "yes", Oblast: "naryn", UpdatedAt: at}); err != nil {
					return err
				}
			}
			if err := tx.PutUser(u); err != nil {
				return err
			}
			a := store.Application{UserID: id, Language: "ru", Category: store.Category28Plus, StartedAt: at, UpdatedAt: at,
				Answers: map[string]string{"full_name": "Гүлнара Токтогулова", "oblast": "naryn", "phone": "+996700000000", "essay": essay}}
			if _, err := tx.Submit(a, at); err != nil {
				return err
			}
		}
		for _, group := range []struct {
			ids  []int64
			role store.Role
		}{{Staff, store.RoleStaff}, {Mentors, store.RoleMentor}, {Lawyers, store.RoleLawyer}, {Helpers, store.RoleHelper}} {
			for _, id := range group.ids {
				if err := tx.PutUser(store.User{ID: id, FirstName: "Staff", Language: "ru", Roles: []store.Role{group.role}, CreatedAt: at}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	texts, err := locales.New(slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	return bot.New(bot.Options{Features: features, DB: db, Texts: texts, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Location: time.UTC,
		Deadline: at.AddDate(0, 1, 0), StaffIDs: []int64{ConfigID}, Now: func() time.Time { return at.AddDate(0, 5, 0) }})
}
