package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/locales"
	"github.com/mentorbot/mentorbot/store"
)

// The population of the hot-path benchmarks: a cycle at its busiest.
const (
	benchApplicants   = 8000 // filling in the form, at every step
	benchSubmitted    = 2000 // with a submitted application
	benchParticipants = 60   // accepted, among the submitted
	benchCandidates   = 40   // registered candidates, among the participants
	benchFirstID      = 100_000
	benchCandidate    = benchFirstID + benchApplicants // the first participant
)

// Staff, mentors, lawyers and helpers of the benchmark, by ID.
var (
	benchStaff    = []int64{10, 11, 12}
	benchMentors  = []int64{20, 21, 22, 23, 24}
	benchLawyers  = []int64{30, 31, 32}
	benchHelpers  = []int64{40, 41}
	benchConfigID = int64(9) // staff by the config only
)

// errRollback ends a benchmark's write transaction without committing
// it: what is measured is the work, not the disk.
var errRollback = errors.New("rolled back on purpose")

// benchBot stores the population in a real bbolt file and returns a bot on it.
func benchBot(b *testing.B) *Bot {
	b.Helper()
	db, err := store.Open(filepath.Join(b.TempDir(), "mentorbot.db"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	at := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	essay := strings.Repeat("Мен айылымдагы аялдардын үнү угулсун деп келдим. ", 12)
	err = db.Update(func(tx *store.Tx) error {
		for i := range benchApplicants {
			id := int64(benchFirstID + i)
			u := store.User{ID: id, FirstName: "Айгүл", Language: "ky", LangCode: "ky", ConsentAt: at, CreatedAt: at, Step: "oblast"}
			if err := tx.PutUser(u); err != nil {
				return err
			}
			d := store.Application{UserID: id, Language: "ky", Answers: map[string]string{"full_name": "Айгүл Асанова", "sex": "female"}, StartedAt: at, UpdatedAt: at}
			if err := tx.PutDraft(d); err != nil {
				return err
			}
		}
		for i := range benchSubmitted {
			id := int64(benchFirstID + benchApplicants + i)
			u := store.User{ID: id, FirstName: "Гүлнара", Language: "ru", LangCode: "ru", ConsentAt: at, CreatedAt: at, Step: "submitted"}
			if i < benchParticipants {
				u.Roles = []store.Role{store.RoleParticipant}
			}
			if i < benchCandidates {
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
		}{{benchStaff, store.RoleStaff}, {benchMentors, store.RoleMentor}, {benchLawyers, store.RoleLawyer}, {benchHelpers, store.RoleHelper}} {
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
	return New(Options{Features: []Feature{Applying, Sources, People, Selection, Calendar, Mentoring, FAQ, Broadcasts, Election, Report, Operations}, DB: db, Texts: texts, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Location: time.UTC,
		Deadline: at.AddDate(0, 1, 0), StaffIDs: []int64{benchConfigID}, Now: func() time.Time { return at.AddDate(0, 5, 0) }})
}

// BenchmarkHotPaths measures, at 10 000 stored women, what election day
// and the mentoring queues do on every report, question and due item.
//
//	go test -run '^$' -bench HotPaths -benchmem ./bot/
func BenchmarkHotPaths(b *testing.B) {
	bt := benchBot(b)
	now := bt.Now()
	b.Run("audience=participants", func(b *testing.B) {
		for b.Loop() {
			err := bt.DB.View(func(tx *store.Tx) error {
				users, err := AudienceOf(tx, "participants", bt.StaffIDs)
				if err == nil && len(users) != benchParticipants {
					err = fmt.Errorf("%d participants, want %d", len(users), benchParticipants)
				}
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("audience=staff", func(b *testing.B) {
		for b.Loop() {
			err := bt.DB.View(func(tx *store.Tx) error {
				users, err := AudienceOf(tx, "staff", bt.StaffIDs)
				if err == nil && len(users) != len(benchStaff) {
					err = fmt.Errorf("%d staff, want %d", len(users), len(benchStaff))
				}
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("queue_notice", func(b *testing.B) {
		for b.Loop() {
			err := bt.DB.Update(func(tx *store.Tx) error {
				n, err := bt.tellQueue(tx, store.KindHelp, now, bt.ByKey("queue.new", map[string]any{"ID": 1}))
				if err == nil && n != len(benchMentors)+len(benchLawyers)+len(benchHelpers) {
					err = fmt.Errorf("told %d", n)
				}
				if err != nil {
					return err
				}
				return errRollback
			})
			if err != errRollback {
				b.Fatal(err)
			}
		}
	})
	b.Run("tally", func(b *testing.B) {
		for b.Loop() {
			err := bt.DB.View(func(tx *store.Tx) error {
				t := &Turn{bot: bt, Tx: tx, Now: now}
				et, err := t.electionTally()
				if err == nil && et.all.Graduates != benchParticipants {
					err = fmt.Errorf("%d graduates", et.all.Graduates)
				}
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("put_user", func(b *testing.B) {
		for b.Loop() {
			err := bt.DB.Update(func(tx *store.Tx) error {
				u, err := tx.User(benchFirstID + 17)
				if err != nil {
					return err
				}
				u.Step = "district"
				if err := tx.PutUser(u); err != nil {
					return err
				}
				return errRollback
			})
			if err != errRollback {
				b.Fatal(err)
			}
		}
	})
	// The last step of a violation report, as Telegram delivers it: her
	// tap on "no photo", saved, told to staff and lawyers, committed.
	update := 0 // the same file serves every -count: IDs never repeat
	b.Run("violation_report", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			asked := 0
			err := bt.DB.Update(func(tx *store.Tx) error {
				c, err := tx.Conversation(benchCandidate)
				if err != nil {
					return err
				}
				asked = c.Asked + 1
				return tx.PutConversation(store.Conversation{UserID: benchCandidate, Dialogue: violationDialogue.Name, Version: violationDialogue.Version,
					Step: "evidence", Asked: asked, Path: []string{"what", "where"},
					Answers: map[string]string{"what": "Бюллетендерди таратып жатышат", "where": "№12 участка"}})
			})
			if err != nil {
				b.Fatal(err)
			}
			update++
			b.StartTimer()
			err = bt.Handle(context.Background(), Update{ID: update, ChatID: benchCandidate, Private: true, UserID: benchCandidate,
				Kind: KindCallback, CallbackID: fmt.Sprint(update), CallbackData: fmt.Sprintf("dg:%d:skip", asked), MessageID: 5})
			if err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		err := bt.DB.View(func(tx *store.Tx) error {
			vs, err := tx.Violations()
			if err == nil && len(vs) == 0 {
				err = errors.New("no violation was saved")
			}
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	})
}
