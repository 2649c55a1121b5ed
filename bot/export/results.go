package export

import (
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/store"
)

// ResultRow is one participant with what she reported of the election.
type ResultRow struct {
	User        store.User
	Application store.Application
	Candidacy   store.Candidacy
	Reports     []store.ResultReport // every version, oldest first
}

// Results is one row per participant: who she is, her candidacy, her
// latest result (figures as numbers, its time in loc), how many times
// she corrected it, and what staff found checking it against its photo.
func Results(rows []ResultRow, loc *time.Location) Table {
	tb := Table{Name: "results", Columns: []Column{
		{Key: "user_id", Kind: Whole}, {Key: "name", Label: "form.full_name.label"}, {Key: "code"}, {Key: "category"}, {Key: "registered"},
		{Key: "oblast", Label: "form.oblast.label"}, {Key: "district", Label: "form.district.label"},
		{Key: "aiyl_okmotu", Label: "form.aiyl_okmotu.label"}, {Key: "constituency"}, {Key: "list"},
		{Key: "votes_received", Kind: Whole}, {Key: "votes_cast", Kind: Whole}, {Key: "voters", Kind: Whole}, {Key: "seats", Kind: Whole},
		{Key: "elected"}, {Key: "protocol_file_id"}, {Key: "reported_at", Kind: DateTime}, {Key: "corrections", Kind: Whole}, {Key: "flags"},
		{Key: "photo_check"}, {Key: "check_reason"},
	}}
	for _, r := range rows {
		c := r.Candidacy
		row := []any{r.User.ID, r.Application.Answers["full_name"], r.Application.Code, string(r.Application.Category),
			c.Registered, c.Oblast, c.District, c.AiylOkmotu, c.Constituency, c.List}
		if n := len(r.Reports); n > 0 {
			l := r.Reports[n-1]
			row = append(row, l.VotesReceived, l.VotesCast, l.Voters, l.Seats, l.Elected, l.PhotoFileID, at(l.At, loc), n-1, strings.Join(l.Flags, " "),
				l.Check, l.Reason)
		} else {
			row = append(row, nil, nil, nil, nil, "", "", nil, 0, "", "", "")
		}
		tb.Rows = append(tb.Rows, row)
	}
	return tb
}

// ResultRows gathers, for every participant, her candidacy and reports.
func ResultRows(tx *store.Tx) ([]ResultRow, error) {
	users, err := tx.UsersWithRole(store.RoleParticipant)
	if err != nil {
		return nil, err
	}
	var rows []ResultRow
	for _, u := range users {
		r := ResultRow{User: u}
		if app, err := tx.ApplicationOf(u.ID); err == nil {
			r.Application = app
		}
		if c, err := tx.Candidacy(u.ID); err == nil {
			r.Candidacy = c
		}
		if r.Reports, err = tx.Reports(u.ID); err != nil {
			return nil, err
		}
		rows = append(rows, r)
	}
	return rows, nil
}
