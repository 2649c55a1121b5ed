package bot

import (
	"cmp"
	"math"
	"slices"

	"github.com/mentorbot/mentorbot/bot/export"
	"github.com/mentorbot/mentorbot/store"
)

// The whole lists behind the file buttons under /people, /broadcasts and
// /audit (the applications and the ranking have theirs beside them).

// peopleByRole are the holders of each invitable role, in that order,
// the config's staff among the staff.
func (t *turn) peopleByRole() ([][]store.User, error) {
	out := make([][]store.User, len(invitable))
	for i, role := range invitable {
		users, err := t.tx.UsersWithRole(role)
		if err != nil {
			return nil, err
		}
		if role == store.RoleStaff {
			users = t.withConfigStaff(users)
		}
		for j, u := range users {
			if u.ID == t.user.ID {
				users[j] = t.user // as she is now: she may not be stored yet
			}
		}
		out[i] = users
	}
	return out, nil
}

// peopleFile sends who holds which role as a workbook.
func (t *turn) peopleFile() error { return t.fileJob("people", "") }

// peopleFileTable builds it, in the worker (RunFileJobs).
func (t *turn) peopleFileTable(string) (fileTable, error) {
	byRole, err := t.peopleByRole()
	if err != nil {
		return fileTable{}, err
	}
	var holders []export.RoleHolder
	for i, users := range byRole {
		for _, u := range users {
			holders = append(holders, export.RoleHolder{Role: invitable[i], User: u})
		}
	}
	return fileTable{export.People(holders), "people", t.text("people.caption", map[string]any{"Count": len(holders)})}, nil
}

// sentBroadcasts are the broadcasts past the draft, newest first.
func (t *turn) sentBroadcasts() ([]store.Broadcast, error) {
	all, err := t.tx.Broadcasts()
	if err != nil {
		return nil, err
	}
	all = slices.DeleteFunc(all, func(b store.Broadcast) bool { return b.Status == store.BroadcastDraft })
	slices.SortFunc(all, func(a, b store.Broadcast) int { return cmp.Compare(b.ID, a.ID) })
	return all, nil
}

// broadcastsFile sends every broadcast with its recipients counted as a
// workbook.
func (t *turn) broadcastsFile() error { return t.fileJob("broadcasts", "") }

// broadcastsFileTable builds it, in the worker (RunFileJobs).
func (t *turn) broadcastsFileTable(string) (fileTable, error) {
	all, err := t.sentBroadcasts()
	if err != nil {
		return fileTable{}, err
	}
	lines := make([]export.BroadcastLine, len(all))
	for i, b := range all {
		rs, err := t.tx.Recipients(b.ID)
		if err != nil {
			return fileTable{}, err
		}
		c := countRecipients(rs)
		lines[i] = export.BroadcastLine{Broadcast: b, Counts: export.BroadcastCounts{Sent: c.sent, Blocked: c.blocked, Failed: c.failed, Left: c.left}}
	}
	return fileTable{export.Broadcasts(lines, t.Location), "broadcasts", t.text("bc.list_caption", map[string]any{"Count": len(lines)})}, nil
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
