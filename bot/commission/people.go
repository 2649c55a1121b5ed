package commission

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/bot/form"
	"github.com/mentorbot/mentorbot/bot/textnorm"
	"github.com/mentorbot/mentorbot/locales"
	"github.com/mentorbot/mentorbot/store"
)

// people is /people [WHO]: without words, everyone with a role, paged;
// with them, the participants and applicants found by name, application
// code, Telegram ID or oblast, each with the Telegram ID that /helper
// and /revoke take.
func people(t *bot.Turn) error {
	query := strings.TrimSpace(t.Update.Args)
	if query == "" {
		return t.ShowPage("people", 1, 0)
	}
	return findPeople(t, query)
}

// peopleFound is how many people a search lists: a phone screen; staff
// narrow a longer list with more words.
const peopleFound = 30

// found is one person a search found: her application, if she has one,
// and her record.
type found struct {
	app  store.Application
	user store.User
}

// findPeople answers /people WHO.
func findPeople(t *bot.Turn, query string) error {
	all, err := searchable(t)
	if err != nil {
		return err
	}
	match := matcher(t, query)
	var hits []found
	for _, f := range all {
		if match(f) {
			hits = append(hits, f)
		}
	}
	shown := textnorm.ForStaff(query)
	if len(hits) == 0 {
		t.Say("people.search.none", map[string]any{"Query": shown})
		return nil
	}
	var sb strings.Builder
	sb.WriteString(t.Text("people.search.head", map[string]any{"Query": shown, "Count": len(hits)}))
	for _, f := range hits[:min(len(hits), peopleFound)] {
		sb.WriteString("\n" + foundLine(t, f))
	}
	if len(hits) > peopleFound {
		sb.WriteString("\n" + t.Text("people.search.more", map[string]any{"Count": len(hits) - peopleFound}))
	}
	sb.WriteString("\n\n" + t.Text("people.search.hint", nil))
	t.Send(sb.String(), nil)
	return nil
}

// searchable are the people /people WHO looks among: every applicant, by
// code, then the participants, candidates and deputies who have no
// application in the store.
func searchable(t *bot.Turn) ([]found, error) {
	apps, err := t.Tx.Applications()
	if err != nil {
		return nil, err
	}
	out := make([]found, 0, len(apps))
	applied := map[int64]bool{}
	for _, a := range apps {
		u, err := t.Tx.User(a.UserID)
		if err != nil && !bot.IsNotFound(err) {
			return nil, err
		}
		applied[a.UserID] = true
		out = append(out, found{app: a, user: u})
	}
	users, err := t.Tx.UsersWithRoles(store.RoleParticipant, store.RoleCandidate, store.RoleDeputy)
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		if !applied[u.ID] {
			out = append(out, found{user: u})
		}
	}
	return out, nil
}

// matcher is whether a person is what staff typed: an application code
// however typed (store.ParseCode), a Telegram ID, an oblast by its key or
// its name in either language, or a part of her name as she wrote it in
// the form or in Telegram. Names are compared folded (textnorm.Fold):
// "Айгуль", "айгүл" and "Aйгyл" typed half in Latin are one name.
func matcher(t *bot.Turn, query string) func(found) bool {
	if code, ok := store.ParseCode(query); ok {
		return func(f found) bool { return f.app.Code == code }
	}
	if id, err := strconv.ParseInt(query, 10, 64); err == nil {
		return func(f found) bool { return f.user.ID == id || f.app.UserID == id }
	}
	folded := textnorm.Fold(query)
	oblasts := oblastsNamed(t, folded)
	return func(f found) bool {
		if oblasts[f.app.Answers["oblast"]] {
			return true
		}
		for _, name := range []string{f.app.Answers["full_name"], f.user.FirstName} {
			if name != "" && strings.Contains(textnorm.Fold(name), folded) {
				return true
			}
		}
		return false
	}
}

// oblastsNamed are the oblasts a folded query names: by key ("naryn") or
// by name in either language ("Нарын", "Нарынская"), whole, as the start
// of the name (at least three letters: "Нар"), or followed by more words
// ("Нарынская область").
func oblastsNamed(t *bot.Turn, folded string) map[string]bool {
	named := map[string]bool{}
	for _, o := range form.Oblasts {
		names := []string{o}
		for _, lang := range locales.Languages {
			names = append(names, t.Texts().Text(lang, "form.oblast.opt."+o, nil))
		}
		for _, name := range names {
			n := textnorm.Fold(name)
			if n == folded || utf8.RuneCountInString(folded) >= 3 && strings.HasPrefix(n, folded) || strings.HasPrefix(folded, n+" ") {
				named[o] = true
			}
		}
	}
	return named
}

// foundLine is one person found: her name, the Telegram ID, and her
// application's code, oblast and decision when she has one.
func foundLine(t *bot.Turn, f found) string {
	name := textnorm.ForStaff(f.app.Answers["full_name"])
	if name == "" {
		name = bot.DisplayName(f.user)
	}
	id := f.user.ID
	if id == 0 {
		id = f.app.UserID
	}
	line := fmt.Sprintf("• %s — %d", name, id)
	if f.app.Code == "" {
		return line + " · " + t.Text("people.search.participant", nil)
	}
	line += " · " + f.app.Code
	if o := f.app.Answers["oblast"]; o != "" {
		line += " · " + t.Text("form.oblast.opt."+o, nil)
	}
	switch {
	case f.app.Status.Decided():
		line += " · " + t.Text("decision."+string(f.app.Status), nil)
	case !f.app.Active():
		line += " · " + t.Text("people.search.withdrawn", nil)
	}
	return line
}
