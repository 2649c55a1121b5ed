//go:build unix

package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/bot/telegramtest"
	"github.com/mentorbot/mentorbot/store"
)

// The multi-step writes, each driven through the real dialogue (the
// buttons read from the bot's messages, as a phone shows them) and each
// killed twice in the middle (crashRun.interrupt).

// The selection: five applications submitted before the first start,
// the first member's scores of all five, the second member invited.
const (
	crashMemberA   = int64(700) // seeded, has scored everything
	crashMemberB   = int64(701) // joins by invitation and scores in the run
	crashLatecomer = int64(702) // tries the spent invitation
	crashFirstSel  = int64(30001)
)

var (
	crashMemberBUser   = telegramtest.User{ID: crashMemberB, FirstName: "Бермет", LanguageCode: "ky"}
	crashLatecomerUser = telegramtest.User{ID: crashLatecomer, FirstName: "Чолпон", LanguageCode: "ru"}
)

// crashSelectionApp is one application of the selection: its points
// (every criterion, from both members) and the decision they make.
type crashSelectionApp struct {
	code     string
	userID   int64
	lang     string
	category store.Category
	points   int
	decision store.Status
}

// crashSelectionApps are. With one accepted and one in
// reserve in each category, the points give every decision.
var crashSelectionApps = []crashSelectionApp{
	{"A-001", crashFirstSel, "ky", store.Category28Plus, 5, store.StatusAccepted},
	{"A-002", crashFirstSel + 1, "ru", store.Category28Plus, 4, store.StatusWaitlisted},
	{"A-003", crashFirstSel + 2, "ky", store.Category28Plus, 2, store.StatusDeclined},
	{"A-004", crashFirstSel + 3, "ru", store.CategoryUnder28, 3, store.StatusAccepted},
	{"A-005", crashFirstSel + 4, "ky", store.CategoryUnder28, 1, store.StatusWaitlisted},
}

// seedSelection submits the selection's applications and stores the
// first member with her confirmed scores.
func seedSelection(tx *store.Tx, at time.Time) error {
	for i, s := range crashSelectionApps {
		answers := newCrashApplicant(40 + i).answers
		if s.category == store.CategoryUnder28 {
			answers["birth_date"] = "2080-05-05"
		}
		u := store.User{ID: s.userID, FirstName: "Нургүл", Language: s.lang, CreatedAt: at}
		if err := tx.PutUser(u); err != nil {
			return err
		}
		app, err := tx.Submit(store.Application{UserID: s.userID, Language: s.lang, Category: s.category, Answers: answers, StartedAt: at}, at)
		if err != nil {
			return err
		}
		if app.Code != s.code {
			return fmt.Errorf("seeded application got %s, want %s", app.Code, s.code)
		}
		score := store.Score{Code: s.code, MemberID: crashMemberA, Confirmed: true, ConfirmedAt: at, UpdatedAt: at}
		for k := range score.Points {
			score.Points[k] = s.points
		}
		if err := tx.PutScore(score); err != nil {
			return err
		}
	}
	return tx.PutUser(store.User{ID: crashMemberA, FirstName: "Айнура", Language: "ru", Roles: []store.Role{store.RoleCommission}, CreatedAt: at})
}

// crashSelection is what the selection's run left to check: the
// invitation's code.
type crashSelection struct {
	invite string
}

var crashInviteLink = regexp.MustCompile(`start=inv_([a-z0-9]+)`)

// runSelection is the whole selection through the dialogue: an invitation
// redeemed, scoring opened, the second member's scores, the decision for
// all and the results, with kills in the middle of each.
func (c *crashRun) runSelection() crashSelection {
	c.t.Helper()
	sel := crashSelection{invite: c.redeemInvitation()}
	c.scoreAll()
	c.decideAll()
	c.publishResults()
	return sel
}

// redeemInvitation has staff invite a commission member, who opens the
// link; then someone else opens it too: a link works once. It returns the
// invitation's code.
func (c *crashRun) redeemInvitation() (code string) {
	c.t.Helper()
	c.say(crashStaffUser, "/invite commission")
	c.await("an invitation link", 10*time.Second, func() bool {
		for _, m := range c.srv.Messages(crashStaff) {
			if l := crashInviteLink.FindStringSubmatch(m.Text); l != nil {
				code = l[1]
				return true
			}
		}
		return false
	})
	c.say(crashMemberBUser, "/start inv_"+code)
	c.interrupt("invitation redeemed", func() bool { return len(c.srv.Messages(crashMemberB)) > 0 }, nil,
		func() string { return fmt.Sprintf("%d messages to her", len(c.srv.Messages(crashMemberB))) })
	c.say(crashLatecomerUser, "/start inv_"+code)
	return code
}

// scoreAll opens scoring; the second member scores all five, blind, and
// confirms each, with kills in the middle of every other confirm.
func (c *crashRun) scoreAll() {
	c.t.Helper()
	c.say(crashStaffUser, "/scoring")
	c.tapData(crashStaffUser, "scoring:open")
	c.await("the members told", 10*time.Second, func() bool {
		return c.shows(crashMemberB, c.texts.Text("ky", "score.opened", map[string]any{"Count": len(crashSelectionApps)}))
	})
	c.say(crashMemberBUser, "/score")
	for i, s := range crashSelectionApps {
		for k := range store.Criteria {
			c.tapData(crashMemberBUser, fmt.Sprintf("sc:%s:p:%d:%d", s.code, k, s.points))
		}
		confirm := c.tapData(crashMemberBUser, "sc:"+s.code+":ok")
		if i%2 == 0 {
			shown := c.texts.Text("ky", "score.confirmed", map[string]any{"Code": s.code, "Total": fmt.Sprint(20 * s.points)})
			c.interrupt("confirm of "+s.code, c.answered(confirm), nil, func() string {
				return fmt.Sprintf("confirm shown %v, %d messages to her", c.shows(crashMemberB, shown), len(c.srv.Messages(crashMemberB)))
			})
		}
	}
	c.await("every application scored", 20*time.Second, func() bool {
		return c.shows(crashMemberB, c.texts.Text("ky", "score.all_done", map[string]any{"Count": len(crashSelectionApps)}))
	})
}

// decideAll takes the bot's proposal for all, in one tap.
func (c *crashRun) decideAll() {
	c.t.Helper()
	c.say(crashStaffUser, "/decide")
	allDone := c.texts.Text("ru", "decide.all_done", nil)
	c.interrupt("decision for all", c.answered(c.tapData(crashStaffUser, "dec:all")), nil,
		func() string { return fmt.Sprintf("decisions shown %v", c.shows(crashStaff, allDone)) })
	c.await("every application decided", 20*time.Second, func() bool { return c.shows(crashStaff, allDone) })
}

// publishResults sends every applicant her result, after staff saw the
// counts.
func (c *crashRun) publishResults() {
	c.t.Helper()
	c.say(crashStaffUser, "/publish")
	counts := map[store.Status]int{}
	for _, s := range crashSelectionApps {
		counts[s.decision]++
	}
	confirm := c.texts.Text("ru", "publish.confirm", map[string]any{
		"Accepted": counts[store.StatusAccepted], "Waitlisted": counts[store.StatusWaitlisted], "Declined": counts[store.StatusDeclined]})
	c.await("the count of the results", 10*time.Second, func() bool { return c.shows(crashStaff, confirm) })
	publish := c.tapData(crashStaffUser, "pub:go")
	results := func() int {
		n := 0
		for _, s := range crashSelectionApps {
			if c.shows(s.userID, c.resultText(s)) {
				n++
			}
		}
		return n
	}
	done := c.texts.Text("ru", "publish.done", map[string]any{"Count": len(crashSelectionApps)})
	c.interrupt("results sent", c.answered(publish), nil, func() string {
		return fmt.Sprintf("%d of %d results delivered, staff told %v", results(), len(crashSelectionApps), c.shows(crashStaff, done))
	})
	c.await("every result sent", 20*time.Second, func() bool { return results() == len(crashSelectionApps) })
}

// resultText is the result an applicant of the selection must get.
func (c *crashRun) resultText(s crashSelectionApp) string {
	o := c.cfg.SelectionOptions()
	loc := c.cfg.Location()
	return c.texts.Text(s.lang, "result."+string(s.decision), map[string]any{
		"Code": s.code, "Start": o.SchoolStart.In(loc).Format("02.01.2006"), "End": o.SchoolEnd.In(loc).Format("02.01.2006")})
}

// prepareBroadcast has staff write a broadcast to the participants, up to
// the confirmation, reading the buttons' data from the bot's messages. It
// returns the data of the "Send now" button.
func (c *crashRun) prepareBroadcast() (sendNow string) {
	c.t.Helper()
	staff := crashStaffUser
	c.say(staff, "/broadcast")
	c.say(staff, crashBroadcast["ky"])
	c.say(staff, crashBroadcast["ru"])
	c.tap(staff, "dg:…:participants", func(d string) bool {
		return strings.HasPrefix(d, "dg:") && strings.HasSuffix(d, ":participants")
	})
	recipients := crashParticipants + len(crashSelectionAccepted())
	confirm, data := c.find(staff, "dg:…:now", func(d string) bool { return strings.HasPrefix(d, "dg:") && strings.HasSuffix(d, ":now") })
	if want := fmt.Sprint(recipients); !strings.Contains(confirm.Text, want) {
		c.errorf("confirmation %q does not count %s recipients", confirm.Text, want)
	}
	return data
}

// crashSelectionAccepted are the applicants the results make participants.
func crashSelectionAccepted() []int64 {
	var ids []int64
	for _, s := range crashSelectionApps {
		if s.decision == store.StatusAccepted {
			ids = append(ids, s.userID)
		}
	}
	return ids
}

// launchBroadcast taps "Send now" and kills the bot as the copies start
// going out.
func (c *crashRun) launchBroadcast(sendNow string) {
	c.t.Helper()
	total := crashParticipants + len(crashSelectionAccepted())
	base := -1
	goingOn := func() bool {
		n := c.broadcastCopies()
		if base < 0 {
			base = n
		}
		return n > base || n == total
	}
	c.interrupt("broadcast started", c.answered(c.tapData(crashStaffUser, sendNow)), goingOn,
		func() string { return fmt.Sprintf("%d of %d copies delivered", c.broadcastCopies(), total) })
}

// requestBackup sends /backup and kills the bot as the copy is being
// made: the bot says it is coming once the request is committed, and
// the copy is made after that. It returns the update.
func (c *crashRun) requestBackup() int {
	c.t.Helper()
	making := c.texts.Text("ru", "backup.making", nil)
	before := c.count(crashStaff, making)
	id := c.say(crashStaffUser, "/backup")
	c.interrupt("/backup", func() bool { return c.count(crashStaff, making) > before }, nil, func() string {
		return fmt.Sprintf("%d partial copies, %d backups, %d sent", c.partialBackups(), c.backupFiles(), len(c.backupsSent()))
	})
	return id
}

// count is how many of the bot's messages in the chat show text.
func (c *crashRun) count(chat int64, text string) int {
	n := 0
	for _, m := range c.srv.Messages(chat) {
		if m.Text == text {
			n++
		}
	}
	return n
}

// broadcastAtEveryone reports whether every participant (those seeded
// and those the results accepted) shows the broadcast.
func (c *crashRun) broadcastAtEveryone() bool {
	return c.broadcastCopies() == crashParticipants+len(crashSelectionAccepted())
}

// broadcastCopies counts the participants whose chat shows the broadcast.
func (c *crashRun) broadcastCopies() int {
	n := 0
	for i := range crashParticipants {
		if c.shows(crashFirstParticipant+int64(i), crashBroadcast[[]string{"ky", "ru"}[i%2]]) {
			n++
		}
	}
	for _, s := range crashSelectionApps {
		if s.decision == store.StatusAccepted && c.shows(s.userID, crashBroadcast[s.lang]) {
			n++
		}
	}
	return n
}

// backupsSent are the backups staff received.
func (c *crashRun) backupsSent() []telegramtest.Document {
	caption := c.texts.Text("ru", "backup.caption", nil)
	var docs []telegramtest.Document
	for _, m := range c.srv.Messages(crashStaff) {
		if m.Document != nil && m.Document.Caption == caption {
			docs = append(docs, *m.Document)
		}
	}
	return docs
}

// backupDir is where the bot writes backups: the config's default dir,
// beside the database.
func (c *crashRun) backupDir() string { return filepath.Join(filepath.Dir(c.dbPath), c.cfg.Backup.Dir) }

// partialBackups counts the partial copies in the backup directory.
func (c *crashRun) partialBackups() int {
	entries, _ := os.ReadDir(c.backupDir())
	n := 0
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".partial") {
			n++
		}
	}
	return n
}

// checkSelection: the invitation gave its role once and is spent; the
// second member's scores are recorded with her points, each confirm
// shown; one transaction decided every application as proposed; each
// applicant got her result, and the accepted are participants.
func (c *crashRun) checkSelection(db *store.DB, sel crashSelection, calls []telegramtest.Call) {
	c.t.Helper()
	err := db.View(func(tx *store.Tx) error {
		inv, err := tx.Invite(sel.invite)
		if err != nil {
			return err
		}
		if inv.UsedBy != crashMemberB {
			c.errorf("invitation used by %d, want %d", inv.UsedBy, crashMemberB)
		}
		b, err := tx.User(crashMemberB)
		if err != nil {
			return err
		}
		if !slices.Equal(b.Roles, []store.Role{store.RoleCommission}) {
			c.errorf("the invited member has roles %v, want commission once", b.Roles)
		}
		if late, err := tx.User(crashLatecomer); err == nil && len(late.Roles) > 0 {
			c.errorf("the spent link gave %v", late.Roles)
		}
		var decided []time.Time
		for _, s := range crashSelectionApps {
			score, err := tx.Score(s.code, crashMemberB)
			if err != nil {
				return err
			}
			want := [store.Criteria]int{}
			for k := range want {
				want[k] = s.points
			}
			if !score.Confirmed || score.Points != want {
				c.errorf("%s: the invited member's scores %v (confirmed %v), want %v confirmed", s.code, score.Points, score.Confirmed, want)
			}
			app, err := tx.Application(s.code)
			if err != nil {
				return err
			}
			if app.Status != s.decision {
				c.errorf("%s decided %s, want %s", s.code, app.Status, s.decision)
			}
			decided = append(decided, app.DecidedAt)
			u, err := tx.User(s.userID)
			if err != nil {
				return err
			}
			wantRoles := []store.Role(nil)
			if s.decision == store.StatusAccepted {
				wantRoles = []store.Role{store.RoleParticipant}
			}
			if !slices.Equal(u.Roles, wantRoles) {
				c.errorf("%s's applicant has roles %v, want %v", s.code, u.Roles, wantRoles)
			}
		}
		if slices.ContainsFunc(decided, func(t time.Time) bool { return t.IsZero() || !t.Equal(decided[0]) }) {
			c.errorf("decided at %v, want every application in one transaction", decided)
		}
		state, err := tx.Selection()
		if err != nil {
			return err
		}
		if state.PublishedAt.IsZero() {
			c.errorf("the results are not marked published")
		}
		for _, s := range crashSelectionApps {
			app, _ := tx.Application(s.code)
			if !app.PublishedAt.Equal(state.PublishedAt) {
				c.errorf("%s published at %v, the results at %v", s.code, app.PublishedAt, state.PublishedAt)
			}
		}
		return nil
	})
	if err != nil {
		c.errorf("selection: %v", err)
	}
	c.checkSelectionChats(calls)
}

// checkSelectionChats: what the invited member, the one who came too
// late, staff and the applicants were told.
func (c *crashRun) checkSelectionChats(calls []telegramtest.Call) {
	c.t.Helper()
	sent := sentTexts(calls)
	received := func(chat int64, text, what string) int {
		n := sent[chatText{chat, text}]
		if n == 0 {
			c.errorf("%s: %d never got %q", what, chat, text)
		}
		return n
	}
	received(crashMemberB, c.texts.Text("ky", "invite.welcome", map[string]any{"Role": c.texts.Text("ky", "role.commission", nil)}), "invitation")
	invalid := c.texts.Text("ru", "invite.invalid", nil)
	if got := c.srv.Messages(crashLatecomer); len(got) == 0 || slices.ContainsFunc(got, func(m telegramtest.Message) bool { return m.Text != invalid }) {
		c.errorf("the spent invitation's opener got %v, want only that the link no longer works", messageTexts(got))
	}
	for _, m := range []struct {
		id   int64
		lang string
	}{{crashMemberA, "ru"}, {crashMemberB, "ky"}} {
		received(m.id, c.texts.Text(m.lang, "score.opened", map[string]any{"Count": len(crashSelectionApps)}), "scoring opened")
	}
	edits := editTexts(calls)
	mostResults := 0
	for i, s := range crashSelectionApps {
		received(crashMemberB, c.texts.Text("ky", "score.progress", map[string]any{"Done": i, "Total": len(crashSelectionApps), "Left": len(crashSelectionApps) - i}), "scoring")
		confirmed := c.texts.Text("ky", "score.confirmed", map[string]any{"Code": s.code, "Total": fmt.Sprint(20 * s.points)})
		if edits[chatText{crashMemberB, confirmed}] == 0 {
			c.errorf("the confirm of %s was never shown: no edit to %q", s.code, confirmed)
		}
		// Her result once, and once more at most for each kill after
		// Telegram first took it (between its answer and the record).
		received(s.userID, c.resultText(s), "results")
		var copies []time.Time
		for _, call := range calls {
			if call.Params["chat_id"] != fmt.Sprint(s.userID) || call.Method == "getUpdates" {
				continue
			}
			switch text := call.Params["text"]; {
			case call.Method == "sendMessage" && call.Code == 200 && text == c.resultText(s):
				copies = append(copies, call.At)
			case call.Method == "sendMessage" && text == crashBroadcast[s.lang] && s.decision == store.StatusAccepted:
			default:
				c.errorf("%s's applicant: %s %q, want only her result", s.code, call.Method, text)
			}
		}
		if len(copies) > 0 {
			if after := c.killsAfter(copies[0]); len(copies) > 1+after {
				c.errorf("%s's applicant got her result %d times, with %d kills after the first", s.code, len(copies), after)
			}
			mostResults = max(mostResults, len(copies))
		}
	}
	if edits[chatText{crashStaff, c.texts.Text("ru", "decide.all_done", nil)}] == 0 {
		c.errorf("the decision's message was never edited to say all are decided")
	}
	received(crashStaff, c.texts.Text("ru", "publish.done", map[string]any{"Count": len(crashSelectionApps)}), "results")
	c.t.Logf("selection: the invitation, %d confirms, the decision and the results each applied once; at most %d copies of a result to one applicant", len(crashSelectionApps), mostResults)
}

// checkBackup: the backup asked for was sent, and what staff got is a
// whole, sound database with the flood's people in it, the same bytes as
// the file the bot kept.
func (c *crashRun) checkBackup(update int, calls []telegramtest.Call) {
	c.t.Helper()
	docs := c.backupsSent()
	if len(docs) == 0 {
		c.errorf("no backup sent after /backup (update %d)", update)
		return
	}
	for i, doc := range docs {
		kept, err := os.ReadFile(filepath.Join(c.backupDir(), doc.Name))
		if err != nil || !bytes.Equal(kept, doc.Data) {
			c.errorf("backup %d sent (%s, %d bytes) is not the file the bot kept (%v)", i+1, doc.Name, len(doc.Data), err)
		}
		path := filepath.Join(c.t.TempDir(), doc.Name)
		if err := os.WriteFile(path, doc.Data, 0o600); err != nil {
			c.fatalf("backup: %v", err)
		}
		db, err := store.Open(path, store.Options{ReadOnly: true})
		if err != nil {
			c.errorf("backup %d sent cannot be opened: %v", i+1, err)
			continue
		}
		if err := db.Check(); err != nil {
			c.errorf("backup %d sent fails the check: %v", i+1, err)
		}
		var users int
		if err := db.View(func(tx *store.Tx) error { all, err := tx.Users(); users = len(all); return err }); err != nil || users < crashParticipants {
			c.errorf("backup %d sent holds %d users (%v), want at least the %d participants", i+1, users, err, crashParticipants)
		}
		db.Close()
	}
	c.t.Logf("backup: %d sent (%d bytes), whole and sound; %d backups in %s", len(docs), len(docs[0].Data), c.backupFiles(), c.backupDir())
}

// backupFiles counts the finished backups in the backup directory.
func (c *crashRun) backupFiles() int {
	entries, _ := os.ReadDir(c.backupDir())
	n := 0
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "mentorbot-") && strings.HasSuffix(e.Name(), ".db") {
			n++
		}
	}
	return n
}

func messageTexts(msgs []telegramtest.Message) []string {
	texts := make([]string, len(msgs))
	for i, m := range msgs {
		texts[i] = m.Text
	}
	return texts
}
