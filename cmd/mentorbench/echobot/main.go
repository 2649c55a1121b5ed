// Command echobot is the floor mentorbench measures mentorbot against: the
// least a bot on the same library does per update. It long-polls
// getUpdates with tgbotapi and answers every message with its text, and
// every button tap with its data, in one sendMessage. It keeps nothing,
// paces nothing and handles one update at a time.
//
//	TELEGRAM_BOT_TOKEN=... [TELEGRAM_API_ENDPOINT=http://host/bot%s/%s] echobot
package main

import (
	"log"
	"os"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

func main() {
	endpoint := os.Getenv("TELEGRAM_API_ENDPOINT")
	if endpoint == "" {
		endpoint = tgbotapi.APIEndpoint
	}
	api, err := tgbotapi.NewBotAPIWithAPIEndpoint(os.Getenv("TELEGRAM_BOT_TOKEN"), endpoint)
	if err != nil {
		log.Fatal(err)
	}
	offset := 0
	for {
		updates, err := api.GetUpdates(tgbotapi.UpdateConfig{Offset: offset, Timeout: 30})
		if err != nil {
			log.Print(err)
			time.Sleep(time.Second)
			continue
		}
		for _, u := range updates {
			offset = u.UpdateID + 1
			var chat int64
			var text string
			switch {
			case u.Message != nil:
				chat, text = u.Message.Chat.ID, u.Message.Text
			case u.CallbackQuery != nil && u.CallbackQuery.Message != nil:
				chat, text = u.CallbackQuery.Message.Chat.ID, u.CallbackQuery.Data
			default:
				continue
			}
			if text == "" {
				text = "?"
			}
			if _, err := api.Request(tgbotapi.NewMessage(chat, text)); err != nil {
				log.Print(err)
			}
		}
	}
}
