package bot

import "github.com/mentorbot/mentorbot/store"

// notices are one message to each of users who has not blocked the bot,
// written for her language; buttons may be nil. Every message the bot
// sends to people other than the one it is answering is made here.
func notices(users []store.User, text func(lang string) string, buttons func(lang string) [][]store.Button) []store.Outgoing {
	var out []store.Outgoing
	for _, u := range users {
		if u.Blocked {
			continue
		}
		lang := userLang(u)
		m := store.Outgoing{Kind: store.KindMessage, ChatID: u.ID, Text: text(lang), Lane: store.LaneNotice}
		if buttons != nil {
			m.Buttons = buttons(lang)
		}
		out = append(out, m)
	}
	return out
}

// byKey makes notice text from a message key and its data.
func (b *Bot) byKey(key string, data any) func(lang string) string {
	return func(lang string) string { return b.Texts.Text(lang, key, data) }
}

// notify queues notices after the replies of this turn.
func (t *turn) notify(users []store.User, text func(lang string) string, buttons func(lang string) [][]store.Button) int {
	msgs := notices(users, text, buttons)
	t.out = append(t.out, msgs...)
	return len(msgs)
}
