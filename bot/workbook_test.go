package bot_test

import (
	"bytes"
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
