package telegramtest

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Failure is a Telegram error answer: the HTTP status and error_code, the
// description, and parameters.retry_after when RetryAfter > 0.
type Failure struct {
	Code        int
	Description string
	RetryAfter  int
	// HTML answers the front end's HTML error page instead of a JSON body,
	// as api.telegram.org's nginx does when the Bot API behind it is down.
	HTML bool
}

// TooManyRequests is Telegram's flood control answer: 429, retry after the
// given number of seconds.
func TooManyRequests(retryAfter int) Failure {
	return Failure{
		Code:        http.StatusTooManyRequests,
		Description: fmt.Sprintf("Too Many Requests: retry after %d", retryAfter),
		RetryAfter:  retryAfter,
	}
}

// Forbidden is the answer to a send to a user who blocked the bot.
func Forbidden() Failure {
	return Failure{Code: http.StatusForbidden, Description: "Forbidden: bot was blocked by the user"}
}

// Conflict is the answer to getUpdates when another instance polls too.
func Conflict() Failure {
	return Failure{
		Code:        http.StatusConflict,
		Description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
	}
}

// ServerError is a 502 "Bad Gateway" with a JSON body, as the Bot API
// answers when it cannot reach Telegram's servers for a moment.
func ServerError() Failure {
	return Failure{Code: http.StatusBadGateway, Description: "Bad Gateway"}
}

// GatewayDown is a 502 answered by api.telegram.org's front end with its
// HTML error page, not JSON: what bots see in Telegram's outages. tgbotapi
// cannot decode it and returns a JSON syntax error, not a *tgbotapi.Error.
func GatewayDown() Failure {
	return Failure{Code: http.StatusBadGateway, Description: "Bad Gateway", HTML: true}
}

// Unauthorized is Telegram's answer to every call with a revoked or wrong
// token.
func Unauthorized() Failure {
	return Failure{Code: http.StatusUnauthorized, Description: "Unauthorized"}
}

// NotFound is Telegram's answer to a malformed path, such as a token that
// is not of the form <id>:<secret> or a missing method.
func NotFound() Failure {
	return Failure{Code: http.StatusNotFound, Description: "Not Found"}
}

// TooLarge is Telegram's answer to an upload past its size limit (50 MB
// for bots); see [Server.SetUploadLimit].
func TooLarge() Failure {
	return Failure{Code: http.StatusRequestEntityTooLarge, Description: "Request Entity Too Large"}
}

// BadRequest is a 400 answer with the given description; Telegram's start
// with "Bad Request: ", e.g. "Bad Request: chat not found".
func BadRequest(desc string) Failure {
	return Failure{Code: http.StatusBadRequest, Description: desc}
}

// FailNext makes the next times calls of method fail with f. Failures queue
// per method and are used first in, first out. method "" matches any method
// except getUpdates: the bot polls all the time, so a catch-all failure would
// otherwise go to whichever call happens to come first; name getUpdates to
// fail polling.
func (s *Server) FailNext(method string, f Failure, times int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range times {
		s.failures[method] = append(s.failures[method], f)
	}
}

// BlockedUser makes every later call aimed at chat id (chat_id parameter)
// fail with [Forbidden], as after the user blocked the bot. [Server.Block]
// does this too, and [Server.Unblock] undoes it.
func (s *Server) BlockedUser(id int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.blocked[id] = true
}

// RevokeToken makes every call answer 401 [Unauthorized] until
// [Server.RestoreToken], as Telegram does once the token is revoked in
// @BotFather. A getUpdates call waiting at that moment ends with 401 too.
// The calls are still recorded.
func (s *Server) RevokeToken() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.revoked = true
	s.notifyLocked()
}

// RestoreToken ends [Server.RevokeToken]: calls are answered again.
func (s *Server) RestoreToken() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.revoked = false
	s.notifyLocked()
}

// outage is a failure that lasts: every call of its methods fails with f.
type outage struct {
	f       Failure
	methods map[string]bool // nil: every method except getUpdates
}

// StartOutage makes every later call of the given methods fail with f
// until [Server.EndOutage]; with no methods, every method except
// getUpdates (name it to fail polling too, as in a full outage). It
// replaces an outage already going on. Calls in progress are not affected.
func (s *Server) StartOutage(f Failure, methods ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := &outage{f: f}
	if len(methods) > 0 {
		o.methods = map[string]bool{}
		for _, m := range methods {
			o.methods[m] = true
		}
	}
	s.outage = o
}

// EndOutage ends the outage StartOutage began; calls succeed again.
func (s *Server) EndOutage() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.outage = nil
}

// SetUploadLimit sets the largest upload the server accepts, in bytes (50
// MB by default, Telegram's limit for bots): a call whose uploaded files
// add up to more is answered [TooLarge]. Files sent by file_id or URL are
// not uploads and do not count.
func (s *Server) SetUploadLimit(bytes int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.uploadLimit = bytes
}

// SlowChat makes every later call aimed at chatID (its chat_id parameter)
// wait d before the server handles it, to show that one slow chat does not
// hold up the others. If the bot gives up first (its request's context
// ends), the call has no effect and is recorded with Code [GaveUp]. A d of
// 0 or less makes the chat fast again.
func (s *Server) SlowChat(chatID int64, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d <= 0 {
		delete(s.slow, chatID)
		return
	}
	s.slow[chatID] = d
}

// GaveUp is the Code recorded for a call the bot abandoned before the
// server answered it (nginx's "client closed request").
const GaveUp = 499

// gaveUp is the answer to a call the bot abandoned; nobody reads it.
func gaveUp() Failure { return Failure{Code: GaveUp, Description: "client closed request"} }

// revokedOrTooLarge answers the calls Telegram refuses before looking at
// them: any call while the token is revoked, an upload past the limit.
func (s *Server) revokedOrTooLarge(c Call) (Failure, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.revoked {
		return Unauthorized(), true
	}
	size := 0
	for _, data := range c.Files {
		size += len(data)
	}
	if size > s.uploadLimit {
		return TooLarge(), true
	}
	return Failure{}, false
}

// slowDown waits the delay SlowChat set for the call's chat. It reports
// false if the bot gave up, or the test ended, meanwhile.
func (s *Server) slowDown(ctx context.Context, c Call) bool {
	id, err := strconv.ParseInt(c.Params["chat_id"], 10, 64)
	if err != nil {
		return true
	}
	s.mu.Lock()
	d := s.slow[id]
	s.mu.Unlock()
	if d <= 0 {
		return true
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
	case <-s.closing:
	}
	return false
}

// inOutage returns the outage's failure if the call is one of its methods.
func (s *Server) inOutage(c Call) (Failure, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.outage
	switch {
	case o == nil:
		return Failure{}, false
	case o.methods == nil:
		return o.f, c.Method != "getUpdates"
	}
	return o.f, o.methods[c.Method]
}

// takeFailure dequeues the failure planned for this call, if any: the
// method's own queue first, then the catch-all one.
func (s *Server) takeFailure(c Call) (Failure, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, key := range []string{c.Method, ""} {
		if key == "" && c.Method == "getUpdates" {
			break
		}
		if queue := s.failures[key]; len(queue) > 0 {
			s.failures[key] = queue[1:]
			return queue[0], true
		}
	}
	return Failure{}, false
}

// isBlocked reports whether a chat_id parameter names a blocked user.
func (s *Server) isBlocked(chatID string) bool {
	id, err := strconv.ParseInt(chatID, 10, 64)
	if err != nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.blocked[id]
}
