package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/mentorbot/mentorbot/store"
)

// Questions writes every question and answer as CSV, one row per post of
// a thread, so a spreadsheet shows each exchange in order. Media are
// named by type and Telegram file_id. Times are in loc.
func Questions(w io.Writer, qs []store.Question, loc *time.Location) error {
	cw := csv.NewWriter(w)
	header := []string{"question", "kind", "language", "status", "asked_by", "created_at", "taken_by", "first_answer_at", "resolved_at",
		"post", "from", "author", "at", "text", "media_type", "media_file_id"}
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("write questions header: %w", err)
	}
	at := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(loc).Format(time.RFC3339)
	}
	id := func(v int64) string {
		if v == 0 {
			return ""
		}
		return strconv.FormatInt(v, 10)
	}
	for _, q := range qs {
		for i, p := range q.Thread {
			from, mediaType, fileID := "participant", "", ""
			if p.FromMentor {
				from = string(q.Kind)
			}
			if p.Media != nil {
				mediaType, fileID = p.Media.Type, p.Media.FileID
			}
			row := []string{strconv.Itoa(q.ID), string(q.Kind), q.Language, string(q.Status), id(q.UserID), at(q.CreatedAt), id(q.TakenBy),
				at(q.FirstAnswerAt), at(q.ResolvedAt), strconv.Itoa(i + 1), from, id(p.AuthorID), at(p.At), p.Text, mediaType, fileID}
			if err := cw.Write(row); err != nil {
				return fmt.Errorf("write question %d: %w", q.ID, err)
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write questions: %w", err)
	}
	return nil
}
