package bot

import "github.com/mentorbot/mentorbot/store"

// Kind is what a person sent, as far as the dialogues care.
type Kind int

// Kinds of updates.
const (
	KindIgnored   Kind = iota // nothing to answer: inline queries, channel posts, service messages
	KindText                  // a text message (commands are text with Command set)
	KindCallback              // a tap on an inline button
	KindContact               // a shared contact, usually her own number
	KindSticker               // a sticker, or an animation
	KindPhoto                 // a photo or a video
	KindVoice                 // a voice or audio message, or a video note
	KindDocument              // a file
	KindLocation              // a location or venue
	KindOther                 // anything else in a private chat: a poll, a game
	KindEdited                // she edited a message she had sent
	KindBlocked               // she blocked the bot
	KindUnblocked             // she unblocked it (or started it again)
)

// Update is one Telegram update, normalised once so that handlers read who
// wrote, where, and what, without knowing the Telegram library. The console
// builds the same values from typed lines.
type Update struct {
	ID       int
	ChatID   int64
	Private  bool // a one-to-one chat with the bot, not a group or channel
	UserID   int64
	Name     string // her first name, as Telegram gives it
	LangCode string // Telegram's language_code guess, e.g. "ru"
	Kind     Kind

	Text    string // KindText, KindEdited; the caption of a photo or file
	Command string // "start" for "/start@mentor_bot A-1"
	Args    string // "A-1" in the example above

	CallbackID   string // KindCallback: the tap to answer
	CallbackData string // KindCallback: the button's data
	MessageID    int    // KindCallback: the bot's message the button was on

	Phone        string // KindContact
	ContactOwner int64  // KindContact: whose number it is, if Telegram says

	// Media is the photo, document, voice, audio or video she sent, by
	// Telegram's file_id; Text holds its caption.
	Media *store.Media
}
