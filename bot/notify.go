package bot

import (
	"slices"
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/store"
)

// Notices are one message to each of users who has not blocked the bot,
// written for her language; buttons may be nil. Every message the bot
// sends to people other than the one it is answering is made here.
func Notices(users []store.User, text func(lang string) string, buttons func(lang string) [][]store.Button) []store.Outgoing {
	var out []store.Outgoing
	for _, u := range users {
		if u.Blocked {
			continue
		}
		lang := UserLang(u)
		m := store.Outgoing{Kind: store.KindMessage, ChatID: u.ID, Text: text(lang), Lane: store.LaneNotice}
		if buttons != nil {
			m.Buttons = buttons(lang)
		}
		out = append(out, m)
	}
	return out
}

// ByKey makes notice text from a message key and its data.
func (b *Bot) ByKey(key string, data any) func(lang string) string {
	return func(lang string) string { return b.Texts.Text(lang, key, data) }
}

// Notify queues notices after the replies of this turn.
func (t *Turn) Notify(users []store.User, text func(lang string) string, buttons func(lang string) [][]store.Button) int {
	msgs := Notices(users, text, buttons)
	t.Queue(msgs...)
	return len(msgs)
}

// CaptionMax is Telegram's limit on a media caption.
const CaptionMax = 1024

// SendPost queues one post to chat, with a heading line: text as a
// message (split if long), media by file_id with the text as caption when
// it fits, else the text after it.
func (t *Turn) SendPost(chat int64, heading string, p store.Post, buttons [][]store.Button) {
	text := strings.TrimSpace(heading + "\n" + p.Text)
	if p.Media == nil {
		parts := Split(text, MaxMessage)
		for i, part := range parts {
			m := store.Outgoing{Kind: store.KindMessage, ChatID: chat, Text: part}
			if i == len(parts)-1 {
				m.Buttons = buttons
			}
			t.Queue(m)
		}
		return
	}
	media := store.Outgoing{Kind: store.KindMedia, ChatID: chat, Media: p.Media, Text: text}
	if !Fits(text, CaptionMax) || p.Media.Type == "video_note" {
		media.Text = ""
		t.Queue(store.Outgoing{Kind: store.KindMessage, ChatID: chat, Text: text})
	}
	media.Buttons = buttons
	t.Queue(media)
}

// ButtonWith is a button whose label has placeholders.
func (t *Turn) ButtonWith(key string, data map[string]any, callback string) store.Button {
	return store.Button{Text: t.Text(key, data), Data: callback}
}

// TellStaff queues a message to every staff member.
func (b *Bot) TellStaff(tx *store.Tx, now time.Time, key string, data any) error {
	return b.TellStaffText(tx, now, b.ByKey(key, data))
}

// TellStaffText queues a message, made for each one's language, to every
// staff member.
func (b *Bot) TellStaffText(tx *store.Tx, now time.Time, text func(lang string) string) error {
	users, err := b.StaffAudience(tx)
	if err != nil {
		return err
	}
	return tx.Enqueue(now, Notices(users, text, nil)...)
}

// StaffAudience are the staff to tell something: those stored, and staff named in the config who never wrote (they still
// hear, in the default language).
func (b *Bot) StaffAudience(tx *store.Tx) ([]store.User, error) {
	// Blocked ones are kept here (notices leaves them out), so that a
	// blocked staff member named in the config is not added back below.
	users, err := audienceMembers(tx, "staff", b.StaffIDs)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(users))
	for _, u := range users {
		ids = append(ids, u.ID)
	}
	for _, id := range b.StaffIDs {
		if !slices.Contains(ids, id) {
			users = append(users, store.User{ID: id}) // staff who never wrote still hear
		}
	}
	return users, nil
}

// TellStaff queues, in this turn's transaction, a notice by key to every
// staff member in her language.
func (t *Turn) TellStaff(key string, data any) error { return t.bot.TellStaff(t.Tx, t.Now, key, data) }

// TellStaffText queues, in this turn's transaction, a notice to every
// staff member written by text in her language.
func (t *Turn) TellStaffText(text func(lang string) string) error {
	return t.bot.TellStaffText(t.Tx, t.Now, text)
}

// ByKey writes a message by key in any language, for notices to others.
func (t *Turn) ByKey(key string, data any) func(lang string) string { return t.bot.ByKey(key, data) }

// Holds reports whether u holds one of roles (staff named in the config
// hold the staff role).
func (t *Turn) Holds(u store.User, roles []store.Role) bool { return t.bot.Holds(u, roles) }
