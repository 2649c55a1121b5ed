package bot

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mentorbot/mentorbot/bot/dialogue"
	"github.com/mentorbot/mentorbot/locales"
	"github.com/mentorbot/mentorbot/store"
)

// Every command and every button the bot answers is registered once, by
// the part of the school it belongs to: a Feature table beside its
// handlers (calendarFeature in calendar.go, mentoringFeature in
// mentoring.go, ...), collected by features below. Everything else is
// derived from the registrations: the router (runCommand, tap), the
// access guard with its audit, Rules, each role's /help and each
// person's command menu. So a command cannot be routed but missing from
// /help, or listed in a menu but refused.
//
// To find where a command is handled, find its Name in a Feature table
// (grep `Name: "event_add"`); a button's data starts with its Prefix,
// a constant named prefix... beside its handler.

// Command is one /command, registered once.
type Command struct {
	Name string // without the slash
	// Roles may use it; nil: everyone. The router refuses the others,
	// and audits staff's use of a command staff may use.
	Roles []store.Role
	// For is whom an open command (no Roles) is meant for in /help and
	// in the menu, when the handler itself checks (/questions is for
	// participants); nil: everyone, newcomers included.
	For []store.Role
	Run func(*turn) error
	// Help lists it in /help of those it is for, as the line
	// "help.cmd.<Name>"; Menu puts it in their command menu, described by
	// "menu.<Name>".
	Help, Menu bool
}

// audience is whom the command is for: those who may use it, or, for an
// open command, those it is meant for; nil is everyone.
func (c Command) audience() []store.Role {
	if c.Roles != nil {
		return c.Roles
	}
	return c.For
}

// Button is one kind of inline button, by the prefix of its data
// ("prefix:args"), registered once.
type Button struct {
	Prefix string
	// Roles may tap it; nil: everyone.
	Roles []store.Role
	Run   func(t *turn, args string) error
}

// Feature is what one part of the school registers with the router.
type Feature struct {
	Commands []Command
	Buttons  []Button
}

// features are the parts of the school, in the order /help and the
// menus list their commands.
func features() []Feature {
	return []Feature{
		coreFeature, applyingFeature, sourcesFeature, peopleFeature, selectionFeature, calendarFeature,
		mentoringFeature, faqFeature, broadcastFeature, electionFeature, reportFeature, recordsFeature,
	}
}

// routes are the registrations. They are built in init: handlers such as
// /help read them.
var routes registry

func init() { routes = newRegistry(features()...) }

// registry holds the registrations, looked up by name and prefix.
type registry struct {
	commands []Command // in /help and menu order
	byName   map[string]int
	buttons  map[string]Button
}

// newRegistry collects the features' registrations. A name or a prefix
// registered twice is a programming error, caught at start (and by every
// test).
func newRegistry(fs ...Feature) registry {
	r := registry{byName: map[string]int{}, buttons: map[string]Button{}}
	for _, f := range fs {
		for _, c := range f.Commands {
			if _, dup := r.byName[c.Name]; dup || c.Run == nil {
				panic(fmt.Sprintf("bot: command %q registered twice or without a handler", c.Name))
			}
			r.byName[c.Name] = len(r.commands)
			r.commands = append(r.commands, c)
		}
		for _, b := range f.Buttons {
			if _, dup := r.buttons[b.Prefix]; dup || b.Run == nil {
				panic(fmt.Sprintf("bot: button %q registered twice or without a handler", b.Prefix))
			}
			r.buttons[b.Prefix] = b
		}
	}
	return r
}

// command finds a registered command.
func (r registry) command(name string) (Command, bool) {
	i, ok := r.byName[name]
	if !ok {
		return Command{}, false
	}
	return r.commands[i], true
}

// Core commands and buttons: the ones every part of the bot relies on.
var coreFeature = Feature{
	Commands: []Command{
		{Name: "start", Run: (*turn).start, Help: true, Menu: true},
		{Name: "language", Run: (*turn).askLanguage, Help: true, Menu: true},
		{Name: "help", Run: (*turn).runHelp, Help: true, Menu: true},
		{Name: "cancel", Run: (*turn).cancel, Help: true},
	},
	Buttons: []Button{
		{Prefix: dialogue.Prefix, Run: func(t *turn, args string) error { return dialogues.Tap(t.talk(), args) }},
		{Prefix: prefixLanguage, Run: (*turn).chooseLanguage},
	},
}

// Menu returns the default command menu in lang, for setMyCommands: what a
// newcomer can use now. People with a role get their own (menuOf).
func Menu(texts *locales.Texts, lang string) []store.MenuCommand {
	return routes.menu(texts, lang, func(c Command) bool { return c.audience() == nil })
}

// menu lists, in lang, the menu commands that pass keep.
func (r registry) menu(texts *locales.Texts, lang string, keep func(Command) bool) []store.MenuCommand {
	var cmds []store.MenuCommand
	for _, c := range r.commands {
		if c.Menu && keep(c) {
			cmds = append(cmds, store.MenuCommand{Name: c.Name, Description: texts.Text(lang, "menu."+c.Name, nil)})
		}
	}
	return cmds
}

// roleMenu is u's own command menu in lang: the commands of her roles,
// then everyone's. Nil when she has no command of her own: the default
// menu is hers then.
func (b *Bot) roleMenu(u store.User, lang string) []store.MenuCommand {
	own := routes.menu(b.Texts, lang, func(c Command) bool { return c.audience() != nil && b.holds(u, c.audience()) })
	if own == nil {
		return nil
	}
	return append(own, Menu(b.Texts, lang)...)
}

// Rule is one line of the access table: a command or a button prefix and
// the roles that may use it.
type Rule struct {
	Name   string // "export", or the button data prefix "bc"
	Button bool
	Roles  []store.Role
}

// Rules lists every command and button that needs a role, from the
// registrations, for tests and for the record.
func Rules() []Rule {
	var rules []Rule
	for _, c := range routes.commands {
		if c.Roles != nil {
			rules = append(rules, Rule{Name: c.Name, Roles: c.Roles})
		}
	}
	for _, b := range routes.buttons {
		if b.Roles != nil {
			rules = append(rules, Rule{Name: b.Prefix, Button: true, Roles: b.Roles})
		}
	}
	slices.SortFunc(rules, func(a, b Rule) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return strings.Compare(fmt.Sprint(a.Button), fmt.Sprint(b.Button))
	})
	return rules
}

// CommandHelp is one command as /help and the menus show it, for tests:
// its name, whom it is for (the roles that may use it, or those an open
// command is meant for; nil: everyone), and whether it is listed.
type CommandHelp struct {
	Name       string
	For        []store.Role
	Help, Menu bool
}

// Commands lists the registered commands in /help order, for tests.
func Commands() []CommandHelp {
	var out []CommandHelp
	for _, c := range routes.commands {
		out = append(out, CommandHelp{Name: c.Name, For: c.audience(), Help: c.Help, Menu: c.Menu})
	}
	return out
}
