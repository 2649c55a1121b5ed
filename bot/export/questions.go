package export

import (
	"time"

	"github.com/mentorbot/mentorbot/store"
)

// Questions is every question and answer, one row per post of a thread,
// so a spreadsheet shows each exchange in order. Media are named by type
// and Telegram file_id. Times are in loc.
func Questions(qs []store.Question, loc *time.Location) Table {
	tb := Table{Name: "questions", Columns: []Column{
		{Key: "question", Kind: Whole}, {Key: "kind"}, {Key: "language"}, {Key: "status"}, {Key: "asked_by", Kind: Whole},
		{Key: "created_at", Kind: DateTime}, {Key: "taken_by", Kind: Whole}, {Key: "first_answer_at", Kind: DateTime},
		{Key: "resolved_at", Kind: DateTime}, {Key: "post", Kind: Whole}, {Key: "from"}, {Key: "author", Kind: Whole},
		{Key: "at", Kind: DateTime}, {Key: "text"}, {Key: "media_type"}, {Key: "media_file_id"},
	}}
	for _, q := range qs {
		for i, p := range q.Thread {
			from, mediaType, fileID := "participant", "", ""
			if q.Kind == store.KindSchool {
				from = "applicant" // she asked before she was a participant
			}
			if p.FromMentor {
				from = string(q.Kind)
			}
			if p.Media != nil {
				mediaType, fileID = p.Media.Type, p.Media.FileID
			}
			tb.Rows = append(tb.Rows, []any{q.ID, string(q.Kind), q.Language, string(q.Status), userID(q.UserID), at(q.CreatedAt, loc),
				userID(q.TakenBy), at(q.FirstAnswerAt, loc), at(q.ResolvedAt, loc), i + 1, from, userID(p.AuthorID), at(p.At, loc),
				p.Text, mediaType, fileID})
		}
	}
	return tb
}

// userID is a Telegram ID, or blank for none.
func userID(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

// at is t in loc; a zero time stays zero, a blank cell.
func at(t time.Time, loc *time.Location) time.Time {
	if t.IsZero() {
		return t
	}
	return t.In(loc)
}
