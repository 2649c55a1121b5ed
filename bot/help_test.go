package bot_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mentorbot/mentorbot/locales"
	"github.com/mentorbot/mentorbot/store"
)

// helpOf is what /help shows her, one string per message.
func helpOf(p *person) []string {
	p.h.t.Helper()
	p.news()
	p.says("/help")
	return p.news()
}

// lines joins /help lines in lang by command name.
func lines(h *harness, lang string, names ...string) string {
	var out []string
	for _, n := range names {
		out = append(out, h.text(lang, "help.cmd."+n, nil))
	}
	return strings.Join(out, "\n")
}

// A newcomer's /help is short and warm: the opening, what everyone can
// do, and that her answers are kept; a participant gets her part too.
func TestHelp_NewcomerAndParticipant(t *testing.T) {
	h := newHarness(t)
	everyone := []string{"start", "language", "help", "cancel", "withdraw", "schedule", "ask", "mydata", "forget"}
	for _, lang := range locales.Languages {
		p := h.person(map[string]int64{"ky": 9801, "ru": 9802}[lang], lang)
		p.says("/start")
		p.taps(h.text(lang, "language.self", nil))
		want := h.text(lang, "help.text", nil) + "\n\n" + lines(h, lang, everyone...) + "\n\n" + h.text(lang, "help.saved", nil)
		if got := helpOf(p); !slices.Equal(got, []string{want}) {
			t.Errorf("%s newcomer's help:\n%q\nwant:\n%q", lang, got, want)
		}
	}
	people := participants(t, h, map[int64]string{9803: "ky"})
	got := helpOf(people[9803])
	want := []string{
		h.text("ky", "help.text", nil) + "\n\n" + lines(h, "ky", everyone...) + "\n\n" + h.text("ky", "help.saved", nil),
		h.text("ky", "help.participant", nil) + "\n" + lines(h, "ky", "questions", "candidacy"),
	}
	if !slices.Equal(got, want) {
		t.Errorf("participant's help:\n%q\nwant:\n%q", got, want)
	}
}

// Each role's /help is derived from the registrations: a heading and a
// line for every command of that role, so every registered restricted
// command appears in the /help of each role that may use it.
func TestHelp_EveryCommandInItsRolesHelp(t *testing.T) {
	h := newHarness(t)
	roles := []store.Role{store.RoleStaff, store.RoleCommission, store.RoleMentor, store.RoleLawyer,
		store.RoleParticipant, store.RoleCandidate, store.RoleHelper}
	helps := map[store.Role]string{}
	for i, r := range roles {
		p := answerer(t, h, int64(9850+i), "ru", r)
		helps[r] = strings.Join(helpOf(p), "\n")
	}
	listed := func(help, name string) bool {
		return regexp.MustCompile(`(?m)^/` + name + `( |$)`).MatchString(help)
	}
	checked := 0
	restricted := map[string]bool{}
	for _, rule := range h.bot.Rules() {
		if rule.Button {
			continue
		}
		restricted[rule.Name] = true
		for _, r := range rule.Roles {
			checked++
			if !listed(helps[r], rule.Name) {
				t.Errorf("/%s is missing from the help of %s:\n%s", rule.Name, r, helps[r])
			}
		}
	}
	for _, c := range h.bot.Commands() {
		if restricted[c.Name] {
			continue // checked above
		}
		for _, r := range c.For { // open, but meant for some: /questions for participants
			checked++
			if !listed(helps[r], c.Name) {
				t.Errorf("/%s is missing from the help of %s:\n%s", c.Name, r, helps[r])
			}
		}
	}
	if checked < 40 {
		t.Fatalf("only %d commands checked", checked)
	}
	// The ones issue 14 found missing.
	for _, name := range []string{"event_add", "event_move", "event_cancel", "revoke", "faq_edit"} {
		if !listed(helps[store.RoleStaff], name) {
			t.Errorf("staff's help lacks /%s", name)
		}
	}
	// Nobody sees a part that is not hers.
	if strings.Contains(helps[store.RoleMentor], "/export") || strings.Contains(helps[store.RoleCommission], "/queue") {
		t.Errorf("mentor's help %q, commission's %q", helps[store.RoleMentor], helps[store.RoleCommission])
	}
	wantMentor := h.text("ru", "help.mentor", nil) + "\n" + lines(h, "ru", "queue")
	if helps[store.RoleMentor] != wantMentor {
		t.Errorf("mentor's help %q, want %q", helps[store.RoleMentor], wantMentor)
	}
	wantLawyer := h.text("ru", "help.lawyer", nil) + "\n" + lines(h, "ru", "queue", "violations")
	if helps[store.RoleLawyer] != wantLawyer {
		t.Errorf("lawyer's help %q, want %q", helps[store.RoleLawyer], wantLawyer)
	}
}

// botCommandName is Telegram's rule for a command in the menu.
var botCommandName = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

// Every registered command has its texts in both languages: the /help
// line starts with the command itself, and a menu description fits
// Telegram's 256 characters.
func TestCommands_TextsInBothLanguages(t *testing.T) {
	h := newHarness(t)
	cmds := h.bot.Commands()
	if len(cmds) < 45 {
		t.Fatalf("only %d commands registered", len(cmds))
	}
	for _, c := range cmds {
		if !botCommandName.MatchString(c.Name) {
			t.Errorf("/%s is not a name Telegram takes", c.Name)
		}
		if !c.Help {
			t.Errorf("/%s is not in /help", c.Name)
		}
		for _, lang := range locales.Languages {
			key := "help.cmd." + c.Name
			if line := h.text(lang, key, nil); line == key || !regexp.MustCompile(`^/`+c.Name+`( |$)`).MatchString(line) {
				t.Errorf("%s %s = %q: want a line starting with /%s", lang, key, line, c.Name)
			}
			if !c.Menu {
				continue
			}
			key = "menu." + c.Name
			if d := h.text(lang, key, nil); d == key || utf8.RuneCountInString(d) > 256 {
				t.Errorf("%s %s = %q", lang, key, d)
			}
		}
	}
}
