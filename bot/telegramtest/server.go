package telegramtest

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// Identity of the fake bot, as getMe reports it.
const (
	// Token is the bot token the tests use. Any other token is answered
	// 401 Unauthorized, or 404 Not Found if it is not of Telegram's form
	// <digits>:<secret>, as Telegram answers.
	Token = "123456:TEST-TOKEN"
	// BotID is the bot's user id (the part of Token before the colon).
	BotID = 123456
	// BotUsername is the bot's username, without the @.
	BotUsername = "mentor_test_bot"
	// BotFirstName is the bot's display name.
	BotFirstName = "Mentor Test"
)

// waitLimit bounds every Wait helper: long enough for a slow CI machine
// running with -race, short enough that a hanging test says why.
const waitLimit = 30 * time.Second

// Server is a fake Telegram Bot API server. Create it with [NewServer]; all
// its methods are safe for concurrent use.
type Server struct {
	t   testing.TB
	srv *httptest.Server
	// closing is closed on cleanup to release waiting getUpdates calls:
	// httptest.Server.Close waits for every request in flight, and a long
	// poll would otherwise hold the test for its whole timeout.
	closing chan struct{}

	mu sync.Mutex
	// changed is closed and replaced on every change of state, so waiters
	// (long polls, Wait helpers) wake up without polling.
	changed chan struct{}
	// poll is the cancel channel of the getUpdates call now waiting, closed
	// when another one arrives (Telegram's 409 Conflict).
	poll chan struct{}

	updates      []*update       // pending updates, in push order
	pushed       map[int]*update // the latest update given each id
	nextUpdateID int             // the id the next pushed update gets
	confirmed    int             // highest offset the bot has sent
	pollOffset   int             // offset of the getUpdates call in progress
	pollWaiting  bool            // that call is a long poll with nothing to serve yet
	losses       []Loss
	allowLosses  bool
	allowed      map[string]bool

	calls         []Call
	lastMessageID int
	lastFileID    int
	lastQueryID   int
	chats         map[int64][]*Message // the bot's messages per chat, in order
	queries       map[string]int       // callback query id -> update_id
	callbacks     []CallbackAnswer
	failures      map[string][]Failure
	blocked       map[int64]bool
	limits        *limiter // nil: no flood control
	now           func() time.Time
	revoked       bool
	outage        *outage
	uploadLimit   int
	slow          map[int64]time.Duration
	violations    []string
	menus         map[menuKey][]BotCommand // command lists by scope and language
}

// NewServer starts a fake Bot API server for the test and stops it when the
// test ends. On cleanup it reports every spec violation and every lost
// update (see [Server.Lost] and [Server.AllowLosses]) with t.Errorf.
func NewServer(t testing.TB) *Server {
	t.Helper()
	s := &Server{
		t:            t,
		closing:      make(chan struct{}),
		changed:      make(chan struct{}),
		pushed:       map[int]*update{},
		nextUpdateID: 1,
		chats:        map[int64][]*Message{},
		queries:      map[string]int{},
		failures:     map[string][]Failure{},
		blocked:      map[int64]bool{},
		now:          time.Now,
		uploadLimit:  maxUpload,
		slow:         map[int64]time.Duration{},
		menus:        map[menuKey][]BotCommand{},
	}
	s.srv = httptest.NewServer(s)
	t.Cleanup(func() {
		close(s.closing)
		s.srv.Close()
		for _, v := range s.Violations() {
			t.Errorf("telegramtest: Bot API spec violation: %s", v)
		}
		s.mu.Lock()
		losses := slices.Clone(s.losses)
		if s.allowLosses {
			losses = nil
		}
		s.mu.Unlock()
		for _, l := range losses {
			t.Errorf("telegramtest: %s (call AllowLosses if the test means it)", l.Reason)
		}
	})
	return s
}

// URL returns the base URL of the server, e.g. "http://127.0.0.1:41234".
func (s *Server) URL() string { return s.srv.URL }

// Endpoint returns the endpoint format tgbotapi.NewBotAPIWithClient expects:
// URL() + "/bot%s/%s" (token, then method).
func (s *Server) Endpoint() string { return s.srv.URL + "/bot%s/%s" }

// Violations returns the spec violations recorded so far, in order.
func (s *Server) Violations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.violations)
}

// notifyLocked wakes everyone waiting for a change. s.mu must be held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// ServeHTTP answers one Bot API call: /bot<token>/<method>, GET or POST.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	token, method, ok := strings.Cut(strings.TrimPrefix(r.URL.Path, "/bot"), "/")
	switch {
	case !strings.HasPrefix(r.URL.Path, "/bot") || !ok || !wellFormed(token):
		writeFailure(w, NotFound())
		return
	case token != Token:
		writeFailure(w, Unauthorized())
		return
	}
	call, err := parseCall(r, method)
	if err != nil {
		writeFailure(w, BadRequest("Bad Request: "+err.Error()))
		return
	}
	index := s.record(call)
	result, failure := s.answer(r.Context(), call)
	if failure != nil {
		s.finish(index, failure.Code)
		writeFailure(w, *failure)
		return
	}
	s.finish(index, http.StatusOK)
	writeResult(w, result)
}

// wellFormed reports whether a token has Telegram's form, bot id and
// secret: "123456:ABC-def_1".
func wellFormed(token string) bool {
	id, secret, ok := strings.Cut(token, ":")
	if !ok || id == "" || secret == "" {
		return false
	}
	for _, r := range id {
		if r < '0' || r > '9' {
			return false
		}
	}
	return !strings.ContainsFunc(secret, func(r rune) bool {
		return !(r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	})
}

// answer decides the outcome of a call: what Telegram refuses unread (a
// revoked token, an upload too large), then a slow chat's delay, spec
// violations (they are bugs in the bot), outages and injected failures,
// flood control, blocked chats, and last the method itself.
func (s *Server) answer(ctx context.Context, c Call) (json.RawMessage, *Failure) {
	if f, ok := s.revokedOrTooLarge(c); ok {
		return nil, &f
	}
	if !s.slowDown(ctx, c) {
		f := gaveUp()
		return nil, &f
	}
	if problems := checkSpec(c); len(problems) > 0 {
		s.mu.Lock()
		s.violations = append(s.violations, problems...)
		s.mu.Unlock()
		return nil, badRequest(strings.Join(problems, "; "))
	}
	if f, ok := s.inOutage(c); ok {
		return nil, &f
	}
	if f, ok := s.takeFailure(c); ok {
		return nil, &f
	}
	if f, ok := s.overLimit(c); ok {
		return nil, &f
	}
	if s.isBlocked(c.Params["chat_id"]) {
		f := Forbidden()
		return nil, &f
	}
	if handle, ok := handlers[c.Method]; ok {
		return handle(s, ctx, c)
	}
	// Other sends (sendSticker, sendVoice, ...) still show up in the chat,
	// with their text or caption, and return the Message tgbotapi's Send
	// decodes. Everything else answers true.
	if strings.HasPrefix(c.Method, "send") && slices.Equal(methods()[c.Method].Returns, []string{"Message"}) {
		return s.send(c, Message{Text: cmp.Or(c.Params["text"], c.Params["caption"]), ParseMode: c.Params["parse_mode"]}, func(*messageJSON) {})
	}
	return json.RawMessage("true"), nil
}

// handler answers one method: a JSON result or a Telegram error.
type handler func(s *Server, ctx context.Context, c Call) (json.RawMessage, *Failure)

// handlers lists the methods with behaviour beyond "return true".
var handlers = map[string]handler{
	"getMe":                  (*Server).getMe,
	"getUpdates":             (*Server).getUpdates,
	"sendMessage":            (*Server).sendMessage,
	"sendDocument":           (*Server).sendDocument,
	"sendPhoto":              (*Server).sendPhoto,
	"editMessageText":        (*Server).editMessageText,
	"editMessageReplyMarkup": (*Server).editMessageReplyMarkup,
	"deleteMessage":          (*Server).deleteMessage,
	"answerCallbackQuery":    (*Server).answerCallbackQuery,
	"setMyCommands":          (*Server).setMyCommands,
	"deleteMyCommands":       (*Server).deleteMyCommands,
}

func (s *Server) getMe(context.Context, Call) (json.RawMessage, *Failure) {
	return mustJSON(map[string]any{
		"id":                          BotID,
		"is_bot":                      true,
		"first_name":                  BotFirstName,
		"username":                    BotUsername,
		"can_join_groups":             true,
		"can_read_all_group_messages": false,
		"supports_inline_queries":     false,
	}), nil
}

// writeResult writes {"ok":true,"result":...}. The result is spliced in as
// is, so getUpdates serves the pushed updates byte for byte.
func writeResult(w http.ResponseWriter, result json.RawMessage) {
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"ok":true,"result":%s}`, result)
}

// writeFailure writes a Telegram error body with the same HTTP status:
// JSON, or nginx's error page for an HTML failure.
func writeFailure(w http.ResponseWriter, f Failure) {
	if f.HTML {
		title := fmt.Sprintf("%d %s", f.Code, f.Description)
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(f.Code)
		fmt.Fprintf(w, "<html>\r\n<head><title>%s</title></head>\r\n<body>\r\n<center><h1>%s</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n", title, title)
		return
	}
	body := map[string]any{"ok": false, "error_code": f.Code, "description": f.Description}
	if f.RetryAfter > 0 {
		body["parameters"] = map[string]int{"retry_after": f.RetryAfter}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(f.Code)
	w.Write(mustJSON(body))
}

// mustJSON marshals values built by this package, which cannot fail.
func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic("telegramtest: " + err.Error())
	}
	return b
}
