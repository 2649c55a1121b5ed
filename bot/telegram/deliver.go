package telegram

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/mentorbot/mentorbot/bot/delivery"
	"github.com/mentorbot/mentorbot/store"
)

// Deliver sends one outgoing message. Texts go as plain text, never
// Markdown: the library's MarkdownV2 escaping misses the backslash, and a
// woman's answer quoted back must arrive exactly as she wrote it.
func (c *Client) Deliver(_ context.Context, m store.Outgoing) error {
	msg, err := chattable(m)
	if err != nil {
		return &delivery.PermanentError{Err: err}
	}
	if m.Document != nil && m.Document.Path != "" {
		// The library reports a missing file as a network error: it would
		// be retried for a day.
		if _, err := os.Stat(m.Document.Path); err != nil {
			return &delivery.PermanentError{Err: fmt.Errorf("file to send: %w", err)}
		}
	}
	if text, ok := msg.(textRequest); ok {
		_, err = c.api.MakeRequest(text.method, text.params)
	} else {
		_, err = c.api.Request(msg)
	}
	return classify(m, c.redact(err))
}

// linkPreviewOff is link_preview_options turning previews off: a meeting
// link's preview would cost a woman on a slow, paid network a picture she
// did not ask for.
const linkPreviewOff = `{"is_disabled":true}`

// textRequest is a sendMessage or editMessageText with its parameters as
// Bot API 7.0 and later have them. The library (v5.5.1) knows only
// disable_web_page_preview, which 7.0 replaced with link_preview_options,
// so these go through MakeRequest. It is a Chattable only so chattable can
// return it; Deliver sends it by its method and params.
type textRequest struct {
	tgbotapi.Chattable
	method string
	params tgbotapi.Params
}

// newTextRequest builds a text message or an edit of one: chat, text, link
// previews off, and the keyboard if any.
func newTextRequest(method string, m store.Outgoing, keyboard any) (textRequest, error) {
	params := tgbotapi.Params{
		"chat_id":              strconv.FormatInt(m.ChatID, 10),
		"text":                 m.Text,
		"link_preview_options": linkPreviewOff,
	}
	if method == "editMessageText" {
		params["message_id"] = strconv.Itoa(m.MessageID)
	}
	if err := params.AddInterface("reply_markup", keyboard); err != nil {
		return textRequest{}, fmt.Errorf("%s keyboard: %w", method, err)
	}
	return textRequest{method: method, params: params}, nil
}

// chattable builds the library's request for m.
func chattable(m store.Outgoing) (tgbotapi.Chattable, error) {
	switch m.Kind {
	case store.KindMessage:
		var keyboard any
		switch {
		case m.ContactButton != "":
			row := tgbotapi.NewKeyboardButtonRow(tgbotapi.NewKeyboardButtonContact(m.ContactButton))
			if m.KeyboardBack != "" {
				row = append(row, tgbotapi.NewKeyboardButton(m.KeyboardBack))
			}
			kb := tgbotapi.NewReplyKeyboard(row)
			kb.OneTimeKeyboard = true
			keyboard = kb
		case len(m.Buttons) > 0:
			keyboard = inlineKeyboard(m.Buttons)
		case m.RemoveKeyboard:
			keyboard = tgbotapi.NewRemoveKeyboard(false)
		}
		return newTextRequest("sendMessage", m, keyboard)
	case store.KindEdit:
		kb := inlineKeyboard(m.Buttons)
		if m.Text == "" {
			return tgbotapi.NewEditMessageReplyMarkup(m.ChatID, m.MessageID, kb), nil
		}
		var keyboard any
		if len(m.Buttons) > 0 {
			keyboard = kb
		}
		return newTextRequest("editMessageText", m, keyboard)
	case store.KindCallback:
		return tgbotapi.NewCallback(m.CallbackID, m.Text), nil
	case store.KindMenu:
		return chatMenu(m), nil
	case store.KindMedia:
		return mediaMessage(m)
	case store.KindPhoto:
		if m.Document == nil {
			return nil, errors.New("photo message without a picture")
		}
		photo := tgbotapi.NewPhoto(m.ChatID, tgbotapi.FileBytes{Name: m.Document.Name, Bytes: m.Document.Data})
		photo.Caption = m.Text
		return photo, nil
	case store.KindDocument:
		if m.Document == nil {
			return nil, errors.New("document message without a document")
		}
		var file tgbotapi.RequestFileData = tgbotapi.FileBytes{Name: m.Document.Name, Bytes: m.Document.Data}
		if m.Document.Path != "" {
			file = tgbotapi.FilePath(m.Document.Path)
		}
		doc := tgbotapi.NewDocument(m.ChatID, file)
		doc.Caption = m.Text
		return doc, nil
	}
	return nil, fmt.Errorf("unknown outgoing kind %q", m.Kind)
}

// chatMenu sets the command menu of one person's chat, or deletes it when
// there are no commands. The menu is in her language but set without a
// language_code: Telegram then shows it whatever language her phone is
// set to, since the bot speaks the language she chose in the bot.
func chatMenu(m store.Outgoing) tgbotapi.Chattable {
	scope := tgbotapi.NewBotCommandScopeChat(m.ChatID)
	if len(m.Commands) == 0 {
		return tgbotapi.NewDeleteMyCommandsWithScope(scope)
	}
	return tgbotapi.NewSetMyCommandsWithScope(scope, botCommands(m.Commands)...)
}

// botCommands are menu lines as the library has them.
func botCommands(cmds []store.MenuCommand) []tgbotapi.BotCommand {
	list := make([]tgbotapi.BotCommand, 0, len(cmds))
	for _, cmd := range cmds {
		list = append(list, tgbotapi.BotCommand{Command: cmd.Name, Description: cmd.Description})
	}
	return list
}

// mediaMessage sends a photo, voice, video or file again by its file_id:
// Telegram keeps the file, so nothing is downloaded or uploaded.
func mediaMessage(m store.Outgoing) (tgbotapi.Chattable, error) {
	if m.Media == nil {
		return nil, errors.New("media message without media")
	}
	file := tgbotapi.FileID(m.Media.FileID)
	var msg tgbotapi.Chattable
	switch m.Media.Type {
	case "photo":
		c := tgbotapi.NewPhoto(m.ChatID, file)
		c.Caption, c.ReplyMarkup = m.Text, markup(m.Buttons)
		msg = c
	case "video":
		c := tgbotapi.NewVideo(m.ChatID, file)
		c.Caption, c.ReplyMarkup = m.Text, markup(m.Buttons)
		msg = c
	case "voice":
		c := tgbotapi.NewVoice(m.ChatID, file)
		c.Caption, c.ReplyMarkup = m.Text, markup(m.Buttons)
		msg = c
	case "audio":
		c := tgbotapi.NewAudio(m.ChatID, file)
		c.Caption, c.ReplyMarkup = m.Text, markup(m.Buttons)
		msg = c
	case "video_note":
		msg = tgbotapi.NewVideoNote(m.ChatID, 0, file)
	default:
		c := tgbotapi.NewDocument(m.ChatID, file)
		c.Caption, c.ReplyMarkup = m.Text, markup(m.Buttons)
		msg = c
	}
	return msg, nil
}

// markup is the inline keyboard for rows, or nothing.
func markup(rows [][]store.Button) any {
	if len(rows) == 0 {
		return nil
	}
	return inlineKeyboard(rows)
}

// inlineKeyboard builds inline buttons, a link button where the button
// has a URL; no rows gives an empty keyboard, which removes the buttons of
// an edited message.
func inlineKeyboard(rows [][]store.Button) tgbotapi.InlineKeyboardMarkup {
	kb := tgbotapi.InlineKeyboardMarkup{InlineKeyboard: [][]tgbotapi.InlineKeyboardButton{}}
	for _, row := range rows {
		var r []tgbotapi.InlineKeyboardButton
		for _, b := range row {
			if b.URL != "" {
				r = append(r, tgbotapi.NewInlineKeyboardButtonURL(b.Text, b.URL))
				continue
			}
			r = append(r, tgbotapi.NewInlineKeyboardButtonData(b.Text, b.Data))
		}
		kb.InlineKeyboard = append(kb.InlineKeyboard, r)
	}
	return kb
}

// classify maps the Bot API's answer to m onto the delivery package's
// error contract.
func classify(m store.Outgoing, err error) error {
	if err == nil {
		return nil
	}
	var tgErr *tgbotapi.Error
	if !errors.As(err, &tgErr) {
		return fmt.Errorf("telegram unreachable: %w", err)
	}
	code := tgErr.Code
	if code == 0 {
		// The library drops error_code for uploads (sendDocument with
		// bytes): only the description says what happened.
		code = codeFromDescription(tgErr.Message)
	}
	desc := strings.ToLower(tgErr.Message)
	switch {
	case code == http.StatusUnauthorized:
		return &delivery.FatalError{Err: ErrUnauthorized}
	case code == http.StatusNotFound:
		return &delivery.FatalError{Err: ErrNotFound}
	case m.Kind == store.KindMenu && (code == http.StatusForbidden || code == http.StatusBadRequest && strings.Contains(desc, "chat not found")):
		// Her menu does not matter to someone who blocked the bot or never
		// started it (staff named in the config who have not written yet):
		// it is set again when her roles or language next change.
		return &delivery.ObsoleteError{Err: fmt.Errorf("telegram %d: %s", code, tgErr.Message)}
	case code == http.StatusForbidden:
		return delivery.ErrBlocked
	case code == http.StatusTooManyRequests || tgErr.RetryAfter > 0:
		return &delivery.RetryAfterError{After: max(time.Duration(tgErr.RetryAfter)*time.Second, time.Second)}
	case code == http.StatusBadRequest && strings.Contains(desc, "message is not modified"):
		return nil // the message already shows this
	case code == http.StatusBadRequest && isGone(m, desc):
		return &delivery.ObsoleteError{Err: fmt.Errorf("telegram %d: %s", code, tgErr.Message)}
	case code >= 400 && code < 500:
		return &delivery.PermanentError{Err: fmt.Errorf("telegram %d: %s", code, tgErr.Message)}
	}
	return fmt.Errorf("telegram %d: %s", code, tgErr.Message)
}

// isGone reports whether a 400 says the message m was about is no longer
// there to change: she deleted the message being edited, or Telegram
// stopped waiting for the answer to her tap.
func isGone(m store.Outgoing, desc string) bool {
	switch m.Kind {
	case store.KindEdit:
		return strings.Contains(desc, "message to edit not found") || strings.Contains(desc, "message can't be edited") ||
			strings.Contains(desc, "message_id_invalid")
	case store.KindCallback:
		return strings.Contains(desc, "query is too old") || strings.Contains(desc, "query id is invalid")
	}
	return false
}

// ErrUnauthorized is Telegram refusing the bot's token: it was revoked or
// changed in @BotFather. Nothing can be sent or received until the new
// token is set.
var ErrUnauthorized = errors.New("telegram refused the bot token (401 Unauthorized): it was revoked or changed; set the current token from @BotFather in TELEGRAM_BOT_TOKEN and start again")

// ErrNotFound is Telegram answering 404 for the bot's address: the token
// is malformed or the API endpoint is wrong.
var ErrNotFound = errors.New("telegram answered 404 Not Found for the bot's address: check TELEGRAM_BOT_TOKEN and -api-endpoint")

// codeFromDescription recovers the HTTP status from Telegram's error
// description, which starts with the status's name.
func codeFromDescription(desc string) int {
	for prefix, code := range map[string]int{
		"Forbidden":                http.StatusForbidden,
		"Too Many Requests":        http.StatusTooManyRequests,
		"Bad Request":              http.StatusBadRequest,
		"Unauthorized":             http.StatusUnauthorized,
		"Not Found":                http.StatusNotFound,
		"Request Entity Too Large": http.StatusRequestEntityTooLarge,
	} {
		if strings.HasPrefix(desc, prefix) {
			return code
		}
	}
	return 0
}

// SetCommands publishes the default command menu (what a newcomer sees)
// in every language, and in fallback for everyone whose Telegram speaks
// none of them. Menus of people with a role are set through the outbox
// (store.KindMenu).
func (c *Client) SetCommands(menus map[string][]store.MenuCommand, fallback string) error {
	for lang, cmds := range menus {
		if err := c.setCommands(cmds, lang); err != nil {
			return err
		}
	}
	return c.setCommands(menus[fallback], "")
}

func (c *Client) setCommands(cmds []store.MenuCommand, lang string) error {
	cfg := tgbotapi.NewSetMyCommandsWithScopeAndLanguage(tgbotapi.NewBotCommandScopeDefault(), lang, botCommands(cmds)...)
	if _, err := c.api.Request(cfg); err != nil {
		return fmt.Errorf("set command menu %q: %w", lang, err)
	}
	return nil
}
