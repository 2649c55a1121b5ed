package bot

import (
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
	"applications": {staffOnly, (*turn).listApplications},
	"application":  {staffOnly, (*turn).showApplication},
	"export":       {staffOnly, (*turn).exportApplications},
	// People and roles.
	"invite": {staffOnly, (*turn).invite},
	"people": {staffOnly, (*turn).listPeople},
	"revoke": {staffOnly, (*turn).revoke},
	// Stage II: the selection.
	"scoring":  {staffOnly, (*turn).scoringState},
	"mask":     {staffOnly, (*turn).showMasked},
	"progress": {staffOnly, (*turn).progress},
	"ranking":  {staffOnly, (*turn).ranking},
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
	"broadcasts": {staffOnly, (*turn).listBroadcasts},
	// Election day.
	"tally":          {staffOnly, (*turn).tally},
	"tally_chart":    {staffOnly, (*turn).tallyChart},
	"results_export": {staffOnly, (*turn).exportResults},
	"helper":         {staffOnly, (*turn).toggleHelper},
	"violations":     {staffOrLawyer, (*turn).listViolations},
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
	"faqt":    {answerers, (*turn).tapFAQTopic},
	"faqe":    {staffOnly, (*turn).tapEditFAQ},
	"bc":      {staffOnly, (*turn).tapBroadcast},
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
func (t *turn) may(roles []store.Role) bool {
	for _, r := range roles {
		if r == store.RoleStaff && t.isStaff() || t.user.HasRole(r) {
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
