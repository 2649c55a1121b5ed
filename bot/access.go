package bot

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/mentorbot/mentorbot/bot/export"
	"github.com/mentorbot/mentorbot/store"
)

// Who may do what: every command and button is registered with the roles
// that may use it (commands.go and the Feature tables of each part); the
// router checks them before running anything, here. Open commands that
// matter only to some (ask, questions, candidacy, election) check inside
// what she may do now: ask the school in stage I, ask mentors as a
// participant, report as a candidate.
var (
	StaffOnly      = []store.Role{store.RoleStaff}
	CommissionOnly = []store.Role{store.RoleCommission}
	Answerers      = []store.Role{store.RoleMentor, store.RoleLawyer, store.RoleHelper}
	StaffOrLawyer  = []store.Role{store.RoleStaff, store.RoleLawyer}
	Participants   = []store.Role{store.RoleParticipant}
	Candidates     = []store.Role{store.RoleCandidate}
)

// workRoles are the roles she holds besides applying: staff, commission,
// mentor, lawyer.
func (t *Turn) workRoles() []store.Role {
	var roles []store.Role
	if t.IsStaff() {
		roles = append(roles, store.RoleStaff)
	}
	for _, r := range []store.Role{store.RoleCommission, store.RoleMentor, store.RoleLawyer} {
		if t.User.HasRole(r) {
			roles = append(roles, r)
		}
	}
	return roles
}

// may reports whether she holds one of roles.
func (t *Turn) may(roles []store.Role) bool { return t.bot.Holds(t.User, roles) }

// Holds reports whether u holds one of roles. Staff named in the config
// hold the staff role whatever the store says.
func (b *Bot) Holds(u store.User, roles []store.Role) bool {
	for _, r := range roles {
		if u.HasRole(r) || r == store.RoleStaff && slices.Contains(b.StaffIDs, u.ID) {
			return true
		}
	}
	return false
}

// refuse tells her politely that this is not for her, and logs the
// attempt: someone may be probing for names or scores.
func (t *Turn) refuse() {
	t.Log().Warn("refused a command that needs a role", "user_id", t.User.ID, "command", t.Update.Command, "button", t.Update.CallbackData != "")
	if t.Update.CallbackID != "" {
		t.Toast("access.denied")
		return
	}
	t.Say("access.denied", nil)
}

// Audit records a staff action in the audit log: every command and button
// that staff alone may use (exports, decisions, broadcasts, role changes,
// ...). It is written in the action's own transaction, so a failed action
// leaves no entry and a done one always has one.
func (t *Turn) Audit(roles []store.Role, action, detail string) error {
	if !slices.Contains(roles, store.RoleStaff) || !t.IsStaff() {
		return nil
	}
	return t.Tx.Audit(store.AuditEntry{At: t.Now, UserID: t.User.ID, Action: action, Detail: Clip(strings.TrimSpace(detail), 80)})
}

// auditLog is a page of /audit: the staff actions, newest first, as they
// were when the list was first shown. Only the page's entries are read.
func (t *Turn) auditLog(w Window) (Page, error) {
	p, err := t.Tx.AuditLogPage(w.Offset, w.Limit, w.Mark)
	if err != nil {
		return Page{}, err
	}
	if p.Total == 0 {
		return Page{Text: t.Text("audit.empty", nil)}, nil
	}
	var sb strings.Builder
	sb.WriteString(t.Text("audit.head", nil))
	for _, e := range p.Entries {
		fmt.Fprintf(&sb, "\n%s · %s (%d) · %s %s", t.DateTime(e.At), Clip(t.nameOf(e.UserID), 32), e.UserID, e.Action, e.Detail)
	}
	return Page{Text: sb.String(), Total: p.Total, Mark: p.Mark}, nil
}

// nameOf is the first name of a user, or "—".
func (t *Turn) nameOf(id int64) string {
	if id == t.User.ID {
		return DisplayName(t.User) // she may not be stored yet
	}
	if u, err := t.Tx.User(id); err == nil {
		return DisplayName(u)
	}
	return "—"
}

// auditFile sends the whole audit log, newest first, as a workbook.
var auditFile = SendsFile("audit")

// auditFileTable builds it, in the worker (RunFileJobs).
func (t *Turn) auditFileTable(string) (FileTable, error) {
	p, err := t.Tx.AuditLogPage(0, math.MaxInt, 0)
	if err != nil {
		return FileTable{}, err
	}
	names := map[int64]string{}
	for _, e := range p.Entries {
		if _, ok := names[e.UserID]; !ok {
			names[e.UserID] = t.nameOf(e.UserID)
		}
	}
	return FileTable{Table: export.Audit(p.Entries, names, t.School().Location), Name: "audit", Caption: t.Text("audit.caption", map[string]any{"Count": p.Total})}, nil
}
