package bot_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/bot/telegramtest"
	"github.com/mentorbot/mentorbot/store"
)

// newcomerMenu is the default menu: what someone without a role can use.
// /ask is everyone's: anyone asks the school during stage I.
var newcomerMenu = []string{"start", "language", "help", "schedule", "ask"}

// roleMenus are the commands each role adds to the front of her menu.
var roleMenus = map[store.Role][]string{
	store.RoleStaff: {"applications", "export", "links", "invite", "people", "scoring", "progress", "ranking", "decide", "publish",
		"events", "event_add", "queue", "mentoring", "faq", "broadcast", "broadcasts", "tally", "violations", "report", "audit", "undelivered", "backup", "status"},
	store.RoleCommission:  {"score"},
	store.RoleMentor:      {"queue"},
	store.RoleLawyer:      {"queue", "violations"},
	store.RoleParticipant: {"questions", "candidacy"},
	store.RoleHelper:      {"queue"},
}

// chatMenuCalls counts the menu calls made for one person's own chat.
func chatMenuCalls(h *harness, id int64) int {
	n := 0
	for _, c := range h.srv.Calls() {
		if (c.Method == "setMyCommands" || c.Method == "deleteMyCommands") && strings.Contains(c.Params["scope"], `"chat_id":`+itoa(id)) {
			n++
		}
	}
	return n
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// seesMenu asserts the menu she sees with her phone in each of phoneLangs:
// the commands, and their descriptions in the bot's language lang.
func seesMenu(t *testing.T, h *harness, id int64, lang string, want []string, phoneLangs ...string) {
	t.Helper()
	for _, phone := range phoneLangs {
		got := h.srv.MenuCommands(id, phone)
		var names []string
		for _, c := range got {
			names = append(names, c.Command)
		}
		if !slices.Equal(names, want) {
			t.Errorf("her menu (phone in %q): %q, want %q", phone, names, want)
			continue
		}
		for _, c := range got {
			if wantDesc := h.text(lang, "menu."+c.Command, nil); c.Description != wantDesc {
				t.Errorf("her menu (phone in %q): /%s is %q, want %q", phone, c.Command, c.Description, wantDesc)
			}
		}
	}
}

// Each role granted by invitation and taken back with /revoke: after each
// change, and after a restart, she sees exactly her menu, in the language
// she chose in the bot whatever her phone's language; once the role is
// gone, her own menu is deleted and she sees the default one again.
func TestMenus_GrantAndRevokeEachRole(t *testing.T) {
	h := newHarness(t)
	staff := &person{h: h, user: staffUser}
	// A newcomer sees the default menu, in her phone's language.
	newcomer := h.person(9500, "ru")
	newcomer.says("/start")
	seesMenu(t, h, newcomer.user.ID, "ru", newcomerMenu, "ru")
	seesMenu(t, h, newcomer.user.ID, "ky", newcomerMenu, "ky", "en")
	if n := chatMenuCalls(h, newcomer.user.ID); n != 0 {
		t.Errorf("%d menu calls for a newcomer's own chat", n)
	}
	// Staff named in the config get theirs with their first message.
	staff.says("/help")
	seesMenu(t, h, staffUser.ID, "ru", append(slices.Clone(roleMenus[store.RoleStaff]), newcomerMenu...), "ru", "ky")

	for i, role := range []store.Role{store.RoleStaff, store.RoleCommission, store.RoleMentor, store.RoleLawyer} {
		t.Run(string(role), func(t *testing.T) {
			id := int64(9510 + i)
			p := h.person(id, "ky")
			p.says("/start " + invite(t, staff, string(role)))
			own := append(slices.Clone(roleMenus[role]), newcomerMenu...)
			seesMenu(t, h, id, "ky", own, "ky", "ru")

			// She changes the bot's language: the same menu, in Russian.
			p.says("/language")
			p.taps(h.text("ru", "language.self", nil))
			seesMenu(t, h, id, "ru", own, "ky", "ru")

			// A restart keeps it, and sets nothing again.
			calls := chatMenuCalls(h, id)
			h.restart()
			h.waitOutbox()
			seesMenu(t, h, id, "ru", own, "ky", "ru")
			if n := chatMenuCalls(h, id); n != calls {
				t.Errorf("the restart made %d menu calls for her", n-calls)
			}

			staff.says("/revoke " + itoa(id) + " " + string(role))
			seesMenu(t, h, id, "ky", newcomerMenu, "ky")
			seesMenu(t, h, id, "ru", newcomerMenu, "ru")
			deleted := slices.ContainsFunc(h.srv.CallsTo("deleteMyCommands"), func(c telegramtest.Call) bool {
				return strings.Contains(c.Params["scope"], `"chat_id":`+itoa(id))
			})
			if !deleted {
				t.Error("no deleteMyCommands for her chat")
			}
			if u := userOf(t, h, id); u.Menu != "" {
				t.Errorf("her record still names a menu: %q", u.Menu)
			}
			calls = chatMenuCalls(h, id)
			h.restart()
			h.waitOutbox()
			seesMenu(t, h, id, "ru", newcomerMenu, "ru")
			if n := chatMenuCalls(h, id); n != calls {
				t.Errorf("the restart made %d menu calls for her", n-calls)
			}
		})
	}
}

// Someone the config named as staff, then no longer (and with no stored
// role): at the next start her staff menu is deleted, before she writes
// again, and a second restart sets nothing.
func TestMenus_StaffRemovedFromTheConfig(t *testing.T) {
	h := newHarness(t)
	staff := &person{h: h, user: staffUser}
	staff.says("/help")
	seesMenu(t, h, staffUser.ID, "ru", append(slices.Clone(roleMenus[store.RoleStaff]), newcomerMenu...), "ru", "ky")

	h.configure = func(o *bot.Options) { o.StaffIDs = nil }
	h.restart()
	h.waitOutbox()
	seesMenu(t, h, staffUser.ID, "ru", newcomerMenu, "ru")
	if u := userOf(t, h, staffUser.ID); u.Menu != "" {
		t.Errorf("her record still names a menu: %q", u.Menu)
	}
	calls := chatMenuCalls(h, staffUser.ID)
	h.restart()
	h.waitOutbox()
	if n := chatMenuCalls(h, staffUser.ID); n != calls {
		t.Errorf("the second restart made %d menu calls for her", n-calls)
	}
}

// Roles given outside invitations (participant on publishing, helper on
// /helper) change the menu too, and two roles give both roles' commands.
func TestMenus_HelperAndParticipant(t *testing.T) {
	h := newHarness(t)
	staff := &person{h: h, user: staffUser}
	people := participants(t, h, map[int64]string{9601: "ky"})
	p := people[9601]
	// Stored before this start: the start sets her menu.
	h.restart()
	h.waitOutbox()
	seesMenu(t, h, p.user.ID, "ky", append(slices.Clone(roleMenus[store.RoleParticipant]), newcomerMenu...), "ky", "ru")

	staff.says("/helper 9601")
	want := []string{"questions", "queue", "candidacy"} // in registration order
	seesMenu(t, h, p.user.ID, "ky", append(want, newcomerMenu...), "ru")
	staff.says("/helper 9601")
	seesMenu(t, h, p.user.ID, "ky", append(slices.Clone(roleMenus[store.RoleParticipant]), newcomerMenu...), "ru")
}

// A menu Telegram refuses for a while (5xx, 429) is retried, survives a
// restart, and never holds up her replies.
func TestMenus_SurviveFaultsAndRestarts(t *testing.T) {
	h := newHarness(t)
	staff := &person{h: h, user: staffUser}
	staff.says("/help")
	// Asked to slow down: her menu waits retry_after, then goes.
	h.srv.FailNext("setMyCommands", telegramtest.TooManyRequests(3), 2)
	mentor := h.person(9701, "ky")
	mentor.says("/start " + invite(t, staff, "mentor"))
	seesMenu(t, h, mentor.user.ID, "ky", append(slices.Clone(roleMenus[store.RoleMentor]), newcomerMenu...), "ky")
	if waits := h.sleptFor(); !slices.Contains(waits, 3*time.Second) {
		t.Errorf("the outbox waited %v, want retry_after's 3s among them", waits)
	}

	// Telegram down for menus: her replies go on; the menu waits in the
	// database through a restart, and is set once Telegram is back.
	code := invite(t, staff, "commission")
	h.srv.StartOutage(telegramtest.ServerError(), "setMyCommands")
	m := h.person(9700, "ru")
	h.srv.WaitConfirmed(t, h.srv.SendText(m.user, "/start "+code))
	msgs := h.srv.WaitMessages(t, m.user.ID, 1)
	if msgs[0].Text != h.text("ru", "invite.welcome", map[string]any{"Role": h.text("ru", "role.commission", nil)}) {
		t.Errorf("first message %q", msgs[0].Text)
	}
	if got := h.srv.Menu(m.user.ID, "ru"); !slices.Equal(got, newcomerMenu) {
		t.Errorf("during the outage she sees %q", got)
	}
	h.stop()
	h.srv.EndOutage()
	h.start()
	h.waitOutbox()
	seesMenu(t, h, m.user.ID, "ru", append(slices.Clone(roleMenus[store.RoleCommission]), newcomerMenu...), "ru", "ky")
}
