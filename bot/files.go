package bot

import (
	"bytes"

	"github.com/mentorbot/mentorbot/bot/export"
	"github.com/mentorbot/mentorbot/store"
)

// sendTable sends an export as an XLSX workbook, its headers in the
// language of the staff member who asked, named for what it holds and
// today's date: "applications-2026-11-22.xlsx". name is what the file is
// called before the date ("applications", "broadcast-3").
func (t *turn) sendTable(tb export.Table, name, caption string) error {
	var buf bytes.Buffer
	if err := tb.WriteXLSX(&buf, t.words); err != nil {
		return err
	}
	t.out = append(t.out, store.Outgoing{
		Kind: store.KindDocument, ChatID: t.u.ChatID, Text: caption,
		Document: &store.File{Name: name + "-" + t.now.In(t.Location).Format("2006-01-02") + ".xlsx", Data: buf.Bytes()},
	})
	return nil
}

// words are the export's headers and sheet name in her language.
func (t *turn) words(key string, data map[string]any) string { return t.text(key, data) }
