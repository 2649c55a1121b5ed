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
	staffOnly      = []store.Role{store.RoleStaff}
	commissionOnly = []store.Role{store.RoleCommission}
	answerers      = []store.Role{store.RoleMentor, store.RoleLawyer, store.RoleHelper}
	staffOrLawyer  = []store.Role{store.RoleStaff, store.RoleLawyer}
	participants   = []store.Role{store.RoleParticipant}
	candidates     = []store.Role{store.RoleCandidate}
)

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

// auditFile sends the whole audit log, newest first, as a workbook.
func (t *turn) auditFile() error { return t.fileJob("audit", "") }

// auditFileTable builds it, in the worker (RunFileJobs).
func (t *turn) auditFileTable(string) (fileTable, error) {
	p, err := t.tx.AuditLogPage(0, math.MaxInt, 0)
	if err != nil {
		return fileTable{}, err
	}
	names := map[int64]string{}
	for _, e := range p.Entries {
		if _, ok := names[e.UserID]; !ok {
			names[e.UserID] = t.nameOf(e.UserID)
		}
	}
	return fileTable{export.Audit(p.Entries, names, t.Location), "audit", t.text("audit.caption", map[string]any{"Count": p.Total})}, nil
}
