package election

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/bot/dialogue"
	"github.com/mentorbot/mentorbot/bot/textnorm"
	"github.com/mentorbot/mentorbot/store"
)

// Staff check the election results against the protocol photos, one
// unchecked result at a time, from /tally's "check photos" button: the
// photoCheckDialogue. A rejected result's candidate is told why and asked
// for a new photo or corrected figures; her correction is a new version,
// which needs checking again.

// prefixCheck is the data of /tally's "check photos" button.
const prefixCheck = "elk"

// checkReasons are the common reasons a result does not match its photo,
// as buttons; staff may write their own words instead. Each is the key
// "check.reason.<reason>", shown to staff and to her in each one's
// language.
var checkReasons = []string{"unreadable", "figures_differ", "not_protocol", "no_photo"}

// photoCheckDialogue shows one result (the answers "user" and
// "version"): Verified records it and shows the next; Rejected asks why
// first. It goes on until none is left unchecked, or staff leave it.
var photoCheckDialogue = &dialogue.Dialogue{
	Name: "photocheck", Version: 1, Roles: bot.StaffOnly, CancelButton: true,
	Lost: func(*dialogue.Context) bool { return false }, // each check is recorded as it is made
	Steps: []dialogue.Step{
		{ID: "verdict", Prompt: checkPrompt, Before: showProtocol, Takes: dialogue.Buttons, NoBack: true,
			Options: func(*dialogue.Context) []dialogue.Option {
				return []dialogue.Option{{Value: store.CheckVerified, Label: "check.verified"}, {Value: store.CheckRejected, Label: "check.rejected", Beside: true}}
			},
			Taken: func(c *dialogue.Context, verdict string) error {
				if verdict != store.CheckVerified {
					return nil
				}
				return recordCheck(bot.TurnOf(c), c.Answers, store.CheckVerified, "")
			},
			Next: func(c *dialogue.Context) string {
				if c.Answers["verdict"] == store.CheckRejected {
					return "reason"
				}
				return nextChecked(c)
			}},
		{ID: "reason", Ask: "check.ask_reason", Takes: dialogue.Text, Max: 300,
			Options: func(*dialogue.Context) []dialogue.Option {
				out := make([]dialogue.Option, len(checkReasons))
				for i, r := range checkReasons {
					out[i] = dialogue.Option{Value: r, Label: "check.reason." + r}
				}
				return out
			},
			Taken: func(c *dialogue.Context, reason string) error {
				return recordCheck(bot.TurnOf(c), c.Answers, store.CheckRejected, reason)
			},
			Next: nextChecked},
	},
	Finish: func(c *dialogue.Context) error {
		bot.TurnOf(c).Say("check.all_done", nil)
		return nil
	},
}

// nextChecked shows the next unchecked result, or ends when none is left
// (recordCheck put it in the answers).
func nextChecked(c *dialogue.Context) string {
	if c.Answers["user"] == "" {
		return dialogue.End
	}
	return "verdict"
}

// checkPhotos is /tally's "check photos" button: the oldest unchecked
// result first.
func checkPhotos(t *bot.Turn, _ string) error {
	t.Toast("")
	next, ok, err := nextUnchecked(t)
	if err != nil {
		return err
	}
	if !ok {
		t.Say("check.none", nil)
		return nil
	}
	return t.StartDialogue(photoCheckDialogue.Name, next)
}

// nextUnchecked names the oldest result not checked yet, as the check
// dialogue's answers.
func nextUnchecked(t *bot.Turn) (map[string]string, bool, error) {
	et, err := readTally(t)
	if err != nil || len(et.unchecked) == 0 {
		return nil, false, err
	}
	r := et.unchecked[0]
	return map[string]string{"user": strconv.FormatInt(r.UserID, 10), "version": strconv.Itoa(r.Version)}, true, nil
}

// checkedResult is the result the check dialogue is showing.
func checkedResult(c *dialogue.Context) (store.ResultReport, error) {
	id, _ := strconv.ParseInt(c.Answers["user"], 10, 64)
	version := atoi(c.Answers["version"])
	versions, err := c.Tx().Reports(id)
	if err != nil {
		return store.ResultReport{}, err
	}
	if version < 1 || version > len(versions) {
		return store.ResultReport{}, fmt.Errorf("result %d v%d: %w", id, version, store.ErrNotFound)
	}
	return versions[version-1], nil
}

// showProtocol sends the result's photo (by its file_id) before the
// question, headed by whose it is.
func showProtocol(c *dialogue.Context) {
	t := bot.TurnOf(c)
	r, err := checkedResult(c)
	if err != nil || r.PhotoFileID == "" {
		return // the question says there is no photo
	}
	kind := r.PhotoType
	if kind == "" {
		kind = "photo"
	}
	t.SendPost(t.Update.ChatID, whose(t, r.UserID), store.Post{Media: &store.Media{Type: kind, FileID: r.PhotoFileID}}, nil)
}

// whose is the candidate as staff see her: her application's code and
// name, and her Telegram ID.
func whose(t *bot.Turn, userID int64) string {
	u, _ := t.Tx.User(userID)
	name := bot.DisplayName(u)
	code := "—"
	if app, err := t.Tx.ApplicationOf(userID); err == nil {
		code = app.Code
		if n := textnorm.ForStaff(app.Answers["full_name"]); n != "" {
			name = n
		}
	}
	return t.Text("check.whose", map[string]any{"Code": code, "Name": name, "ID": userID})
}

// checkPrompt is the result's figures beside whose it is.
func checkPrompt(c *dialogue.Context) string {
	t := bot.TurnOf(c)
	r, err := checkedResult(c)
	if err != nil {
		return t.Text("check.none", nil)
	}
	lines := []string{whose(t, r.UserID) + " · " + t.Text("check.version", map[string]any{"Version": r.Version}),
		t.Text("check.received", map[string]any{"N": r.VotesReceived}),
		t.Text("check.cast", map[string]any{"N": r.VotesCast})}
	if r.Voters > 0 {
		lines = append(lines, t.Text("check.voters", map[string]any{"N": r.Voters}))
	} else {
		lines = append(lines, t.Text("check.voters_none", nil))
	}
	lines = append(lines, t.Text("check.seats", map[string]any{"N": r.Seats}), t.Text("check.elected."+r.Elected, nil))
	if r.PhotoFileID == "" {
		lines = append(lines, t.Text("check.no_photo", nil))
	}
	for _, f := range r.Flags {
		lines = append(lines, "⚠️ "+t.Text("election.flag."+f, nil))
	}
	return strings.Join(lines, "\n") + "\n\n" + t.Text("check.ask", nil)
}

// recordCheck records staff's check of the result shown, audited, tells
// her if it was rejected, and puts the next unchecked result in the
// answers ("user" "" when none is left). A result checked by someone
// else meanwhile, or corrected by her, keeps its state: staff are told,
// and go on with the next.
func recordCheck(t *bot.Turn, answers map[string]string, check, reason string) error {
	id, _ := strconv.ParseInt(answers["user"], 10, 64)
	version := atoi(answers["version"])
	versions, err := t.Tx.Reports(id)
	if err != nil {
		return err
	}
	r, err := store.ResultReport{}, store.ErrChecked // she sent a correction since: check that instead
	if len(versions) == version {
		r, err = t.Tx.CheckReport(id, version, check, reason, t.User.ID, t.Now)
	}
	switch {
	case errors.Is(err, store.ErrChecked):
		t.Say("check.moved_on", nil)
	case err != nil:
		return err
	default:
		if err := afterCheck(t, r); err != nil {
			return err
		}
	}
	next, ok, err := nextUnchecked(t)
	if err != nil {
		return err
	}
	if !ok {
		next = map[string]string{"user": "", "version": ""}
	}
	for k, v := range next {
		answers[k] = v
	}
	return nil
}

// afterCheck audits a check and, for a rejected result, asks her kindly
// for a new photo or corrected figures, saying why.
func afterCheck(t *bot.Turn, r store.ResultReport) error {
	detail := fmt.Sprintf("%d v%d %s", r.UserID, r.Version, r.Check)
	if r.Check == store.CheckRejected {
		detail += ": " + r.Reason
	}
	if err := t.Audit(bot.StaffOnly, "result check", detail); err != nil {
		return err
	}
	t.Log().Info("election result checked", "by", t.User.ID, "user_id", r.UserID, "version", r.Version, "check", r.Check)
	if r.Check != store.CheckRejected {
		return nil
	}
	u, err := t.Tx.User(r.UserID)
	if err != nil {
		return err
	}
	why := func(lang string) string {
		if slices.Contains(checkReasons, r.Reason) {
			return t.Texts().Text(lang, "check.reason."+r.Reason, nil)
		}
		return r.Reason
	}
	t.Notify([]store.User{u}, func(lang string) string {
		return t.Texts().Text(lang, "election.check_rejected", map[string]any{"What": why(lang)})
	}, func(lang string) [][]store.Button {
		return [][]store.Button{{{Text: t.Texts().Text(lang, "election.report", nil), Data: prefixElection + ":report"}}}
	})
	return nil
}
