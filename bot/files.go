package bot

import (
	"bytes"
	"fmt"

	"github.com/mentorbot/mentorbot/bot/export"
	"github.com/mentorbot/mentorbot/store"
)

// sendTable sends an export as an XLSX workbook, its headers in the
// language of the staff member who asked, named for what it holds and
// today's date: "applications-2026-11-22.xlsx". name is what the file is
// called before the date ("applications", "broadcast-3").
//
// The update keeps only the table's data (a quick write); the workbook
// is made by the worker after the update commits (RunFileJobs), outside
// any transaction: making one of 10 000 applications takes most of a
// second, which would hold every other update waiting for the store.
func (t *turn) sendTable(tb export.Table, name, caption string) error {
	data, err := tb.Encode()
	if err != nil {
		return err
	}
	err = t.tx.PutFileJob(store.FileJob{ChatID: t.u.ChatID, Lang: t.lang(), Caption: caption, Table: data, At: t.now,
		Name: name + "-" + t.now.In(t.Location).Format("2006-01-02") + ".xlsx"})
	if err != nil {
		return err
	}
	t.fileRequested = true
	return nil
}

// RunFileJobs makes every workbook waiting and queues each to the staff
// member who asked, removing its job in the same short write, so a bot
// killed in between makes it again at its next start and never sends it
// twice. A table that cannot be read or written is logged, and she is
// told the file could not be made. It returns an error only when the
// store could not be written. It runs on the backup worker
// (ServeBackups), never concurrently with itself.
func (b *Bot) RunFileJobs() error {
	jobs, err := b.DB.FileJobs()
	if err != nil || len(jobs) == 0 {
		return err
	}
	for _, j := range jobs {
		m, err := b.fileFor(j)
		if err != nil {
			b.Log.Error("workbook not made", "job", j.ID, "file", j.Name, "err", err)
			m = store.Outgoing{Kind: store.KindMessage, ChatID: j.ChatID, Text: b.Texts.Text(j.Lang, "file.not_made", nil)}
		}
		err = b.DB.Update(func(tx *store.Tx) error {
			if err := tx.FinishFileJob(j.ID); err != nil {
				return err
			}
			return tx.Enqueue(b.Now(), m)
		})
		if err != nil {
			return fmt.Errorf("send workbook: %w", err)
		}
		b.Delivered()
	}
	return nil
}

// fileFor makes a job's workbook, as the document to send.
func (b *Bot) fileFor(j store.FileJob) (store.Outgoing, error) {
	tb, err := export.DecodeTable(j.Table)
	if err != nil {
		return store.Outgoing{}, err
	}
	var buf bytes.Buffer
	words := func(key string, data map[string]any) string { return b.Texts.Text(j.Lang, key, data) }
	if err := tb.WriteXLSX(&buf, words); err != nil {
		return store.Outgoing{}, err
	}
	return store.Outgoing{Kind: store.KindDocument, ChatID: j.ChatID, Text: j.Caption, Lane: store.LaneReply,
		Document: &store.File{Name: j.Name, Data: buf.Bytes()}, FailNote: b.Texts.Text(j.Lang, "file.failed", nil)}, nil
}
