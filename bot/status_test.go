package bot_test

import (
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/school"
	"github.com/mentorbot/mentorbot/bot/telegramtest"
	"github.com/mentorbot/mentorbot/store"
)

// Staff's /status in the chat tells the figures of `mentorbot status`, in
// her language and Bishkek time, read in the update's own transaction;
// it is in staff's /help and audited; others are refused.
func TestStatus_InTheChat(t *testing.T) {
	h := newHarness(t)
	staff := &person{h: h, user: staffUser}

	// A dead letter (a file Telegram refused), a paused broadcast and a
	// backup made 26 hours before she asks.
	h.srv.FailNext("sendDocument", telegramtest.TooLarge(), 1)
	staff.says("/export")
	staff.news()
	var bc store.Broadcast
	if err := h.db.Update(func(tx *store.Tx) (err error) {
		bc, err = tx.PutBroadcast(store.Broadcast{Status: store.BroadcastPaused, Total: 10, Sent: 3, Blocked: 1, Audience: "participants"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	before, err := h.db.Health("")
	if err != nil {
		t.Fatal(err)
	}
	// The handled marks are wall-clock seconds: the bot's clock is set
	// from the last one, so "how long ago" is known.
	asked := before.LastHandledAt.Add(5*time.Minute + 30*time.Second)
	h.clock.Set(asked)
	backupAt := asked.Add(-26 * time.Hour)
	backup, err := h.db.Backup(filepath.Join(filepath.Dir(h.path), "backups"), 7, backupAt)
	if err != nil {
		t.Fatal(err)
	}

	staff.says("/status")
	at := func(tm time.Time) string { return tm.In(bishkek).Format("02.01.2006 15:04") }
	staff.expect(strings.Join([]string{
		"📊 Состояние бота (время Бишкека)",
		"Схема базы данных: " + strconv.Itoa(store.SchemaVersion),
		"Последнее обновление: №" + strconv.Itoa(before.LastUpdate) + ", " + at(before.LastHandledAt) + " (5 мин назад)",
		"В очереди: 0 (ответы на кнопки 0, ответы 0, уведомления 0, рассылки и напоминания 0)",
		"Недоставленные: 1 (/undelivered)",
		"Рассылка №" + strconv.Itoa(bc.ID) + " на паузе: 4 из 10 (отправлено 3, заблокировали бота 1, ошибки 0)",
		"Ближайшее по расписанию:",
		"• 22.01.2027 09:00 — напоминание: school",
		"• 24.01.2027 09:00 — напоминание: school",
		"• 03.03.2027 15:00 — напоминание: meeting-1",
		"• 04.03.2027 14:00 — напоминание: meeting-1",
		"• 04.03.2027 17:00 — вопрос после встречи: meeting-1",
		"Последняя копия: " + filepath.Base(backup) + ", " + at(backupAt) + " (26 ч назад)",
	}, "\n"))

	// Audited as every staff command is.
	err = h.db.View(func(tx *store.Tx) error {
		p, err := tx.AuditLogPage(0, 1, 0)
		if err != nil || len(p.Entries) != 1 || p.Entries[0].Action != "/status" || p.Entries[0].UserID != staffUser.ID {
			t.Errorf("newest audit entry %+v, %v", p.Entries, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// In staff's /help; nobody else may use it.
	staff.says("/help")
	if got := strings.Join(staff.news(), "\n"); !strings.Contains(got, "/status — состояние бота: очередь, рассылки, копии") {
		t.Errorf("staff's help:\n%s", got)
	}
	// In Kyrgyz for staff who chose it.
	staff.says("/language")
	staff.taps("Кыргызча")
	staff.news()
	staff.says("/status")
	got := strings.Split(strings.Join(staff.news(), "\n"), "\n")
	if len(got) != 13 || got[0] != "📊 Боттун абалы (Бишкек убактысы)" || got[3] != "Кезекте: 0 (баскычка жооптор 0, жооптор 0, билдирүүлөр 0, жапырт билдирүүлөр жана эскертүүлөр 0)" ||
		got[5] != "Жапырт билдирүү №"+strconv.Itoa(bc.ID)+" тыныгууда: 10 ичинен 4 (жөнөтүлдү 3, ботту бөгөттөгөндөр 1, каталар 0)" ||
		got[12] != "Акыркы көчүрмө: "+filepath.Base(backup)+", "+at(backupAt)+" (26 саат мурун)" {
		t.Errorf("in Kyrgyz:\n%s", strings.Join(got, "\n"))
	}

	p := h.person(96201, "ky")
	p.says("/start")
	p.news()
	p.says("/status")
	if got := p.news(); len(got) == 0 || got[0] != h.text("ky", "access.denied", nil) {
		t.Errorf("a newcomer sees %q", got)
	}
}

// Every kind of due item a part registers has a name in /status, in both
// languages: a key shown as itself would read "health.due.kind.finish".
func TestStatus_EveryDueKindHasAName(t *testing.T) {
	h := newHarness(t)
	kinds := 0
	for _, f := range school.Features() {
		for kind := range f.Due {
			kinds++
			for _, lang := range []string{"ky", "ru"} {
				key := "health.due.kind." + string(kind)
				if got := h.text(lang, key, nil); got == key || got == "" {
					t.Errorf("%s: no name for due items of kind %q (%s)", lang, kind, key)
				}
			}
		}
	}
	if kinds < 7 {
		t.Errorf("found %d kinds of due items, want the store's 7", kinds)
	}
}
