package bot_test

import (
	"strings"
	"testing"

	"github.com/mentorbot/mentorbot/bot/telegramtest"
)

// A file Telegram refuses for good: staff hear so at once, and
// /undelivered lists it with the reason, as one page and as a file.
func TestUndelivered_RefusedFileIsListed(t *testing.T) {
	h := newHarness(t)
	p := startForm(t, h, 8101)
	upTo(t, p, "")
	p.taps(h.text("ky", "summary.submit", nil))
	p.news()

	staff := &person{h: h, user: staffUser}
	staff.says("/undelivered")
	staff.expect(h.text("ru", "undelivered.none", nil))

	h.srv.FailNext("sendDocument", telegramtest.TooLarge(), 1)
	staff.says("/export")
	staff.expect(h.text("ru", "file.failed", nil))

	staff.says("/undelivered")
	got := staff.news()
	if len(got) != 1 || !strings.HasPrefix(got[0], h.text("ru", "undelivered.head", map[string]any{"Count": 1})) ||
		!strings.Contains(got[0], "Altynai (900) · "+h.text("ru", "undelivered.kind.document", nil)+" · permanent: telegram 413: Request Entity Too Large") {
		t.Fatalf("staff sees %q", got)
	}
	staff.taps(h.text("ru", "list.file", nil))
	rows := sheetRows(t, h.srv.Last(staffUser.ID).Document)
	if len(rows) != 2 || rows[1][2] != "900" || rows[1][4] != "document" || !strings.Contains(rows[1][7], "413") {
		t.Fatalf("file rows %q", rows)
	}
	// A woman is refused: staff may see it, she may not.
	p.says("/undelivered")
	if got := p.news(); len(got) != 2 || got[0] != h.text("ky", "access.denied", nil) {
		t.Errorf("she sees %q", got)
	}
}
