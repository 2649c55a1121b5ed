package bot

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mentorbot/mentorbot/bot/dialogue"
	"github.com/mentorbot/mentorbot/locales"
	"github.com/mentorbot/mentorbot/store"
)

// Every command, button and dialogue the bot answers is registered once,
// by the part of the school it belongs to: a Feature beside its handlers
// (calendar.Feature in bot/calendar, mentoring.Feature in bot/mentoring,
// ...; the core's own is coreFeature below), handed to New in the order
// of bot/school's list. Everything else is derived from the
// registrations: the router (runCommand, tap), the access guard with its
// audit, Rules, each role's /help and each person's command menu. So a
// command cannot be routed but missing from /help, or listed in a menu
// but refused.
//
// To find where a command is handled, find its Name in a Feature
// (grep -r `Name: "event_add"` bot/); a button's data starts with its
// Prefix, a constant named prefix... beside its handler.

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
	Run func(*Turn) error
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
	Run   func(t *Turn, args string) error
}

// Feature is what one part of the school registers with the core: its
// commands, buttons and dialogues, and the hooks by which the core and
// the other parts reach it without importing it.
type Feature struct {
	Commands  []Command
	Buttons   []Button
	Dialogues []*dialogue.Dialogue
	// Lists are its long lists shown a page at a time, by the name their
	// buttons carry (paging.go).
	Lists map[string]PagedList
	// Tables and Bundles build its workbooks, by the file job's kind
	// (files.go).
	Tables  map[string]func(*Turn, string) (FileTable, error)
	Bundles map[string]func(*Turn, string) (FileBundle, error)
	// Due delivers its due items, by kind (due.go).
	Due map[store.DueKind]DueFunc
	// Sure are what a yes to the shared yes-no question does for a
	// command whose question the command itself asks ("/scoring close"),
	// by command (pickers.go).
	Sure map[string]func(*Turn, string) error
	// Start, if set, is offered the payload of a /start deep link first;
	// done means it took the link (an invitation) and /start goes no
	// further.
	Start func(t *Turn, payload string) (done bool, err error)
	// Before, if set, runs before every private update is routed (moving
	// someone off a state an older bot left).
	Before func(*Turn) error
	// Input, if set, is offered what she sent outside a dialogue before
	// the dialogue's fallback (a contact that links a paper application).
	Input func(*Turn) (handled bool, err error)
	// Status, if set, is a line about her for /help ("your application
	// is sent"); "" when it has nothing to say.
	Status func(*Turn) (string, error)
	// Home, if set, is where a newcomer goes once she has chosen her
	// language and agreed: at most one feature has it.
	Home *Home
	// RoleEnds, if set, frees the work of a role that ended (roles.go);
	// after runs once she is saved.
	RoleEnds func(t *Turn, u store.User, role store.Role, f *Freed) (after func() error, err error)
	// Ask, if set, opens a question of kind for her (the election day's
	// "help now"): at most one feature has it.
	Ask func(t *Turn, kind store.QuestionKind) error
	// Messages make the message of a due item another part plans (the
	// election morning of the calendar's election day), by kind.
	Messages map[store.DueKind]func(texts *locales.Texts, lang string) (string, [][]store.Button)
}

// Home is the newcomer's way through the bot once she has chosen her
// language and agreed to the processing of her data: the application
// form.
type Home struct {
	// Dialogue is the dialogue /start welcomes her back to.
	Dialogue string
	// Resume puts her back where she was, greeting her when greet.
	Resume func(t *Turn, greet bool) error
	// Again follows anything she sends outside a dialogue.
	Again func(t *Turn) error
}

// registry holds the registrations, looked up by name and prefix.
type registry struct {
	commands  []Command // in /help and menu order
	byName    map[string]int
	buttons   map[string]Button
	dialogues *dialogue.Engine
	lists     map[string]PagedList
	tables    map[string]func(*Turn, string) (FileTable, error)
	bundles   map[string]func(*Turn, string) (FileBundle, error)
	due       map[store.DueKind]DueFunc
	sure      map[string]func(*Turn, string) error
	messages  map[store.DueKind]func(texts *locales.Texts, lang string) (string, [][]store.Button)
	features  []Feature
	home      Home
	ask       func(t *Turn, kind store.QuestionKind) error
}

// newRegistry collects the features' registrations, the core's first. A
// name, a prefix, a dialogue, a list or a file registered twice is a
// programming error, caught at start (and by every test).
func newRegistry(fs ...Feature) *registry {
	fs = append([]Feature{coreFeature}, fs...)
	r := &registry{byName: map[string]int{}, buttons: map[string]Button{}, dialogues: dialogue.NewEngine(),
		lists: map[string]PagedList{}, tables: map[string]func(*Turn, string) (FileTable, error){},
		bundles: map[string]func(*Turn, string) (FileBundle, error){}, due: map[store.DueKind]DueFunc{},
		sure: map[string]func(*Turn, string) error{}, features: fs,
		messages: map[store.DueKind]func(texts *locales.Texts, lang string) (string, [][]store.Button){}}
	for _, f := range fs {
		r.add(f)
	}
	return r
}

// add collects one feature's registrations.
func (r *registry) add(f Feature) {
	for _, d := range f.Dialogues {
		r.dialogues.Register(d)
	}
	putAll(r.lists, f.Lists, "list")
	putAll(r.tables, f.Tables, "workbook")
	putAll(r.bundles, f.Bundles, "workbook")
	putAll(r.due, f.Due, "due item")
	putAll(r.sure, f.Sure, "yes to")
	putAll(r.messages, f.Messages, "message")
	for k := range r.tables {
		if _, dup := r.bundles[k]; dup {
			panic(fmt.Sprintf("bot: workbook %q registered twice", k))
		}
	}
	if f.Home != nil {
		if r.home.Resume != nil {
			panic("bot: two features are the newcomer's home")
		}
		r.home = *f.Home
	}
	if f.Ask != nil {
		if r.ask != nil {
			panic("bot: two features open questions")
		}
		r.ask = f.Ask
	}
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

// putAll copies a feature's registrations of one kind into the
// registry's; one registered twice panics.
func putAll[K comparable, V any](into, from map[K]V, what string) {
	for k, v := range from {
		if _, dup := into[k]; dup {
			panic(fmt.Sprintf("bot: %s %v registered twice", what, k))
		}
		into[k] = v
	}
}

// command finds a registered command.
func (r *registry) command(name string) (Command, bool) {
	i, ok := r.byName[name]
	if !ok {
		return Command{}, false
	}
	return r.commands[i], true
}

// Core commands and buttons: the ones every part of the bot relies on.
var coreFeature = Feature{
	Commands: []Command{
		{Name: "start", Run: (*Turn).start, Help: true, Menu: true},
		{Name: "language", Run: (*Turn).askLanguage, Help: true, Menu: true},
		{Name: "help", Run: (*Turn).runHelp, Help: true, Menu: true},
		{Name: "cancel", Run: (*Turn).cancel, Help: true},
	},
	Buttons: []Button{
		{Prefix: dialogue.Prefix, Run: func(t *Turn, args string) error { return t.Dialogues().Tap(t.Talk(), args) }},
		{Prefix: prefixLanguage, Run: (*Turn).chooseLanguage},
		{Prefix: prefixConsent, Run: (*Turn).consent},
		{Prefix: prefixPage, Roles: StaffOnly, Run: (*Turn).tapPage},
		{Prefix: prefixListFile, Roles: StaffOnly, Run: (*Turn).tapListFile},
	},
	Dialogues: []*dialogue.Dialogue{SureDialogue},
}

// Operations are the core's staff commands: the audit log, the messages
// not delivered, a backup now and the bot's health. They come last in
// /help and the menus.
var Operations = Feature{
	Commands: []Command{
		{Name: "audit", Roles: StaffOnly, Run: FirstPage("audit"), Help: true, Menu: true},
		{Name: "undelivered", Roles: StaffOnly, Run: FirstPage("dead"), Help: true, Menu: true},
		{Name: "backup", Roles: StaffOnly, Run: (*Turn).backup, Help: true, Menu: true},
		{Name: "status", Roles: StaffOnly, Run: (*Turn).showStatus, Help: true, Menu: true},
	},
	Lists: map[string]PagedList{
		"audit": {Size: 20, Page: (*Turn).auditLog, File: auditFile},
		"dead":  {Size: 15, Page: (*Turn).undelivered, File: undeliveredFile},
	},
	Tables: map[string]func(*Turn, string) (FileTable, error){
		"audit":       (*Turn).auditFileTable,
		"undelivered": (*Turn).undeliveredFileTable,
	},
}

// Menu returns the default command menu in lang, for setMyCommands: what a
// newcomer can use now. People with a role get their own (roleMenu).
func (b *Bot) Menu(lang string) []store.MenuCommand {
	return b.routes.menu(b.Texts, lang, func(c Command) bool { return c.audience() == nil })
}

// menu lists, in lang, the menu commands that pass keep.
func (r *registry) menu(texts *locales.Texts, lang string, keep func(Command) bool) []store.MenuCommand {
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
	own := b.routes.menu(b.Texts, lang, func(c Command) bool { return c.audience() != nil && b.Holds(u, c.audience()) })
	if own == nil {
		return nil
	}
	return append(own, b.Menu(lang)...)
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
func (b *Bot) Rules() []Rule {
	var rules []Rule
	for _, c := range b.routes.commands {
		if c.Roles != nil {
			rules = append(rules, Rule{Name: c.Name, Roles: c.Roles})
		}
	}
	for _, btn := range b.routes.buttons {
		if btn.Roles != nil {
			rules = append(rules, Rule{Name: btn.Prefix, Button: true, Roles: btn.Roles})
		}
	}
	slices.SortFunc(rules, func(x, y Rule) int {
		if c := strings.Compare(x.Name, y.Name); c != 0 {
			return c
		}
		return strings.Compare(fmt.Sprint(x.Button), fmt.Sprint(y.Button))
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
func (b *Bot) Commands() []CommandHelp {
	var out []CommandHelp
	for _, c := range b.routes.commands {
		out = append(out, CommandHelp{Name: c.Name, For: c.audience(), Help: c.Help, Menu: c.Menu})
	}
	return out
}

// Dialogues lists the registered dialogues, for tests.
func (b *Bot) Dialogues() []*dialogue.Dialogue { return b.routes.dialogues.Dialogues() }
