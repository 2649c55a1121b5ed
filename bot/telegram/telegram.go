// Package telegram connects the bot to the Telegram Bot API through
// github.com/go-telegram-bot-api/telegram-bot-api/v5: it long-polls for
// updates without losing any, turns them into bot.Update values, and
// delivers the bot's outgoing messages.
//
// It works around what the library (v5.5.1) does not do: its
// GetUpdatesChan confirms updates before they are handled and decodes a
// whole batch at once (one update it cannot decode would stall the bot
// forever), it ignores retry_after, and its default HTTP client has no
// timeout. So the poller here fetches raw JSON with MakeRequest and decodes
// each update on its own.
package telegram

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// DefaultEndpoint is the Bot API's address format: token, then method.
const DefaultEndpoint = tgbotapi.APIEndpoint

// PollTimeout is how long one getUpdates call waits for news.
const PollTimeout = 30 * time.Second

// Client is a connection to the Bot API.
type Client struct {
	api  *tgbotapi.BotAPI
	http *pollingClient
}

// Connect checks the token with getMe and returns a client. The HTTP
// timeout is longer than a long poll, so a dead connection is noticed.
func Connect(token, endpoint string) (*Client, error) {
	hc := &pollingClient{client: &http.Client{Timeout: PollTimeout + 15*time.Second}, ctx: context.Background()}
	api, err := tgbotapi.NewBotAPIWithClient(token, endpoint, hc)
	if err != nil {
		var tgErr *tgbotapi.Error
		if errors.As(err, &tgErr) && tgErr.Code == http.StatusUnauthorized {
			return nil, errors.New("telegram refused the bot token (401 Unauthorized): check TELEGRAM_BOT_TOKEN")
		}
		if token != "" {
			err = &redactedError{msg: strings.ReplaceAll(err.Error(), token, "<token>"), err: err}
		}
		return nil, fmt.Errorf("connect to telegram: %w", err)
	}
	return &Client{api: api, http: hc}, nil
}

// redactedError hides the token in an error: net/http errors quote the
// request's URL, which carries it, and logs must never show it.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// redact returns err with the bot token replaced, keeping it unwrappable.
func (c *Client) redact(err error) error {
	if err == nil || c.api.Token == "" || !strings.Contains(err.Error(), c.api.Token) {
		return err
	}
	return &redactedError{msg: strings.ReplaceAll(err.Error(), c.api.Token, "<token>"), err: err}
}

// Username is the bot's @username.
func (c *Client) Username() string { return c.api.Self.UserName }

// pollingClient lets a shutdown cancel a long poll in flight: the library
// takes no context, so getUpdates requests get the poller's context here.
// Other calls are left alone so the last replies still go out.
type pollingClient struct {
	client *http.Client
	mu     sync.Mutex
	ctx    context.Context
}

func (p *pollingClient) Do(req *http.Request) (*http.Response, error) {
	if strings.HasSuffix(req.URL.Path, "/getUpdates") {
		p.mu.Lock()
		ctx := p.ctx
		p.mu.Unlock()
		req = req.WithContext(ctx)
	}
	return p.client.Do(req)
}

func (p *pollingClient) setContext(ctx context.Context) {
	p.mu.Lock()
	p.ctx = ctx
	p.mu.Unlock()
}
