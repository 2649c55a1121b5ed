// Command echobot is the floor mentorbench measures mentorbot against: the
// least a bot on the same library does per update. It long-polls
// getUpdates with tgbotapi and answers every message with its text, and
// every button tap with its data, in one sendMessage. It paces nothing and
// handles one update at a time.
//
// Without -db it keeps nothing. With -db it is the second floor, the least
// a bot that loses nothing must do: before answering, it records each
// update in a bbolt file, in one transaction of its own (bbolt's defaults,
// so each commit is synced to the disk: two fdatasync calls, data and
// meta page). It uses bbolt directly, not mentorbot's store: a floor has
// no schema.
//
//	TELEGRAM_BOT_TOKEN=... [TELEGRAM_API_ENDPOINT=http://host/bot%s/%s] echobot [-db PATH]
package main

import (
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	bolt "go.etcd.io/bbolt"
)

// updatesBucket holds the recorded updates, by update_id (8 bytes, big
// endian), as the JSON tgbotapi decoded.
var updatesBucket = []byte("updates")

func main() {
	dbPath := flag.String("db", "", "record every update in this bbolt file before answering it")
	flag.Parse()
	endpoint := os.Getenv("TELEGRAM_API_ENDPOINT")
	if endpoint == "" {
		endpoint = tgbotapi.APIEndpoint
	}
	var db *bolt.DB
	if *dbPath != "" {
		var err error
		if db, err = openLog(*dbPath); err != nil {
			log.Fatal(err)
		}
		defer db.Close()
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
			if db != nil {
				if err := record(db, u); err != nil {
					log.Fatal(err) // a bot that loses nothing cannot answer what it did not keep
				}
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

// openLog opens (or creates) the bbolt file of recorded updates.
func openLog(path string) (*bolt.DB, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(updatesBucket)
		return err
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("create the updates bucket: %w", err)
	}
	return db, nil
}

// record writes one update in a transaction of its own.
func record(db *bolt.DB, u tgbotapi.Update) error {
	data, err := json.Marshal(u)
	if err != nil {
		return fmt.Errorf("encode update %d: %w", u.UpdateID, err)
	}
	var key [8]byte
	binary.BigEndian.PutUint64(key[:], uint64(u.UpdateID))
	err = db.Update(func(tx *bolt.Tx) error { return tx.Bucket(updatesBucket).Put(key[:], data) })
	if err != nil {
		return fmt.Errorf("record update %d: %w", u.UpdateID, err)
	}
	return nil
}
