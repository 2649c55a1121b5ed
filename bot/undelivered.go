package bot

import (
	"fmt"
	"math"
	"strings"

	"github.com/mentorbot/mentorbot/bot/export"
)

// undelivered is a page of /undelivered: the messages the outbox gave up
// on (dead letters), newest first, each with whom it was for and why.
// Someone who blocked the bot is not listed (she chose it); a file staff
// asked for that failed was followed by a short note to them.
func (t *Turn) undelivered(w Window) (Page, error) {
	dead, total, err := t.Tx.DeadLettersPage(w.Offset, w.Limit)
	if err != nil {
		return Page{}, err
	}
	if total == 0 {
		return Page{Text: t.Text("undelivered.none", nil)}, nil
	}
	var sb strings.Builder
	sb.WriteString(t.Text("undelivered.head", map[string]any{"Count": total}))
	for _, d := range dead {
		m := d.Outgoing
		fmt.Fprintf(&sb, "\n%s · %s (%d) · %s · %s", t.DateTime(d.At), Clip(t.nameOf(m.ChatID), 32), m.ChatID,
			t.Text("undelivered.kind."+string(m.Kind), nil), Clip(d.Reason, 90))
	}
	return Page{Text: sb.String(), Total: total}, nil
}

// undeliveredFile sends every dead letter as a workbook.
var undeliveredFile = SendsFile("undelivered")

// undeliveredFileTable builds it, in the worker (RunFileJobs).
func (t *Turn) undeliveredFileTable(string) (FileTable, error) {
	dead, total, err := t.Tx.DeadLettersPage(0, math.MaxInt)
	if err != nil {
		return FileTable{}, err
	}
	names := map[int64]string{}
	for _, d := range dead {
		if _, ok := names[d.Outgoing.ChatID]; !ok {
			names[d.Outgoing.ChatID] = t.nameOf(d.Outgoing.ChatID)
		}
	}
	return FileTable{Table: export.Undelivered(dead, names, t.School().Location), Name: "undelivered", Caption: t.Text("undelivered.caption", map[string]any{"Count": total})}, nil
}
