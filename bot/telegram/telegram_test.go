package telegram_test

import (
	"strings"
	"testing"

	"github.com/mentorbot/mentorbot/bot/telegram"
)

// A network error quotes the request's URL, which holds the token: the
// error the bot logs must not.
func TestConnectErrorHidesToken(t *testing.T) {
	const token = "987654:SECRET-TOKEN"
	_, err := telegram.Connect(token, "http://127.0.0.1:1/bot%s/%s") // nothing listens on port 1
	if err == nil {
		t.Fatal("connected to nothing")
	}
	if strings.Contains(err.Error(), "SECRET") {
		t.Errorf("error shows the token: %v", err)
	}
	if !strings.Contains(err.Error(), "<token>") {
		t.Errorf("error lost its detail: %v", err)
	}
}
