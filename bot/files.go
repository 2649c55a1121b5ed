package bot

import (
	"bytes"
	"fmt"

	"github.com/mentorbot/mentorbot/bot/chart"
	"github.com/mentorbot/mentorbot/bot/export"
	"github.com/mentorbot/mentorbot/store"
)

// Workbooks (/export, /scores, the 📄 under long lists, a broadcast's
// report) are made after the update that asked for them. The update
// records only which one (FileJob); the worker that makes /backup copies
// then builds the table in a read transaction, which holds no other
// update, writes the workbook outside any transaction, and queues it in
// one short write (RunFileJobs). Making the workbook of 10 000
// applications takes most of a second: inside the update it would hold
// every other update waiting for the store.

// FileTable is a workbook's table, with the file's name before the date
// ("applications", "broadcast-3") and its caption.
type FileTable struct {
	Table         export.Table
	Name, Caption string
}

// FileBundle is a workbook of several sheets with charts sent after it,
// as photos: the programme's report.
type FileBundle struct {
	Sheets        []export.Table
	Name, Caption string
	Charts        []ChartFile
}

// ChartFile is a chart sent beside a workbook, its title the caption:
// drawn, like the workbook written, outside the read transaction.
type ChartFile struct {
	Name string
	Bars chart.Bars
}

// bundleFor finds the builder of a job's kind, a table's made into a
// bundle of one sheet.
func (r *registry) bundleFor(kind string) (func(*Turn, string) (FileBundle, error), bool) {
	if build, ok := r.bundles[kind]; ok {
		return build, true
	}
	build, ok := r.tables[kind]
	if !ok {
		return nil, false
	}
	return func(t *Turn, arg string) (FileBundle, error) {
		ft, err := build(t, arg)
		return FileBundle{Sheets: []export.Table{ft.Table}, Name: ft.Name, Caption: ft.Caption}, err
	}, true
}

// SendsFile is a command, or a list's file button, that asks the worker
// for the workbook kind (FileJob).
func SendsFile(kind string) func(*Turn) error {
	return func(t *Turn) error { return t.FileJob(kind, "") }
}

// FileJob asks the worker for a workbook, sent to her chat once made.
func (t *Turn) FileJob(kind, arg string) error {
	if _, ok := t.bot.routes.bundleFor(kind); !ok {
		return fmt.Errorf("no workbook %q", kind)
	}
	err := t.Tx.PutFileJob(store.FileJob{Kind: kind, Arg: arg, ChatID: t.Update.ChatID, UserID: t.User.ID, Lang: t.Lang(), At: t.Now})
	if err != nil {
		return err
	}
	t.fileRequested = true
	return nil
}

// RunFileJobs makes every workbook waiting and queues each to the staff
// member who asked, removing its job in the same short write, so a bot
// killed in between makes it again at its next start and never sends it
// twice. A workbook that cannot be made is logged, and she is told. It
// returns an error only when the store could not be read or written. It
// runs on the backup worker (ServeBackups), never concurrently with
// itself.
func (b *Bot) RunFileJobs() error {
	jobs, err := b.DB.FileJobs()
	if err != nil || len(jobs) == 0 {
		return err
	}
	for _, j := range jobs {
		ms, err := b.fileFor(j)
		if store.IsStorage(err) {
			return fmt.Errorf("workbook %s: %w", j.Kind, err)
		}
		if err != nil {
			b.Log.Error("workbook not made", "job", j.ID, "kind", j.Kind, "err", err)
			ms = []store.Outgoing{{Kind: store.KindMessage, ChatID: j.ChatID, Text: b.Texts.Text(j.Lang, "file.not_made", nil)}}
		}
		err = b.DB.Update(func(tx *store.Tx) error {
			if err := tx.FinishFileJob(j.ID); err != nil {
				return err
			}
			for _, m := range ms {
				if err := tx.Enqueue(b.Now(), m); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("send workbook: %w", err)
		}
		b.Delivered()
	}
	return nil
}

// fileFor makes a job's workbook, as the document to send and the
// charts after it: the table read in a read transaction as the staff
// member who asked, then written outside it.
func (b *Bot) fileFor(j store.FileJob) ([]store.Outgoing, error) {
	build, ok := b.routes.bundleFor(j.Kind)
	if !ok {
		return nil, fmt.Errorf("no workbook %q", j.Kind)
	}
	var ft FileBundle
	var lang string
	err := b.DB.View(func(tx *store.Tx) error {
		t, err := b.ReadTurn(tx, j)
		if err != nil {
			return err
		}
		lang = t.Lang()
		ft, err = build(t, j.Arg)
		return err
	})
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	words := func(key string, data map[string]any) string { return b.Texts.Text(lang, key, data) }
	if err := (export.Workbook{Name: ft.Name, Sheets: ft.Sheets}).WriteXLSX(&buf, words); err != nil {
		return nil, err
	}
	name := ft.Name + "-" + j.At.In(b.Location).Format("2006-01-02") + ".xlsx"
	out := []store.Outgoing{{Kind: store.KindDocument, ChatID: j.ChatID, Text: ft.Caption, Lane: store.LaneReply,
		Document: &store.File{Name: name, Data: buf.Bytes()}, FailNote: b.Texts.Text(lang, "file.failed", nil)}}
	for _, c := range ft.Charts {
		png, err := c.Bars.PNG()
		if err != nil {
			return nil, err
		}
		out = append(out, store.Outgoing{Kind: store.KindPhoto, ChatID: j.ChatID, Text: c.Bars.Title, Lane: store.LaneReply,
			Document: &store.File{Name: c.Name, Data: png}})
	}
	return out, nil
}

// ReadTurn is the turn a workbook is built in: the staff member who
// asked, at the moment she asked, reading through tx.
func (b *Bot) ReadTurn(tx *store.Tx, j store.FileJob) (*Turn, error) {
	u, err := tx.User(j.UserID)
	if IsNotFound(err) {
		u, err = store.User{ID: j.UserID}, nil
	}
	if err != nil {
		return nil, err
	}
	// Her language as it was when she asked (stored, or her phone's).
	return &Turn{bot: b, Tx: tx, Update: Update{ChatID: j.ChatID, LangCode: j.Lang}, Now: j.At, User: u, known: true}, nil
}
