package main

import (
	"container/heap"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/telegramtest"
	"github.com/mentorbot/mentorbot/locales"
	"github.com/mentorbot/mentorbot/store"
)

// The broadcast run measures mentorbot (as built, paced) against the fake
// server enforcing Telegram's limits (telegramtest.TelegramLimits), on a
// database of Applications submitted applications, InProgress women part
// of the way through the form and Recipients participants, in two
// phases:
//
//   - pace: a staff member broadcasts to the participants through the
//     real dialogue (/broadcast, the Kyrgyz text, the Russian text, the
//     audience, "send now") and nothing else happens: how long the copies
//     take against Recipients/30 s, and whether Telegram would have
//     refused any;
//   - mixed: Women women step through the form at a human pace while
//     Listers staff members send /applications (and page through it, if
//     it is paged) and another staff member broadcasts to the
//     participants again: the women's latency while the broadcast runs,
//     and the broadcast's time.

// BroadcastConfig is the broadcast run's setup.
type BroadcastConfig struct {
	// Recipients are the participants, the broadcast's audience.
	Recipients int
	// Applications are the submitted applications /applications lists.
	Applications int
	// InProgress are the women stored part of the way through the form,
	// whom the mixed phase's women are drawn from.
	InProgress int
	// Women step through the form during the mixed phase.
	Women int
	// TapThink is a woman's mean time before she taps a button: 2 s plus
	// an exponential wait. TypeThink is the same before she types an
	// answer: 5 s plus an exponential wait.
	TapThink, TypeThink time.Duration
	// Listers are the staff members who send /applications, Lists times
	// each, at least ListGap apart, and tap ▶ through Pages pages each
	// time when the list is paged.
	Listers, Lists, Pages int
	ListGap               time.Duration
	// Warmup is how long the women step alone before staff begin.
	Warmup time.Duration
	// Only runs one phase, "pace" or "mixed"; "" runs both.
	Only string
}

// DefaultBroadcastConfig is the setup: 10 000 applications, a
// broadcast to 1 000, 100 women.
func DefaultBroadcastConfig() BroadcastConfig {
	return BroadcastConfig{
		Recipients: 1000, Applications: 10000, InProgress: 2000, Women: 100,
		TapThink: 3500 * time.Millisecond, TypeThink: 20 * time.Second,
		Listers: 2, Lists: 3, Pages: 3, ListGap: 10 * time.Second, Warmup: 10 * time.Second,
	}
}

// ShortBroadcastConfig is a quick check that the run works.
func ShortBroadcastConfig() BroadcastConfig {
	c := DefaultBroadcastConfig()
	c.Recipients, c.Applications, c.InProgress, c.Women = 150, 1000, 300, 20
	c.Listers, c.Lists, c.Pages, c.ListGap, c.Warmup = 1, 2, 2, 5*time.Second, 3*time.Second
	return c
}

// telegramRate is the [broadcast] rate the benchmark sets: the most the
// config allows, Telegram's 30 messages a second.
const telegramRate = 30

// Ideal is how long Recipients copies take at exactly telegramRate.
func (c BroadcastConfig) Ideal() time.Duration {
	return time.Duration(float64(c.Recipients) / telegramRate * float64(time.Second))
}

// IDs of the broadcast run's people.
const (
	applicantIDs = 1_000_000 // the submitted applications
	progressIDs  = 2_000_000 // women part of the way through the form
	recipientIDs = 3_000_000 // participants
	staffIDs     = 900_001   // the broadcaster, then the listers
)

// BroadcastReport is what the broadcast run measured.
type BroadcastReport struct {
	Config     BroadcastConfig
	Pace       BroadcastPhase
	Mixed      BroadcastPhase
	Counted    bool
	SyncNote   string
	Methods    map[string]int // Bot API calls by method, whole run
	Errors     map[string]int // calls answered with an error
	Logs       map[string]int // the bot's log lines by level
	Unexpected int            // calls to a chat with nothing outstanding
}

// BroadcastPhase is one phase of the broadcast run.
type BroadcastPhase struct {
	Name   string
	Window time.Duration
	// Copies is how many copies the server accepted; Refused how many it
	// answered 429.
	Copies, Refused int
	// Spread is the first copy to the last, at the server; ToReport the
	// "send now" tap to the report reaching the staff member.
	Spread, ToReport time.Duration
	// ByOverall and ByChat are the server's 429s in the phase by the
	// limit that refused them (a call past both counts in both).
	ByOverall, ByChat int
	Calls             int64 // Bot API calls other than getUpdates
	CPU               time.Duration
	Syncs             syncs
	// Women are the steps pushed while the broadcast ran ("send now" to
	// the report); WomenAll those of the whole phase.
	Women, WomenAll Phase
	// Stall is the longest time no woman's step completed while some
	// were outstanding, and StallAt when it began, since the phase began.
	Stall, StallAt time.Duration
	// Lists are the staff members' /applications, in the order sent.
	Lists []listRound
	// Paged says /applications answered with pages.
	Paged bool
	win   window
}

// SpreadRatio is the copies' first-to-last time over the ideal.
func (p BroadcastPhase) SpreadRatio(c BroadcastConfig) float64 {
	return p.Spread.Seconds() / c.Ideal().Seconds()
}

// ReportRatio is "send now" to the report over the ideal.
func (p BroadcastPhase) ReportRatio(c BroadcastConfig) float64 {
	return p.ToReport.Seconds() / c.Ideal().Seconds()
}

// RunBroadcast runs the broadcast run against mentorbot.
func RunBroadcast(tb testing.TB, cfg Config) BroadcastReport {
	tb.Helper()
	bc := cfg.Broadcast
	if cfg.Dir == "" {
		cfg.Dir = tb.TempDir()
	}
	if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
		tb.Fatal(err)
	}
	bin, err := cfg.Bins.path(cfg.Dir, "mentorbot")
	if err != nil {
		tb.Fatal(err)
	}
	cfg.Dir = filepath.Join(cfg.Dir, "run-broadcast")
	if err := os.RemoveAll(cfg.Dir); err != nil {
		tb.Fatal(err)
	}
	if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
		tb.Fatal(err)
	}
	rep := BroadcastReport{Config: bc}
	counter := cfg.syncCounter(&rep.SyncNote)
	rep.Counted = counter != nil

	db := filepath.Join(cfg.Dir, "broadcast.db")
	t0 := time.Now()
	if err := populateBroadcast(db, bc); err != nil {
		tb.Fatal(err)
	}
	cfg.Logf("broadcast: wrote %d applications, %d women in the form and %d participants in %v",
		bc.Applications, bc.InProgress, bc.Recipients, time.Since(t0).Round(time.Millisecond))
	staff := make([]int64, 1+bc.Listers)
	for i := range staff {
		staff[i] = staffIDs + int64(i)
	}
	configPath := filepath.Join(cfg.Dir, "mentorbot.toml")
	if err := os.WriteFile(configPath, []byte(benchConfigWith(staff)), 0o600); err != nil {
		tb.Fatal(err)
	}
	rec := newRecorder(tb)
	rec.srv.EnforceLimits(telegramtest.TelegramLimits)
	rec.watch(staff...)
	env := []string{
		"TELEGRAM_BOT_TOKEN=" + telegramtest.Token,
		"TELEGRAM_API_ENDPOINT=" + rec.Endpoint(),
		"MENTORBOT_CONFIG=" + configPath,
		"MENTORBOT_DB=" + db,
	}
	polled := rec.arm()
	p := startProcess(tb, bin, []string{"run"}, env, filepath.Join(cfg.Dir, "mentorbot.log"), counter)
	select {
	case <-polled:
	case <-p.done:
		tb.Fatalf("mentorbot exited before polling: %s", p.logTail())
	case <-time.After(30 * time.Second):
		tb.Fatalf("mentorbot did not poll within 30s: %s", p.logTail())
	}
	time.Sleep(time.Second)

	texts, err := locales.New(slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		tb.Fatal(err)
	}
	d := newDriver(tb, rec, false, inProgressByPos(bc.InProgress), cfg.Seed)
	st := &stage{d: d, cfg: bc, recipients: func(id int64) bool { return id >= recipientIDs && id < recipientIDs+int64(bc.Recipients) }}
	user := func(id int64) telegramtest.User {
		return telegramtest.User{ID: id, FirstName: "Гүлнара", LanguageCode: "ru"}
	}
	hints := []string{texts.Text("ru", "staff.applications.hint", nil), texts.Text("ky", "staff.applications.hint", nil)}

	measure := func(name string, run func()) BroadcastPhase {
		ph := BroadcastPhase{Name: name}
		samples, calls := len(d.samples), rec.sends.Load()
		overall0, chat0 := rec.srv.RateLimitedBy()
		cpu0, _ := cpuTime(p.pid())
		ph.win.from = time.Now()
		run()
		ph.win.to = time.Now()
		cpu1, _ := cpuTime(p.pid())
		overall1, chat1 := rec.srv.RateLimitedBy()
		ph.Window = ph.win.to.Sub(ph.win.from)
		ph.Calls, ph.CPU = rec.sends.Load()-calls, cpu1-cpu0
		ph.ByOverall, ph.ByChat = overall1-overall0, chat1-chat0
		b := st.bc
		ph.Copies, ph.Refused = b.copies, b.refused
		ph.Spread, ph.ToReport = b.last.Sub(b.first), b.reportAt.Sub(b.sendNow)
		all := d.samples[samples:]
		ph.WomenAll = summarize("women", bc.Women, all, ph.Window, 0)
		var during []sample
		for _, s := range all {
			if !s.at.Before(b.sendNow) && s.at.Before(b.reportAt) {
				during = append(during, s)
			}
		}
		ph.Women = summarize("women during the broadcast", bc.Women, during, b.reportAt.Sub(b.sendNow), 0)
		ph.Stall, ph.StallAt = st.stall, st.stallFrom.Sub(ph.win.from)
		for _, l := range st.listers {
			ph.Lists = append(ph.Lists, l.rounds...)
			ph.Paged = ph.Paged || l.paged
		}
		if p.exited() {
			tb.Fatalf("mentorbot exited during the %s phase: %s", name, p.logTail())
		}
		return ph
	}

	// Pace: the broadcast alone.
	if bc.Only == "" || bc.Only == "pace" {
		rep.Pace = measure("pace", func() {
			st.reset()
			st.bc = &broadcaster{user: user(staffIDs)}
			st.bc.start(st)
			st.run("the broadcast alone", bc.Ideal()*3+time.Minute, st.bc.finished)
		})
		cfg.Logf("broadcast: alone, %d copies in %v (ideal %v), report %v after send now, %d refused",
			rep.Pace.Copies, rep.Pace.Spread.Round(time.Millisecond), bc.Ideal().Round(time.Millisecond), rep.Pace.ToReport.Round(time.Millisecond), rep.Pace.Refused)
		// Let the per-chat buckets fill again: the participants' last
		// copy was a moment ago.
		time.Sleep(3 * time.Second)
	}

	// Mixed: women all along, staff after the warm-up.
	if bc.Only == "" || bc.Only == "mixed" {
		rep.Mixed = measure("mixed", func() {
			st.reset()
			st.bc = &broadcaster{user: user(staffIDs)}
			for i := range bc.Listers {
				l := &lister{user: user(staffIDs + 1 + int64(i)), hints: hints, left: bc.Lists}
				st.listers = append(st.listers, l)
			}
			st.pushing = true
			for range bc.Women {
				st.schedule(d.randomSim())
			}
			st.after(bc.Warmup, func() {
				st.bc.start(st)
				for _, l := range st.listers {
					l.start(st)
				}
			})
			staffDone := func() bool {
				for _, l := range st.listers {
					if !l.finished() {
						return false
					}
				}
				return st.bc.finished()
			}
			limit := bc.Warmup + 10*bc.Ideal() + 2*time.Minute
			st.run("staff lists, the broadcast and the women", limit, staffDone)
			st.pushing = false
			st.run("the women's last steps", time.Minute, func() bool { return st.busy == 0 })
		})
		cfg.Logf("broadcast: with staff and %d women, %d copies in %v, report %v after send now; women during it: %d steps, p50 %v, p99 %v",
			bc.Women, rep.Mixed.Copies, rep.Mixed.Spread.Round(time.Millisecond), rep.Mixed.ToReport.Round(time.Millisecond),
			rep.Mixed.Women.Updates, rep.Mixed.Women.DoneP50, rep.Mixed.Women.DoneP99)
	}

	p.stop(15 * time.Second)
	if p.syncs != "" {
		counted, err := countSyncs(p.syncs, p.syncsFrom, []window{rep.Pace.win, rep.Mixed.win})
		if err != nil {
			tb.Fatalf("broadcast: count the sync calls: %v", err)
		}
		rep.Pace.Syncs, rep.Mixed.Syncs = counted[0], counted[1]
	}
	rep.Methods, rep.Errors, rep.Logs, rep.Unexpected = rec.methodCounts(), rec.errorCounts(), p.logCounts(), d.unexpected+st.unexpected
	return rep
}

// stage plays a phase of the broadcast run: it routes each call of the
// bot to the recipient, staff member or woman it is aimed at, and runs
// their next moves at their times.
type stage struct {
	d          *driver
	cfg        BroadcastConfig
	recipients func(chat int64) bool
	bc         *broadcaster
	listers    []*lister
	timers     timers
	pushing    bool // the women keep stepping
	busy       int  // women's steps pushed and not complete
	unexpected int  // calls to a staff chat the stage did not expect
	// lastDone is when a woman's step last completed (or, with none
	// outstanding, was pushed); stall the longest wait for the next one
	// with steps outstanding, from stallFrom.
	lastDone, stallFrom time.Time
	stall               time.Duration
}

// reset forgets the last phase's actors and timers.
func (st *stage) reset() {
	st.bc, st.listers, st.timers, st.pushing = nil, nil, nil, false
	st.lastDone, st.stallFrom, st.stall = time.Time{}, time.Time{}, 0
}

// after runs f in d.
func (st *stage) after(d time.Duration, f func()) {
	heap.Push(&st.timers, timed{at: time.Now().Add(d), do: f})
}

// schedule pushes her next step after she has thought it over.
func (st *stage) schedule(s *sim) {
	st.after(st.think(s), func() {
		if !st.pushing {
			return
		}
		if st.busy == 0 {
			st.lastDone = time.Now()
		}
		st.d.push(s)
		st.busy++
	})
}

// think is how long she takes before her next step: a tap 2 s and more, a
// typed answer 5 s and more.
func (st *stage) think(s *sim) time.Duration {
	least, mean := 2*time.Second, st.cfg.TapThink
	if s.pos < len(script) && script[s.pos].kind != kindTap {
		least, mean = 5*time.Second, st.cfg.TypeThink
	}
	return least + time.Duration(st.d.rng.ExpFloat64()*float64(max(mean-least, 0)))
}

// run routes calls and runs timers until done reports true, failing the
// run after limit.
func (st *stage) run(what string, limit time.Duration, done func() bool) {
	deadline := time.Now().Add(limit)
	timer := time.NewTimer(limit)
	defer timer.Stop()
	for !done() {
		wait := time.Until(deadline)
		if wait <= 0 {
			st.d.tb.Fatalf("%s: not over after %v: %s", what, limit, st.describe())
		}
		if len(st.timers) > 0 {
			wait = min(wait, time.Until(st.timers[0].at))
		}
		timer.Reset(max(wait, 0))
		select {
		case ev := <-st.d.rec.events:
			st.route(ev)
		case <-timer.C:
			for len(st.timers) > 0 && !st.timers[0].at.After(time.Now()) {
				heap.Pop(&st.timers).(timed).do()
			}
		}
	}
}

func (st *stage) route(ev event) {
	switch {
	case st.recipients(ev.chat):
		if st.bc != nil {
			st.bc.copyArrived(ev)
		}
		return
	case st.bc != nil && ev.chat == st.bc.user.ID:
		st.bc.take(st, ev)
		return
	}
	for _, l := range st.listers {
		if ev.chat == l.user.ID {
			l.take(st, ev)
			return
		}
	}
	s := st.d.handle(ev)
	if s == nil {
		return
	}
	if gap := ev.at.Sub(st.lastDone); gap > st.stall {
		st.stall, st.stallFrom = gap, st.lastDone
	}
	st.lastDone = ev.at
	st.busy--
	if st.d.finished(s) {
		s = st.d.randomSim()
	}
	st.schedule(s)
}

func (st *stage) describe() string {
	var b strings.Builder
	if st.bc != nil {
		fmt.Fprintf(&b, "broadcaster at %q, %d copies, her last calls: [%s]; ", st.bc.state, st.bc.copies, strings.Join(st.bc.recent, "; "))
	}
	for _, l := range st.listers {
		fmt.Fprintf(&b, "lister %d: %d rounds left, waiting %v, rounds %+v; ", l.user.ID, l.left, l.waiting, l.rounds)
	}
	fmt.Fprintf(&b, "%d women's steps outstanding", st.busy)
	return b.String()
}

// timed is something to do at a time.
type timed struct {
	at time.Time
	do func()
}

// timers is a heap of timed, the soonest first.
type timers []timed

func (t timers) Len() int           { return len(t) }
func (t timers) Less(i, j int) bool { return t[i].at.Before(t[j].at) }
func (t timers) Swap(i, j int)      { t[i], t[j] = t[j], t[i] }
func (t *timers) Push(x any)        { *t = append(*t, x.(timed)) }
func (t *timers) Pop() any {
	old := *t
	x := old[len(old)-1]
	*t = old[:len(old)-1]
	return x
}

// button is one inline button of a call's reply_markup.
type button struct {
	Text string `json:"text"`
	Data string `json:"callback_data"`
}

// buttons are the inline buttons of a reply_markup.
func buttons(markup string) []button {
	if markup == "" {
		return nil
	}
	var m struct {
		Rows [][]button `json:"inline_keyboard"`
	}
	if json.Unmarshal([]byte(markup), &m) != nil {
		return nil
	}
	var out []button
	for _, row := range m.Rows {
		out = append(out, row...)
	}
	return out
}

// withData is the first button whose data starts with prefix and ends
// with suffix.
func withData(bs []button, prefix, suffix string) (button, bool) {
	for _, b := range bs {
		if strings.HasPrefix(b.Data, prefix) && strings.HasSuffix(b.Data, suffix) {
			return b, true
		}
	}
	return button{}, false
}

// Where the broadcaster is in the dialogue: what she waits for.
const (
	bcKyText   = "the question for the Kyrgyz text"
	bcRuText   = "the question for the Russian text"
	bcAudience = "the audience buttons"
	bcConfirm  = "the send-now button"
	bcRunning  = "the report"
	bcDone     = "nothing: done"
)

// The broadcast's two versions.
const (
	kyBroadcast = "Саламатсыздарбы! Эртең саат 18:00дө онлайн жолугушуу болот. Шилтемени ушул жерге жиберебиз."
	ruBroadcast = "Здравствуйте! Завтра в 18:00 онлайн-встреча. Ссылку пришлём сюда."
)

// broadcaster is the staff member who sends a broadcast to the
// participants through the dialogue, and counts the copies.
type broadcaster struct {
	user  telegramtest.User
	state string
	id    string // the broadcast's ID, from its buttons
	// sendNow is when she tapped "send now"; reportAt when the report
	// reached the server.
	sendNow, reportAt time.Time
	first, last       time.Time // the first and the last copy accepted
	copies, refused   int
	recent            []string
}

func (b *broadcaster) start(st *stage) {
	b.state = bcKyText
	st.d.rec.srv.SendText(b.user, "/broadcast")
}

func (b *broadcaster) finished() bool { return b.state == bcDone }

// take is a call to her chat: her next move when it is what she waits for.
func (b *broadcaster) take(st *stage, ev event) {
	if len(b.recent) == 8 {
		b.recent = b.recent[1:]
	}
	b.recent = append(b.recent, fmt.Sprintf("%s(%q, %q) -> %d", ev.method, clip(ev.text, 30), clip(ev.markup, 60), ev.code))
	srv, bs := st.d.rec.srv, buttons(ev.markup)
	switch b.state {
	case bcKyText:
		if btn, ok := withData(bs, "bc:skip:", ":ky"); ok {
			b.id = strings.TrimSuffix(strings.TrimPrefix(btn.Data, "bc:skip:"), ":ky")
			b.state = bcRuText
			srv.SendText(b.user, kyBroadcast)
		}
	case bcRuText:
		if _, ok := withData(bs, "bc:skip:"+b.id+":ru", ""); ok {
			b.state = bcAudience
			srv.SendText(b.user, ruBroadcast)
		}
	case bcAudience:
		if btn, ok := withData(bs, "bc:to:"+b.id+":participants", ""); ok {
			b.state = bcConfirm
			srv.Tap(b.user, ev.msgID, btn.Data)
		}
	case bcConfirm:
		if btn, ok := withData(bs, "bc:go:"+b.id, ""); ok {
			b.state = bcRunning
			b.sendNow = time.Now()
			srv.Tap(b.user, ev.msgID, btn.Data)
		}
	case bcRunning:
		if _, ok := withData(bs, "bc:csv:"+b.id, ""); ok && ev.method == "sendMessage" {
			b.state, b.reportAt = bcDone, ev.at
		}
	}
}

// copyArrived is a call to a participant: a copy of the broadcast.
func (b *broadcaster) copyArrived(ev event) {
	if !strings.HasPrefix(ev.method, "send") {
		return
	}
	switch ev.code {
	case 200:
		b.copies++
		if b.first.IsZero() {
			b.first = ev.at
		}
		b.last = ev.at
	case 429:
		b.refused++
	}
}

// listRound is one /applications of a staff member.
type listRound struct {
	// Sent is when she sent it; First when its first message (or page)
	// reached the server, Done its last (the whole list, or the last
	// page she looked at); zero if not by the end of the phase.
	Sent, First, Done time.Time
	// Messages is how many messages (or page edits) it took.
	Messages int
}

// lister is a staff member who sends /applications a few times and, when
// the list is paged, taps ▶ through its first pages.
type lister struct {
	user  telegramtest.User
	hints []string // the end of the list's last message, unpaged
	left  int      // rounds still to send
	// taps is how many ▶ she will still tap in this round; waiting says
	// she waits for the list (or a page) before the next round.
	taps    int
	waiting bool
	paged   bool
	done    int // unpaged rounds complete: their messages come in order
	rounds  []listRound
}

func (l *lister) start(st *stage) {
	l.left--
	l.rounds = append(l.rounds, listRound{Sent: time.Now()})
	l.taps, l.waiting = st.cfg.Pages, true
	st.d.rec.srv.SendText(l.user, "/applications")
	st.after(st.cfg.ListGap, func() { l.next(st) })
}

// next sends the next round once she is not waiting for a page.
func (l *lister) next(st *stage) {
	switch {
	case l.left == 0:
	case l.waiting:
		st.after(time.Second, func() { l.next(st) })
	default:
		l.start(st)
	}
}

func (l *lister) finished() bool { return l.left == 0 && !l.waiting }

// take is a call to her chat: a message of the list, or a page.
func (l *lister) take(st *stage, ev event) {
	bs := buttons(ev.markup)
	_, pageButton := withData(bs, "pg:apps:", "")
	_, fileButton := withData(bs, "pgf:apps", "")
	if pageButton || fileButton {
		l.paged = true
	}
	if !l.paged {
		if ev.method != "sendMessage" {
			return
		}
		l.waiting = false
		if l.done >= len(l.rounds) {
			st.unexpected++
			return
		}
		r := &l.rounds[l.done]
		if r.First.IsZero() {
			r.First = ev.at
		}
		r.Messages++
		for _, h := range l.hints {
			if strings.HasSuffix(ev.text, h) {
				r.Done = ev.at
				l.done++
				break
			}
		}
		return
	}
	if !pageButton && !fileButton {
		return // the answer to her tap
	}
	r := &l.rounds[len(l.rounds)-1]
	if r.First.IsZero() {
		r.First = ev.at
	}
	r.Messages++
	r.Done = ev.at
	next, ok := button{}, false
	for _, b := range bs {
		if b.Text == "▶" && strings.HasPrefix(b.Data, "pg:apps:") {
			next, ok = b, true
		}
	}
	if !ok || l.taps == 0 {
		l.waiting = false
		return
	}
	l.taps--
	msg := ev.msgID
	st.after(time.Second+time.Duration(st.d.rng.ExpFloat64()*float64(500*time.Millisecond)), func() {
		st.d.rec.srv.Tap(l.user, msg, next.Data)
	})
}

// inProgressByPos lists the women stored part of the way through the
// form, by position: the i-th at 1 + i % (len(script)-1).
func inProgressByPos(n int) [][]int64 {
	byPos := make([][]int64, len(script))
	for i := range n {
		p := 1 + i%(len(script)-1)
		byPos[p] = append(byPos[p], progressIDs+int64(i))
	}
	return byPos
}

// populateBroadcast writes the broadcast run's database: the submitted
// applications, the women in the form and the participants.
func populateBroadcast(path string, c BroadcastConfig) (err error) {
	db, err := store.Open(path, store.Options{})
	if err != nil {
		return err
	}
	defer func() {
		if cerr := db.Close(); err == nil {
			err = cerr
		}
	}()
	at := time.Now().Add(-72 * time.Hour)
	type person struct {
		id  int64
		pos int // script position, 0 for a participant
	}
	var people []person
	for i := range c.Applications {
		people = append(people, person{applicantIDs + int64(i), len(script)})
	}
	for i, ids := range inProgressByPos(c.InProgress) {
		for _, id := range ids {
			people = append(people, person{id, i})
		}
	}
	for i := range c.Recipients {
		people = append(people, person{recipientIDs + int64(i), 0})
	}
	const chunk = 1000
	for lo := 0; lo < len(people); lo += chunk {
		err := db.Update(func(tx *store.Tx) error {
			for _, p := range people[lo:min(lo+chunk, len(people))] {
				if p.pos == 0 {
					lang := "ky"
					if p.id%3 == 0 {
						lang = "ru"
					}
					u := store.User{ID: p.id, FirstName: "Айгүл", LangCode: lang, Language: lang, CreatedAt: at, ConsentAt: at,
						Roles: []store.Role{store.RoleParticipant}}
					if err := tx.PutUser(u); err != nil {
						return err
					}
					continue
				}
				if err := putStored(tx, p.id, p.pos, at); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("populate %s: %w", filepath.Base(path), err)
		}
	}
	return nil
}
