package main

import (
	"bytes"
	"container/heap"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/telegramtest"
)

// The unpaced build must still find its line in cmd/mentorbot/run.go:
// this fails as soon as that line changes, before anyone runs a
// benchmark.
func TestLiftPace_RunGo(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "mentorbot", "run.go"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := liftPace(src)
	if err != nil {
		t.Fatal(err)
	}
	before, after := strings.Split(string(src), "\n"), strings.Split(string(got), "\n")
	if len(before) != len(after) {
		t.Fatalf("lifting the pace changed the number of lines: %d to %d", len(before), len(after))
	}
	var changed []string
	for i := range before {
		if before[i] != after[i] {
			changed = append(changed, after[i])
		}
	}
	if want := "\t" + unpacedLine; len(changed) != 1 || changed[0] != want {
		t.Errorf("changed lines %q, want only %q", changed, want)
	}
}

func TestLiftPace_Refuses(t *testing.T) {
	for name, src := range map[string]string{
		"missing": "package main\n\nfunc f() {}\n",
		"twice":   "package main\n\t" + paceLine + "1, 1, 2\n\t" + paceLine + "2, 2, 2\n",
	} {
		if _, err := liftPace([]byte(src)); err == nil {
			t.Errorf("%s: lifted the pace of %q", name, src)
		}
	}
}

// perfOutput is what perf stat -x, -I 20 writes, as read from a run.
const perfOutput = `# started on Tue Dec  1 12:05:09 2026

     0.020218396,0,,syscalls:sys_enter_fdatasync,47039521,100.00,,
     0.020218396,0,,syscalls:sys_enter_fsync,47055350,100.00,,
     0.040480564,2,,syscalls:sys_enter_fdatasync,45912030,100.00,,
     0.040480564,1,,syscalls:sys_enter_fsync,45896201,100.00,,
     0.060662222,4,,syscalls:sys_enter_fdatasync,48593959,100.00,,
     0.060662222,0,,syscalls:sys_enter_fsync,48593959,100.00,,
     0.080913099,<not counted>,,syscalls:sys_enter_fdatasync,0,100.00,,
     0.100913099,6,,syscalls:sys_enter_fdatasync,26249368,100.00,,
     0.100913099,0,,syscalls:sys_enter_fsync,26249368,100.00,,
`

func TestCountSyncs(t *testing.T) {
	file := filepath.Join(t.TempDir(), "syncs.csv")
	if err := os.WriteFile(file, []byte(perfOutput), 0o600); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 12, 1, 12, 5, 9, 0, time.UTC)
	at := func(ms int) time.Time { return start.Add(time.Duration(ms) * time.Millisecond) }
	got, err := countSyncs(file, start, []window{
		{at(0), at(30)},   // the intervals ending at 20 and 40 ms: its calls may be in the next one
		{at(41), at(61)},  // the ones ending at 60 and 80 ms
		{at(0), at(1000)}, // all
		{at(101), at(300)},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []syncs{{2, 1}, {4, 0}, {12, 1}, {0, 0}}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("window %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestButtons(t *testing.T) {
	markup := `{"inline_keyboard":[[{"text":"◀","callback_data":"pg:apps:1"},{"text":"▶","callback_data":"pg:apps:3"}],[{"text":"📄","callback_data":"pgf:apps"}]]}`
	bs := buttons(markup)
	if len(bs) != 3 || bs[1] != (button{Text: "▶", Data: "pg:apps:3"}) {
		t.Fatalf("buttons %+v", bs)
	}
	if b, ok := withData(bs, "pg:apps:", "3"); !ok || b.Text != "▶" {
		t.Errorf("withData found %+v, %v", b, ok)
	}
	if _, ok := withData(bs, "bc:", ""); ok {
		t.Error("found a broadcast button in a list's markup")
	}
	if buttons("") != nil || buttons("not json") != nil {
		t.Error("buttons of no markup")
	}
}

func FuzzParseInterval(f *testing.F) {
	for _, line := range strings.Split(perfOutput, "\n") {
		f.Add(line)
	}
	f.Fuzz(func(t *testing.T, line string) {
		at, n, event, ok := parseInterval(line)
		if !ok {
			return
		}
		if at < 0 || n < 0 {
			t.Errorf("%q: at %v, count %d", line, at, n)
		}
		if !bytes.Contains([]byte(line), []byte(event)) {
			t.Errorf("%q: event %q is not in the line", line, event)
		}
	})
}

// listStage is a stage with one staff member sending /applications once,
// and tapping ▶ twice when it is paged; what she sends goes to a fake
// server nobody polls, which pending reads back.
func listStage(t *testing.T) (*stage, *lister, func() []string) {
	rec := newRecorder(t)
	st := &stage{d: newDriver(t, rec, false, nil, 1), cfg: BroadcastConfig{Pages: 2, ListGap: time.Hour}}
	l := &lister{user: telegramtest.User{ID: staffIDs + 1, FirstName: "Гүлнара", LanguageCode: "ru"}, hints: []string{"Файл: /export"}, left: 1}
	l.start(st)
	pending := func() []string {
		resp, err := http.Get(fmt.Sprintf(rec.srv.Endpoint(), telegramtest.Token, "getUpdates"))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var got struct {
			Result []struct {
				Message *struct {
					Text string `json:"text"`
				} `json:"message"`
				Callback *struct {
					Data    string `json:"data"`
					Message struct {
						ID int `json:"message_id"`
					} `json:"message"`
				} `json:"callback_query"`
			} `json:"result"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, u := range got.Result {
			switch {
			case u.Message != nil:
				out = append(out, u.Message.Text)
			case u.Callback != nil:
				out = append(out, fmt.Sprintf("tap %s on %d", u.Callback.Data, u.Callback.Message.ID))
			}
		}
		return out
	}
	return st, l, pending
}

// runTimers runs what the stage planned, whatever its time.
func runTimers(st *stage) {
	for len(st.timers) > 0 {
		heap.Pop(&st.timers).(timed).do()
	}
}

func TestLister_Unpaged(t *testing.T) {
	st, l, pending := listStage(t)
	at := time.Now()
	for i, text := range []string{"3 заявки", "A-001 · 28+", "A-003 · 28+\n\nОткрыть заявку: /application A-001. Файл: /export", "late"} {
		l.take(st, event{chat: l.user.ID, at: at.Add(time.Duration(i) * time.Second), method: "sendMessage", text: text, code: 200})
	}
	r := l.rounds[0]
	if r.First != at || r.Done != at.Add(2*time.Second) || r.Messages != 3 || l.paged {
		t.Errorf("round %+v, paged %v", r, l.paged)
	}
	if st.unexpected != 1 {
		t.Errorf("%d unexpected messages, want the one after the list", st.unexpected)
	}
	if !l.finished() {
		t.Error("not finished after her only list")
	}
	if got := pending(); !slices.Equal(got, []string{"/applications"}) {
		t.Errorf("she sent %q", got)
	}
}

func TestLister_Paged(t *testing.T) {
	st, l, pending := listStage(t)
	page := func(n int) string {
		return fmt.Sprintf(`{"inline_keyboard":[[{"text":"◀","callback_data":"pg:apps:%d"},{"text":"▶","callback_data":"pg:apps:%d"}],[{"text":"📄","callback_data":"pgf:apps"}]]}`, n-1, n+1)
	}
	at := time.Now()
	l.take(st, event{chat: l.user.ID, at: at, method: "sendMessage", markup: page(1), msgID: 10, code: 200})
	runTimers(st)
	l.take(st, event{chat: l.user.ID, at: at.Add(time.Second), method: "answerCallbackQuery", code: 200})
	l.take(st, event{chat: l.user.ID, at: at.Add(2 * time.Second), method: "editMessageText", markup: page(2), msgID: 10, code: 200})
	runTimers(st)
	if l.finished() {
		t.Error("finished before the page of her second tap")
	}
	l.take(st, event{chat: l.user.ID, at: at.Add(3 * time.Second), method: "editMessageText", markup: page(3), msgID: 10, code: 200})
	runTimers(st)
	if r := l.rounds[0]; !l.paged || r.First != at || r.Done != at.Add(3*time.Second) || r.Messages != 3 {
		t.Errorf("round %+v, paged %v", r, l.paged)
	}
	if !l.finished() {
		t.Error("not finished after her pages")
	}
	if got, want := pending(), []string{"/applications", "tap pg:apps:2 on 10", "tap pg:apps:3 on 10"}; !slices.Equal(got, want) {
		t.Errorf("she sent %q, want %q", got, want)
	}
}
