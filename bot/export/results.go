package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
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

// Results writes one row per participant: who she is, her candidacy, her
// latest result and how many times she corrected it.
func Results(w io.Writer, rows []ResultRow, loc *time.Location) error {
	cw := csv.NewWriter(w)
	header := []string{"user_id", "name", "code", "category", "registered", "oblast", "district", "aiyl_okmotu", "constituency", "list",
		"votes_received", "votes_cast", "voters", "seats", "elected", "protocol_file_id", "reported_at", "corrections", "flags"}
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("write results header: %w", err)
	}
	for _, r := range rows {
		c := r.Candidacy
		row := []string{strconv.FormatInt(r.User.ID, 10), r.Application.Answers["full_name"], r.Application.Code, string(r.Application.Category),
			c.Registered, c.Oblast, c.District, c.AiylOkmotu, c.Constituency, c.List}
		if n := len(r.Reports); n > 0 {
			l := r.Reports[n-1]
			row = append(row, strconv.Itoa(l.VotesReceived), strconv.Itoa(l.VotesCast), strconv.Itoa(l.Voters), strconv.Itoa(l.Seats), l.Elected,
				l.PhotoFileID, l.At.In(loc).Format(time.RFC3339), strconv.Itoa(n-1), strings.Join(l.Flags, " "))
		} else {
			row = append(row, "", "", "", "", "", "", "", "0", "")
		}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("write result of %d: %w", r.User.ID, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	return nil
}
