package telegramtest

import (
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"path"
	"slices"
	"strconv"
	"testing"
	"time"
)

// Message is a message the bot sent, as the chat shows it now.
type Message struct {
	// ID is the message_id Telegram gave it.
	ID int
	// ChatID is the chat it was sent to.
	ChatID int64
	// Text is the text as the bot sent it, markup included when ParseMode
	// is set ("<b>Hi</b>"); empty for documents and photos.
	Text string
	// ParseMode is "HTML", "MarkdownV2", "Markdown" or "".
	ParseMode string
	// Buttons is the inline keyboard under the message, row by row.
	Buttons [][]Button
	// ReplyKeyboard is the custom keyboard the message brought up.
	ReplyKeyboard [][]KeyboardButton
	// RemoveKeyboard is set if the message removed the custom keyboard.
	RemoveKeyboard bool
	// Document is set for sendDocument.
	Document *Document
	// Photo is set for sendPhoto.
	Photo *Document
	// Edited is set once editMessageText changed the message.
	Edited bool
}

// Button is an inline keyboard button: callback data or a URL.
type Button struct {
	Text string
	Data string // callback_data
	URL  string
}

// KeyboardButton is a custom (reply) keyboard button.
type KeyboardButton struct {
	Text           string
	RequestContact bool
}

// Document is a file the bot sent: uploaded bytes with the upload's file
// name, or a file_id / URL of a file Telegram already has.
type Document struct {
	Name    string
	Data    []byte
	Caption string
	FileID  string // the document/photo parameter when nothing was uploaded
}

// CallbackAnswer is one answerCallbackQuery call that succeeded.
type CallbackAnswer struct {
	ID        string
	Text      string
	ShowAlert bool
	URL       string
	// UpdateID is the update that carried the callback query.
	UpdateID int
}

// Messages returns the bot's messages in a chat as the user sees them now:
// in order, edits applied, deleted ones gone.
func (s *Server) Messages(chatID int64) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, len(s.chats[chatID]))
	for i, m := range s.chats[chatID] {
		out[i] = m.clone()
	}
	return out
}

// Last returns the bot's latest message in a chat, or the zero Message.
func (s *Server) Last(chatID int64) Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	if shown := s.chats[chatID]; len(shown) > 0 {
		return shown[len(shown)-1].clone()
	}
	return Message{}
}

// WaitMessages waits until the chat shows at least n messages of the bot
// and returns them. It fails t after waitLimit (30 seconds).
func (s *Server) WaitMessages(t testing.TB, chatID int64, n int) []Message {
	t.Helper()
	s.waitFor(t, func() bool { return len(s.chats[chatID]) >= n }, func() string {
		return fmt.Sprintf("%d messages in chat %d (have %d)", n, chatID, len(s.Messages(chatID)))
	})
	return s.Messages(chatID)
}

// Callbacks returns the bot's successful answerCallbackQuery calls, in order.
func (s *Server) Callbacks() []CallbackAnswer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.callbacks)
}

// AnswerTo returns the bot's answer to the callback query of an update
// pushed with Tap (or PushRaw/PushFixture), if it answered.
func (s *Server) AnswerTo(updateID int) (CallbackAnswer, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range s.callbacks {
		if a.UpdateID == updateID {
			return a, true
		}
	}
	return CallbackAnswer{}, false
}

// clone deep-copies m, so callers cannot change the server's view.
func (m *Message) clone() Message {
	c := *m
	c.Buttons = cloneRows(m.Buttons)
	c.ReplyKeyboard = cloneRows(m.ReplyKeyboard)
	if m.Document != nil {
		d := *m.Document
		c.Document = &d
	}
	if m.Photo != nil {
		p := *m.Photo
		c.Photo = &p
	}
	return c
}

func cloneRows[T any](rows [][]T) [][]T {
	if rows == nil {
		return nil
	}
	out := make([][]T, len(rows))
	for i, r := range rows {
		out[i] = slices.Clone(r)
	}
	return out
}

// findLocked returns the bot's message in the chat's view, or nil.
func (s *Server) findLocked(chatID int64, messageID int) *Message {
	for _, m := range s.chats[chatID] {
		if m.ID == messageID {
			return m
		}
	}
	return nil
}

func (s *Server) sendMessage(_ context.Context, c Call) (json.RawMessage, *Failure) {
	if f := checkText(c.Params["text"], c.Params["parse_mode"], maxTextLength, "message is too long"); f != nil {
		return nil, f
	}
	return s.send(c, Message{Text: c.Params["text"], ParseMode: c.Params["parse_mode"]}, func(*messageJSON) {})
}

func (s *Server) sendDocument(_ context.Context, c Call) (json.RawMessage, *Failure) {
	return s.sendFile(c, "document", func(m *Message) **Document { return &m.Document })
}

func (s *Server) sendPhoto(_ context.Context, c Call) (json.RawMessage, *Failure) {
	return s.sendFile(c, "photo", func(m *Message) **Document { return &m.Photo })
}

// sendFile shows a document or photo; slot picks the Message field it goes
// to. The uploaded bytes (or the file_id sent instead) are kept for tests.
func (s *Server) sendFile(c Call, field string, slot func(*Message) **Document) (json.RawMessage, *Failure) {
	if f := checkCaption(c.Params["caption"], c.Params["parse_mode"]); f != nil {
		return nil, f
	}
	doc := &Document{Name: c.FileNames[field], Data: c.Files[field], Caption: c.Params["caption"]}
	if doc.Data == nil {
		doc.FileID = c.Params[field]
	}
	shown := Message{ParseMode: c.Params["parse_mode"]}
	*slot(&shown) = doc
	fileID, uniqueID := s.newFileID(), s.newFileID()
	return s.send(c, shown, func(m *messageJSON) {
		if field == "photo" {
			m.Photo = []map[string]any{{"file_id": fileID, "file_unique_id": uniqueID, "width": 800, "height": 600, "file_size": len(doc.Data)}}
			return
		}
		mimeType := mime.TypeByExtension(path.Ext(doc.Name))
		if mimeType == "" {
			mimeType = "application/octet-stream"
		}
		m.Document = map[string]any{"file_id": fileID, "file_unique_id": uniqueID, "file_name": doc.Name, "mime_type": mimeType, "file_size": len(doc.Data)}
	})
}

// send adds a new message of the bot to the chat named by chat_id and
// returns the Message object Telegram would; fill adds the content.
func (s *Server) send(c Call, shown Message, fill func(*messageJSON)) (json.RawMessage, *Failure) {
	chatID, f := chatIDParam(c)
	if f != nil {
		return nil, f
	}
	markup, f := parseMarkup(c.Params["reply_markup"])
	if f != nil {
		return nil, f
	}
	shown.ChatID, shown.Buttons, shown.ReplyKeyboard, shown.RemoveKeyboard = chatID, markup.buttons, markup.keyboard, markup.remove

	s.mu.Lock()
	shown.ID = s.newMessageIDLocked()
	s.chats[chatID] = append(s.chats[chatID], &shown)
	s.notifyLocked()
	s.mu.Unlock()

	m := botMessage(&shown)
	fill(&m)
	return mustJSON(m), nil
}

// botMessage is the Message object of one of the bot's messages. Its text
// is the plain text, formatting removed, as Telegram returns it.
func botMessage(shown *Message) messageJSON {
	chat := chatJSON{ID: shown.ChatID, Type: "private"}
	if shown.ChatID < 0 {
		chat = groupChat(shown.ChatID)
	}
	m := messageJSON{
		MessageID: shown.ID, From: &botUser, Chat: chat, Date: time.Now().Unix(),
		Text: plainText(shown.Text, shown.ParseMode), ReplyMarkup: inlineMarkup(shown.Buttons),
	}
	for _, doc := range []*Document{shown.Document, shown.Photo} {
		if doc != nil {
			m.Caption = plainText(doc.Caption, shown.ParseMode)
		}
	}
	if shown.Edited {
		m.EditDate = m.Date
	}
	return m
}

func (s *Server) editMessageText(_ context.Context, c Call) (json.RawMessage, *Failure) {
	text, mode := c.Params["text"], c.Params["parse_mode"]
	if f := checkText(text, mode, maxTextLength, "MESSAGE_TOO_LONG"); f != nil {
		return nil, f
	}
	return s.edit(c, func(m *Message, buttons [][]Button) *Failure {
		if m.Document != nil || m.Photo != nil {
			return badRequest("there is no text in the message to edit")
		}
		if m.Text == text && m.ParseMode == mode && equalRows(m.Buttons, buttons) {
			return notModified()
		}
		m.Text, m.ParseMode, m.Buttons, m.Edited = text, mode, buttons, true
		return nil
	})
}

// editMessageReplyMarkup replaces the inline keyboard; no reply_markup
// removes it. Telegram does not mark such a message as edited.
func (s *Server) editMessageReplyMarkup(_ context.Context, c Call) (json.RawMessage, *Failure) {
	return s.edit(c, func(m *Message, buttons [][]Button) *Failure {
		if equalRows(m.Buttons, buttons) {
			return notModified()
		}
		m.Buttons = buttons
		return nil
	})
}

// edit applies change to the bot's message named by chat_id and message_id
// and returns the edited Message object. Inline messages (inline_message_id)
// are not shown in any chat here; Telegram answers true for them.
func (s *Server) edit(c Call, change func(*Message, [][]Button) *Failure) (json.RawMessage, *Failure) {
	if c.Params["inline_message_id"] != "" {
		return json.RawMessage("true"), nil
	}
	chatID, f := chatIDParam(c)
	if f != nil {
		return nil, f
	}
	messageID, _ := strconv.Atoi(c.Params["message_id"])
	markup, f := parseMarkup(c.Params["reply_markup"])
	if f != nil {
		return nil, f
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	shown := s.findLocked(chatID, messageID)
	if shown == nil {
		return nil, badRequest("message to edit not found")
	}
	if f := change(shown, markup.buttons); f != nil {
		return nil, f
	}
	s.notifyLocked()
	return mustJSON(botMessage(shown)), nil
}

func notModified() *Failure {
	return badRequest("message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
}

func equalRows[T comparable](a, b [][]T) bool {
	return slices.EqualFunc(a, b, func(x, y []T) bool { return slices.Equal(x, y) })
}

// deleteMessage removes the bot's message from the chat's view. Messages of
// the users are not tracked, so deleting an unknown id succeeds too.
func (s *Server) deleteMessage(_ context.Context, c Call) (json.RawMessage, *Failure) {
	chatID, f := chatIDParam(c)
	if f != nil {
		return nil, f
	}
	messageID, _ := strconv.Atoi(c.Params["message_id"])
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chats[chatID] = slices.DeleteFunc(s.chats[chatID], func(m *Message) bool { return m.ID == messageID })
	s.notifyLocked()
	return json.RawMessage("true"), nil
}

// answerCallbackQuery records the answer. An id that no pushed update
// carried is refused the way Telegram refuses stale or made-up ids.
func (s *Server) answerCallbackQuery(_ context.Context, c Call) (json.RawMessage, *Failure) {
	id := c.Params["callback_query_id"]
	s.mu.Lock()
	defer s.mu.Unlock()
	updateID, ok := s.queries[id]
	if !ok {
		return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	s.callbacks = append(s.callbacks, CallbackAnswer{
		ID: id, Text: c.Params["text"], ShowAlert: c.Params["show_alert"] == "true",
		URL: c.Params["url"], UpdateID: updateID,
	})
	s.notifyLocked()
	return json.RawMessage("true"), nil
}

// chatIDParam parses chat_id. The fake knows only numeric chats, so an
// @username is "chat not found", as for an unknown channel on Telegram.
func chatIDParam(c Call) (int64, *Failure) {
	id, err := strconv.ParseInt(c.Params["chat_id"], 10, 64)
	if err != nil || id == 0 {
		return 0, badRequest("chat not found")
	}
	return id, nil
}
