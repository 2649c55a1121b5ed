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
	"log/slog"
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
// A refused token is ErrUnauthorized, a wrong address ErrNotFound.
func Connect(token, endpoint string) (*Client, error) {
	hc := &pollingClient{client: &http.Client{Timeout: PollTimeout + 15*time.Second}, ctx: context.Background(), sendCtx: context.Background()}
	api, err := tgbotapi.NewBotAPIWithClient(token, endpoint, hc)
	if err != nil {
		var tgErr *tgbotapi.Error
		if errors.As(err, &tgErr) {
			switch tgErr.Code {
			case http.StatusUnauthorized:
				return nil, ErrUnauthorized
			case http.StatusNotFound:
				return nil, ErrNotFound
			}
		}
		if token != "" {
			err = &redactedError{msg: strings.ReplaceAll(err.Error(), token, "<token>"), err: err}
		}
		return nil, fmt.Errorf("connect to telegram: %w", err)
	}
	return &Client{api: api, http: hc}, nil
}

// ConnectRetrying is Connect for a bot starting up: a network or server
// error (Telegram or the server's own network is down for a moment) is
// retried with backoff, from one second to a minute, for up to limit.
// A refused token or a wrong address ends it at once: retrying cannot
// fix them. sleep waits or returns ctx's error.
func ConnectRetrying(ctx context.Context, token, endpoint string, limit time.Duration, log *slog.Logger, sleep func(context.Context, time.Duration) error) (*Client, error) {
	start := time.Now()
	backoff := time.Second
	for {
		c, err := Connect(token, endpoint)
		if err == nil || errors.Is(err, ErrUnauthorized) || errors.Is(err, ErrNotFound) || time.Since(start)+backoff > limit {
			return c, err
		}
		log.Warn("cannot reach Telegram at start; retrying", "in", backoff, "err", err)
		if err := sleep(ctx, backoff); err != nil {
			return nil, fmt.Errorf("connect to telegram: %w", err)
		}
		backoff = min(2*backoff, time.Minute)
	}
}

// SetSendContext makes every call but getUpdates use ctx: when it ends,
// calls on their way are abandoned (the bot is stopping).
func (c *Client) SetSendContext(ctx context.Context) {
	c.http.mu.Lock()
	c.http.sendCtx = ctx
	c.http.mu.Unlock()
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

// pollingClient lets a shutdown cancel calls in flight: the library
// takes no context, so getUpdates requests get the poller's context here,
// and other calls the sender's, which outlives polling so the last
// replies still go out.
type pollingClient struct {
	client  *http.Client
	mu      sync.Mutex
	ctx     context.Context
	sendCtx context.Context
}

func (p *pollingClient) Do(req *http.Request) (*http.Response, error) {
	p.mu.Lock()
	ctx := p.sendCtx
	if strings.HasSuffix(req.URL.Path, "/getUpdates") {
		ctx = p.ctx
	}
	p.mu.Unlock()
	return p.client.Do(req.WithContext(ctx))
}

func (p *pollingClient) setContext(ctx context.Context) {
	p.mu.Lock()
	p.ctx = ctx
	p.mu.Unlock()
}
