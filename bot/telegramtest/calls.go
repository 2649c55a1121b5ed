package telegramtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"testing"
	"time"
)

// maxUpload bounds the multipart bodies the server reads into memory;
// Telegram's own limit for bots is 50 MB.
const maxUpload = 50 << 20

// Call is one Bot API call the server received, getUpdates included.
type Call struct {
	// Method is the method name as the bot spelled it, e.g. "sendMessage".
	Method string
	// Params holds every parameter, from the query string and the body.
	// JSON-valued parameters (reply_markup, commands, ...) stay JSON text.
	Params map[string]string
	// Files holds the bytes of multipart file uploads by field name.
	Files map[string][]byte
	// FileNames holds the uploaded file names by field name.
	FileNames map[string]string
	// At is when the call arrived.
	At time.Time
	// Code is the HTTP status answered (200 on success), 0 while the call is
	// still in progress (a waiting getUpdates, a call to a slow chat), and
	// [GaveUp] if the bot abandoned it before the answer.
	Code int
}

// Calls returns every call received so far, in order of arrival.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Call, len(s.calls))
	for i, c := range s.calls {
		out[i] = c.clone()
	}
	return out
}

// CallsTo returns the calls of one method, in order of arrival.
func (s *Server) CallsTo(method string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if c.Method == method {
			out = append(out, c.clone())
		}
	}
	return out
}

// WaitCalls waits until at least n calls of method have been answered and
// returns all calls of that method. It fails t after waitLimit (30 seconds).
func (s *Server) WaitCalls(t testing.TB, method string, n int) []Call {
	t.Helper()
	s.waitFor(t, func() bool {
		done := 0
		for _, c := range s.calls {
			if c.Method == method && c.Code != 0 {
				done++
			}
		}
		return done >= n
	}, func() string {
		return fmt.Sprintf("%d answered %s calls", n, method)
	})
	return s.CallsTo(method)
}

// clone copies the maps, so callers cannot change the record.
func (c Call) clone() Call {
	c.Params = maps.Clone(c.Params)
	c.Files = maps.Clone(c.Files)
	c.FileNames = maps.Clone(c.FileNames)
	return c
}

// record appends a call and returns its index, for finish.
func (s *Server) record(c Call) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, c)
	s.notifyLocked()
	return len(s.calls) - 1
}

// finish stores the status a recorded call was answered with.
func (s *Server) finish(index, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[index].Code = code
	s.notifyLocked()
}

// parseCall reads the parameters the way Telegram accepts them: query
// string, application/x-www-form-urlencoded, multipart/form-data (what
// tgbotapi uses for uploads) or a JSON object. Only the first value of a
// repeated parameter counts.
func parseCall(r *http.Request, method string) (Call, error) {
	c := Call{Method: method, Params: map[string]string{}, At: time.Now()}
	for k, v := range r.URL.Query() {
		c.Params[k] = v[0]
	}
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mediaType {
	case "multipart/form-data":
		return c, parseMultipart(r, &c)
	case "application/json":
		return c, parseJSON(r, &c)
	}
	if err := r.ParseForm(); err != nil {
		return c, err
	}
	for k, v := range r.PostForm {
		c.Params[k] = v[0]
	}
	return c, nil
}

func parseMultipart(r *http.Request, c *Call) error {
	if err := r.ParseMultipartForm(maxUpload); err != nil {
		return err
	}
	for k, v := range r.MultipartForm.Value {
		c.Params[k] = v[0]
	}
	c.Files, c.FileNames = map[string][]byte{}, map[string]string{}
	for field, headers := range r.MultipartForm.File {
		f, err := headers[0].Open()
		if err != nil {
			return err
		}
		data, err := io.ReadAll(f)
		f.Close()
		if err != nil {
			return err
		}
		c.Files[field], c.FileNames[field] = data, headers[0].Filename
	}
	return nil
}

// parseJSON flattens a JSON body into Params the way the form encodings
// carry them: strings as they are, anything else as JSON text.
func parseJSON(r *http.Request, c *Call) error {
	var body map[string]json.RawMessage
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		return errors.New("can't parse JSON body: " + err.Error())
	}
	for k, raw := range body {
		var str string
		if json.Unmarshal(raw, &str) == nil {
			c.Params[k] = str
		} else {
			c.Params[k] = string(raw)
		}
	}
	return nil
}
