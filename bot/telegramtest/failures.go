package telegramtest

import (
	"fmt"
	"net/http"
	"strconv"
)

// Failure is a Telegram error answer: the HTTP status and error_code, the
// description, and parameters.retry_after when RetryAfter > 0.
type Failure struct {
	Code        int
	Description string
	RetryAfter  int
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

// ServerError is what a Telegram front end answers when its back end is
// down for a moment.
func ServerError() Failure {
	return Failure{Code: http.StatusBadGateway, Description: "Bad Gateway"}
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
