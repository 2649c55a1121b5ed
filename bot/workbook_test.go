package bot_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/mentorbot/mentorbot/bot/export"
	"github.com/mentorbot/mentorbot/bot/export/exporttest"
	"github.com/mentorbot/mentorbot/bot/telegramtest"
)

// sheetRows reads a workbook the bot sent: an .xlsx document whose one
// sheet holds the header as staff read it, then the rows, each cell as the
// CSV writes it (numbers plain, dates ISO, date-times RFC 3339 in Bishkek).
// A formula anywhere fails the test.
func sheetRows(t *testing.T, doc *telegramtest.Document) [][]string {
	t.Helper()
	if doc == nil {
		t.Fatal("no document sent")
	}
	if !strings.HasSuffix(doc.Name, ".xlsx") {
		t.Fatalf("document %q is not a workbook", doc.Name)
	}
	s, err := exporttest.Read(doc.Data, bishkek)
	if err != nil {
		t.Fatalf("workbook %s: %v", doc.Name, err)
	}
	return s.Rows
}

// tableRows are the rows a workbook of tb shows staff in lang, to compare
// with what the chat sent.
func (h *harness) tableRows(t *testing.T, tb export.Table, lang string) [][]string {
	t.Helper()
	var buf bytes.Buffer
	if err := tb.WriteXLSX(&buf, func(key string, data map[string]any) string { return h.text(lang, key, data) }); err != nil {
		t.Fatal(err)
	}
	return sheetRows(t, &telegramtest.Document{Name: tb.Name + ".xlsx", Data: buf.Bytes()})
}

// sameRows reports whether two sheets hold the same cells.
func sameRows(a, b [][]string) bool { return slices.EqualFunc(a, b, slices.Equal) }

// A workbook is made after the update that asked for it, by the worker,
// so a long one holds nobody else's update: the update records only
// which one. A bot stopped before its worker made it makes it at the next
// start, once.
func TestWorkbook_MadeAfterTheUpdate(t *testing.T) {
	h := newHarness(t)
	p := startForm(t, h, 96201)
	upTo(t, p, "")
	p.taps(h.text("ky", "summary.submit", nil))
	staff := &person{h: h, user: staffUser}

	h.noBackupWorker = true
	h.restart()
	staff.news()
	staff.says("/export")
	jobs, err := h.db.FileJobs()
	if err != nil || len(jobs) != 1 || jobs[0].ChatID != staffUser.ID || jobs[0].Lang != "ru" || jobs[0].Kind != "applications" {
		t.Fatalf("jobs after /export: %+v, %v", jobs, err)
	}
	for _, m := range h.srv.Messages(staffUser.ID) {
		if m.Document != nil {
			t.Fatalf("the update itself sent %s", m.Document.Name)
		}
	}

	h.noBackupWorker = false
	h.restart()
	docs := h.waitDocuments(staffUser.ID, 1)
	h.waitOutbox()
	if rows := sheetRows(t, &docs[0]); len(rows) != 2 || rows[1][0] != "A-001" {
		t.Errorf("workbook rows %q", rows)
	}
	if jobs, _ := h.db.FileJobs(); len(jobs) != 0 {
		t.Errorf("jobs left: %+v", jobs)
	}
	h.restart()
	h.waitOutbox()
	if docs := h.waitDocuments(staffUser.ID, 1); len(docs) != 1 {
		t.Errorf("the workbook was sent %d times", len(docs))
	}
}

// A workbook whose write the store refuses (a full disk) is not lost and
// not sent twice: the job waits, the worker tries again on its own, and
// once writes work the file goes out once.
func TestWorkbook_DiskFullWhenQueued(t *testing.T) {
	h := newHarness(t)
	staff := &person{h: h, user: staffUser}
	h.noBackupWorker = true
	h.restart()
	staff.says("/export")
	staff.news()

	h.restart() // a bot of its own: nothing left to wake its worker
	h.diskFull.Store(true)
	if err := h.bot.RunFileJobs(); err == nil {
		t.Fatal("the worker's write failed and it said nothing")
	}
	if jobs, _ := h.db.FileJobs(); len(jobs) != 1 {
		t.Fatalf("jobs after a failed write: %+v", jobs)
	}

	// The worker, started while the disk is still full, tries again by
	// itself once it frees up, with no new request to wake it.
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { h.bot.ServeBackups(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	h.srv.WaitFor(t, func() bool { return strings.Contains(h.logs.String(), "workbooks; trying again") })
	h.diskFull.Store(false)
	docs := h.waitDocuments(staffUser.ID, 1)
	h.waitOutbox()
	if len(docs) != 1 || !strings.HasPrefix(docs[0].Name, "applications-") {
		t.Fatalf("documents %+v", docs)
	}
	if jobs, _ := h.db.FileJobs(); len(jobs) != 0 {
		t.Errorf("jobs left: %+v", jobs)
	}
}
