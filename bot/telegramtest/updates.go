package telegramtest

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
)

// fixtures are the sample updates copied by internal/specgen.
//
//go:embed testdata/updates/*.json
var fixtures embed.FS

// User is a Telegram user in a test: the "from" of the updates she sends.
// She is never a bot.
type User struct {
	ID           int64
	FirstName    string
	LastName     string
	Username     string
	LanguageCode string
}

// userJSON is Telegram's User object.
type userJSON struct {
	ID           int64  `json:"id"`
	IsBot        bool   `json:"is_bot"`
	FirstName    string `json:"first_name"`
	LastName     string `json:"last_name,omitempty"`
	Username     string `json:"username,omitempty"`
	LanguageCode string `json:"language_code,omitempty"`
}

// MarshalJSON encodes u as Telegram's User object, so tests can put a User
// into hand-written updates for PushRaw.
func (u User) MarshalJSON() ([]byte, error) {
	return json.Marshal(userJSON{
		ID: u.ID, FirstName: u.FirstName, LastName: u.LastName,
		Username: u.Username, LanguageCode: u.LanguageCode,
	})
}

// botUser is the bot as the "from" of its own messages.
var botUser = userJSON{ID: BotID, IsBot: true, FirstName: BotFirstName, Username: BotUsername}

// chatJSON is Telegram's Chat object.
type chatJSON struct {
	ID        int64  `json:"id"`
	Type      string `json:"type"`
	Title     string `json:"title,omitempty"`
	FirstName string `json:"first_name,omitempty"`
	LastName  string `json:"last_name,omitempty"`
	Username  string `json:"username,omitempty"`
}

// privateChat is the chat between the bot and u; its id is u's id.
func privateChat(u User) chatJSON {
	return chatJSON{ID: u.ID, Type: "private", FirstName: u.FirstName, LastName: u.LastName, Username: u.Username}
}

// groupChat is a group by Telegram's id ranges: ids below -10^12 are
// supergroups (and channels), other negative ids basic groups.
func groupChat(id int64) chatJSON {
	if id < -1_000_000_000_000 {
		return chatJSON{ID: id, Type: "supergroup", Title: "Test supergroup"}
	}
	return chatJSON{ID: id, Type: "group", Title: "Test group"}
}

// messageJSON is Telegram's Message object, the fields this package uses.
type messageJSON struct {
	MessageID   int          `json:"message_id"`
	From        *userJSON    `json:"from,omitempty"`
	Chat        chatJSON     `json:"chat"`
	Date        int64        `json:"date"`
	EditDate    int64        `json:"edit_date,omitempty"`
	Text        string       `json:"text,omitempty"`
	Entities    []entityJSON `json:"entities,omitempty"`
	Caption     string       `json:"caption,omitempty"`
	Sticker     any          `json:"sticker,omitempty"`
	Photo       any          `json:"photo,omitempty"`
	Voice       any          `json:"voice,omitempty"`
	Document    any          `json:"document,omitempty"`
	Contact     any          `json:"contact,omitempty"`
	Location    any          `json:"location,omitempty"`
	ReplyMarkup any          `json:"reply_markup,omitempty"`
}

// entityJSON is Telegram's MessageEntity; offsets count UTF-16 code units.
type entityJSON struct {
	Type   string `json:"type"`
	Offset int    `json:"offset"`
	Length int    `json:"length"`
}

// update is a pushed update: its id, its bytes as served, its kind (the
// field next to update_id, e.g. "message", for allowed_updates), and what
// became of it.
type update struct {
	id     int
	raw    []byte // nil once it has left the queue
	kind   string
	served int // how many getUpdates answers carried it
	fate   fate
	why    string // for fateLost and fateExcluded
}

// fate is where an update is in its life.
type fate int

const (
	// fatePending: queued, served by getUpdates until the bot confirms it.
	fatePending fate = iota
	// fateConfirmed: served, then confirmed by the bot's offset.
	fateConfirmed
	// fateLost: confirmed by the bot's offset before it was ever served.
	fateLost
	// fateExcluded: of a kind the bot's allowed_updates leave out, so
	// Telegram never queued it.
	fateExcluded
)

// defaultExcluded are the kinds Telegram does not deliver unless the bot
// lists them in allowed_updates.
var defaultExcluded = map[string]bool{"chat_member": true, "message_reaction": true, "message_reaction_count": true}

// PushRaw queues any JSON object as an update, verbatim except for
// update_id, which it sets (first member) and returns. Use it for updates
// the helpers do not build, including ones tgbotapi cannot decode.
func (s *Server) PushRaw(updateJSON string) int {
	s.t.Helper()
	id, err := s.push([]byte(updateJSON))
	if err != nil {
		s.t.Fatalf("telegramtest: PushRaw: %v", err)
	}
	return id
}

// PushFixture queues the sample update testdata/updates/<name>.json (name
// with or without ".json"; see [FixtureNames]) and returns its new update_id.
func (s *Server) PushFixture(name string) int {
	s.t.Helper()
	data, err := Fixture(name)
	if err != nil {
		s.t.Fatalf("telegramtest: %v", err)
	}
	return s.PushRaw(string(data))
}

// Fixture returns the bytes of a sample update as stored, update_id
// included; name is given with or without ".json".
func Fixture(name string) ([]byte, error) {
	data, err := fixtures.ReadFile(path.Join("testdata/updates", strings.TrimSuffix(name, ".json")+".json"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no fixture %q; have %s", name, strings.Join(FixtureNames(), ", "))
	}
	return data, err
}

// FixtureNames lists the sample updates PushFixture knows, sorted.
func FixtureNames() []string {
	entries, _ := fixtures.ReadDir("testdata/updates")
	var names []string
	for _, e := range entries {
		names = append(names, strings.TrimSuffix(e.Name(), ".json"))
	}
	slices.Sort(names)
	return names
}

// SendText queues a text message from user in her private chat with the bot.
// A text starting with "/" gets a bot_command entity for its first word, as
// Telegram's clients send it.
func (s *Server) SendText(user User, text string) int {
	return s.pushMember("message", s.userMessage(user, privateChat(user), text))
}

// SendGroupText queues a text message from user in a group chat (chatID is
// negative; below -10^12 the chat is a supergroup).
func (s *Server) SendGroupText(chatID int64, user User, text string) int {
	return s.pushMember("message", s.userMessage(user, groupChat(chatID), text))
}

// EditText queues an edited_message: user changed the text of her message
// messageID to text.
func (s *Server) EditText(user User, messageID int, text string) int {
	m := s.userMessage(user, privateChat(user), text)
	m.MessageID = messageID
	m.Date -= 60
	m.EditDate = time.Now().Unix()
	return s.pushMember("edited_message", m)
}

// SendContact queues a shared contact. With own the contact is the user's
// own number (contact.user_id = her id, what a request_contact button
// sends); otherwise it is a card from her address book, without user_id.
func (s *Server) SendContact(user User, phone string, own bool) int {
	m := s.userMessage(user, privateChat(user), "")
	contact := map[string]any{"phone_number": phone, "first_name": "Someone", "last_name": "Else"}
	if own {
		contact = map[string]any{"phone_number": phone, "first_name": user.FirstName, "user_id": user.ID}
		if user.LastName != "" {
			contact["last_name"] = user.LastName
		}
	}
	m.Contact = contact
	return s.pushMember("message", m)
}

// SendSticker queues a sticker message.
func (s *Server) SendSticker(user User) int {
	m := s.userMessage(user, privateChat(user), "")
	m.Sticker = map[string]any{
		"file_id": s.newFileID(), "file_unique_id": s.newFileID(), "type": "regular",
		"width": 512, "height": 512, "is_animated": false, "is_video": false, "emoji": "👍",
	}
	return s.pushMember("message", m)
}

// SendPhoto queues a photo (two sizes, as Telegram sends) with a caption.
func (s *Server) SendPhoto(user User, caption string) int {
	m := s.userMessage(user, privateChat(user), "")
	m.Photo = []map[string]any{
		{"file_id": s.newFileID(), "file_unique_id": s.newFileID(), "width": 90, "height": 68, "file_size": 1422},
		{"file_id": s.newFileID(), "file_unique_id": s.newFileID(), "width": 800, "height": 600, "file_size": 64233},
	}
	m.Caption = caption
	return s.pushMember("message", m)
}

// SendVoice queues a voice message.
func (s *Server) SendVoice(user User) int {
	m := s.userMessage(user, privateChat(user), "")
	m.Voice = map[string]any{
		"file_id": s.newFileID(), "file_unique_id": s.newFileID(),
		"duration": 3, "mime_type": "audio/ogg", "file_size": 8974,
	}
	return s.pushMember("message", m)
}

// SendDocument queues a document named name; its MIME type follows the
// extension.
func (s *Server) SendDocument(user User, name string) int {
	m := s.userMessage(user, privateChat(user), "")
	mimeType := mime.TypeByExtension(path.Ext(name))
	if mimeType == "" {
		mimeType = "application/octet-stream"
	}
	m.Document = map[string]any{
		"file_id": s.newFileID(), "file_unique_id": s.newFileID(),
		"file_name": name, "mime_type": mimeType, "file_size": 12345,
	}
	return s.pushMember("message", m)
}

// SendLocation queues a location (Bishkek).
func (s *Server) SendLocation(user User) int {
	m := s.userMessage(user, privateChat(user), "")
	m.Location = map[string]any{"latitude": 42.874621, "longitude": 74.569762}
	return s.pushMember("message", m)
}

// Tap queues a callback_query: user pressed an inline button with data under
// the bot's message messageID in her private chat. The message carries the
// text and keyboard the server shows for it now, if it knows it. The query id
// is fresh; [Server.AnswerTo] finds the bot's answer by the returned update_id.
func (s *Server) Tap(user User, messageID int, data string) int {
	m := messageJSON{MessageID: messageID, From: &botUser, Date: time.Now().Unix()}
	s.mu.Lock()
	if shown := s.findLocked(user.ID, messageID); shown != nil {
		m = botMessage(shown)
	}
	m.Chat = privateChat(user)
	s.lastQueryID++
	queryID := strconv.FormatInt(4_400_000_000_000_000_000+int64(s.lastQueryID), 10)
	s.mu.Unlock()
	return s.pushMember("callback_query", map[string]any{
		"id":            queryID,
		"from":          user,
		"message":       m,
		"chat_instance": strconv.FormatInt(7_000_000_000_000_000_000+user.ID, 10),
		"data":          data,
	})
}

// Block queues the my_chat_member update Telegram sends when user blocks the
// bot (member -> kicked), and from now on answers calls to her chat with
// [Forbidden], as Telegram does.
func (s *Server) Block(user User) int {
	s.BlockedUser(user.ID)
	return s.pushMember("my_chat_member", chatMemberUpdate(user, "member", "kicked"))
}

// Unblock queues the my_chat_member update of user restarting the bot after
// blocking it (kicked -> member) and lets calls to her chat through again.
func (s *Server) Unblock(user User) int {
	s.mu.Lock()
	delete(s.blocked, user.ID)
	s.mu.Unlock()
	return s.pushMember("my_chat_member", chatMemberUpdate(user, "kicked", "member"))
}

func chatMemberUpdate(user User, from, to string) map[string]any {
	member := func(status string) map[string]any {
		m := map[string]any{"user": botUser, "status": status}
		if status == "kicked" {
			m["until_date"] = 0
		}
		return m
	}
	return map[string]any{
		"chat":            privateChat(user),
		"from":            user,
		"date":            time.Now().Unix(),
		"old_chat_member": member(from),
		"new_chat_member": member(to),
	}
}

// userMessage builds a message from user in chat with a fresh message id.
func (s *Server) userMessage(user User, chat chatJSON, text string) messageJSON {
	from := userJSON{ID: user.ID, FirstName: user.FirstName, LastName: user.LastName, Username: user.Username, LanguageCode: user.LanguageCode}
	m := messageJSON{MessageID: s.newMessageID(), From: &from, Chat: chat, Date: time.Now().Unix(), Text: text}
	if command, _, _ := strings.Cut(text, " "); strings.HasPrefix(command, "/") {
		m.Entities = []entityJSON{{Type: "bot_command", Length: len(utf16.Encode([]rune(command)))}}
	}
	return m
}

// pushMember queues {"update_id": N, kind: value}. The values are built by
// this package, so pushing fails only for an id still pending after
// [Server.JumpUpdateID].
func (s *Server) pushMember(kind string, value any) int {
	s.t.Helper()
	id, err := s.push(mustJSON(map[string]any{kind: value}))
	if err != nil {
		s.t.Fatalf("telegramtest: %v", err)
	}
	return id
}

// JumpUpdateID makes the next pushed update get the id next, and the ones
// after it next+1, next+2, ...: what Telegram does after a week without
// updates ("the identifier of the next update will be chosen randomly
// instead of sequentially"). next may be lower than ids given before. The
// queue keeps push order whatever the ids, and an offset still confirms
// every pending update with a lower id, seen or not: a bot that keeps
// polling with its old offset loses the new updates (see [Server.Lost]).
// An id may be given again once its update has left the queue; pushing an
// update with an id still pending fails the test.
func (s *Server) JumpUpdateID(next int) {
	s.t.Helper()
	if next < 1 {
		s.t.Fatalf("telegramtest: JumpUpdateID(%d): update ids are positive", next)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextUpdateID = next
}

// push gives a JSON object the next update_id and queues it, unless the
// bot's allowed_updates exclude its kind (then Telegram never creates it)
// or the offset of the getUpdates call in progress confirms it at once.
func (s *Server) push(raw []byte) (int, error) {
	members, err := objectMembers(raw)
	if err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old := s.pushed[s.nextUpdateID]; old != nil && old.fate == fatePending {
		return 0, fmt.Errorf("update id %d is still pending (Telegram never queues two updates with one id); JumpUpdateID to free ids", old.id)
	}
	u := &update{id: s.nextUpdateID}
	s.nextUpdateID++
	var buf bytes.Buffer
	fmt.Fprintf(&buf, `{"update_id":%d`, u.id)
	for _, m := range members {
		fmt.Fprintf(&buf, ",%s:%s", m.key, m.value)
		if u.kind == "" {
			u.kind = m.name
		}
		if m.name == "callback_query" {
			s.registerQueryLocked(m.value, u.id)
		}
	}
	buf.WriteString("}")
	u.raw = buf.Bytes()
	s.pushed[u.id] = u
	switch {
	case !s.allowedLocked(u.kind):
		u.fate, u.raw = fateExcluded, nil
		u.why = fmt.Sprintf("update %d (%s) is excluded by the bot's allowed_updates", u.id, u.kind)
	case s.pollWaiting && s.pollOffset > 0 && u.id < s.pollOffset:
		// The worst Telegram may do: the waiting call's offset confirms
		// the update the moment it exists.
		s.retireLocked(u, fmt.Sprintf("arrived while getUpdates(offset=%d) was waiting", s.pollOffset))
	default:
		s.updates = append(s.updates, u)
	}
	s.notifyLocked()
	return u.id, nil
}

// registerQueryLocked remembers a callback query id, so the bot's
// answerCallbackQuery can be checked and matched to its update.
func (s *Server) registerQueryLocked(raw json.RawMessage, updateID int) {
	var q struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(raw, &q) == nil && q.ID != "" {
		s.queries[q.ID] = updateID
	}
}

// allowedLocked applies the last allowed_updates the bot sent.
func (s *Server) allowedLocked(kind string) bool {
	if s.allowed == nil {
		return !defaultExcluded[kind]
	}
	return s.allowed[kind]
}

// member is one member of a JSON object: its key as written, the decoded
// name, and the value's bytes as written.
type member struct {
	key   json.RawMessage
	name  string
	value json.RawMessage
}

// objectMembers splits a JSON object into its members, in order and byte
// for byte, dropping update_id. Decoding into a map would lose both the
// order and the exact bytes (the point of pushing raw updates).
func objectMembers(raw []byte) ([]member, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("update is not a JSON object: %.60q", raw)
	}
	var members []member
	for dec.More() {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("update: %w", err)
		}
		name := tok.(string)
		key := bytes.TrimLeft(raw[start:dec.InputOffset()], " \t\r\n,")
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil, fmt.Errorf("update: %w", err)
		}
		if name != "update_id" {
			members = append(members, member{key: key, name: name, value: value})
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("update: %w", err)
	}
	if dec.More() {
		return nil, errors.New("update: data after the JSON object")
	}
	return members, nil
}

// newMessageID returns the next message id; the bot's and the users'
// messages share the counter.
func (s *Server) newMessageID() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.newMessageIDLocked()
}

func (s *Server) newMessageIDLocked() int {
	s.lastMessageID++
	return s.lastMessageID
}

// newFileID returns a fresh, Telegram-looking file id.
func (s *Server) newFileID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastFileID++
	return fmt.Sprintf("AgACAgIAAxkBAAI%08d", s.lastFileID)
}
