package bot

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mentorbot/mentorbot/store"
)

// Who may do what, in one place. Every command and every button that
// needs a role is listed here with the roles that may use it; the router
// checks this table before running anything. Commands not listed are open
// to everyone (start, language, help, withdraw, schedule, ask, questions,
// candidacy, election); those check inside that she is a participant or a
// candidate.
var (
	staffOnly      = []store.Role{store.RoleStaff}
	commissionOnly = []store.Role{store.RoleCommission}
	answerers      = []store.Role{store.RoleMentor, store.RoleLawyer, store.RoleHelper}
	staffOrLawyer  = []store.Role{store.RoleStaff, store.RoleLawyer}
)

type command struct {
	roles []store.Role
	run   func(*turn) error
}

var restricted = map[string]command{
	// Stage I: the applications.
	"applications": {staffOnly, firstPage("apps")},
	"application":  {staffOnly, (*turn).showApplication},
	"export":       {staffOnly, (*turn).exportApplications},
	// People and roles.
	"invite": {staffOnly, (*turn).invite},
	"people": {staffOnly, firstPage("people")},
	"revoke": {staffOnly, (*turn).revoke},
	// Stage II: the selection.
	"scoring":  {staffOnly, (*turn).scoringState},
	"mask":     {staffOnly, (*turn).showMasked},
	"progress": {staffOnly, (*turn).progress},
	"ranking":  {staffOnly, firstPage("rank")},
	"decide":   {staffOnly, (*turn).decide},
	"publish":  {staffOnly, (*turn).askPublish},
	"scores":   {staffOnly, (*turn).exportScores},
	"score":    {commissionOnly, (*turn).nextToScore},
	// The calendar.
	"events":       {staffOnly, (*turn).listEvents},
	"event_add":    {staffOnly, (*turn).addEvent},
	"event_move":   {staffOnly, (*turn).moveEvent},
	"event_cancel": {staffOnly, (*turn).cancelEvent},
	"attendance":   {staffOnly, (*turn).attendance},
	// Mentoring.
	"queue":            {answerers, (*turn).queue},
	"faq":              {staffOnly, (*turn).listFAQ},
	"faq_edit":         {staffOnly, (*turn).editFAQ},
	"faq_remove":       {staffOnly, (*turn).removeFAQ},
	"mentoring":        {staffOnly, (*turn).mentoringHealth},
	"questions_export": {staffOnly, (*turn).exportQuestions},
	// Broadcasts.
	"broadcast":  {staffOnly, (*turn).startBroadcast},
	"broadcasts": {staffOnly, firstPage("bc")},
	// Election day.
	"tally":          {staffOnly, (*turn).tally},
	"tally_chart":    {staffOnly, (*turn).tallyChart},
	"results_export": {staffOnly, (*turn).exportResults},
	"helper":         {staffOnly, (*turn).toggleHelper},
	"violations":     {staffOrLawyer, (*turn).listViolations},
	// Personal data and records.
	"audit":       {staffOnly, firstPage("audit")},
	"backup":      {staffOnly, (*turn).backup},
	"undelivered": {staffOnly, firstPage("dead")},
}

type tap struct {
	roles []store.Role
	run   func(*turn, string) error
}

// restrictedTaps are the buttons that need a role, by their data's prefix.
var restrictedTaps = map[string]tap{
	"inv":     {staffOnly, (*turn).tapInvite},
	"scoring": {staffOnly, (*turn).tapScoring},
	"mask":    {staffOnly, (*turn).tapMask},
	"dec":     {staffOnly, (*turn).tapDecide},
	"pub":     {staffOnly, (*turn).tapPublish},
	"sc":      {commissionOnly, (*turn).tapScore},
	"qt":      {answerers, (*turn).tapTake},
	"qh":      {answerers, (*turn).tapHandBack},
	"qf":      {answerers, (*turn).tapPublishFAQ},
	"faqe":    {staffOnly, (*turn).tapEditFAQ},
	"bc":      {staffOnly, (*turn).tapBroadcast},
	"elr":     {staffOnly, (*turn).tapRemind},
	"pg":      {staffOnly, (*turn).tapPage},     // a page of a long list
	"pgf":     {staffOnly, (*turn).tapListFile}, // the whole list as a file
}

// workRoles are the roles she holds besides applying: staff, commission,
// mentor, lawyer.
func (t *turn) workRoles() []store.Role {
	var roles []store.Role
	if t.isStaff() {
		roles = append(roles, store.RoleStaff)
	}
	for _, r := range []store.Role{store.RoleCommission, store.RoleMentor, store.RoleLawyer} {
		if t.user.HasRole(r) {
			roles = append(roles, r)
		}
	}
	return roles
}

// may reports whether she holds one of roles.
func (t *turn) may(roles []store.Role) bool { return t.holds(t.user, roles) }

// holds reports whether u holds one of roles. Staff named in the config
// hold the staff role whatever the store says.
func (b *Bot) holds(u store.User, roles []store.Role) bool {
	for _, r := range roles {
		if u.HasRole(r) || r == store.RoleStaff && slices.Contains(b.StaffIDs, u.ID) {
			return true
		}
	}
	return false
}

// refuse tells her politely that this is not for her, and logs the
// attempt: someone may be probing for names or scores.
func (t *turn) refuse() {
	t.Log.Warn("refused a command that needs a role", "user_id", t.user.ID, "command", t.u.Command, "button", t.u.CallbackData != "")
	if t.u.CallbackID != "" {
		t.toast("access.denied")
		return
	}
	t.say("access.denied", nil)
}

// audit records a staff action in the audit log: every command and button
// that staff alone may use (exports, decisions, broadcasts, role changes,
// ...). It is written in the action's own transaction, so a failed action
// leaves no entry and a done one always has one.
func (t *turn) audit(roles []store.Role, action, detail string) error {
	if !slices.Contains(roles, store.RoleStaff) || !t.isStaff() {
		return nil
	}
	return t.tx.Audit(store.AuditEntry{At: t.now, UserID: t.user.ID, Action: action, Detail: clip(strings.TrimSpace(detail), 80)})
}

// auditLog is a page of /audit: the staff actions, newest first, as they
// were when the list was first shown. Only the page's entries are read.
func (t *turn) auditLog(w window) (listPage, error) {
	p, err := t.tx.AuditLogPage(w.offset, w.limit, w.mark)
	if err != nil {
		return listPage{}, err
	}
	if p.Total == 0 {
		return listPage{text: t.text("audit.empty", nil)}, nil
	}
	var sb strings.Builder
	sb.WriteString(t.text("audit.head", nil))
	for _, e := range p.Entries {
		fmt.Fprintf(&sb, "\n%s · %s (%d) · %s %s", t.dateTime(e.At), clip(t.nameOf(e.UserID), 32), e.UserID, e.Action, e.Detail)
	}
	return listPage{text: sb.String(), total: p.Total, mark: p.Mark}, nil
}

// nameOf is the first name of a user, or "—".
func (t *turn) nameOf(id int64) string {
	if id == t.user.ID {
		return displayName(t.user) // she may not be stored yet
	}
	if u, err := t.tx.User(id); err == nil {
		return displayName(u)
	}
	return "—"
}

// Rule is one line of the access table: a command or a button prefix and
// the roles that may use it.
type Rule struct {
	Name   string // "export", or the button data prefix "bc"
	Button bool
	Roles  []store.Role
}

// Rules lists the access table, for tests and for the record.
func Rules() []Rule {
	var rules []Rule
	for name, c := range restricted {
		rules = append(rules, Rule{Name: name, Roles: c.roles})
	}
	for prefix, t := range restrictedTaps {
		rules = append(rules, Rule{Name: prefix, Button: true, Roles: t.roles})
	}
	slices.SortFunc(rules, func(a, b Rule) int { return strings.Compare(a.Name, b.Name) })
	return rules
}
