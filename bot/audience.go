package bot

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/bot/dialogue"
	"github.com/mentorbot/mentorbot/schedule"
	"github.com/mentorbot/mentorbot/store"
)

// AudienceOf returns the people an audience names, by ID, without those
// who blocked the bot. It reads only them: roles come from the store's
// index of users by role, applicants from the applications. Only
// "everyone" reads every user. It names the same people as inAudience.
func AudienceOf(tx *store.Tx, audience string, staffIDs []int64) ([]store.User, error) {
	users, err := audienceMembers(tx, audience, staffIDs)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(users, func(u store.User) bool { return u.Blocked }), nil
}

func audienceMembers(tx *store.Tx, audience string, staffIDs []int64) ([]store.User, error) {
	kind, value, _ := strings.Cut(audience, ":")
	switch kind {
	case "everyone":
		return tx.Users()
	case "participants":
		return tx.UsersWithRole(store.RoleParticipant)
	case "candidates":
		return tx.UsersWithRole(store.RoleCandidate)
	case "deputies":
		return tx.UsersWithRole(store.RoleDeputy)
	case "commission":
		return tx.UsersWithRole(store.RoleCommission)
	case "mentors":
		return tx.UsersWithRoles(store.RoleMentor, store.RoleLawyer)
	case "staff":
		return StaffOf(tx, staffIDs)
	case "applicants":
		return activeApplicants(tx)
	case "oblast", "category":
		return participantsWhere(tx, func(app store.Application) bool {
			if kind == "oblast" {
				return app.Answers["oblast"] == value
			}
			return string(app.Category) == value
		})
	}
	return nil, nil
}

// StaffOf is the stored staff: those with the role, and those the config
// names who have written to the bot.
func StaffOf(tx *store.Tx, staffIDs []int64) ([]store.User, error) {
	users, err := tx.UsersWithRole(store.RoleStaff)
	if err != nil {
		return nil, err
	}
	var more []int64
	for _, id := range staffIDs {
		if !slices.ContainsFunc(users, func(u store.User) bool { return u.ID == id }) {
			more = append(more, id)
		}
	}
	return withStored(tx, users, more)
}

// activeApplicants are the women whose submitted application still takes
// part in the selection, read from the applications.
func activeApplicants(tx *store.Tx) ([]store.User, error) {
	apps, err := tx.Applications()
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, app := range apps {
		if app.Active() {
			ids = append(ids, app.UserID)
		}
	}
	return withStored(tx, nil, ids)
}

// withStored adds to users those of ids who are stored (someone who never
// wrote is not), and returns them all by ID.
func withStored(tx *store.Tx, users []store.User, ids []int64) ([]store.User, error) {
	for _, id := range ids {
		u, err := tx.User(id)
		if IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		users = append(users, u)
	}
	slices.SortFunc(users, func(a, b store.User) int { return cmp.Compare(a.ID, b.ID) })
	return users, nil
}

// participantsWhere are the participants whose application matches.
func participantsWhere(tx *store.Tx, match func(store.Application) bool) ([]store.User, error) {
	users, err := tx.UsersWithRole(store.RoleParticipant)
	if err != nil {
		return nil, err
	}
	var out []store.User
	for _, u := range users {
		app, err := tx.ApplicationOf(u.ID)
		if IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if match(app) {
			out = append(out, u)
		}
	}
	return out, nil
}

// InAudience reports whether u is in the audience kind:value; it decides
// for one person what AudienceOf decides for all.
func InAudience(tx *store.Tx, u store.User, kind, value string, staffIDs []int64) (bool, error) {
	switch kind {
	case "everyone":
		return true, nil
	case "participants":
		return u.HasRole(store.RoleParticipant), nil
	case "candidates":
		return u.HasRole(store.RoleCandidate), nil
	case "deputies":
		return u.HasRole(store.RoleDeputy), nil
	case "commission":
		return u.HasRole(store.RoleCommission), nil
	case "mentors":
		return u.HasRole(store.RoleMentor) || u.HasRole(store.RoleLawyer), nil
	case "staff":
		return u.HasRole(store.RoleStaff) || slices.Contains(staffIDs, u.ID), nil
	case "applicants", "oblast", "category":
		app, err := tx.ApplicationOf(u.ID)
		if IsNotFound(err) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		switch kind {
		case "applicants":
			return app.Active(), nil
		case "oblast":
			return u.HasRole(store.RoleParticipant) && app.Answers["oblast"] == value, nil
		default:
			return u.HasRole(store.RoleParticipant) && string(app.Category) == value, nil
		}
	}
	return false, nil
}

// Audiences are offered as buttons; oblast and category open a
// second picker.
var Audiences = []string{"everyone", "applicants", "participants", "candidates", "deputies", "mentors", "oblast", "category"}

// NarrowOptions are the oblasts, or the age groups.
func NarrowOptions(c *dialogue.Context) []dialogue.Option {
	var out []dialogue.Option
	if c.Answers["audience"] == "category" {
		for _, v := range []store.Category{store.Category28Plus, store.CategoryUnder28} {
			out = append(out, dialogue.Option{Value: string(v), Label: "category." + string(v)})
		}
		return out
	}
	for _, v := range schedule.Oblasts {
		out = append(out, dialogue.Option{Value: v, Label: "form.oblast.opt." + v})
	}
	return out
}

// AnsweredAudience is the audience the answers name: "participants",
// "oblast:naryn".
func AnsweredAudience(a map[string]string) string {
	if n := a["narrow"]; n != "" && (a["audience"] == "oblast" || a["audience"] == "category") {
		return a["audience"] + ":" + n
	}
	return a["audience"]
}

// ExampleTime is a time a week ahead, as the bot writes times.
func ExampleTime(c *dialogue.Context) map[string]any {
	return map[string]any{"Example": c.Now().In(c.Location()).AddDate(0, 0, 7).Format(dialogue.DateTimeLayout)}
}

// InFuture refuses a time that has passed.
func InFuture(c *dialogue.Context, v string) error {
	at, _ := time.Parse(time.RFC3339, v)
	if !at.After(c.Now()) {
		return &dialogue.Refusal{Key: "bc.past", Data: map[string]any{"When": at.In(c.Location()).Format(dialogue.DateTimeLayout)}}
	}
	return nil
}
