package bot_test

import (
	"strings"
	"testing"

	"github.com/mentorbot/mentorbot/bot/export"
)

func TestStaff_CountReadExport(t *testing.T) {
	h := newHarness(t)
	p := startForm(t, h, 8001)
	upTo(t, p, "")
	p.taps(h.text("ky", "summary.submit", nil))

	staff := &person{h: h, user: staffUser}
	staff.says("/applications")
	got := staff.news()
	want := "1 заявка (28+: 1, до 28: 0). Последний срок: 11.12.2026 17:00." +
		"\nНачали анкету: 1, отправили: 1, получили напоминание: 0, вернулись после напоминания: 0." +
		"\nПо источникам (открыли бота · начали анкету · отправили, 28+/до 28):\ndirect: 1 · 1 · 1 (1/0)\n" +
		"\nA-001 · 28 лет и старше · 22.11.2026 · Асанова Айгүл\n\n" + h.text("ru", "staff.applications.hint", nil)
	if len(got) != 1 || got[0] != want {
		t.Fatalf("staff sees %q\nwant %q", got, want)
	}

	staff.says("/application a-001")
	got = staff.news()
	if len(got) != 1 || !strings.HasPrefix(got[0], "Заявка A-001 · 28 лет и старше · 22.11.2026 10:00 · язык ky") ||
		!strings.Contains(got[0], "ФИО: Асанова Айгүл") || !strings.Contains(got[0], "Телефон: +996700123456") {
		t.Fatalf("application shown as %q", got)
	}
	staff.says("/application A-999")
	staff.expect(h.text("ru", "staff.application.not_found", map[string]any{"Code": "A-999"}))

	staff.says("/export")
	doc := h.srv.Last(staffUser.ID).Document
	rows := sheetRows(t, doc)
	apps, _ := h.db.Applications()
	if want := h.tableRows(t, export.Applications(apps, bishkek), "ru"); doc.Name != "applications-2026-11-22.xlsx" || !sameRows(rows, want) {
		t.Errorf("document %s:\n%q\nwant:\n%q", doc.Name, rows, want)
	}
	if got := strings.Join(rows[1][:10], ","); len(rows) != 2 || got != "A-001,ky,28plus,2026-11-22T10:00:00+06:00,submitted,direct,,Асанова Айгүл,female,1990-03-15" {
		t.Errorf("workbook row: %s", got)
	}

	staff.says("/help")
	if got := strings.Join(staff.news(), "\n"); !strings.Contains(got, "/export") {
		t.Errorf("staff help lacks staff commands: %s", got)
	}
	p.says("/help")
	if got := strings.Join(p.news(), "\n"); strings.Contains(got, "/export") {
		t.Errorf("applicant help lists staff commands: %s", got)
	}
}
