package bot_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/mentorbot/mentorbot/store"
)

func TestPersonalData_MyDataForgetAuditBackup(t *testing.T) {
	h := newHarness(t)
	p := startForm(t, h, 96001)
	upTo(t, p, "")
	p.taps(h.text("ky", "summary.submit", nil))
	staff := &person{h: h, user: staffUser}
	staff.says("/export")
	staff.says("/decide A-001 accept") // refused before scoring, but recorded as tried

	// Her data, as a file.
	p.says("/mydata")
	doc := h.srv.Last(p.user.ID).Document
	var pd store.PersonalData
	if doc == nil || json.Unmarshal(doc.Data, &pd) != nil {
		t.Fatalf("mydata: %+v", doc)
	}
	if pd.Application == nil || pd.Application.Answers["full_name"] != "Асанова Айгүл" || pd.User.ID != p.user.ID {
		t.Errorf("mydata holds %+v", pd.Application)
	}

	// A backup in the chat (the copy itself is tested in backup_test.go).
	staff.says("/backup")
	h.waitDocuments(staffUser.ID, 2) // /export's file, then the copy

	// She asks to be forgotten.
	p.says("/forget")
	p.taps(h.text("ky", "forget.yes", nil))
	if got := p.news(); got[len(got)-1] != h.text("ky", "forget.done", nil) {
		t.Errorf("she sees %q", got)
	}
	if got := staff.news(); got[len(got)-1] != h.text("ru", "forget.staff", map[string]any{"Code": "A-001", "ID": p.user.ID}) {
		t.Errorf("staff see %q", got)
	}
	apps, _ := h.db.Applications()
	if len(apps) != 1 || apps[0].Code != "A-001" || apps[0].Category != store.Category28Plus || len(apps[0].Answers) != 0 {
		t.Errorf("after forget: %+v", apps[0])
	}
	u := userOf(t, h, p.user.ID)
	if u.FirstName != "" || u.ForgottenAt.IsZero() {
		t.Errorf("user after forget: %+v", u)
	}

	// The audit log names who did what.
	staff.says("/audit")
	log := strings.Join(staff.news(), "\n")
	for _, want := range []string{"Altynai (900) · /export", "/decide A-001 accept", "/backup", "/forget"} {
		if !strings.Contains(log, want) {
			t.Errorf("audit log lacks %q:\n%s", want, log)
		}
	}
	if strings.Contains(log, "/mydata") {
		t.Error("a participant's own request is in the staff audit log")
	}
}
