package bot_test

import (
	"strings"
	"testing"

	"github.com/mentorbot/mentorbot/bot/telegramtest"
)

// The log never shows a phone number, an e-mail, an essay or the token,
// even when sending fails.
func TestLogsKeepPersonalDataOut(t *testing.T) {
	h := newHarness(t)
	p := startForm(t, h, 95001)
	upTo(t, p, "email")
	p.says("zarina.private@mail.kg")
	for _, b := range []string{"Жок", "Жок", "Жок", "Ооба", "Ооба", "Ооба", "Ооба", "Баарын белгилөө", "Даяр ✔"} {
		p.taps(b)
	}
	h.srv.FailNext("sendMessage", telegramtest.ServerError(), 1)
	p.says("Менин жашыруун дилбаяным: суу маселеси.")
	p.taps("Даяр ✔")
	p.taps(h.text("ky", "summary.submit", nil))
	// A network failure: its error quotes the URL, which holds the token.
	h.srv.FailNext("getUpdates", telegramtest.ServerError(), 1)
	p.says("/start")
	logs := h.logs.String()
	for _, secret := range []string{"0700123456", "700123456", "+996", "zarina.private", "mail.kg", "жашыруун", "дилбаяным", telegramtest.Token, "Асанова"} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log shows %q", secret)
		}
	}
	if !strings.Contains(logs, "delivery failed") {
		t.Error("the test did not make a delivery fail")
	}
}
