package telegram_test

import (
	"context"
	"testing"

	"github.com/mentorbot/mentorbot/bot/telegram"
	"github.com/mentorbot/mentorbot/bot/telegramtest"
	"github.com/mentorbot/mentorbot/store"
)

// Texts and their edits go out as the current Bot API has them: link
// previews off through link_preview_options (not the
// disable_web_page_preview that Bot API 7.0 replaced, which the fake server
// refuses), and a link button as a url button.
func TestDeliver_TextAsTheSpecHasIt(t *testing.T) {
	srv := telegramtest.NewServer(t)
	c, err := telegram.Connect(telegramtest.Token, srv.Endpoint())
	if err != nil {
		t.Fatal(err)
	}
	const chat = 5001
	reminder := store.Outgoing{Kind: store.KindMessage, ChatID: chat, Text: "🔔 Встреча",
		Buttons: [][]store.Button{{{Text: "Подключиться", URL: "https://meet.example.org/m1"}}, {{Text: "✅ Приду", Data: "rsvp:m1:yes"}}}}
	if err := c.Deliver(context.Background(), reminder); err != nil {
		t.Fatal(err)
	}
	sent := srv.Last(chat)
	edit := store.Outgoing{Kind: store.KindEdit, ChatID: chat, MessageID: sent.ID, Text: "🔔 Встреча (изменено)",
		Buttons: [][]store.Button{{{Text: "Подключиться", URL: "https://meet.example.org/m1"}}}}
	if err := c.Deliver(context.Background(), edit); err != nil {
		t.Fatal(err)
	}
	plain := store.Outgoing{Kind: store.KindMessage, ChatID: chat, Text: "https://example.org", RemoveKeyboard: true}
	if err := c.Deliver(context.Background(), plain); err != nil {
		t.Fatal(err)
	}

	for _, call := range append(srv.CallsTo("sendMessage"), srv.CallsTo("editMessageText")...) {
		if got := call.Params["link_preview_options"]; got != `{"is_disabled":true}` {
			t.Errorf("%s: link_preview_options %q", call.Method, got)
		}
		if _, old := call.Params["disable_web_page_preview"]; old {
			t.Errorf("%s sent disable_web_page_preview", call.Method)
		}
	}
	if got, want := srv.CallsTo("sendMessage")[0].Params["reply_markup"],
		`{"inline_keyboard":[[{"text":"Подключиться","url":"https://meet.example.org/m1"}],[{"text":"✅ Приду","callback_data":"rsvp:m1:yes"}]]}`; got != want {
		t.Errorf("reply_markup\n%s\nwant\n%s", got, want)
	}
	if got := srv.CallsTo("sendMessage")[1].Params["reply_markup"]; got != `{"remove_keyboard":true}` {
		t.Errorf("remove keyboard: %s", got)
	}
	msgs := srv.Messages(chat)
	if len(msgs) != 2 || msgs[0].Text != "🔔 Встреча (изменено)" || len(msgs[0].Buttons) != 1 || msgs[0].Buttons[0][0].URL != "https://meet.example.org/m1" {
		t.Errorf("chat %+v", msgs)
	}
}
