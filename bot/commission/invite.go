package commission

import (
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/bot/export"
	"github.com/mentorbot/mentorbot/store"
)

// People is people and roles: invitations, who holds which role,
// revoking one, and the search of applicants and people by name.
var People = bot.Feature{
	Commands: []bot.Command{
		{Name: "invite", Roles: bot.StaffOnly, Run: invite, Help: true, Menu: true},
		{Name: "people", Roles: bot.StaffOnly, Run: people, Help: true, Menu: true},
		{Name: "revoke", Roles: bot.StaffOnly, Run: revoke, Help: true},
	},
	Buttons: []bot.Button{{Prefix: prefixInvite, Roles: bot.StaffOnly, Run: tapInvite}},
	Lists:   map[string]bot.PagedList{"people": {Size: 20, Page: listPeople, File: peopleFile}},
	Tables:  map[string]func(*bot.Turn, string) (bot.FileTable, error){"people": peopleFileTable},
	Start: func(t *bot.Turn, payload string) (bool, error) {
		code, ok := strings.CutPrefix(payload, invitePrefix)
		if !ok {
			return false, nil
		}
		return true, redeem(t, code)
	},
}

// prefixInvite is the choice of whom /invite invites: inv:ROLE.
const prefixInvite = "inv"

// invitePrefix starts the /start payload of an invitation link.
const invitePrefix = "inv_"

// invitable are the roles staff can give by invitation.
var invitable = []store.Role{store.RoleCommission, store.RoleMentor, store.RoleLawyer, store.RoleStaff}

// invite is /invite [role]: a one-time link that gives the role.
func invite(t *bot.Turn) error {
	role := store.Role(strings.TrimSpace(strings.ToLower(t.Update.Args)))
	if !slices.Contains(invitable, role) {
		var rows [][]store.Button
		for _, r := range invitable {
			rows = append(rows, []store.Button{t.Button("role."+string(r), prefixInvite+":"+string(r))})
		}
		t.Send(t.Text("invite.pick", nil), rows)
		return nil
	}
	return createInvite(t, role)
}

// tapInvite takes the role picked under /invite.
func tapInvite(t *bot.Turn, role string) error {
	if !slices.Contains(invitable, store.Role(role)) {
		return t.OldButton()
	}
	t.TapTaken()
	return createInvite(t, store.Role(role))
}

func createInvite(t *bot.Turn, role store.Role) error {
	code, err := inviteCode()
	if err != nil {
		return err
	}
	inv := store.Invite{Code: code, Role: role, CreatedBy: t.User.ID, CreatedAt: t.Now, ExpiresAt: t.Now.Add(t.School().Selection.InviteTTL)}
	if err := t.Tx.PutInvite(inv); err != nil {
		return err
	}
	t.Log().Info("invitation created", "by", t.User.ID, "role", role)
	link := fmt.Sprintf("https://t.me/%s?start=%s%s", t.School().BotUsername, invitePrefix, code)
	t.Say("invite.created", map[string]any{"Role": t.Text("role."+string(role), nil), "Until": t.DateTime(inv.ExpiresAt), "Link": link})
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
func redeem(t *bot.Turn, code string) error {
	if t.User.Language == "" {
		t.User.Language = t.Lang()
	}
	inv, err := t.Tx.Invite(code)
	if err != nil && !bot.IsNotFound(err) {
		return err
	}
	if err != nil || !inv.Usable(t.Now) {
		t.Log().Warn("invitation refused", "user_id", t.User.ID, "known", err == nil, "used", inv.UsedBy != 0)
		t.Say("invite.invalid", nil)
		return nil
	}
	inv.UsedBy, inv.UsedAt = t.User.ID, t.Now
	if err := t.Tx.PutInvite(inv); err != nil {
		return err
	}
	if !t.User.HasRole(inv.Role) {
		t.User.Roles = append(t.User.Roles, inv.Role)
	}
	t.Log().Info("invitation redeemed", "user_id", t.User.ID, "role", inv.Role, "invited_by", inv.CreatedBy)
	t.Say("invite.welcome", map[string]any{"Role": t.Text("role."+string(inv.Role), nil)})
	t.Help()
	return nil
}

// listPeople is a page of /people: everyone with a role, by role. A role
// the page starts inside repeats its title; the count is the role's.
func listPeople(t *bot.Turn, w bot.Window) (bot.Page, error) {
	byRole, err := peopleByRole(t)
	if err != nil {
		return bot.Page{}, err
	}
	sizes := make([]int, len(byRole))
	total := 0
	for i, users := range byRole {
		sizes[i] = len(users)
		total += len(users)
	}
	var sb strings.Builder
	for _, s := range bot.SectionsOn(sizes, w) {
		role, users := invitable[s.Index], byRole[s.Index]
		fmt.Fprintf(&sb, "%s (%d)\n", t.Text("role."+string(role)+".plural", nil), len(users))
		for _, u := range users[s.From:s.To] {
			fmt.Fprintf(&sb, "• %s — %d\n", bot.DisplayName(u), u.ID)
		}
		sb.WriteString("\n")
	}
	sb.WriteString(t.Text("people.hint", nil))
	return bot.Page{Text: sb.String(), Total: total}, nil
}

// withConfigStaff adds the staff named in the config who have no role in
// the store.
func withConfigStaff(t *bot.Turn, users []store.User) []store.User {
	for _, id := range t.School().StaffIDs {
		if slices.ContainsFunc(users, func(u store.User) bool { return u.ID == id }) {
			continue
		}
		u, err := t.Tx.User(id)
		if err != nil {
			u = store.User{ID: id}
		}
		users = append(users, u)
	}
	return users
}

// revoke is /revoke ID ROLE.
func revoke(t *bot.Turn) error {
	fields := strings.Fields(t.Update.Args)
	if len(fields) != 2 {
		t.Say("revoke.usage", nil)
		return nil
	}
	id, err := strconv.ParseInt(fields[0], 10, 64)
	role := store.Role(strings.ToLower(fields[1]))
	if err != nil || !slices.Contains(invitable, role) {
		t.Say("revoke.usage", nil)
		return nil
	}
	u, err := t.Tx.User(id)
	if bot.IsNotFound(err) || (err == nil && !u.HasRole(role)) {
		t.Say("revoke.none", map[string]any{"ID": id, "Role": t.Text("role."+string(role), nil)})
		return nil
	}
	if err != nil {
		return err
	}
	u.Roles = slices.DeleteFunc(u.Roles, func(r store.Role) bool { return r == role })
	u, freed, err := t.EndRole(u, role)
	if err != nil {
		return err
	}
	t.KeepSelf(u)
	t.Log().Info("role revoked", "by", t.User.ID, "user_id", id, "role", role)
	data := map[string]any{"Name": bot.DisplayName(u), "ID": id, "Role": t.Text("role."+string(role), nil)}
	t.Say("revoke.done", data)
	t.SayFreed(freed)
	if role == store.RoleStaff && slices.Contains(t.School().StaffIDs, id) {
		t.Say("revoke.config_staff", nil)
	}
	return nil
}

// peopleByRole are the holders of each invitable role, in that order,
// the config's staff among the staff.
func peopleByRole(t *bot.Turn) ([][]store.User, error) {
	out := make([][]store.User, len(invitable))
	for i, role := range invitable {
		users, err := t.Tx.UsersWithRole(role)
		if err != nil {
			return nil, err
		}
		if role == store.RoleStaff {
			users = withConfigStaff(t, users)
		}
		for j, u := range users {
			if u.ID == t.User.ID {
				users[j] = t.User // as she is now: she may not be stored yet
			}
		}
		out[i] = users
	}
	return out, nil
}

// peopleFile sends who holds which role as a workbook.
var peopleFile = bot.SendsFile("people")

// peopleFileTable builds it, in the worker (RunFileJobs).
func peopleFileTable(t *bot.Turn, _ string) (bot.FileTable, error) {
	byRole, err := peopleByRole(t)
	if err != nil {
		return bot.FileTable{}, err
	}
	var holders []export.RoleHolder
	for i, users := range byRole {
		for _, u := range users {
			holders = append(holders, export.RoleHolder{Role: invitable[i], User: u})
		}
	}
	return bot.FileTable{Table: export.People(holders), Name: "people", Caption: t.Text("people.caption", map[string]any{"Count": len(holders)})}, nil
}
