package bot

import (
	"slices"
	"strings"

	"github.com/mentorbot/mentorbot/store"
)

// /help is derived from the registrations (commands.go): a part for
// everyone and a part for each of her roles, each listing one line per
// command of that part ("help.cmd.<name>"). A registered command is
// therefore never missing from the /help of those it is for.

// helpRoles are the roles with a part of their own in /help, in the
// order the parts come; each has a heading "help.<role>".
var helpRoles = []store.Role{
	store.RoleStaff, store.RoleCommission, store.RoleMentor, store.RoleLawyer,
	store.RoleParticipant, store.RoleCandidate, store.RoleHelper,
}

// runHelp is /help: for an applicant, with where her application is.
func (t *Turn) runHelp() error {
	if len(t.workRoles()) > 0 {
		t.Help()
		return nil
	}
	var lines []string
	for _, f := range t.bot.routes.features {
		if f.Status == nil {
			continue
		}
		line, err := f.Status(t)
		if err != nil {
			return err
		}
		if line != "" {
			lines = append(lines, line)
		}
	}
	t.helpWith(strings.Join(lines, "\n\n"))
	return nil
}

// Help lists what she can do. Someone without a work role (staff,
// commission, mentor, lawyer) gets the short part for everyone, with its
// warm opening; then comes a part for each role she holds.
func (t *Turn) Help() { t.helpWith("") }

// helpWith is help with her application's status, if any, after the
// opening.
func (t *Turn) helpWith(status string) {
	if len(t.workRoles()) == 0 {
		head := t.Text("help.text", nil)
		if status != "" {
			head += "\n\n" + status
		}
		t.Send(head+"\n\n"+t.helpLines(nil)+"\n\n"+t.Text("help.saved", nil), nil)
	}
	for _, r := range helpRoles {
		if !t.bot.Holds(t.User, []store.Role{r}) {
			continue
		}
		if lines := t.helpLines(&r); lines != "" {
			t.Send(t.Text("help."+string(r), nil)+"\n"+lines, nil)
		}
	}
}

// helpLines are the /help lines of the commands for role, or of those
// for everyone when role is nil, in registration order.
func (t *Turn) helpLines(role *store.Role) string {
	var lines []string
	for _, c := range t.bot.routes.commands {
		if c.Help && forRole(c, role) {
			lines = append(lines, t.Text("help.cmd."+c.Name, nil))
		}
	}
	return strings.Join(lines, "\n")
}

// forRole reports whether c belongs in the part of /help for role (nil:
// the part for everyone).
func forRole(c Command, role *store.Role) bool {
	who := c.audience()
	if role == nil {
		return who == nil
	}
	return slices.Contains(who, *role)
}
