package telegramtest_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/mentorbot/mentorbot/bot/telegramtest"
)

var alice = telegramtest.User{ID: 1001, FirstName: "Alice", LastName: "Liddell", Username: "alice", LanguageCode: "ru"}

// newBot connects the real library to s.
func newBot(t *testing.T, s *telegramtest.Server) *tgbotapi.BotAPI {
	t.Helper()
	api, err := tgbotapi.NewBotAPIWithClient(telegramtest.Token, s.Endpoint(), &http.Client{Timeout: 30 * time.Second})
	if err != nil {
		t.Fatalf("NewBotAPIWithClient: %v", err)
	}
	return api
}

// getUpdates calls getUpdates through MakeRequest and decodes the result
// with the library's types.
func getUpdates(t *testing.T, api *tgbotapi.BotAPI, params tgbotapi.Params) []tgbotapi.Update {
	t.Helper()
	resp, err := api.MakeRequest("getUpdates", params)
	if err != nil {
		t.Fatalf("getUpdates: %v", err)
	}
	var updates []tgbotapi.Update
	if err := json.Unmarshal(resp.Result, &updates); err != nil {
		t.Fatalf("decode updates %s: %v", resp.Result, err)
	}
	return updates
}

// onlyUpdate fetches the pending updates, checks there is exactly one with
// the given id, and confirms it.
func onlyUpdate(t *testing.T, api *tgbotapi.BotAPI, id int) tgbotapi.Update {
	t.Helper()
	updates := getUpdates(t, api, nil)
	if len(updates) != 1 || updates[0].UpdateID != id {
		t.Fatalf("got %d updates %+v, want just update %d", len(updates), updates, id)
	}
	getUpdates(t, api, tgbotapi.Params{"offset": strconv.Itoa(id + 1)})
	return updates[0]
}

// apiError unwraps the library's error type.
func apiError(t *testing.T, err error) *tgbotapi.Error {
	t.Helper()
	var apiErr *tgbotapi.Error
	if !errors.As(err, &apiErr) {
		t.Fatalf("got error %v (%T), want *tgbotapi.Error", err, err)
	}
	return apiErr
}

// recorder is a testing.TB that keeps Errorf and Cleanup to itself, to test
// what the server reports when a test ends.
type recorder struct {
	testing.TB
	mu       sync.Mutex
	errors   []string
	cleanups []func()
}

func (r *recorder) Helper()          {}
func (r *recorder) Cleanup(f func()) { r.cleanups = append(r.cleanups, f) }
func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func (r *recorder) end() {
	for i := len(r.cleanups) - 1; i >= 0; i-- {
		r.cleanups[i]()
	}
}

func TestServer_GetMe(t *testing.T) {
	s := telegramtest.NewServer(t)
	api := newBot(t, s)
	if api.Self.ID != telegramtest.BotID || api.Self.UserName != telegramtest.BotUsername || !api.Self.IsBot {
		t.Errorf("Self = %+v, want bot %d @%s", api.Self, telegramtest.BotID, telegramtest.BotUsername)
	}

	t.Run("GET", func(t *testing.T) {
		resp, err := http.Get(s.URL() + "/bot" + telegramtest.Token + "/getMe")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `"ok":true`) {
			t.Errorf("GET getMe = %d %s", resp.StatusCode, body)
		}
	})

	t.Run("WrongToken", func(t *testing.T) {
		_, err := tgbotapi.NewBotAPIWithClient("654321:WRONG", s.Endpoint(), http.DefaultClient)
		if e := apiError(t, err); e.Code != http.StatusUnauthorized || e.Message != "Unauthorized" {
			t.Errorf("got %d %q, want 401 Unauthorized", e.Code, e.Message)
		}
	})
}

func TestServer_GetUpdates(t *testing.T) {
	s := telegramtest.NewServer(t)
	api := newBot(t, s)

	t.Run("ConfirmByOffset", func(t *testing.T) {
		id := s.SendText(alice, "/start hello")
		updates := getUpdates(t, api, nil)
		if len(updates) != 1 || updates[0].UpdateID != id {
			t.Fatalf("got %+v, want update %d", updates, id)
		}
		m := updates[0].Message
		if m.Text != "/start hello" || m.Chat.ID != alice.ID || m.Chat.Type != "private" || m.From.ID != alice.ID {
			t.Errorf("message = %+v", m)
		}
		if !m.IsCommand() || m.Command() != "start" || m.CommandArguments() != "hello" {
			t.Errorf("command = %q %q, want start hello", m.Command(), m.CommandArguments())
		}
		// Not confirmed yet: served again.
		if again := getUpdates(t, api, nil); len(again) != 1 {
			t.Errorf("unconfirmed update served %d times, want again", len(again))
		}
		getUpdates(t, api, tgbotapi.Params{"offset": strconv.Itoa(id + 1)})
		s.WaitConfirmed(t, id)
		if got := s.ConfirmedOffset(); got != id+1 {
			t.Errorf("ConfirmedOffset = %d, want %d", got, id+1)
		}
		if after := getUpdates(t, api, nil); len(after) != 0 {
			t.Errorf("confirmed update served again: %+v", after)
		}
	})

	t.Run("Limit", func(t *testing.T) {
		first := s.SendText(alice, "one")
		s.SendText(alice, "two")
		updates := getUpdates(t, api, tgbotapi.Params{"limit": "1"})
		if len(updates) != 1 || updates[0].UpdateID != first {
			t.Fatalf("limit 1 gave %+v", updates)
		}
		if rest := getUpdates(t, api, tgbotapi.Params{"offset": strconv.Itoa(first + 1)}); len(rest) != 1 {
			t.Fatalf("after the first, got %+v, want the second", rest)
		}
		getUpdates(t, api, tgbotapi.Params{"offset": strconv.Itoa(first + 2)})
	})

	t.Run("LongPollWakesOnPush", func(t *testing.T) {
		done := make(chan []tgbotapi.Update)
		go func() {
			updates, _ := api.GetUpdates(tgbotapi.UpdateConfig{Offset: s.ConfirmedOffset(), Timeout: 20})
			done <- updates
		}()
		s.WaitFor(t, func() bool { return waiting(s) })
		id := s.SendText(alice, "wake up")
		select {
		case updates := <-done:
			if len(updates) != 1 || updates[0].UpdateID != id {
				t.Errorf("long poll gave %+v, want update %d", updates, id)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("long poll did not return when an update was pushed")
		}
		getUpdates(t, api, tgbotapi.Params{"offset": strconv.Itoa(id + 1)})
	})

	t.Run("LongPollTimesOut", func(t *testing.T) {
		start := time.Now()
		updates := getUpdates(t, api, tgbotapi.Params{"offset": strconv.Itoa(s.ConfirmedOffset()), "timeout": "1"})
		if len(updates) != 0 || time.Since(start) < time.Second {
			t.Errorf("got %d updates after %v, want none after 1s", len(updates), time.Since(start))
		}
	})

	t.Run("Conflict", func(t *testing.T) {
		first := make(chan error)
		go func() {
			_, err := api.GetUpdates(tgbotapi.UpdateConfig{Offset: s.ConfirmedOffset(), Timeout: 20})
			first <- err
		}()
		s.WaitFor(t, func() bool { return waiting(s) })
		go api.GetUpdates(tgbotapi.UpdateConfig{Offset: s.ConfirmedOffset(), Timeout: 1})
		if e := apiError(t, <-first); e.Code != http.StatusConflict {
			t.Errorf("older poll got %d %q, want 409", e.Code, e.Message)
		}
	})
}

// waiting reports whether a getUpdates call is in progress.
func waiting(s *telegramtest.Server) bool {
	for _, c := range s.CallsTo("getUpdates") {
		if c.Code == 0 {
			return true
		}
	}
	return false
}

func TestServer_AllowedUpdates(t *testing.T) {
	s := telegramtest.NewServer(t)
	api := newBot(t, s)
	getUpdates(t, api, tgbotapi.Params{"allowed_updates": `["message"]`})
	s.Tap(alice, 1, "ignored")
	id := s.SendText(alice, "kept")
	if got := onlyUpdate(t, api, id); got.Message == nil || got.Message.Text != "kept" {
		t.Errorf("got %+v, want the message only", got)
	}
	// null (what tgbotapi sends for no AllowedUpdates) restores the default.
	getUpdates(t, api, tgbotapi.Params{"offset": strconv.Itoa(id + 1), "allowed_updates": "null"})
	tap := s.Tap(alice, 1, "delivered")
	if got := onlyUpdate(t, api, tap); got.CallbackQuery == nil {
		t.Errorf("got %+v, want the callback query", got)
	}
}

func TestServer_FailNext(t *testing.T) {
	s := telegramtest.NewServer(t)
	api := newBot(t, s)
	s.FailNext("sendMessage", telegramtest.TooManyRequests(3), 1)

	_, err := api.Send(tgbotapi.NewMessage(alice.ID, "hi"))
	e := apiError(t, err)
	if e.Code != http.StatusTooManyRequests || e.RetryAfter != 3 || e.Message != "Too Many Requests: retry after 3" {
		t.Errorf("got %+v, want 429 retry after 3", e)
	}
	if _, err := api.Send(tgbotapi.NewMessage(alice.ID, "hi")); err != nil {
		t.Errorf("second send: %v, want success", err)
	}
	if calls := s.CallsTo("sendMessage"); len(calls) != 2 || calls[0].Code != 429 || calls[1].Code != 200 {
		t.Errorf("calls = %+v", calls)
	}

	t.Run("AnyMethodSparesGetUpdates", func(t *testing.T) {
		s.FailNext("", telegramtest.ServerError(), 1)
		getUpdates(t, api, nil)
		_, err := api.Request(tgbotapi.NewDeleteMessage(alice.ID, 1))
		if e := apiError(t, err); e.Code != http.StatusBadGateway {
			t.Errorf("got %+v, want 502", e)
		}
	})

	t.Run("Blocked", func(t *testing.T) {
		s.Block(alice)
		_, err := api.Send(tgbotapi.NewMessage(alice.ID, "still there?"))
		if e := apiError(t, err); e.Code != http.StatusForbidden || e.Message != "Forbidden: bot was blocked by the user" {
			t.Errorf("got %+v, want 403 blocked", e)
		}
		s.Unblock(alice)
		if _, err := api.Send(tgbotapi.NewMessage(alice.ID, "welcome back")); err != nil {
			t.Errorf("after Unblock: %v", err)
		}
	})

	t.Run("UploadErrorHasNoCode", func(t *testing.T) {
		// A library quirk worth knowing: UploadFiles drops error_code.
		s.FailNext("sendDocument", telegramtest.Forbidden(), 1)
		_, err := api.Send(tgbotapi.NewDocument(alice.ID, tgbotapi.FileBytes{Name: "a.txt", Bytes: []byte("a")}))
		if e := apiError(t, err); e.Code != 0 || !strings.HasPrefix(e.Message, "Forbidden") {
			t.Errorf("got %+v, want Code 0 and the Forbidden text", e)
		}
	})
}

func TestServer_SpecViolations(t *testing.T) {
	rec := &recorder{TB: t}
	s := telegramtest.NewServer(rec)
	api := newBot(t, s)

	_, err := api.MakeRequest("sendMessage", tgbotapi.Params{"chat_id": "1001"})
	if e := apiError(t, err); e.Code != http.StatusBadRequest {
		t.Errorf("missing text answered %+v, want 400", e)
	}
	api.MakeRequest("sendmessage", tgbotapi.Params{"chat_id": "1001", "text": "x"})
	api.MakeRequest("editMessageText", tgbotapi.Params{"chat_id": "1001", "text": "x"})
	api.MakeRequest("sendDocument", tgbotapi.Params{"chat_id": "1001", "document": ""})

	want := []string{
		`sendMessage: missing required parameter "text"`,
		`unknown method "sendmessage" (the spec spells it "sendMessage")`,
		`editMessageText: needs chat_id+message_id or inline_message_id`,
		`sendDocument: missing required parameter "document"`,
	}
	got := s.Violations()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Violations() =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	rec.end()
	if len(rec.errors) != len(want) || !strings.Contains(rec.errors[0], want[0]) {
		t.Errorf("cleanup reported %q, want one error per violation", rec.errors)
	}
}

// TestServer_UnknownParameters checks that a parameter or a field the spec
// does not have is refused with a 400 and reported as a violation: the
// library's disable_web_page_preview (replaced in Bot API 7.0), a keyboard
// button's made-up field, a wrong type inside link_preview_options, and a
// command scope without the chat it names.
func TestServer_UnknownParameters(t *testing.T) {
	rec := &recorder{TB: t}
	s := telegramtest.NewServer(rec)
	api := newBot(t, s)

	old := tgbotapi.NewMessage(alice.ID, "https://example.org")
	old.DisableWebPagePreview = true
	_, err := api.Send(old)
	if e := apiError(t, err); e.Code != http.StatusBadRequest || !strings.Contains(e.Message, `unknown parameter "disable_web_page_preview"`) {
		t.Errorf("disable_web_page_preview answered %+v, want 400 naming it", e)
	}
	api.MakeRequest("sendMessage", tgbotapi.Params{"chat_id": "1001", "text": "x",
		"reply_markup": `{"inline_keyboard":[[{"text":"x","callback_data":"y","colour":"red"}]]}`})
	api.MakeRequest("editMessageText", tgbotapi.Params{"chat_id": "1001", "message_id": "1", "text": "x",
		"link_preview_options": `{"is_disabled":"yes"}`})
	api.MakeRequest("setMyCommands", tgbotapi.Params{"commands": `[{"command":"start","description":"x"}]`,
		"scope": `{"type":"chat"}`})
	api.MakeRequest("sendMessage", tgbotapi.Params{"chat_id": "1001", "text": "x",
		"reply_markup": `{"keyboard":[[{"text":"x"}]],"one_time":true}`})

	want := []string{
		`sendMessage: unknown parameter "disable_web_page_preview" (not in Bot API 10.1 (June 11, 2026))`,
		`sendMessage: reply_markup.inline_keyboard[0][0]: InlineKeyboardButton has no field "colour"`,
		`editMessageText: link_preview_options.is_disabled: want true or false`,
		`setMyCommands: scope: BotCommandScopeChat needs field "chat_id"`,
		`sendMessage: reply_markup: ReplyKeyboardMarkup has no field "one_time"`,
	}
	got := s.Violations()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Violations() =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	rec.end()
	if len(rec.errors) != len(want) {
		t.Errorf("cleanup reported %q, want one error per violation", rec.errors)
	}

	// What the bot sends instead passes.
	s2 := telegramtest.NewServer(t)
	api2 := newBot(t, s2)
	if _, err := api2.MakeRequest("sendMessage", tgbotapi.Params{"chat_id": "1001", "text": "https://example.org",
		"link_preview_options": `{"is_disabled":true}`}); err != nil {
		t.Errorf("link_preview_options: %v", err)
	}
}

func TestServer_CleanupEndsLongPoll(t *testing.T) {
	rec := &recorder{TB: t}
	s := telegramtest.NewServer(rec)
	api := newBot(t, s)
	done := make(chan struct{})
	go func() {
		api.GetUpdates(tgbotapi.UpdateConfig{Timeout: 60})
		close(done)
	}()
	s.WaitFor(t, func() bool { return waiting(s) })
	start := time.Now()
	rec.end()
	<-done
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("cleanup took %v with a long poll in flight", d)
	}
}

func TestServer_Messages(t *testing.T) {
	s := telegramtest.NewServer(t)
	api := newBot(t, s)

	msg := tgbotapi.NewMessage(alice.ID, "Apply?")
	msg.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
		tgbotapi.NewInlineKeyboardButtonData("Yes", "app:yes"),
		tgbotapi.NewInlineKeyboardButtonURL("Site", "https://example.org"),
	))
	sent, err := api.Send(msg)
	if err != nil {
		t.Fatal(err)
	}
	shown := s.WaitMessages(t, alice.ID, 1)
	if len(shown) != 1 || shown[0].ID != sent.MessageID || shown[0].Text != "Apply?" {
		t.Fatalf("Messages = %+v, want the sent message %d", shown, sent.MessageID)
	}
	wantButtons := [][]telegramtest.Button{{{Text: "Yes", Data: "app:yes"}, {Text: "Site", URL: "https://example.org"}}}
	if fmt.Sprint(shown[0].Buttons) != fmt.Sprint(wantButtons) {
		t.Errorf("Buttons = %+v, want %+v", shown[0].Buttons, wantButtons)
	}
	if sent.ReplyMarkup == nil || sent.ReplyMarkup.InlineKeyboard[0][0].Text != "Yes" || sent.Chat.ID != alice.ID || sent.From.ID != telegramtest.BotID {
		t.Errorf("returned message = %+v", sent)
	}

	t.Run("EditText", func(t *testing.T) {
		edit := tgbotapi.NewEditMessageText(alice.ID, sent.MessageID, "Applied")
		edited, err := api.Send(edit)
		if err != nil {
			t.Fatal(err)
		}
		last := s.Last(alice.ID)
		if last.Text != "Applied" || !last.Edited || last.Buttons != nil || edited.Text != "Applied" {
			t.Errorf("after edit: %+v (returned %q)", last, edited.Text)
		}
		_, err = api.Send(edit)
		if e := apiError(t, err); !strings.Contains(e.Message, "message is not modified") {
			t.Errorf("same edit: %q, want not modified", e.Message)
		}
		_, err = api.Send(tgbotapi.NewEditMessageText(alice.ID, 9999, "x"))
		if e := apiError(t, err); e.Message != "Bad Request: message to edit not found" {
			t.Errorf("unknown message: %q", e.Message)
		}
	})

	t.Run("ReplyKeyboard", func(t *testing.T) {
		m := tgbotapi.NewMessage(alice.ID, "Your phone?")
		m.ReplyMarkup = tgbotapi.NewReplyKeyboard(tgbotapi.NewKeyboardButtonRow(tgbotapi.NewKeyboardButtonContact("Share")))
		if _, err := api.Send(m); err != nil {
			t.Fatal(err)
		}
		got := s.Last(alice.ID).ReplyKeyboard
		if len(got) != 1 || got[0][0] != (telegramtest.KeyboardButton{Text: "Share", RequestContact: true}) {
			t.Errorf("ReplyKeyboard = %+v", got)
		}
		m = tgbotapi.NewMessage(alice.ID, "Thanks")
		m.ReplyMarkup = tgbotapi.NewRemoveKeyboard(true)
		api.Send(m)
		if !s.Last(alice.ID).RemoveKeyboard {
			t.Error("RemoveKeyboard not set")
		}
	})

	t.Run("Delete", func(t *testing.T) {
		before := len(s.Messages(alice.ID))
		if _, err := api.Request(tgbotapi.NewDeleteMessage(alice.ID, sent.MessageID)); err != nil {
			t.Fatal(err)
		}
		if after := len(s.Messages(alice.ID)); after != before-1 {
			t.Errorf("%d messages after delete, want %d", after, before-1)
		}
	})
}

func TestServer_SendDocument(t *testing.T) {
	s := telegramtest.NewServer(t)
	api := newBot(t, s)
	data := []byte("name,score\nAlice,42\n")
	doc := tgbotapi.NewDocument(alice.ID, tgbotapi.FileBytes{Name: "report.csv", Bytes: data})
	doc.Caption = "Report"
	sent, err := api.Send(doc)
	if err != nil {
		t.Fatal(err)
	}
	calls := s.CallsTo("sendDocument")
	if len(calls) != 1 || string(calls[0].Files["document"]) != string(data) || calls[0].Params["chat_id"] != "1001" {
		t.Fatalf("calls = %+v", calls)
	}
	got := s.Last(alice.ID).Document
	if got == nil || got.Name != "report.csv" || string(got.Data) != string(data) || got.Caption != "Report" {
		t.Errorf("Document = %+v", got)
	}
	if sent.Document == nil || sent.Document.FileName != "report.csv" || sent.Caption != "Report" {
		t.Errorf("returned message = %+v", sent)
	}
}

func TestServer_Tap(t *testing.T) {
	s := telegramtest.NewServer(t)
	api := newBot(t, s)
	msg := tgbotapi.NewMessage(alice.ID, "Pick")
	msg.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("A", "pick:a")))
	sent, _ := api.Send(msg)

	id := s.Tap(alice, sent.MessageID, "pick:a")
	q := onlyUpdate(t, api, id).CallbackQuery
	if q == nil || q.Data != "pick:a" || q.ChatInstance == "" || q.Message.MessageID != sent.MessageID || q.Message.Text != "Pick" || q.From.ID != alice.ID {
		t.Fatalf("callback query = %+v", q)
	}
	if q.Message.ReplyMarkup == nil || q.Message.ReplyMarkup.InlineKeyboard[0][0].Text != "A" {
		t.Errorf("callback message keyboard = %+v", q.Message.ReplyMarkup)
	}
	if _, err := api.Request(tgbotapi.NewCallback(q.ID, "Done")); err != nil {
		t.Fatal(err)
	}
	if a, ok := s.AnswerTo(id); !ok || a.Text != "Done" || a.ID != q.ID {
		t.Errorf("AnswerTo = %+v %v", a, ok)
	}
	if len(s.Callbacks()) != 1 {
		t.Errorf("Callbacks = %+v", s.Callbacks())
	}
	_, err := api.Request(tgbotapi.NewCallback("made-up", ""))
	if e := apiError(t, err); e.Code != http.StatusBadRequest {
		t.Errorf("unknown query id: %+v, want 400", e)
	}
}

func TestServer_Formatting(t *testing.T) {
	s := telegramtest.NewServer(t)
	api := newBot(t, s)
	for _, tc := range []struct {
		name, mode, text, wantErr string
	}{
		{"HTMLOK", "HTML", "<b>Alice &amp; Bob</b> &lt;3", ""},
		{"HTMLBareLess", "HTML", "1 < 2", "can't parse entities"},
		{"HTMLUnclosed", "HTML", "<b>bold", "Can't find end tag"},
		{"HTMLOnlyTags", "HTML", "<b></b>", "message text is empty"},
		{"MarkdownV2OK", "MarkdownV2", `*Hi* \- 1\.5 [link](https://example.org/a-b.c)`, ""},
		{"MarkdownV2Reserved", "MarkdownV2", "Score: 4.5", "Character '.' is reserved"},
		{"TooLong", "", strings.Repeat("я", 4097), "message is too long"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := tgbotapi.NewMessage(alice.ID, tc.text)
			m.ParseMode = tc.mode
			_, err := api.Send(m)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("got %v, want success", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("got %v, want error containing %q", err, tc.wantErr)
			}
		})
	}

	t.Run("CallbackDataTooLong", func(t *testing.T) {
		m := tgbotapi.NewMessage(alice.ID, "x")
		m.ReplyMarkup = tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
			tgbotapi.NewInlineKeyboardButtonData("x", strings.Repeat("d", 65))))
		_, err := api.Send(m)
		if err == nil || !strings.Contains(err.Error(), "BUTTON_DATA_INVALID") {
			t.Errorf("got %v, want BUTTON_DATA_INVALID", err)
		}
	})

	t.Run("InlineButtons", func(t *testing.T) {
		for _, tc := range []struct{ name, button, wantErr string }{
			{"URL", `{"text":"Join","url":"https://meet.example.org/a"}`, ""},
			{"TgLink", `{"text":"Me","url":"tg://user?id=1"}`, ""},
			{"Styled", `{"text":"Yes","callback_data":"y","style":"success"}`, ""},
			{"NoAction", `{"text":"x"}`, "Text buttons are unallowed"},
			{"TwoActions", `{"text":"x","callback_data":"y","url":"https://example.org"}`, "exactly one"},
			{"BareHost", `{"text":"x","url":"meet.example.org/a"}`, "BUTTON_URL_INVALID"},
			{"JavaScript", `{"text":"x","url":"javascript:alert(1)"}`, "BUTTON_URL_INVALID"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := api.MakeRequest("sendMessage", tgbotapi.Params{"chat_id": "1001", "text": "x",
					"reply_markup": `{"inline_keyboard":[[` + tc.button + `]]}`})
				switch {
				case tc.wantErr == "" && err != nil:
					t.Errorf("got %v, want success", err)
				case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
					t.Errorf("got %v, want error containing %q", err, tc.wantErr)
				}
			})
		}
		if got := s.Messages(alice.ID); len(got) == 0 || len(got[len(got)-1].Buttons) == 0 || got[len(got)-1].Buttons[0][0].Data != "y" {
			t.Errorf("last message %+v, want the styled button", got[len(got)-1])
		}
	})

	t.Run("Commands", func(t *testing.T) {
		ok := tgbotapi.NewSetMyCommands(tgbotapi.BotCommand{Command: "start", Description: "Начать"})
		if _, err := api.Request(ok); err != nil {
			t.Errorf("valid commands: %v", err)
		}
		bad := tgbotapi.NewSetMyCommands(tgbotapi.BotCommand{Command: "Apply-Now", Description: "x"})
		if _, err := api.Request(bad); err == nil || !strings.Contains(err.Error(), "BOT_COMMAND_INVALID") {
			t.Errorf("invalid command: %v", err)
		}
	})
}

// TestServer_UpdateHelpers checks that every helper builds an update the
// library decodes into the expected shape.
func TestServer_UpdateHelpers(t *testing.T) {
	s := telegramtest.NewServer(t)
	api := newBot(t, s)
	for _, tc := range []struct {
		name  string
		push  func() int
		check func(u tgbotapi.Update) bool
	}{
		{"SendContactOwn", func() int { return s.SendContact(alice, "+996555123456", true) },
			func(u tgbotapi.Update) bool {
				return u.Message.Contact.UserID == alice.ID && u.Message.Contact.PhoneNumber == "+996555123456"
			}},
		{"SendContactOther", func() int { return s.SendContact(alice, "+996555000000", false) },
			func(u tgbotapi.Update) bool { return u.Message.Contact.UserID == 0 }},
		{"SendSticker", func() int { return s.SendSticker(alice) },
			func(u tgbotapi.Update) bool { return u.Message.Sticker != nil && u.Message.Sticker.FileID != "" }},
		{"SendPhoto", func() int { return s.SendPhoto(alice, "me") },
			func(u tgbotapi.Update) bool { return len(u.Message.Photo) == 2 && u.Message.Caption == "me" }},
		{"SendVoice", func() int { return s.SendVoice(alice) },
			func(u tgbotapi.Update) bool { return u.Message.Voice != nil && u.Message.Voice.Duration > 0 }},
		{"SendDocument", func() int { return s.SendDocument(alice, "cv.pdf") },
			func(u tgbotapi.Update) bool {
				return u.Message.Document.FileName == "cv.pdf" && u.Message.Document.MimeType == "application/pdf"
			}},
		{"SendLocation", func() int { return s.SendLocation(alice) },
			func(u tgbotapi.Update) bool { return u.Message.Location != nil && u.Message.Location.Latitude != 0 }},
		{"EditText", func() int { return s.EditText(alice, 7, "fixed") },
			func(u tgbotapi.Update) bool {
				return u.EditedMessage.MessageID == 7 && u.EditedMessage.Text == "fixed" && u.EditedMessage.EditDate != 0
			}},
		{"SendGroupText", func() int { return s.SendGroupText(-4001, alice, "/help@"+telegramtest.BotUsername) },
			func(u tgbotapi.Update) bool {
				return u.Message.Chat.Type == "group" && u.Message.Chat.ID == -4001 && u.Message.Command() == "help"
			}},
		{"Block", func() int { return s.Block(alice) },
			func(u tgbotapi.Update) bool {
				return u.MyChatMember.NewChatMember.Status == "kicked" && u.MyChatMember.OldChatMember.Status == "member"
			}},
		{"Unblock", func() int { return s.Unblock(alice) },
			func(u tgbotapi.Update) bool { return u.MyChatMember.NewChatMember.Status == "member" }},
		{"PushRaw", func() int {
			return s.PushRaw(`{"update_id": 99, "message": {"message_id": 5, "date": 1, "chat": {"id": 1, "type": "private"}, "text": "raw"}}`)
		},
			func(u tgbotapi.Update) bool { return u.Message.Text == "raw" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id := tc.push()
			if u := onlyUpdate(t, api, id); !tc.check(u) {
				raw, _ := json.Marshal(u)
				t.Errorf("unexpected update %s", raw)
			}
			s.WaitConfirmed(t, id)
		})
	}
}

func TestFixtures(t *testing.T) {
	names := telegramtest.FixtureNames()
	if len(names) < 17 {
		t.Fatalf("only %d fixtures: %v", len(names), names)
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			data, err := telegramtest.Fixture(name)
			if err != nil {
				t.Fatal(err)
			}
			var object map[string]json.RawMessage
			if err := json.Unmarshal(data, &object); err != nil {
				t.Fatalf("not a JSON object: %v", err)
			}
			if _, ok := object["update_id"]; !ok || len(object) != 2 {
				t.Errorf("want update_id and one update field, have %d fields", len(object))
			}
			var u tgbotapi.Update
			err = json.Unmarshal(data, &u)
			if undecodable := name == "11_inline_query"; undecodable != (err != nil) {
				t.Errorf("tgbotapi decode error = %v", err)
			}
		})
	}
}

func TestServer_PushFixture(t *testing.T) {
	s := telegramtest.NewServer(t)
	api := newBot(t, s)

	t.Run("Undecodable", func(t *testing.T) {
		id := s.PushFixture("11_inline_query")
		resp, err := api.MakeRequest("getUpdates", nil)
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf(`[{"update_id":%d,"inline_query":{`, id)
		if !strings.HasPrefix(string(resp.Result), want) || !strings.Contains(string(resp.Result), `"id": 134567890097`) {
			t.Errorf("served %s, want the raw update with update_id %d", resp.Result, id)
		}
		if _, err := api.GetUpdates(tgbotapi.UpdateConfig{}); err == nil {
			t.Error("tgbotapi decoded the inline query with a numeric id")
		}
		getUpdates(t, api, tgbotapi.Params{"offset": strconv.Itoa(id + 1)})
	})

	t.Run("Blocked", func(t *testing.T) {
		id := s.PushFixture("update__issue_523.json")
		if u := onlyUpdate(t, api, id); u.MyChatMember == nil || u.MyChatMember.NewChatMember.Status != "kicked" {
			t.Errorf("got %+v", u)
		}
	})

	t.Run("CallbackAnswer", func(t *testing.T) {
		id := s.PushFixture("callback_query")
		q := onlyUpdate(t, api, id).CallbackQuery
		if _, err := api.Request(tgbotapi.NewCallback(q.ID, "")); err != nil {
			t.Errorf("answering a fixture's query: %v", err)
		}
	})
}

func TestServer_FormParams(t *testing.T) {
	s := telegramtest.NewServer(t)
	endpoint := s.URL() + "/bot" + telegramtest.Token + "/sendMessage"
	resp, err := http.PostForm(endpoint+"?chat_id=1001", url.Values{"text": {"from a form"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = http.Post(endpoint, "application/json", strings.NewReader(`{"chat_id": 1001, "text": "from JSON"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	shown := s.Messages(1001)
	if len(shown) != 2 || shown[0].Text != "from a form" || shown[1].Text != "from JSON" {
		t.Errorf("Messages = %+v", shown)
	}
}

// TestServer_EchoBot runs the library's own polling loop against the server,
// the way the bot's tests will.
func TestServer_EchoBot(t *testing.T) {
	s := telegramtest.NewServer(t)
	api := newBot(t, s)
	updates := api.GetUpdatesChan(tgbotapi.UpdateConfig{Timeout: 30})
	t.Cleanup(api.StopReceivingUpdates)
	go func() {
		for u := range updates {
			if u.Message != nil {
				api.Send(tgbotapi.NewMessage(u.Message.Chat.ID, "echo: "+u.Message.Text))
			}
		}
	}()

	s.WaitConfirmed(t, s.SendText(alice, "hello"))
	s.WaitMessages(t, alice.ID, 1)
	s.SendText(alice, "again")
	got := s.WaitMessages(t, alice.ID, 2)
	if got[0].Text != "echo: hello" || got[1].Text != "echo: again" {
		t.Errorf("Messages = %+v", got)
	}
}
