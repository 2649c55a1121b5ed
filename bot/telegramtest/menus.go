package telegramtest

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// BotCommand is one line of a command menu as the bot set it.
type BotCommand struct {
	Command     string `json:"command"`
	Description string `json:"description"`
}

// menuKey is where a command list applies: a scope and a language.
type menuKey struct {
	scope string // "default", "chat:42", ...
	lang  string // "" for every language
}

// botCommand is Telegram's rule for command names in setMyCommands.
var botCommand = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

// languageCode is the language_code setMyCommands takes: empty, or a
// two-letter ISO 639-1 code.
var languageCode = regexp.MustCompile(`^([a-z]{2})?$`)

// scopeTypes are the spec's BotCommandScope types, and what each needs
// besides its type.
var scopeTypes = map[string]struct{ chat, user bool }{
	"default":                 {},
	"all_private_chats":       {},
	"all_group_chats":         {},
	"all_chat_administrators": {},
	"chat":                    {chat: true},
	"chat_administrators":     {chat: true},
	"chat_member":             {chat: true, user: true},
}

// menuScope reads the scope parameter as Telegram does: absent means
// the default scope; a type outside the spec, or a chat scope without its
// chat_id (or user_id), is refused.
func menuScope(c Call) (string, *Failure) {
	raw, ok := c.Params["scope"]
	if !ok || raw == "" {
		return "default", nil
	}
	var scope struct {
		Type   string          `json:"type"`
		ChatID json.RawMessage `json:"chat_id"`
		UserID int64           `json:"user_id"`
	}
	if err := json.Unmarshal([]byte(raw), &scope); err != nil {
		return "", badRequest("can't parse BotCommandScope JSON object")
	}
	need, known := scopeTypes[scope.Type]
	if !known {
		return "", badRequest("unsupported scope type " + strconv.Quote(scope.Type))
	}
	key := scope.Type
	if need.chat {
		chat := strings.Trim(string(scope.ChatID), `"`)
		if chat == "" || chat == "0" || chat == "null" {
			return "", badRequest("chat_id is empty")
		}
		key += ":" + chat
	}
	if need.user {
		if scope.UserID == 0 {
			return "", badRequest("user_id is empty")
		}
		key += fmt.Sprintf(":%d", scope.UserID)
	}
	return key, nil
}

// menuPlace reads where a setMyCommands or deleteMyCommands applies.
func menuPlace(c Call) (menuKey, *Failure) {
	scope, f := menuScope(c)
	if f != nil {
		return menuKey{}, f
	}
	lang := c.Params["language_code"]
	if !languageCode.MatchString(lang) {
		return menuKey{}, badRequest("LANG_CODE_INVALID")
	}
	return menuKey{scope: scope, lang: lang}, nil
}

// setMyCommands checks the command list as Telegram does (lower-case
// names of at most 32 characters, descriptions of 1 to 256 characters,
// at most 100, a scope of the spec) and keeps it for its scope and
// language. An empty list removes that scope's list, as
// deleteMyCommands does.
func (s *Server) setMyCommands(_ context.Context, c Call) (json.RawMessage, *Failure) {
	var commands []BotCommand
	if err := json.Unmarshal([]byte(c.Params["commands"]), &commands); err != nil {
		return nil, badRequest("can't parse commands JSON object")
	}
	if len(commands) > 100 {
		return nil, badRequest("too many commands")
	}
	for _, cmd := range commands {
		if !botCommand.MatchString(cmd.Command) {
			return nil, badRequest("BOT_COMMAND_INVALID")
		}
		if n := utf8.RuneCountInString(strings.TrimSpace(cmd.Description)); n < 1 || n > 256 {
			return nil, badRequest("BOT_COMMAND_DESCRIPTION_INVALID")
		}
	}
	key, f := menuPlace(c)
	if f != nil {
		return nil, f
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(commands) == 0 {
		delete(s.menus, key)
	} else {
		s.menus[key] = commands
	}
	s.notifyLocked()
	return json.RawMessage("true"), nil
}

// deleteMyCommands removes the list of one scope and language.
func (s *Server) deleteMyCommands(_ context.Context, c Call) (json.RawMessage, *Failure) {
	key, f := menuPlace(c)
	if f != nil {
		return nil, f
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.menus, key)
	s.notifyLocked()
	return json.RawMessage("true"), nil
}

// MenuCommands returns the command menu a person sees in her private
// chat with the bot when her phone is set to lang, by Telegram's order
// (https://core.telegram.org/bots/api#determining-list-of-commands): her
// chat's list for lang, else her chat's list for every language, then
// the same for all private chats, then the default list for lang, else
// the default list. Nil when no list applies.
func (s *Server) MenuCommands(chatID int64, lang string) []BotCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, scope := range []string{fmt.Sprintf("chat:%d", chatID), "all_private_chats", "default"} {
		for _, l := range []string{lang, ""} {
			if cmds, ok := s.menus[menuKey{scope: scope, lang: l}]; ok {
				return append([]BotCommand(nil), cmds...)
			}
		}
	}
	return nil
}

// Menu returns the names of the commands in the menu MenuCommands gives,
// without their slashes.
func (s *Server) Menu(chatID int64, lang string) []string {
	var names []string
	for _, c := range s.MenuCommands(chatID, lang) {
		names = append(names, c.Command)
	}
	return names
}
