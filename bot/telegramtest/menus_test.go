package telegramtest_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/mentorbot/mentorbot/bot/telegramtest"
)

// The menu a person sees follows Telegram's order: her chat's list for
// her language, her chat's list, all private chats, the default list for
// her language, the default list; deleting a scope shows the next one.
func TestServer_MenuResolution(t *testing.T) {
	s := telegramtest.NewServer(t)
	api := newBot(t, s)
	set := func(scope tgbotapi.BotCommandScope, lang string, names ...string) {
		t.Helper()
		var cmds []tgbotapi.BotCommand
		for _, n := range names {
			cmds = append(cmds, tgbotapi.BotCommand{Command: n, Description: "about " + n})
		}
		if _, err := api.Request(tgbotapi.NewSetMyCommandsWithScopeAndLanguage(scope, lang, cmds...)); err != nil {
			t.Fatalf("setMyCommands %+v %q: %v", scope, lang, err)
		}
	}
	want := func(chat int64, lang string, names ...string) {
		t.Helper()
		if got := s.Menu(chat, lang); !slices.Equal(got, names) {
			t.Errorf("Menu(%d, %q) = %q, want %q", chat, lang, got, names)
		}
	}
	want(1, "ru")
	set(tgbotapi.NewBotCommandScopeDefault(), "", "start")
	set(tgbotapi.NewBotCommandScopeDefault(), "ru", "start", "help")
	want(1, "ru", "start", "help")
	want(1, "en", "start")
	set(tgbotapi.NewBotCommandScopeChat(1), "", "queue")
	want(1, "ru", "queue")
	want(2, "ru", "start", "help")
	set(tgbotapi.NewBotCommandScopeChat(1), "ky", "queue", "help")
	want(1, "ky", "queue", "help")
	want(1, "ru", "queue")
	if got := s.MenuCommands(1, "ky"); len(got) != 2 || got[1] != (telegramtest.BotCommand{Command: "help", Description: "about help"}) {
		t.Errorf("MenuCommands = %+v", got)
	}
	if _, err := api.Request(tgbotapi.NewDeleteMyCommandsWithScope(tgbotapi.NewBotCommandScopeChat(1))); err != nil {
		t.Fatal(err)
	}
	want(1, "ru", "start", "help")
	want(1, "ky", "queue", "help") // her chat's Kyrgyz list stays until deleted too
	set(tgbotapi.NewBotCommandScopeAllPrivateChats(), "", "schedule")
	want(2, "ru", "schedule")
}

// A scope outside the spec, a chat scope without its chat, and a
// language code that is not two letters are refused with 400; the first
// three are spec violations too.
func TestServer_MenuScopeChecked(t *testing.T) {
	rec := &recorder{TB: t}
	s := telegramtest.NewServer(rec)
	api := newBot(t, s)
	cmd := tgbotapi.BotCommand{Command: "start", Description: "Start"}
	for _, c := range []struct {
		name string
		cfg  tgbotapi.Chattable
		want string
	}{
		{"UnknownType", tgbotapi.NewSetMyCommandsWithScope(tgbotapi.BotCommandScope{Type: "private"}, cmd),
			"setMyCommands: scope.type: BotCommandScope is default, all_private_chats, all_group_chats, all_chat_administrators, chat, chat_administrators, chat_member, got private"},
		{"ChatWithoutID", tgbotapi.NewSetMyCommandsWithScope(tgbotapi.BotCommandScope{Type: "chat"}, cmd), `BotCommandScopeChat needs field "chat_id"`},
		{"MemberWithoutUser", tgbotapi.NewDeleteMyCommandsWithScope(tgbotapi.BotCommandScope{Type: "chat_member", ChatID: 5}), `BotCommandScopeChatMember needs field "user_id"`},
		{"Language", tgbotapi.NewSetMyCommandsWithScopeAndLanguage(tgbotapi.NewBotCommandScopeDefault(), "kir", cmd), "LANG_CODE_INVALID"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := api.Request(c.cfg)
			var tgErr *tgbotapi.Error
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err %v, want %q", err, c.want)
			} else if errors.As(err, &tgErr) && tgErr.Code != 400 {
				t.Errorf("code %d", tgErr.Code)
			}
		})
	}
	if got := s.Menu(5, "ru"); got != nil {
		t.Errorf("a refused list was kept: %q", got)
	}
	if got := s.Violations(); len(got) != 3 {
		t.Errorf("violations %q, want the three scopes", got)
	}
	rec.end()
}
