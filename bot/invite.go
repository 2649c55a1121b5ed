package bot

import (
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/mentorbot/mentorbot/bot/export"
	"github.com/mentorbot/mentorbot/store"
)

// People and roles: invitations, who holds which role, revoking one.
var peopleFeature = Feature{
	Lists:  map[string]pagedList{"people": {20, (*turn).listPeople, (*turn).peopleFile}},
	Tables: map[string]func(*turn, string) (fileTable, error){"people": (*turn).peopleFileTable},
	Start: func(t *turn, payload string) (bool, error) {
		code, ok := strings.CutPrefix(payload, invitePrefix)
		if !ok {
			return false, nil
		}
		return true, t.redeem(code)
	},
	Commands: []Command{
		{Name: "invite", Roles: staffOnly, Run: (*turn).invite, Help: true, Menu: true},
		{Name: "people", Roles: staffOnly, Run: (*turn).people, Help: true, Menu: true},
		{Name: "revoke", Roles: staffOnly, Run: (*turn).revoke, Help: true},
	},
	Buttons: []Button{{Prefix: prefixInvite, Roles: staffOnly, Run: (*turn).tapInvite}},
}

// prefixInvite is the choice of whom /invite invites: inv:ROLE.
const prefixInvite = "inv"

// invitePrefix starts the /start payload of an invitation link.
const invitePrefix = "inv_"

// invitable are the roles staff can give by invitation.
var invitable = []store.Role{store.RoleCommission, store.RoleMentor, store.RoleLawyer, store.RoleStaff}

// invite is /invite [role]: a one-time link that gives the role.
func (t *turn) invite() error {
	role := store.Role(strings.TrimSpace(strings.ToLower(t.u.Args)))
	if !slices.Contains(invitable, role) {
		var rows [][]store.Button
		for _, r := range invitable {
			rows = append(rows, []store.Button{t.button("role."+string(r), "inv:"+string(r))})
		}
		t.send(t.text("invite.pick", nil), rows)
		return nil
	}
	return t.createInvite(role)
}

// tapInvite takes the role picked under /invite.
func (t *turn) tapInvite(role string) error {
	if !slices.Contains(invitable, store.Role(role)) {
		return t.oldButton()
	}
	t.toast("")
	t.editButtons(nil)
	return t.createInvite(store.Role(role))
}

func (t *turn) createInvite(role store.Role) error {
	code, err := inviteCode()
	if err != nil {
		return err
	}
	inv := store.Invite{Code: code, Role: role, CreatedBy: t.user.ID, CreatedAt: t.now, ExpiresAt: t.now.Add(t.Selection.InviteTTL)}
	if err := t.tx.PutInvite(inv); err != nil {
		return err
	}
	t.Log.Info("invitation created", "by", t.user.ID, "role", role)
	link := fmt.Sprintf("https://t.me/%s?start=%s%s", t.BotUsername, invitePrefix, code)
	t.say("invite.created", map[string]any{"Role": t.text("role."+string(role), nil), "Until": t.dateTime(inv.ExpiresAt), "Link": link})
	return nil
}

// inviteCode is 20 random characters that fit a /start payload.
func inviteCode() (string, error) {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("invite code: %w", err)
	}
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)), nil
}

// redeem gives her the role of an invitation, once, before it expires.
func (t *turn) redeem(code string) error {
	if t.user.Language == "" {
		t.user.Language = t.lang()
	}
	inv, err := t.tx.Invite(code)
	if err != nil && !isNotFound(err) {
		return err
	}
	if err != nil || !inv.Usable(t.now) {
		t.Log.Warn("invitation refused", "user_id", t.user.ID, "known", err == nil, "used", inv.UsedBy != 0)
		t.say("invite.invalid", nil)
		return nil
	}
	inv.UsedBy, inv.UsedAt = t.user.ID, t.now
	if err := t.tx.PutInvite(inv); err != nil {
		return err
	}
	if !t.user.HasRole(inv.Role) {
		t.user.Roles = append(t.user.Roles, inv.Role)
	}
	t.Log.Info("invitation redeemed", "user_id", t.user.ID, "role", inv.Role, "invited_by", inv.CreatedBy)
	t.say("invite.welcome", map[string]any{"Role": t.text("role."+string(inv.Role), nil)})
	t.help()
	return nil
}

// listPeople is a page of /people: everyone with a role, by role. A role
// the page starts inside repeats its title; the count is the role's.
func (t *turn) listPeople(w window) (listPage, error) {
	byRole, err := t.peopleByRole()
	if err != nil {
		return listPage{}, err
	}
	sizes := make([]int, len(byRole))
	total := 0
	for i, users := range byRole {
		sizes[i] = len(users)
		total += len(users)
	}
	var sb strings.Builder
	for _, s := range sectionsOn(sizes, w) {
		role, users := invitable[s.index], byRole[s.index]
		fmt.Fprintf(&sb, "%s (%d)\n", t.text("role."+string(role)+".plural", nil), len(users))
		for _, u := range users[s.from:s.to] {
			fmt.Fprintf(&sb, "• %s — %d\n", displayName(u), u.ID)
		}
		sb.WriteString("\n")
	}
	sb.WriteString(t.text("people.hint", nil))
	return listPage{text: sb.String(), total: total}, nil
}

// withConfigStaff adds the staff named in the config who have no role in
// the store.
func (t *turn) withConfigStaff(users []store.User) []store.User {
	for _, id := range t.StaffIDs {
		if slices.ContainsFunc(users, func(u store.User) bool { return u.ID == id }) {
			continue
		}
		u, err := t.tx.User(id)
		if err != nil {
			u = store.User{ID: id}
		}
		users = append(users, u)
	}
	return users
}

// revoke is /revoke ID ROLE.
func (t *turn) revoke() error {
	fields := strings.Fields(t.u.Args)
	if len(fields) != 2 {
		t.say("revoke.usage", nil)
		return nil
	}
	id, err := strconv.ParseInt(fields[0], 10, 64)
	role := store.Role(strings.ToLower(fields[1]))
	if err != nil || !slices.Contains(invitable, role) {
		t.say("revoke.usage", nil)
		return nil
	}
	u, err := t.tx.User(id)
	if isNotFound(err) || (err == nil && !u.HasRole(role)) {
		t.say("revoke.none", map[string]any{"ID": id, "Role": t.text("role."+string(role), nil)})
		return nil
	}
	if err != nil {
		return err
	}
	u.Roles = slices.DeleteFunc(u.Roles, func(r store.Role) bool { return r == role })
	u, freed, err := t.endRole(u, role)
	if err != nil {
		return err
	}
	t.keepSelf(u)
	t.Log.Info("role revoked", "by", t.user.ID, "user_id", id, "role", role)
	data := map[string]any{"Name": displayName(u), "ID": id, "Role": t.text("role."+string(role), nil)}
	t.say("revoke.done", data)
	t.sayFreed(freed)
	if role == store.RoleStaff && slices.Contains(t.StaffIDs, id) {
		t.say("revoke.config_staff", nil)
	}
	return nil
}

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
