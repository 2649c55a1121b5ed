package telegramtest_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/mentorbot/mentorbot/bot/telegramtest"
)

// TestFaults_WhatTheLibraryReports pins down what the bot gets from
// tgbotapi for each failure, on a plain call and on an upload: doc.go
// repeats this table, and the bot's error handling relies on it.
func TestFaults_WhatTheLibraryReports(t *testing.T) {
	s := telegramtest.NewServer(t)
	api := newBot(t, s)
	upload := tgbotapi.NewDocument(alice.ID, tgbotapi.FileBytes{Name: "report.csv", Bytes: []byte("a,b\n")})
	for _, tc := range []struct {
		name      string
		f         telegramtest.Failure
		plain     tgbotapi.Error // what Send(NewMessage) returns
		uploading tgbotapi.Error // what Send(NewDocument with bytes) returns
	}{
		{"413", telegramtest.TooLarge(),
			tgbotapi.Error{Code: 413, Message: "Request Entity Too Large"},
			tgbotapi.Error{Code: 0, Message: "Request Entity Too Large"}},
		{"401", telegramtest.Unauthorized(),
			tgbotapi.Error{Code: 401, Message: "Unauthorized"},
			tgbotapi.Error{Code: 0, Message: "Unauthorized"}},
		{"404", telegramtest.NotFound(),
			tgbotapi.Error{Code: 404, Message: "Not Found"},
			tgbotapi.Error{Code: 0, Message: "Not Found"}},
		{"429", telegramtest.TooManyRequests(7),
			tgbotapi.Error{Code: 429, Message: "Too Many Requests: retry after 7", ResponseParameters: tgbotapi.ResponseParameters{RetryAfter: 7}},
			tgbotapi.Error{Code: 0, Message: "Too Many Requests: retry after 7", ResponseParameters: tgbotapi.ResponseParameters{RetryAfter: 7}}},
		{"502", telegramtest.ServerError(),
			tgbotapi.Error{Code: 502, Message: "Bad Gateway"},
			tgbotapi.Error{Code: 0, Message: "Bad Gateway"}},
		{"403", telegramtest.Forbidden(),
			tgbotapi.Error{Code: 403, Message: "Forbidden: bot was blocked by the user"},
			tgbotapi.Error{Code: 0, Message: "Forbidden: bot was blocked by the user"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s.FailNext("sendMessage", tc.f, 1)
			_, err := api.Send(tgbotapi.NewMessage(alice.ID, "hi"))
			if e := apiError(t, err); *e != tc.plain {
				t.Errorf("sendMessage: got %#v, want %#v", *e, tc.plain)
			}
			s.FailNext("sendDocument", tc.f, 1)
			_, err = api.Send(upload)
			if e := apiError(t, err); *e != tc.uploading {
				t.Errorf("upload: got %#v, want %#v", *e, tc.uploading)
			}
		})
	}

	// The front end's HTML page is no JSON: not a *tgbotapi.Error at all.
	t.Run("502Page", func(t *testing.T) {
		for name, send := range map[string]func() error{
			"sendMessage": func() error { _, err := api.Send(tgbotapi.NewMessage(alice.ID, "hi")); return err },
			"upload":      func() error { _, err := api.Send(upload); return err },
		} {
			s.FailNext("", telegramtest.GatewayDown(), 1)
			err := send()
			var apiErr *tgbotapi.Error
			var syntax *json.SyntaxError
			if errors.As(err, &apiErr) || !errors.As(err, &syntax) || err.Error() != "invalid character '<' looking for beginning of value" {
				t.Errorf("%s: got %v (%T), want the JSON syntax error", name, err, err)
			}
		}
	})
}

func TestFaults_GatewayDownPage(t *testing.T) {
	s := telegramtest.NewServer(t)
	s.FailNext("getMe", telegramtest.GatewayDown(), 1)
	resp, err := http.Get(s.URL() + "/bot" + telegramtest.Token + "/getMe")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusBadGateway || resp.Header.Get("Content-Type") != "text/html" || !strings.Contains(string(body), "<title>502 Bad Gateway</title>") {
		t.Errorf("got %d %s %q", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
}

func TestFaults_RevokeToken(t *testing.T) {
	s := telegramtest.NewServer(t)
	api := newBot(t, s)
	polled := make(chan error)
	go func() {
		_, err := api.GetUpdates(tgbotapi.UpdateConfig{Timeout: 20})
		polled <- err
	}()
	s.WaitPolling(t)
	s.RevokeToken()
	unauthorized := tgbotapi.Error{Code: http.StatusUnauthorized, Message: "Unauthorized"}
	if e := apiError(t, <-polled); *e != unauthorized {
		t.Errorf("waiting poll: %#v, want 401", *e)
	}
	_, err := api.Send(tgbotapi.NewMessage(alice.ID, "hi"))
	if e := apiError(t, err); *e != unauthorized {
		t.Errorf("sendMessage: %#v, want 401", *e)
	}
	if _, err := api.GetMe(); err == nil {
		t.Error("getMe succeeded with a revoked token")
	}
	if calls := s.CallsTo("sendMessage"); len(calls) != 1 || calls[0].Code != http.StatusUnauthorized {
		t.Errorf("calls = %+v, want one recorded with 401", calls)
	}
	if n := len(s.Messages(alice.ID)); n != 0 {
		t.Errorf("%d messages sent with a revoked token", n)
	}
	s.RestoreToken()
	if _, err := api.Send(tgbotapi.NewMessage(alice.ID, "hi")); err != nil {
		t.Errorf("after RestoreToken: %v", err)
	}
}

func TestFaults_NotFound(t *testing.T) {
	s := telegramtest.NewServer(t)
	_, err := tgbotapi.NewBotAPIWithClient("not-a-token", s.Endpoint(), http.DefaultClient)
	if e := apiError(t, err); *e != (tgbotapi.Error{Code: http.StatusNotFound, Message: "Not Found"}) {
		t.Errorf("malformed token: %#v, want 404 Not Found", *e)
	}
	for _, path := range []string{"/bot" + telegramtest.Token, "/bot123456:x!y/getMe", "/getMe"} {
		resp, err := http.Get(s.URL() + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound || string(body) != `{"description":"Not Found","error_code":404,"ok":false}` {
			t.Errorf("%s: %d %s", path, resp.StatusCode, body)
		}
	}
}

func TestFaults_Outage(t *testing.T) {
	s := telegramtest.NewServer(t)
	api := newBot(t, s)

	s.StartOutage(telegramtest.ServerError())
	for range 3 {
		_, err := api.Send(tgbotapi.NewMessage(alice.ID, "hi"))
		if e := apiError(t, err); e.Code != http.StatusBadGateway {
			t.Errorf("sendMessage in the outage: %+v", e)
		}
	}
	_, err := api.Request(tgbotapi.NewDeleteMessage(alice.ID, 1))
	if e := apiError(t, err); e.Code != http.StatusBadGateway {
		t.Errorf("deleteMessage in the outage: %+v", e)
	}
	getUpdates(t, api, nil) // polling goes on unless named
	s.EndOutage()
	if _, err := api.Send(tgbotapi.NewMessage(alice.ID, "hi")); err != nil {
		t.Errorf("after the outage: %v", err)
	}
	if n := len(s.Messages(alice.ID)); n != 1 {
		t.Errorf("%d messages shown, want only the one after the outage", n)
	}

	t.Run("NamedMethods", func(t *testing.T) {
		s.StartOutage(telegramtest.GatewayDown(), "getUpdates", "getMe")
		defer s.EndOutage()
		if _, err := api.GetUpdates(tgbotapi.UpdateConfig{}); err == nil {
			t.Error("getUpdates succeeded in its outage")
		}
		if _, err := api.GetMe(); err == nil {
			t.Error("getMe succeeded in its outage")
		}
		if _, err := api.Send(tgbotapi.NewMessage(alice.ID, "hi")); err != nil {
			t.Errorf("sendMessage, not named: %v", err)
		}
	})

	t.Run("BeforeFailNext", func(t *testing.T) {
		s.FailNext("sendMessage", telegramtest.Forbidden(), 1)
		s.StartOutage(telegramtest.ServerError())
		api.Send(tgbotapi.NewMessage(alice.ID, "hi"))
		s.EndOutage()
		_, err := api.Send(tgbotapi.NewMessage(alice.ID, "hi"))
		if e := apiError(t, err); e.Code != http.StatusForbidden {
			t.Errorf("the planned failure after the outage: %+v, want 403", e)
		}
	})
}

func TestFaults_UploadLimit(t *testing.T) {
	s := telegramtest.NewServer(t)
	api := newBot(t, s)
	s.SetUploadLimit(10)
	doc := func(size int) tgbotapi.DocumentConfig {
		return tgbotapi.NewDocument(alice.ID, tgbotapi.FileBytes{Name: "a.txt", Bytes: []byte(strings.Repeat("a", size))})
	}
	_, err := api.Send(doc(11))
	if e := apiError(t, err); *e != (tgbotapi.Error{Message: "Request Entity Too Large"}) {
		t.Errorf("11 bytes: %#v, want Code 0 (an upload) and the 413 text", *e)
	}
	if calls := s.CallsTo("sendDocument"); len(calls) != 1 || calls[0].Code != http.StatusRequestEntityTooLarge {
		t.Errorf("calls = %+v, want one answered 413", calls)
	}
	if n := len(s.Messages(alice.ID)); n != 0 {
		t.Errorf("a refused upload shows %d messages", n)
	}
	if _, err := api.Send(doc(10)); err != nil {
		t.Errorf("10 bytes: %v", err)
	}
	s.SetUploadLimit(0)
	if _, err := api.Send(tgbotapi.NewDocument(alice.ID, tgbotapi.FileID("BQACAgIAAxkBAAI"))); err != nil {
		t.Errorf("by file_id, nothing uploaded: %v", err)
	}
	if n := len(s.Messages(alice.ID)); n != 2 {
		t.Errorf("%d messages, want the 10-byte one and the file_id one", n)
	}
}

func TestFaults_SlowChat(t *testing.T) {
	s := telegramtest.NewServer(t)
	api := newBot(t, s)
	s.SlowChat(alice.ID, time.Hour)

	// The bot's request to Alice hangs until it gives up.
	ctx, giveUp := context.WithCancel(context.Background())
	defer giveUp()
	slow := make(chan error)
	go func() {
		form := url.Values{"chat_id": {"1001"}, "text": {"slow"}}
		req, _ := http.NewRequestWithContext(ctx, "POST", s.URL()+"/bot"+telegramtest.Token+"/sendMessage", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		slow <- err
	}()
	s.WaitFor(t, func() bool { return len(s.CallsTo("sendMessage")) == 1 })

	// Meanwhile Bob is answered.
	if _, err := api.Send(tgbotapi.NewMessage(bob.ID, "fast")); err != nil {
		t.Fatalf("to Bob: %v", err)
	}
	if calls := s.CallsTo("sendMessage"); calls[0].Code != 0 || calls[1].Code != http.StatusOK {
		t.Errorf("codes %d, %d: want Alice's still in progress, Bob's answered", calls[0].Code, calls[1].Code)
	}
	giveUp()
	if err := <-slow; !errors.Is(err, context.Canceled) {
		t.Errorf("slow call ended with %v", err)
	}
	s.WaitFor(t, func() bool { return s.CallsTo("sendMessage")[0].Code == telegramtest.GaveUp })
	if n := len(s.Messages(alice.ID)); n != 0 {
		t.Errorf("the abandoned call showed %d messages", n)
	}

	t.Run("ShortDelayCompletes", func(t *testing.T) {
		s.SlowChat(alice.ID, 10*time.Millisecond)
		if _, err := api.Send(tgbotapi.NewMessage(alice.ID, "late")); err != nil {
			t.Fatal(err)
		}
		if got := s.Last(alice.ID).Text; got != "late" {
			t.Errorf("Alice sees %q", got)
		}
	})

	t.Run("Cleared", func(t *testing.T) {
		s.SlowChat(alice.ID, time.Hour)
		s.SlowChat(alice.ID, 0)
		if _, err := api.Send(tgbotapi.NewMessage(alice.ID, "fast again")); err != nil {
			t.Fatal(err)
		}
	})
}

// TestFaults_CleanupEndsSlowCall checks that a slow call in flight does not
// hold the test's end for its whole delay.
func TestFaults_CleanupEndsSlowCall(t *testing.T) {
	rec := &recorder{TB: t}
	s := telegramtest.NewServer(rec)
	api := newBot(t, s)
	s.SlowChat(alice.ID, time.Hour)
	done := make(chan struct{})
	go func() {
		api.Send(tgbotapi.NewMessage(alice.ID, "slow"))
		close(done)
	}()
	s.WaitFor(t, func() bool { return len(s.CallsTo("sendMessage")) == 1 })
	rec.end() // would take an hour if the delay ignored the cleanup
	<-done
	if n := len(s.Messages(alice.ID)); n != 0 {
		t.Errorf("%d messages", n)
	}
}
