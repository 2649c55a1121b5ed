package bot

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/mentorbot/mentorbot/bot/form"
	"github.com/mentorbot/mentorbot/store"
)

// Steps of the candidacy, result and violation dialogues, kept in
// Candidacy.Step; her typed answers reach them through awaitElection.
const (
	awaitElection = "el:"

	stepRegistered   = "registered"
	stepOblast       = "oblast"
	stepDistrict     = "district"
	stepAiyl         = "aiyl"
	stepConstituency = "constituency"
	stepList         = "list"
	stepParty        = "party"
	stepReceived     = "received"
	stepCast         = "cast"
	stepVoters       = "voters"
	stepSeats        = "seats"
	stepElected      = "elected"
	stepProtocol     = "protocol"
	stepWhat         = "what"
	stepWhere        = "where"
	stepEvidence     = "evidence"
)

// candidacy loads hers, or a new one.
func (t *turn) candidacy() (store.Candidacy, error) {
	c, err := t.tx.Candidacy(t.user.ID)
	if isNotFound(err) {
		return store.Candidacy{UserID: t.user.ID}, nil
	}
	return c, err
}

// isCandidate reports whether she registered as a candidate.
func (t *turn) isCandidate() bool { return t.user.HasRole(store.RoleCandidate) }

// startCandidacy is /candidacy: was she registered, and where, on which list.
func (t *turn) startCandidacy() error {
	if !t.user.HasRole(store.RoleParticipant) {
		t.say("election.participants_only", nil)
		return nil
	}
	c, err := t.candidacy()
	if err != nil {
		return err
	}
	return t.candidacyStep(c, stepRegistered)
}

// candidacyStep asks one question of the election dialogues.
func (t *turn) candidacyStep(c store.Candidacy, step string) error {
	c.Step, c.UpdatedAt = step, t.now
	t.user.Awaiting = awaitElection + step
	var buttons [][]store.Button
	data := map[string]any{}
	switch step {
	case stepRegistered, stepElected:
		buttons = [][]store.Button{{t.button("answer.yes", "el:"+step+":yes"), t.button("answer.no", "el:"+step+":no")}}
		if step == stepElected {
			buttons[0] = append(buttons[0], t.button("election.unknown", "el:elected:unknown"))
		}
		if step == stepRegistered {
			if e, ok := t.Programme.ElectionDay(); ok {
				data["Date"] = t.date(e.At)
			}
		}
	case stepOblast:
		for _, o := range form.Oblasts {
			buttons = append(buttons, []store.Button{t.button("form.oblast.opt."+o, "el:oblast:"+o)})
		}
	case stepConstituency, stepVoters, stepProtocol, stepEvidence:
		buttons = [][]store.Button{{t.button("election.skip", "el:"+step+":skip")}}
	case stepList:
		buttons = [][]store.Button{{t.button("election.party", "el:list:party"), t.button("election.independent", "el:list:independent")}}
	}
	if err := t.tx.PutCandidacy(c); err != nil {
		return err
	}
	t.send(t.text("election.ask."+step, data), buttons)
	return nil
}

// electionAnswer takes a typed answer of the election dialogues.
func (t *turn) electionAnswer(step string) error {
	c, err := t.candidacy()
	if err != nil || c.Step != step {
		return err
	}
	if step == stepProtocol || step == stepEvidence {
		return t.electionMedia(c)
	}
	if t.u.Kind != KindText {
		t.say("input.need_text", nil)
		return t.candidacyStep(c, step)
	}
	switch step {
	case stepDistrict, stepAiyl, stepConstituency, stepParty, stepWhat, stepWhere:
		text, err := form.CleanText(t.u.Text, form.MaxLong)
		if err != nil {
			t.say("form.invalid.empty", nil)
			return t.candidacyStep(c, step)
		}
		return t.electionValue(c, step, text)
	case stepReceived, stepCast, stepVoters, stepSeats:
		n, ok := parseCount(t.u.Text)
		if !ok {
			t.say("election.invalid.number", nil)
			return t.candidacyStep(c, step)
		}
		return t.electionValue(c, step, strconv.Itoa(n))
	}
	t.say("input.use_buttons", nil)
	return t.candidacyStep(c, step)
}

// parseCount reads a whole, non-negative number as people type it:
// "1 234", "1234".
func parseCount(s string) (int, bool) {
	s = strings.NewReplacer(" ", "", "\u00a0", "", ",", "", ".", "").Replace(strings.TrimSpace(s))
	if s == "" || len(s) > 9 {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 0
}

// tapElection handles the election buttons: "STEP:VALUE" answers, and
// "report", "help", "violation", "remind" start things.
func (t *turn) tapElection(args string) error {
	step, value, _ := strings.Cut(args, ":")
	switch step {
	case "report", "help", "violation":
		t.toast("")
		return t.electionAction(step)
	case "remind":
		if !t.isStaff() {
			t.refuse()
			return nil
		}
		t.toast("")
		return t.remindUnreported()
	}
	c, err := t.candidacy()
	if err != nil || c.Step != step {
		return errOr(err, t.oldButton)
	}
	t.toast("")
	t.editButtons(nil)
	if value == "skip" {
		if step == stepProtocol || step == stepEvidence {
			return t.finishElectionStep(c, step)
		}
		value = ""
	}
	return t.electionValue(c, step, value)
}

// electionValue records an answer and asks the next question.
func (t *turn) electionValue(c store.Candidacy, step, v string) error {
	next := ""
	switch step {
	case stepRegistered:
		c.Registered = v
		if v != "yes" {
			t.user.Roles = slices.DeleteFunc(t.user.Roles, func(r store.Role) bool { return r == store.RoleCandidate })
			return t.finishElectionStep(c, step)
		}
		next = stepOblast
	case stepOblast:
		if !slices.Contains(form.Oblasts, v) {
			return t.oldButton()
		}
		c.Oblast, next = v, stepDistrict
	case stepDistrict:
		c.District, next = v, stepAiyl
	case stepAiyl:
		c.AiylOkmotu, next = v, stepConstituency
	case stepConstituency:
		c.Constituency, next = v, stepList
	case stepList:
		if v == "independent" {
			c.List = "independent"
			return t.finishElectionStep(c, step)
		}
		next = stepParty
	case stepParty:
		c.List = v
		return t.finishElectionStep(c, step)
	case stepWhat:
		c.Violation.What, next = v, stepWhere
	case stepWhere:
		c.Violation.Where, next = v, stepEvidence
	default:
		return t.reportValue(c, step, v)
	}
	return t.candidacyStep(c, next)
}

// reportValue records one number or answer of her result.
func (t *turn) reportValue(c store.Candidacy, step, v string) error {
	if c.Draft == nil {
		return t.oldButton()
	}
	n, _ := strconv.Atoi(v)
	next := ""
	switch step {
	case stepReceived:
		c.Draft.VotesReceived, next = n, stepCast
	case stepCast:
		if n < c.Draft.VotesReceived {
			t.say("election.invalid.cast", map[string]any{"Received": c.Draft.VotesReceived})
			return t.candidacyStep(c, stepCast)
		}
		c.Draft.VotesCast, next = n, stepVoters
	case stepVoters:
		c.Draft.Voters, next = n, stepSeats
	case stepSeats:
		if n < 1 {
			t.say("election.invalid.seats", nil)
			return t.candidacyStep(c, stepSeats)
		}
		c.Draft.Seats, next = n, stepElected
	case stepElected:
		if v != "yes" && v != "no" && v != "unknown" {
			return t.oldButton()
		}
		c.Draft.Elected, next = v, stepProtocol
	default:
		return t.oldButton()
	}
	return t.candidacyStep(c, next)
}

// electionMedia takes the protocol's photo or the violation's evidence.
func (t *turn) electionMedia(c store.Candidacy) error {
	if t.u.Media == nil || (t.u.Media.Type != "photo" && t.u.Media.Type != "video" && t.u.Media.Type != "document") {
		t.say("election.need_photo", nil)
		return t.candidacyStep(c, c.Step)
	}
	if c.Step == stepProtocol && c.Draft != nil {
		c.Draft.PhotoFileID = t.u.Media.FileID
	}
	if c.Step == stepEvidence && c.Violation != nil {
		c.Violation.Media = t.u.Media
	}
	return t.finishElectionStep(c, c.Step)
}

// finishElectionStep saves what a dialogue gathered.
func (t *turn) finishElectionStep(c store.Candidacy, step string) error {
	t.user.Awaiting, c.Step = "", ""
	switch step {
	case stepProtocol:
		return t.saveReport(c)
	case stepEvidence:
		return t.saveViolation(c)
	}
	if err := t.tx.PutCandidacy(c); err != nil {
		return err
	}
	if c.Registered != "yes" {
		t.say("election.not_registered_noted", nil)
		return nil
	}
	if !t.isCandidate() {
		t.user.Roles = append(t.user.Roles, store.RoleCandidate)
	}
	data := map[string]any{"Date": "–"}
	if e, ok := t.Programme.ElectionDay(); ok {
		data["Date"] = t.date(e.At)
	}
	t.say("election.registered_noted", data)
	return nil
}

// electionAction starts a report, a call for help or a violation report.
func (t *turn) electionAction(action string) error {
	if !t.isCandidate() {
		t.say("election.not_candidate", nil)
		return nil
	}
	c, err := t.candidacy()
	if err != nil {
		return err
	}
	switch action {
	case "report":
		c.Draft = &store.ResultReport{UserID: t.user.ID}
		return t.candidacyStep(c, stepReceived)
	case "violation":
		c.Violation = &store.Violation{UserID: t.user.ID}
		return t.candidacyStep(c, stepWhat)
	}
	t.user.Awaiting = awaitAsk + string(store.KindHelp)
	t.say("election.help_write", nil)
	return nil
}

// electionDay is /election: the day's three buttons, all day.
func (t *turn) electionDay() error {
	if !t.isCandidate() {
		t.say("election.not_candidate", nil)
		return nil
	}
	t.send(t.text("election.buttons", nil), electionButtons(t.Texts.Text, t.lang()))
	return nil
}

// electionButtons are "report my result", "I need help now", "report a violation".
func electionButtons(text func(lang, key string, data any) string, lang string) [][]store.Button {
	return [][]store.Button{
		{{Text: text(lang, "election.report", nil), Data: "el:report"}},
		{{Text: text(lang, "election.help", nil), Data: "el:help"}},
		{{Text: text(lang, "election.violation", nil), Data: "el:violation"}},
	}
}

// saveReport stores a new version of her result, flags what looks wrong
// to staff, and makes her a deputy if she was elected.
func (t *turn) saveReport(c store.Candidacy) error {
	if c.Draft == nil {
		return t.oldButton()
	}
	r := *c.Draft
	r.At = t.now
	versions, err := t.tx.Reports(t.user.ID)
	if err != nil {
		return err
	}
	if r.Voters > 0 && r.VotesCast > r.Voters {
		r.Flags = append(r.Flags, "turnout_over_100")
	}
	if n := len(versions); n > 0 && tenfold(versions[n-1].VotesReceived, r.VotesReceived) {
		r.Flags = append(r.Flags, "tenfold_change")
	}
	if r, err = t.tx.AddReport(r); err != nil {
		return err
	}
	c.Draft = nil
	if err := t.tx.PutCandidacy(c); err != nil {
		return err
	}
	t.user.Roles = slices.DeleteFunc(t.user.Roles, func(x store.Role) bool { return x == store.RoleDeputy })
	if r.Elected == "yes" {
		t.user.Roles = append(t.user.Roles, store.RoleDeputy)
	}
	t.Log.Info("election result reported", "user_id", t.user.ID, "version", r.Version, "flags", len(r.Flags))
	if len(r.Flags) > 0 {
		flagged := func(lang string) string {
			var flags []string
			for _, f := range r.Flags {
				flags = append(flags, t.Texts.Text(lang, "election.flag."+f, nil))
			}
			return t.Texts.Text(lang, "election.flagged", map[string]any{"Name": displayName(t.user), "ID": t.user.ID, "Version": r.Version, "Flags": strings.Join(flags, ", ")})
		}
		if err := t.Bot.tellStaffText(t.tx, t.now, flagged); err != nil {
			return err
		}
	}
	key := "election.report_saved"
	if r.Version > 1 {
		key = "election.report_corrected"
	}
	t.say(key, map[string]any{"Version": r.Version})
	return nil
}

// tenfold reports a change by a factor of ten or more.
func tenfold(before, after int) bool {
	if before == 0 || after == 0 {
		return before != after && max(before, after) >= 10
	}
	return after >= 10*before || before >= 10*after
}

// saveViolation keeps a violation report and shows it to staff and lawyers.
func (t *turn) saveViolation(c store.Candidacy) error {
	if c.Violation == nil {
		return t.oldButton()
	}
	v := *c.Violation
	v.At = t.now
	v, err := t.tx.PutViolation(v)
	if err != nil {
		return err
	}
	c.Violation = nil
	if err := t.tx.PutCandidacy(c); err != nil {
		return err
	}
	data := map[string]any{"ID": v.ID, "Name": displayName(t.user), "What": clip(v.What, 300), "Where": clip(v.Where, 200)}
	if err := t.Bot.tellStaff(t.tx, t.now, "election.violation_new", data); err != nil {
		return err
	}
	lawyers, err := t.tx.UsersWithRole(store.RoleLawyer)
	if err != nil {
		return err
	}
	t.notify(lawyers, t.byKey("election.violation_new", data), nil)
	t.say("election.violation_saved", map[string]any{"ID": v.ID})
	return nil
}

// listViolations is /violations for staff and lawyers.
func (t *turn) listViolations() error {
	vs, err := t.tx.Violations()
	if err != nil {
		return err
	}
	if len(vs) == 0 {
		t.say("election.no_violations", nil)
		return nil
	}
	for _, v := range vs {
		u, _ := t.tx.User(v.UserID)
		post := store.Post{Text: v.What + "\n📍 " + v.Where, Media: v.Media}
		t.sendPost(t.u.ChatID, fmt.Sprintf("⚠️ #%d · %s · %s", v.ID, t.dateTime(v.At), displayName(u)), post, nil)
	}
	return nil
}

// toggleHelper is /helper ID: staff mark an experienced participant as a
// helper on election day, or unmark her.
func (t *turn) toggleHelper() error {
	id, err := strconv.ParseInt(strings.TrimSpace(t.u.Args), 10, 64)
	if err != nil {
		t.say("election.helper_usage", nil)
		return nil
	}
	u, err := t.tx.User(id)
	if isNotFound(err) {
		t.say("election.helper_usage", nil)
		return nil
	}
	if err != nil {
		return err
	}
	data := map[string]any{"Name": displayName(u), "ID": id}
	if !u.HasRole(store.RoleHelper) {
		u.Roles = append(u.Roles, store.RoleHelper)
		if err := t.tx.PutUser(u); err != nil {
			return err
		}
		t.keepSelf(u)
		t.say("election.helper_on", data)
		return nil
	}
	u.Roles = slices.DeleteFunc(u.Roles, func(r store.Role) bool { return r == store.RoleHelper })
	u, freed, err := t.endRole(u, store.RoleHelper)
	if err != nil {
		return err
	}
	t.keepSelf(u)
	t.say("election.helper_off", data)
	t.sayFreed(freed)
	return nil
}
