package bot_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/store"
)

// dueItems returns every due item in the store, by time.
func dueItems(t *testing.T, h *harness) []store.Due {
	t.Helper()
	var items []store.Due
	err := h.db.View(func(tx *store.Tx) error {
		var err error
		items, err = tx.DueUntil(time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return items
}

// Every way the bot plans a due item tells Planned its time, after the
// commit: the programme at start (reminders, greetings, follow-ups,
// election morning), staff adding and moving an event, a question's
// digest and a scheduled broadcast.
func TestPlanned_EveryDueItemIsTold(t *testing.T) {
	var mu sync.Mutex
	var told []time.Time
	h := newHarnessOn(t, filepath.Join(t.TempDir(), "mentorbot.db"), func(o *bot.Options) {
		o.Planned = func(at time.Time) {
			mu.Lock()
			told = append(told, at)
			mu.Unlock()
		}
	})
	expectTold := func(step string) {
		t.Helper()
		var want []time.Time
		for _, d := range dueItems(t, h) {
			want = append(want, d.At)
		}
		mu.Lock()
		got := slices.Clone(told)
		mu.Unlock()
		slices.SortFunc(got, time.Time.Compare)
		if !slices.EqualFunc(got, want, time.Time.Equal) {
			t.Fatalf("%s: told %d times %v,\nstored %d due items at %v", step, len(got), got, len(want), want)
		}
	}
	kinds := map[store.DueKind]bool{}
	for _, d := range dueItems(t, h) {
		kinds[d.Kind] = true
	}
	if !kinds[store.DueReminder] || !kinds[store.DueGreeting] || !kinds[store.DueFollowUp] || !kinds[store.DueElection] {
		t.Fatalf("the programme planned %v, want reminders, greetings, follow-ups and election morning", kinds)
	}
	expectTold("the programme at start")

	staff := &person{h: h, user: staffUser}
	addMeeting(staff, "20.12.2026 15:00", "Жолугушуу", "Встреча", "https://meet.example.org/x", "participants")
	expectTold("an event added")
	staff.says("/event_move meeting-1 2027-03-05 15:00")
	expectTold("an event moved")

	ru := participants(t, h, map[int64]string{10501: "ru"})[10501]
	ru.says("/ask")
	ru.taps("👩‍🏫 Спросить наставника")
	ru.says("Как собрать подписи для выдвижения?")
	expectTold("a question")

	staff.says("/broadcast")
	staff.says("Жолугушуу жылдырылды.")
	staff.says("Встреча переносится.")
	staff.taps(h.text("ru", "audience.participants", nil))
	staff.taps(h.text("ru", "bc.schedule", nil))
	staff.says("2026-11-23 09:00")
	if got := staff.news(); got[len(got)-1] != h.text("ru", "bc.scheduled", map[string]any{"ID": 1, "When": "23.11.2026 09:00"}) {
		t.Fatalf("scheduling a broadcast: %q", got)
	}
	expectTold("a scheduled broadcast")
}

// With the due schedule on a real cron, as mentorbot run has it, a
// question's notice planned a few hundred milliseconds ahead reaches the
// mentor then, with no minute tick; and a restart does not send it again.
func TestDue_OnTimeWithRealCron(t *testing.T) {
	h := unstartedHarness(t, filepath.Join(t.TempDir(), "mentorbot.db"), func(o *bot.Options) {
		o.Mentoring.DigestDelay = 300 * time.Millisecond
	})
	h.dueOnTime = true
	h.start()
	t.Cleanup(h.stop)
	ru := participants(t, h, map[int64]string{10601: "ru"})[10601]
	mentor := answerer(t, h, 10701, "ru", store.RoleMentor)

	ru.says("/ask")
	ru.taps("👩‍🏫 Спросить наставника")
	ru.says("Как собрать подписи для выдвижения?")
	ru.news()
	// The schedule would otherwise look again only after a minute; the
	// wait gives up after ten seconds.
	h.srv.WaitMessages(t, mentor.user.ID, 1)
	h.waitOutbox()
	mentor.expect(h.text("ru", "queue.new", map[string]any{"ID": 1}))

	h.restart()
	h.waitOutbox()
	mentor.expect()
	for _, d := range dueItems(t, h) {
		if d.Kind == store.DueQuestions {
			t.Errorf("the notice delivered before the restart is still due: %+v", d)
		}
	}
	// The next question is announced on time by the new process, alone.
	ru.says("/ask")
	ru.taps("👩‍🏫 Спросить наставника")
	ru.says("Нужна ли печать на подписном листе?")
	h.srv.WaitMessages(t, mentor.user.ID, 2)
	h.waitOutbox()
	mentor.expect(h.text("ru", "queue.new", map[string]any{"ID": 2}))
}

// The bot plans due items only through Bot.Plan, which tells Planned: a
// store.Tx.PlanDue called anywhere else would wait for the minute's look.
func TestPlanDue_OnlyThroughPlanDue(t *testing.T) {
	files := codeFiles()
	fset := token.NewFileSet()
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				if sel, ok := n.(*ast.SelectorExpr); ok && sel.Sel.Name == "PlanDue" {
					checked++
					if fn.Name.Name != "Plan" || fn.Recv == nil {
						t.Errorf("%s: %s calls PlanDue; plan through Bot.Plan so the due schedule hears of it", fset.Position(sel.Pos()), fn.Name.Name)
					}
				}
				return true
			})
		}
	}
	if checked == 0 {
		t.Error("no call of PlanDue found at all: is the test looking at the bot's files?")
	}
}
