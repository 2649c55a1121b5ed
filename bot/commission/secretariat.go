// Package commission is the part of the bot for the selection (stage
// II) and the people who run it: the commission's blind scoring with
// recusal, staff's secretariat (opening and closing the scoring, the
// ranking with its agreement, decisions, publishing the results, the
// masked answers), and invitations that give a role, /people and
// /revoke. A commission member who leaves has her scores counted for
// staff (Feature.RoleEnds); the questions she had are mentoring's.
package commission

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/bot/dialogue"
	"github.com/mentorbot/mentorbot/bot/export"
	"github.com/mentorbot/mentorbot/bot/form"
	"github.com/mentorbot/mentorbot/bot/selection"
	"github.com/mentorbot/mentorbot/store"
)

// Selection is stage II, the selection: staff run the scoring and
// decide, the commission scores (scoring.go).
var Selection = bot.Feature{
	Commands: []bot.Command{
		{Name: "scoring", Roles: bot.StaffOnly, Run: scoringState, Help: true, Menu: true},
		{Name: "progress", Roles: bot.StaffOnly, Run: progress, Help: true, Menu: true},
		{Name: "mask", Roles: bot.StaffOnly, Run: showMasked, Help: true},
		{Name: "ranking", Roles: bot.StaffOnly, Run: bot.FirstPage("rank"), Help: true, Menu: true},
		{Name: "decide", Roles: bot.StaffOnly, Run: decide, Help: true, Menu: true},
		{Name: "publish", Roles: bot.StaffOnly, Run: askPublish, Help: true, Menu: true},
		{Name: "scores", Roles: bot.StaffOnly, Run: exportScores, Help: true},
		{Name: "score", Roles: bot.CommissionOnly, Run: nextToScore, Help: true, Menu: true},
	},
	Buttons: []bot.Button{
		{Prefix: prefixScoring, Roles: bot.StaffOnly, Run: tapScoring},
		{Prefix: prefixMask, Roles: bot.StaffOnly, Run: tapMask},
		{Prefix: prefixDecide, Roles: bot.StaffOnly, Run: tapDecide},
		{Prefix: prefixPublish, Roles: bot.StaffOnly, Run: tapPublish},
		{Prefix: prefixScore, Roles: bot.CommissionOnly, Run: tapScore},
		{Prefix: prefixRecusal, Roles: bot.StaffOnly, Run: tapUndoRecusal},
	},
	Dialogues: []*dialogue.Dialogue{maskDialogue, recusalDialogue},
	Lists:     map[string]bot.PagedList{"rank": {Size: 20, Page: ranking, File: rankingFile}},
	Tables: map[string]func(*bot.Turn, string) (bot.FileTable, error){
		"scores":  exportScoresTable,
		"ranking": rankingFileTable,
	},
	Sure:     map[string]func(*bot.Turn, string) error{"scoring": closeScoring},
	Before:   forgetMaskStep,
	RoleEnds: scoresLeft,
}

// Prefixes of staff's selection buttons, handled here.
const (
	prefixScoring = "scoring" // open or close the scoring
	prefixMask    = "mask"    // the masking of an application
	prefixDecide  = "dec"     // a decision on an application
	prefixPublish = "pub"     // sending the results
)

// standing is the selection as it stands: what staff's commands look at.
type standing struct {
	sel     store.Selection
	apps    []store.Application // active ones
	members []store.User        // the commission
	scores  []store.Score
}

func readStanding(t *bot.Turn) (standing, error) {
	var st standing
	var err error
	if st.sel, err = t.Tx.Selection(); err != nil {
		return st, err
	}
	if st.apps, err = activeApplications(t); err != nil {
		return st, err
	}
	if st.members, err = t.Tx.UsersWithRole(store.RoleCommission); err != nil {
		return st, err
	}
	st.scores, err = t.Tx.Scores()
	return st, err
}

// confirmedBy counts the active applications member has confirmed.
func (st standing) confirmedBy(member int64) int {
	return st.countBy(member, func(s store.Score) bool { return s.Confirmed })
}

// recusedBy counts the active applications member stood aside from.
func (st standing) recusedBy(member int64) int {
	return st.countBy(member, store.Score.Recused)
}

func (st standing) countBy(member int64, counts func(store.Score) bool) int {
	active := map[string]bool{}
	for _, a := range st.apps {
		active[a.Code] = true
	}
	n := 0
	for _, s := range st.scores {
		if s.MemberID == member && active[s.Code] && counts(s) {
			n++
		}
	}
	return n
}

// leftFor counts the applications member still has to confirm: all but
// those she confirmed or stood aside from.
func (st standing) leftFor(member int64) int {
	return len(st.apps) - st.confirmedBy(member) - st.recusedBy(member)
}

// complete reports whether every member confirmed every application she
// did not stand aside from.
func (st standing) complete() bool {
	if len(st.members) == 0 || len(st.apps) == 0 {
		return false
	}
	for _, m := range st.members {
		if st.leftFor(m.ID) > 0 {
			return false
		}
	}
	return true
}

// stillToConfirm lists, one line each, the members who have
// applications left to confirm, and how many.
func stillToConfirm(t *bot.Turn, st standing) string {
	var lines []string
	for _, m := range st.members {
		if n := st.leftFor(m.ID); n > 0 {
			lines = append(lines, t.Text("scoring.member_left", map[string]any{"Name": bot.DisplayName(m), "ID": m.ID, "Count": n}))
		}
	}
	return strings.Join(lines, "\n")
}

// withStillToConfirm is the text of key, then who still has how many
// applications to confirm: why staff must wait while scoring is open.
func withStillToConfirm(t *bot.Turn, st standing, key string) string {
	return t.Text(key, nil) + "\n" + stillToConfirm(t, st)
}

// agreement is how consistently the commission scored the active
// applications (selection.Agree).
func (st standing) agreement() selection.Agreement {
	return selection.Agree(selection.RatingsOf(st.apps, st.scores))
}

// decidable reports whether staff may decide: every score is in, or staff
// closed scoring.
func (st standing) decidable() bool { return st.complete() || st.sel.Phase == store.PhaseClosed }

// rankedIn returns the ranking of one category.
func rankedIn(t *bot.Turn, st standing, cat store.Category) []selection.Result {
	var apps []store.Application
	for _, a := range st.apps {
		if a.Category == cat {
			apps = append(apps, a)
		}
	}
	return selection.Rank(apps, st.scores, t.School().Selection.SpreadLimit, t.School().Selection.Quotas[cat])
}

// allDecided reports whether every active application has a decision.
func (st standing) allDecided() bool {
	for _, a := range st.apps {
		if !a.Status.Decided() {
			return false
		}
	}
	return len(st.apps) > 0
}

// scoringState is /scoring: where scoring stands, with the button that
// opens or closes it. "/scoring close" asks whether to close it.
// Scoring does not open with nobody in the commission: staff are told how
// to invite a member.
func scoringState(t *bot.Turn) error {
	st, err := readStanding(t)
	if err != nil {
		return err
	}
	if strings.EqualFold(strings.TrimSpace(t.Update.Args), "close") && st.sel.PublishedAt.IsZero() && st.sel.Phase == store.PhaseOpen {
		return askCloseScoring(t, st)
	}
	data := map[string]any{"Apps": len(st.apps), "Members": len(st.members)}
	switch {
	case !st.sel.PublishedAt.IsZero():
		t.Say("scoring.published", nil)
	case st.sel.Phase == store.PhaseOpen:
		t.Send(t.Text("scoring.is_open", data), [][]store.Button{{t.Button("scoring.close", prefixScoring+":close")}})
	case len(st.members) == 0:
		t.Say("scoring.no_members", nil)
	default:
		key := "scoring.not_open"
		if st.sel.Phase == store.PhaseClosed {
			key = "scoring.is_closed"
		}
		if !t.Closed() {
			key += "_before_deadline"
		}
		t.Send(t.Text(key, data), [][]store.Button{{t.Button("scoring.open", prefixScoring+":open")}})
	}
	return nil
}

// unpublishedStanding is the standing for a tap of the secretariat's;
// ok is false, the tap answered, once the results are out: nothing
// changes after that.
func unpublishedStanding(t *bot.Turn) (st standing, ok bool, err error) {
	if st, err = readStanding(t); err != nil {
		return st, false, err
	}
	if !st.sel.PublishedAt.IsZero() {
		t.Toast("scoring.published")
		return st, false, nil
	}
	return st, true, nil
}

// tapScoring opens scoring, telling every member, or asks whether to
// close it.
func tapScoring(t *bot.Turn, action string) error {
	st, ok, err := unpublishedStanding(t)
	if !ok {
		return err
	}
	switch {
	case action == "open" && st.sel.Phase != store.PhaseOpen && len(st.members) == 0:
		t.TapTaken()
		t.Say("scoring.no_members", nil)
		return nil
	case action == "open" && st.sel.Phase != store.PhaseOpen:
		t.Toast("")
		return openScoring(t, st)
	case action == "close" && st.sel.Phase == store.PhaseOpen:
		t.TapTaken()
		return askCloseScoring(t, st)
	}
	return t.OldButton()
}

// openScoring opens it and tells the members; staff hear how many got
// the message, and who did not (she blocked the bot).
func openScoring(t *bot.Turn, st standing) error {
	st.sel.Phase, st.sel.OpenedAt = store.PhaseOpen, t.Now
	if err := t.Tx.PutSelection(st.sel); err != nil {
		return err
	}
	notified := t.Notify(st.members, t.ByKey("score.opened", map[string]any{"Count": len(st.apps)}), nil)
	t.Log().Info("scoring opened", "by", t.User.ID, "applications", len(st.apps), "members", len(st.members), "notified", notified)
	t.EditButtons(nil)
	t.Say("scoring.opened", map[string]any{"Apps": len(st.apps), "Count": notified})
	var unreached []string
	for _, m := range st.members {
		if m.Blocked {
			unreached = append(unreached, fmt.Sprintf("%s (%d)", bot.DisplayName(m), m.ID))
		}
	}
	if len(unreached) > 0 {
		t.Say("scoring.not_notified", map[string]any{"Names": strings.Join(unreached, ", ")})
	}
	return nil
}

// askCloseScoring asks staff, yes or no, whether to close scoring, saying
// who still has how many to confirm: their missing scores stay missing.
func askCloseScoring(t *bot.Turn, st standing) error {
	q := t.Text("scoring.close_ask", nil)
	if left := stillToConfirm(t, st); left != "" {
		q += "\n\n" + t.Text("scoring.still_to_confirm", nil) + "\n" + left
	}
	return t.StartDialogue(bot.SureDialogue.Name, map[string]string{"question": q, "command": "scoring", "id": "close"})
}

// closeScoring is the yes to askCloseScoring.
func closeScoring(t *bot.Turn, _ string) error {
	sel, err := t.Tx.Selection()
	if err != nil {
		return err
	}
	if sel.Phase != store.PhaseOpen || !sel.PublishedAt.IsZero() {
		t.Say("scoring.not_open_now", nil)
		return nil
	}
	sel.Phase, sel.ClosedAt = store.PhaseClosed, t.Now
	if err := t.Tx.PutSelection(sel); err != nil {
		return err
	}
	t.Log().Info("scoring closed", "by", t.User.ID)
	t.Say("scoring.closed", nil)
	return nil
}

// progress is /progress: how many each member has scored.
func progress(t *bot.Turn) error {
	st, err := readStanding(t)
	if err != nil {
		return err
	}
	var sb strings.Builder
	sb.WriteString(t.Text("progress.head", map[string]any{"Phase": t.Text("phase."+phaseKey(st.sel.Phase), nil), "Apps": len(st.apps)}))
	for _, m := range st.members {
		recused := st.recusedBy(m.ID)
		fmt.Fprintf(&sb, "\n• %s — %d: %d / %d", bot.DisplayName(m), m.ID, st.confirmedBy(m.ID), len(st.apps)-recused)
		if recused > 0 {
			sb.WriteString(" " + t.Text("progress.recused", map[string]any{"Count": recused}))
		}
	}
	if len(st.members) == 0 {
		sb.WriteString("\n" + t.Text("progress.no_members", nil))
	}
	t.Send(sb.String(), nil)
	return nil
}

func phaseKey(p store.Phase) string {
	if p == store.PhaseNotOpen {
		return "not_open"
	}
	return string(p)
}

// ranking is a page of /ranking: each category best first, with every
// member's total, a flag where they disagree, the bot's proposal and the
// decision. Names appear only once every application is decided.
//
// The pages run through both categories as one list, places counted
// within each. A page that starts inside a category repeats its title, so
// every page says which category (and quota) its places are in; the
// warning that scoring is incomplete and the legend are on every page.
// Ranking needs every score, so all are read, but only the page is
// rendered.
func ranking(t *bot.Turn, w bot.Window) (bot.Page, error) {
	st, err := readStanding(t)
	if err != nil {
		return bot.Page{}, err
	}
	reveal := st.allDecided()
	ag := st.agreement()
	ranked := make([][]selection.Result, len(bot.Categories))
	sizes := make([]int, len(bot.Categories))
	total := 0
	for i, cat := range bot.Categories {
		ranked[i] = rankedIn(t, st, cat)
		sizes[i] = len(ranked[i])
		total += sizes[i]
	}
	var sb strings.Builder
	if !st.complete() {
		sb.WriteString(t.Text("ranking.incomplete", nil) + "\n\n")
	}
	for _, s := range bot.SectionsOn(sizes, w) {
		cat := bot.Categories[s.Index]
		q := t.School().Selection.Quotas[cat]
		sb.WriteString(t.Text("ranking.category", map[string]any{"Category": t.Text("category."+string(cat), nil), "Accept": q.Accept, "Waitlist": q.Waitlist}))
		for i := s.From; i < s.To; i++ {
			sb.WriteString("\n" + rankLine(t, i+1, ranked[s.Index][i], st, ag, reveal))
		}
		sb.WriteString("\n\n")
	}
	sb.WriteString(agreementText(t, ag) + "\n\n")
	sb.WriteString(t.Text("ranking.legend", map[string]any{"Count": bot.FormatPoints(t.School().Selection.SpreadLimit)}))
	return bot.Page{Text: strings.TrimSpace(sb.String()), Total: total}, nil
}

// rankingFile sends the whole ranking as a workbook, as the pages show it.
var rankingFile = bot.SendsFile("ranking")

// rankingFileTable builds it, in the worker (RunFileJobs).
func rankingFileTable(t *bot.Turn, _ string) (bot.FileTable, error) {
	st, err := readStanding(t)
	if err != nil {
		return bot.FileTable{}, err
	}
	var ranking []export.RankedCategory
	n := 0
	for _, cat := range bot.Categories {
		results := rankedIn(t, st, cat)
		ranking = append(ranking, export.RankedCategory{Category: cat, Results: results})
		n += len(results)
	}
	tb := export.Ranking(ranking, selection.Scorers(memberIDs(st.members), st.scores), st.allDecided())
	caption := t.Text("ranking.caption", map[string]any{"Count": n}) + "\n" + agreementText(t, st.agreement())
	return bot.FileTable{Table: tb, Name: "ranking", Caption: caption}, nil
}

// rankLine is "1. A-004 — 86 (84 · ✋ · 86) z +0.52 ⚠ → accepted". The
// totals are the members', then former members' (selection.Scorers); ✋
// is a member who stood aside. z is the mean of the members' totals
// standardised against each one's own scoring.
func rankLine(t *bot.Turn, place int, r selection.Result, st standing, ag selection.Agreement, reveal bool) string {
	scorers := selection.Scorers(memberIDs(st.members), st.scores)
	recused := map[int64]bool{}
	for _, s := range st.scores {
		if s.Code == r.App.Code && s.Recused() {
			recused[s.MemberID] = true
		}
	}
	totals := make([]string, len(scorers))
	for i, id := range scorers {
		totals[i] = "–"
		if v, ok := r.Totals[id]; ok {
			totals[i] = bot.FormatPoints(v)
		} else if recused[id] {
			totals[i] = "✋"
		}
	}
	line := fmt.Sprintf("%d. %s", place, r.App.Code)
	if reveal {
		line += " " + bot.Clip(r.App.Answers["full_name"], bot.ListName)
	}
	if len(r.Totals) == 0 {
		line += " — –"
	} else {
		line += fmt.Sprintf(" — %s (%s) z %s", bot.FormatPoints(r.Mean), strings.Join(totals, " · "), zText(selection.ZMean(r.Totals, ag.Scales)))
	}
	if r.Flagged {
		line += " ⚠" + bot.FormatPoints(r.Spread)
	}
	if r.App.Status.Decided() {
		return line + " → " + t.Text("decision."+string(r.App.Status), nil)
	}
	return line + " · " + t.Text("ranking.proposed", map[string]any{"Decision": t.Text("decision."+string(r.Proposed), nil)})
}

// zText is a z-mean with its sign and two decimals, "–" where there is
// none (selection.ZMean).
func zText(z float64, ok bool) string {
	if !ok {
		return "–"
	}
	z = math.Round(z*100) / 100
	if z > 0 {
		return "+" + strconv.FormatFloat(z, 'f', 2, 64)
	}
	if z == 0 {
		return "0.00" // not "-0.00"
	}
	return "−" + strconv.FormatFloat(-z, 'f', 2, 64) // the minus sign the legend shows
}

// alphaText is an alpha with two decimals, with the minus sign zText
// uses when it is below 0.
func alphaText(a float64) string {
	if a = math.Round(a*100) / 100; a < 0 {
		return "−" + strconv.FormatFloat(-a, 'f', 2, 64)
	}
	return strconv.FormatFloat(max(a, 0), 'f', 2, 64)
}

// agreementText is the commission's agreement as /ranking shows it: alpha
// and the applications whose leaving out would raise it most.
func agreementText(t *bot.Turn, ag selection.Agreement) string {
	if !ag.AlphaOK {
		return t.Text("ranking.agreement_none", nil)
	}
	text := t.Text("ranking.agreement", map[string]any{"Alpha": alphaText(ag.Alpha)})
	var down []string
	for _, d := range ag.PullingDown(pullingDownShown) {
		down = append(down, t.Text("ranking.without", map[string]any{"Code": d.Code, "Alpha": alphaText(d.Without)}))
	}
	if len(down) > 0 {
		text += "\n" + t.Text("ranking.pulling_down", map[string]any{"Codes": strings.Join(down, ", ")})
	}
	return text
}

// pullingDownShown is how many of the applications that pull agreement
// down /ranking names: those to look at first; the workbooks have all.
const pullingDownShown = 3

// decide is /decide [CODE accept|waitlist|decline]: with a code it takes
// that decision; without, it shows the next undecided application in the
// ranking's order with the three choices and the bot's proposal.
func decide(t *bot.Turn) error {
	// A decision mistyped is told how to write before anything else.
	fields := strings.Fields(t.Update.Args)
	var status store.Status
	if len(fields) != 0 {
		var ok bool
		if status, ok = decisionWord(fields[len(fields)-1]); len(fields) != 2 || !ok {
			t.Say("decide.usage", nil)
			return nil
		}
	}
	st, err := readStanding(t)
	if err != nil {
		return err
	}
	if !st.sel.PublishedAt.IsZero() {
		t.Say("scoring.published", nil)
		return nil
	}
	if !st.decidable() {
		if st.sel.Phase == store.PhaseOpen {
			t.Send(withStillToConfirm(t, st, "decide.not_yet"), nil)
			return nil
		}
		t.Say("decide.not_yet", nil)
		return nil
	}
	if len(fields) == 0 {
		showUndecided(t, st, false)
		return nil
	}
	code, ok := store.ParseCode(fields[0])
	if !ok {
		t.Say("staff.application.not_found", map[string]any{"Code": fields[0]})
		return nil
	}
	return setDecision(t, code, status)
}

func decisionWord(w string) (store.Status, bool) {
	switch strings.ToLower(w) {
	case "accept", "accepted":
		return store.StatusAccepted, true
	case "waitlist", "waitlisted":
		return store.StatusWaitlisted, true
	case "decline", "declined":
		return store.StatusDeclined, true
	}
	return "", false
}

// showUndecided shows the best undecided application, or says all are
// decided. edit replaces the message of the tap instead of sending.
func showUndecided(t *bot.Turn, st standing, edit bool) {
	show := t.Send
	if edit {
		show = t.Edit
	}
	for _, cat := range bot.Categories {
		for i, r := range rankedIn(t, st, cat) {
			if r.App.Status.Decided() {
				continue
			}
			text := t.Text("decide.next", map[string]any{"Category": t.Text("category."+string(cat), nil)}) + "\n" +
				rankLine(t, i+1, r, st, st.agreement(), false)
			code := r.App.Code
			show(text, [][]store.Button{
				{t.Button("decide.accept", prefixDecide+":"+code+":accepted"), t.Button("decide.waitlist", prefixDecide+":"+code+":waitlisted"), t.Button("decide.decline", prefixDecide+":"+code+":declined")},
				{t.Button("decide.all_proposed", prefixDecide+":all")},
			})
			return
		}
	}
	show(t.Text("decide.all_done", nil), nil)
}

// tapDecide takes a decision button: "CODE:status", or "all" for the
// bot's proposal on every undecided application.
func tapDecide(t *bot.Turn, args string) error {
	st, err := readStanding(t)
	if err != nil {
		return err
	}
	if !st.sel.PublishedAt.IsZero() || !st.decidable() {
		t.Toast("decide.not_yet")
		return nil
	}
	t.Toast("")
	if args == "all" {
		for _, cat := range bot.Categories {
			for _, r := range rankedIn(t, st, cat) {
				if !r.App.Status.Decided() {
					if err := putDecision(t, r.App, r.Proposed); err != nil {
						return err
					}
				}
			}
		}
	} else {
		code, word, _ := strings.Cut(args, ":")
		status, ok := decisionWord(word)
		if !ok {
			return t.OldButton()
		}
		app, err := t.Tx.Application(code)
		if err != nil {
			return err
		}
		if err := putDecision(t, app, status); err != nil {
			return err
		}
	}
	if st, err = readStanding(t); err != nil {
		return err
	}
	showUndecided(t, st, true)
	return nil
}

// setDecision is a decision typed with /decide CODE WORD.
func setDecision(t *bot.Turn, code string, status store.Status) error {
	app, err := t.Tx.Application(code)
	if bot.IsNotFound(err) || (err == nil && !app.Active()) {
		t.Say("staff.application.not_found", map[string]any{"Code": code})
		return nil
	}
	if err != nil {
		return err
	}
	if err := putDecision(t, app, status); err != nil {
		return err
	}
	t.Say("decide.done", map[string]any{"Code": code, "Decision": t.Text("decision."+string(status), nil)})
	return nil
}

func putDecision(t *bot.Turn, app store.Application, status store.Status) error {
	app.Status, app.DecidedAt = status, t.Now
	t.Log().Info("decision", "by", t.User.ID, "code", app.Code, "decision", status)
	return t.Tx.PutApplication(app)
}

// publishRefusal is why the results cannot go out yet, "" when they
// can: not before the application deadline (a woman may still apply),
// not while a member has applications left to confirm unless staff
// closed scoring, and not before every application is decided.
func publishRefusal(t *bot.Turn, st standing) string {
	switch {
	case !st.sel.PublishedAt.IsZero():
		return t.Text("scoring.published", nil)
	case !t.Closed():
		return t.Text("publish.before_deadline", map[string]any{"Deadline": t.DateTime(t.School().Deadline)})
	case st.sel.Phase == store.PhaseNotOpen:
		return t.Text("publish.not_scored", nil)
	case st.sel.Phase == store.PhaseOpen && !st.complete():
		return withStillToConfirm(t, st, "publish.scoring_open")
	case !st.allDecided():
		return t.Text("publish.undecided", nil)
	}
	return ""
}

// askPublish is /publish: the counts, and a button to send the results,
// or why they cannot go out yet.
func askPublish(t *bot.Turn) error {
	st, err := readStanding(t)
	if err != nil {
		return err
	}
	if refusal := publishRefusal(t, st); refusal != "" {
		t.Send(refusal, nil)
		return nil
	}
	count := map[store.Status]int{}
	for _, a := range st.apps {
		count[a.Status]++
	}
	t.Send(t.Text("publish.confirm", map[string]any{
		"Accepted": count[store.StatusAccepted], "Waitlisted": count[store.StatusWaitlisted], "Declined": count[store.StatusDeclined],
	}), [][]store.Button{{t.Button("publish.go", prefixPublish+":go")}})
	return nil
}

// tapPublish sends every applicant her result, in her language, once: the
// message is queued and the application marked in the same transaction,
// so a second tap or a restart sends nothing again. Those accepted become
// participants.
func tapPublish(t *bot.Turn, _ string) error {
	st, ok, err := unpublishedStanding(t)
	if !ok {
		return err
	}
	if refusal := publishRefusal(t, st); refusal != "" {
		t.TapTaken()
		t.Send(refusal, nil)
		return nil
	}
	t.Toast("")
	sent := 0
	for _, app := range st.apps {
		if !app.PublishedAt.IsZero() {
			continue
		}
		if store.Unlinked(app.UserID) {
			// Entered from paper or e-mail, and she has not opened the
			// bot: staff tell her; she sees it here once she links it.
			app.PublishedAt = t.Now
			if err := t.Tx.PutApplication(app); err != nil {
				return err
			}
			continue
		}
		if err := publishResult(t, app); err != nil {
			return err
		}
		sent++
	}
	st.sel.PublishedAt = t.Now
	if st.sel.Phase == store.PhaseOpen {
		st.sel.Phase, st.sel.ClosedAt = store.PhaseClosed, t.Now
	}
	if err := t.Tx.PutSelection(st.sel); err != nil {
		return err
	}
	t.Log().Info("results published", "by", t.User.ID, "messages", sent)
	t.EditButtons(nil)
	t.Say("publish.done", map[string]any{"Count": sent})
	return nil
}

func publishResult(t *bot.Turn, app store.Application) error {
	u, err := t.Tx.User(app.UserID)
	if err != nil && !bot.IsNotFound(err) {
		return err
	}
	if bot.IsNotFound(err) {
		u = store.User{ID: app.UserID, Language: app.Language}
	}
	if app.Status == store.StatusAccepted && !u.HasRole(store.RoleParticipant) {
		u.Roles = append(u.Roles, store.RoleParticipant)
		if err := t.SaveOther(&u); err != nil {
			return err
		}
	}
	t.Notify([]store.User{u}, t.ByKey("result."+string(app.Status), map[string]any{
		"Code": app.Code, "Start": t.Date(t.School().Selection.SchoolStart), "End": t.Date(t.School().Selection.SchoolEnd),
	}), nil)
	app.PublishedAt = t.Now
	return t.Tx.PutApplication(app)
}

// exportScores is /scores: every member's scores as a workbook.
var exportScores = bot.SendsFile("scores")

// exportScoresTable builds it, in the worker (RunFileJobs).
func exportScoresTable(t *bot.Turn, _ string) (bot.FileTable, error) {
	st, err := readStanding(t)
	if err != nil {
		return bot.FileTable{}, err
	}
	apps, err := t.Tx.Applications()
	if err != nil {
		return bot.FileTable{}, err
	}
	caption := t.Text("staff.scores.caption", nil) + "\n" + agreementText(t, st.agreement())
	return bot.FileTable{Table: export.Scores(apps, st.scores, memberIDs(st.members)), Name: "scores", Caption: caption}, nil
}

func memberIDs(users []store.User) []int64 {
	ids := make([]int64, len(users))
	for i, u := range users {
		ids[i] = u.ID
	}
	return ids
}

// maskDialogue is staff rewriting the commission's copy of one free-text
// answer ("field") of an application ("code").
var maskDialogue = &dialogue.Dialogue{
	Name: "mask", Version: 1, Roles: bot.StaffOnly, CancelButton: true,
	Steps: []dialogue.Step{{ID: "text", Ask: "mask.send", Data: maskData, Takes: dialogue.Text, Max: bot.MaxMessage}},
	Finish: func(c *dialogue.Context) error {
		return saveMask(bot.TurnOf(c), c.Answers["code"], c.Answers["field"], c.Answers["text"])
	},
}

// maskData names the application and the answer being rewritten.
func maskData(c *dialogue.Context) map[string]any {
	return map[string]any{"Code": c.Answers["code"], "Field": c.Text("form."+c.Answers["field"]+".label", nil)}
}

// legacyMaskStep starts the User.Step an older bot kept while staff
// rewrote a masked answer ("mask:A-001:essay"); the edit is a dialogue
// now, and such a step is dropped: she taps ✏️ again.
const legacyMaskStep = "mask:"

// forgetMaskStep drops a legacyMaskStep.
func forgetMaskStep(t *bot.Turn) error {
	if strings.HasPrefix(t.User.Step, legacyMaskStep) {
		t.User.Step = ""
	}
	return nil
}

// showMasked is /mask CODE: the commission's copy of her free-text
// answers, with a button to rewrite each.
func showMasked(t *bot.Turn) error {
	app, ok, err := t.ApplicationArg("mask.usage")
	if !ok {
		return err
	}
	code := app.Code
	masked := maskedAnswers(app)
	var rows [][]store.Button
	var sb strings.Builder
	sb.WriteString(t.Text("mask.head", map[string]any{"Code": code}))
	for _, f := range form.Fields {
		if v, ok := masked[f.ID]; ok && isFreeText(f) && v != "" {
			label := t.Text("form."+f.ID+".label", nil)
			fmt.Fprintf(&sb, "\n\n%s:\n%s", label, v)
			rows = append(rows, []store.Button{{Text: "✏️ " + label, Data: prefixMask + ":" + code + ":" + f.ID}})
		}
	}
	t.Send(sb.String(), rows)
	return nil
}

// tapMask starts rewriting one masked answer.
func tapMask(t *bot.Turn, args string) error {
	code, field, _ := strings.Cut(args, ":")
	f, ok := form.ByID(field)
	if _, err := t.Tx.Application(code); err != nil || !ok || !isFreeText(f) {
		return t.OldButton()
	}
	t.Toast("")
	return t.StartDialogue(maskDialogue.Name, map[string]string{"code": code, "field": field})
}

// saveMask keeps staff's rewritten answer.
func saveMask(t *bot.Turn, code, field, text string) error {
	app, ok, err := t.FoundApplication(code)
	if !ok {
		return err
	}
	if app.Masked == nil {
		app.Masked = map[string]string{}
	}
	app.Masked[field] = text
	if err := t.Tx.PutApplication(app); err != nil {
		return err
	}
	if err := t.Audit(bot.StaffOnly, "mask text", code+" "+field); err != nil {
		return err
	}
	t.Log().Info("masked answer edited", "by", t.User.ID, "code", code, "field", field)
	t.Say("mask.saved", map[string]any{"Code": code})
	return nil
}

// countScores counts a member's confirmed and unfinished scores of the
// active applications.
func countScores(t *bot.Turn, member int64, f *bot.Freed) error {
	apps, err := activeApplications(t)
	if err != nil {
		return err
	}
	active := map[string]bool{}
	for _, a := range apps {
		active[a.Code] = true
	}
	scores, err := t.Tx.Scores()
	if err != nil {
		return err
	}
	for _, s := range scores {
		switch {
		case s.MemberID != member || !active[s.Code]:
		case s.Confirmed:
			f.Confirmed++
		default:
			f.Unfinished++
		}
	}
	return nil
}

// scoresLeft is the end of a role for the selection (Feature.RoleEnds):
// a member who left the commission has her scores counted for staff.
func scoresLeft(t *bot.Turn, u store.User, role store.Role, f *bot.Freed) (func() error, error) {
	if role != store.RoleCommission || t.Holds(u, bot.CommissionOnly) {
		return nil, nil
	}
	return nil, countScores(t, u.ID, f)
}
