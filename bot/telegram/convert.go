package telegram

import (
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/store"
)

// toUpdate normalises a library update into what the bot reads.
func toUpdate(u tgbotapi.Update) bot.Update {
	out := bot.Update{ID: u.UpdateID}
	switch {
	case u.Message != nil:
		fromMessage(&out, u.Message)
	case u.EditedMessage != nil:
		fromMessage(&out, u.EditedMessage)
		out.Kind = bot.KindEdited
	case u.CallbackQuery != nil:
		fromCallback(&out, u.CallbackQuery)
	case u.MyChatMember != nil:
		fromMembership(&out, u.MyChatMember)
	}
	return out
}

func fromUser(out *bot.Update, from *tgbotapi.User) {
	if from == nil {
		return
	}
	out.UserID = from.ID
	out.Name = from.FirstName
	out.LangCode = from.LanguageCode
}

func fromMessage(out *bot.Update, m *tgbotapi.Message) {
	fromUser(out, m.From)
	if m.Chat != nil {
		out.ChatID = m.Chat.ID
		out.Private = m.Chat.IsPrivate()
	}
	out.Text = m.Text
	switch {
	case m.Text != "":
		out.Kind = bot.KindText
		if m.IsCommand() {
			out.Command = strings.ToLower(m.Command())
			out.Args = m.CommandArguments()
		}
	case m.Contact != nil:
		out.Kind = bot.KindContact
		out.Phone = m.Contact.PhoneNumber
		out.ContactOwner = m.Contact.UserID
	case m.Sticker != nil || m.Animation != nil || m.Dice != nil:
		out.Kind = bot.KindSticker
	case len(m.Photo) > 0:
		// The last size is the largest.
		out.Kind, out.Text = bot.KindPhoto, m.Caption
		out.Media = &store.Media{Type: "photo", FileID: m.Photo[len(m.Photo)-1].FileID}
	case m.Video != nil:
		out.Kind, out.Text = bot.KindPhoto, m.Caption
		out.Media = &store.Media{Type: "video", FileID: m.Video.FileID}
	case m.Voice != nil:
		out.Kind, out.Text = bot.KindVoice, m.Caption
		out.Media = &store.Media{Type: "voice", FileID: m.Voice.FileID}
	case m.Audio != nil:
		out.Kind, out.Text = bot.KindVoice, m.Caption
		out.Media = &store.Media{Type: "audio", FileID: m.Audio.FileID}
	case m.VideoNote != nil:
		out.Kind = bot.KindVoice
		out.Media = &store.Media{Type: "video_note", FileID: m.VideoNote.FileID}
	case m.Document != nil:
		out.Kind, out.Text = bot.KindDocument, m.Caption
		out.Media = &store.Media{Type: "document", FileID: m.Document.FileID}
	case m.Location != nil || m.Venue != nil:
		out.Kind = bot.KindLocation
	case out.Private:
		out.Kind = bot.KindOther
	default:
		// Service messages in groups: members joining, pins, chat moves.
		out.Kind = bot.KindIgnored
	}
}

func fromCallback(out *bot.Update, q *tgbotapi.CallbackQuery) {
	fromUser(out, q.From)
	out.Kind = bot.KindCallback
	out.CallbackID = q.ID
	out.CallbackData = q.Data
	out.ChatID = q.From.ID
	out.Private = true
	if q.Message != nil && q.Message.Chat != nil {
		out.ChatID = q.Message.Chat.ID
		out.Private = q.Message.Chat.IsPrivate()
		out.MessageID = q.Message.MessageID
	}
}

// fromMembership reads the bot's own membership in a chat: in a private
// chat, "kicked" means she blocked the bot and "member" that she came back.
func fromMembership(out *bot.Update, m *tgbotapi.ChatMemberUpdated) {
	fromUser(out, &m.From)
	out.ChatID = m.Chat.ID
	out.Private = m.Chat.IsPrivate()
	out.Kind = bot.KindIgnored
	if !out.Private {
		return
	}
	switch m.NewChatMember.Status {
	case "kicked":
		out.Kind = bot.KindBlocked
	case "member":
		out.Kind = bot.KindUnblocked
	}
}
