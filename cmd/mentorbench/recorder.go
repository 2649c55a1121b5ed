package main

import (
	"bytes"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/telegramtest"
)

// event is one call of the bot aimed at a chat (sendMessage,
// editMessageText, ...), as the fake server received it.
type event struct {
	chat   int64
	at     time.Time // when the call arrived
	method string
	text   string
	markup string // reply_markup, JSON
	code   int    // the status the fake server answered
	// msgID is the message the call made or changed, for the chats the
	// recorder watches (see watch): what a tap on its buttons names.
	msgID int
}

// recorder stands in front of the fake Bot API server: it passes every
// call through unchanged and tells the driver, on a channel, about every
// call aimed at a chat. Reading the server's own call log instead would
// copy all calls on every look, which a load of thousands cannot afford.
type recorder struct {
	srv    *telegramtest.Server
	http   *httptest.Server
	events chan event
	// watched are the chats whose message IDs events carry; set before
	// the bot starts and only read afterwards.
	watched map[int64]bool

	polls  atomic.Int64 // getUpdates calls
	sends  atomic.Int64 // every other call
	failed atomic.Int64 // calls answered with an error

	mu        sync.Mutex
	firstPoll chan struct{} // closed at the first getUpdates after arm
	pollAt    time.Time
	errors    map[string]int // "method code" -> count
	methods   map[string]int // calls by method, getUpdates aside
}

// newRecorder starts the fake server and the recorder in front of it,
// both stopped by tb's cleanup.
func newRecorder(tb testing.TB) *recorder {
	tb.Helper()
	r := &recorder{
		srv:       telegramtest.NewServer(tb),
		events:    make(chan event, 1<<16),
		firstPoll: make(chan struct{}),
		errors:    map[string]int{},
		methods:   map[string]int{},
	}
	r.http = httptest.NewServer(r)
	tb.Cleanup(r.http.Close)
	return r
}

// Endpoint is the endpoint format for the bot: token, then method.
func (r *recorder) Endpoint() string { return r.http.URL + "/bot%s/%s" }

// arm forgets the last first poll; the returned channel is closed at the
// next getUpdates call.
func (r *recorder) arm() <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.firstPoll = make(chan struct{})
	return r.firstPoll
}

// firstPollAt is when the first getUpdates after arm arrived.
func (r *recorder) firstPollAt() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.pollAt
}

// errorCounts returns the calls answered with an error, by method and code.
func (r *recorder) errorCounts() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return maps.Clone(r.errors)
}

// methodCounts returns the calls by method, getUpdates aside.
func (r *recorder) methodCounts() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return maps.Clone(r.methods)
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	at := time.Now()
	method := path.Base(req.URL.Path)
	if method == "getUpdates" {
		r.polls.Add(1)
		r.mu.Lock()
		select {
		case <-r.firstPoll:
		default:
			r.pollAt = at
			close(r.firstPoll)
		}
		r.mu.Unlock()
		r.srv.ServeHTTP(w, req)
		return
	}
	r.sends.Add(1)
	r.mu.Lock()
	r.methods[method]++
	r.mu.Unlock()
	body, _ := io.ReadAll(req.Body)
	req.Body = io.NopCloser(bytes.NewReader(body))
	params := req.URL.Query()
	if form, err := url.ParseQuery(string(body)); err == nil {
		for k, v := range form {
			params[k] = v
		}
	}
	chat, err := strconv.ParseInt(params.Get("chat_id"), 10, 64)
	if err != nil {
		chat = 0
	}
	cw := &codeWriter{ResponseWriter: w, code: http.StatusOK}
	msgID, _ := strconv.Atoi(params.Get("message_id"))
	if r.watched[chat] && method == "sendMessage" {
		cw.body = &bytes.Buffer{}
	}
	r.srv.ServeHTTP(cw, req)
	if cw.body != nil {
		var sent struct {
			Result struct {
				MessageID int `json:"message_id"`
			} `json:"result"`
		}
		if json.Unmarshal(cw.body.Bytes(), &sent) == nil {
			msgID = sent.Result.MessageID
		}
	}
	if cw.code != http.StatusOK {
		r.failed.Add(1)
		r.mu.Lock()
		key := method + " " + strconv.Itoa(cw.code)
		if cw.code == http.StatusBadRequest && params.Get("message_id") == strconv.Itoa(oldMessage) {
			key += " (a message from before the run)"
		}
		r.errors[key]++
		r.mu.Unlock()
	}
	if chat == 0 {
		return
	}
	r.events <- event{chat: chat, at: at, method: method, text: params.Get("text"), markup: params.Get("reply_markup"), code: cw.code, msgID: msgID}
}

// watch makes the events of these chats carry message IDs; call it before
// the bot starts.
func (r *recorder) watch(chats ...int64) {
	if r.watched == nil {
		r.watched = map[int64]bool{}
	}
	for _, c := range chats {
		r.watched[c] = true
	}
}

// codeWriter remembers the status written, and the body if body is set.
type codeWriter struct {
	http.ResponseWriter
	code int
	body *bytes.Buffer
}

func (w *codeWriter) Write(p []byte) (int, error) {
	if w.body != nil {
		w.body.Write(p)
	}
	return w.ResponseWriter.Write(p)
}

func (w *codeWriter) WriteHeader(code int) {
	w.code = code
	w.ResponseWriter.WriteHeader(code)
}
