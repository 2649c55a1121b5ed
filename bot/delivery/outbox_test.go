package delivery_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot/delivery"
	"github.com/mentorbot/mentorbot/store"
)

var now = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

// fakeTelegram is a Messenger: it records what it delivered, answers
// with what answer says for each message, and can hold a chat's sends
// until released.
type fakeTelegram struct {
	mu     sync.Mutex
	sent   []store.Outgoing
	calls  map[string]int // by text: attempts
	answer func(m store.Outgoing, attempt int) error
	held   map[int64]chan struct{}
	sentCh chan store.Outgoing
	// tried gets the text of every attempt as it starts.
	tried chan string
}

func newFake() *fakeTelegram {
	return &fakeTelegram{calls: map[string]int{}, held: map[int64]chan struct{}{}, sentCh: make(chan store.Outgoing, 1000), tried: make(chan string, 1000)}
}

// hold makes every send to chat wait until release.
func (f *fakeTelegram) hold(chat int64) (release func()) {
	ch := make(chan struct{})
	f.mu.Lock()
	f.held[chat] = ch
	f.mu.Unlock()
	return func() { close(ch) }
}

func (f *fakeTelegram) Deliver(ctx context.Context, m store.Outgoing) error {
	f.mu.Lock()
	gate := f.held[m.ChatID]
	f.calls[m.Text]++
	attempt := f.calls[m.Text]
	var err error
	if f.answer != nil {
		err = f.answer(m, attempt)
	}
	f.mu.Unlock()
	select {
	case f.tried <- m.Text:
	default:
	}
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if err != nil {
		return err
	}
	f.mu.Lock()
	f.sent = append(f.sent, m)
	f.mu.Unlock()
	f.sentCh <- m
	return nil
}

func (f *fakeTelegram) texts(chat int64) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, m := range f.sent {
		if chat == 0 || m.ChatID == chat {
			out = append(out, m.Text)
		}
	}
	return out
}

// waitSent waits until n messages were delivered in all; a bound, not a
// timing assertion.
func (f *fakeTelegram) waitSent(t *testing.T, n int) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		f.mu.Lock()
		got := len(f.sent)
		f.mu.Unlock()
		if got >= n {
			return
		}
		select {
		case <-f.sentCh:
		case <-deadline:
			t.Fatalf("%d of %d messages delivered after 10s: %q", got, n, f.texts(0))
		}
	}
}

// waitTried waits until a message with text is being sent.
func (f *fakeTelegram) waitTried(t *testing.T, text string) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case got := <-f.tried:
			if got == text {
				return
			}
		case <-deadline:
			t.Fatalf("%q was not tried in 10s", text)
		}
	}
}

type env struct {
	t      *testing.T
	db     *store.DB
	tg     *fakeTelegram
	out    *delivery.Outbox
	clock  atomic.Pointer[time.Time]
	delays []time.Duration
	mu     sync.Mutex
	fault  atomic.Pointer[error]
	logs   strings.Builder
	logMu  sync.Mutex
}

func (e *env) Write(p []byte) (int, error) {
	e.logMu.Lock()
	defer e.logMu.Unlock()
	return e.logs.Write(p)
}

func (e *env) log() string {
	e.logMu.Lock()
	defer e.logMu.Unlock()
	return e.logs.String()
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{t: t, tg: newFake()}
	c := now
	e.clock.Store(&c)
	db, err := store.Open(filepath.Join(t.TempDir(), "m.db"), store.Options{CommitFault: func() error {
		if p := e.fault.Load(); p != nil {
			return *p
		}
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Check(); err != nil {
			t.Errorf("check: %v", err)
		}
		db.Close()
	})
	e.db = db
	e.out = delivery.New(db, e.tg, slog.New(slog.NewTextHandler(e, nil)))
	e.out.Now = func() time.Time { return *e.clock.Load() }
	e.out.Delay = func(d time.Duration) time.Duration {
		e.mu.Lock()
		e.delays = append(e.delays, d)
		e.mu.Unlock()
		return 0
	}
	return e
}

func (e *env) enqueue(msgs ...store.Outgoing) {
	e.t.Helper()
	err := e.db.Update(func(tx *store.Tx) error {
		for _, m := range msgs {
			if err := tx.PutUser(store.User{ID: m.ChatID, CreatedAt: now}); err != nil {
				return err
			}
		}
		return tx.Enqueue(now, msgs...)
	})
	if err != nil {
		e.t.Fatal(err)
	}
	e.out.Wake()
}

// run starts Run and returns a stop that waits for it and returns its
// error.
func (e *env) run() (stop func() error) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.out.Run(ctx) }()
	return func() error {
		cancel()
		return <-done
	}
}

func msg(chat int64, text string) store.Outgoing {
	return store.Outgoing{Kind: store.KindMessage, ChatID: chat, Text: text}
}

func (e *env) queued() int {
	e.t.Helper()
	items, err := e.db.Outbox(10000)
	if err != nil {
		e.t.Fatal(err)
	}
	return len(items)
}

func (e *env) waitQueued(n int) {
	e.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for e.queued() != n {
		if time.Now().After(deadline) {
			e.t.Fatalf("%d messages queued after 10s, want %d", e.queued(), n)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func TestOutbox_OrderWithinEachChat(t *testing.T) {
	e := newEnv(t)
	var msgs []store.Outgoing
	for i := range 30 {
		msgs = append(msgs, msg(int64(1+i%3), fmt.Sprintf("%d-%d", 1+i%3, i)))
	}
	e.enqueue(msgs...)
	if err := e.out.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	for chat := int64(1); chat <= 3; chat++ {
		var want []string
		for _, m := range msgs {
			if m.ChatID == chat {
				want = append(want, m.Text)
			}
		}
		if got := e.tg.texts(chat); !slices.Equal(got, want) {
			t.Errorf("chat %d got %q, want %q", chat, got, want)
		}
	}
	if n := e.queued(); n != 0 {
		t.Errorf("%d left in the outbox", n)
	}
}

// A reply queued behind a broadcast goes before the rest of it.
func TestOutbox_ReplyBeforeBulk(t *testing.T) {
	e := newEnv(t)
	e.out.Workers = 1
	release := e.tg.hold(100) // the first bulk copy is on its way, held
	var bulk []store.Outgoing
	for i := range 30 {
		m := msg(int64(100+i), fmt.Sprintf("bulk %d", i))
		m.Lane = store.LaneBulk
		bulk = append(bulk, m)
	}
	e.enqueue(bulk...)
	stop := e.run()
	defer stop()
	e.tg.waitTried(t, "bulk 0") // on its way, held
	e.enqueue(msg(7, "your next question"))
	release()
	e.tg.waitSent(t, 31)
	got := e.tg.texts(0)
	if i := slices.Index(got, "your next question"); i != 1 {
		t.Errorf("the reply went out at place %d, after %q", i, got[:max(i, 0)])
	}
}

// One chat's slow message and another's poison message hold nobody else.
func TestOutbox_OneChatNeverHoldsAnother(t *testing.T) {
	e := newEnv(t)
	e.tg.answer = func(m store.Outgoing, _ int) error {
		if m.Text == "poison" {
			return &delivery.PermanentError{Err: errors.New("telegram 413: Request Entity Too Large")}
		}
		return nil
	}
	release := e.tg.hold(1) // chat 1's upload takes for ever
	e.enqueue(msg(1, "slow 1"), msg(1, "slow 2"),
		store.Outgoing{Kind: store.KindDocument, ChatID: 2, Text: "poison", Document: &store.File{Name: "big.xlsx"}, FailNote: "could not send it"},
		msg(2, "after the poison"))
	var others []store.Outgoing
	for i := range 20 {
		others = append(others, msg(int64(10+i), fmt.Sprintf("hello %d", i)))
	}
	e.enqueue(others...)
	stop := e.run()
	e.tg.waitSent(t, 22) // everyone but chat 1: 20, the note and chat 2's next
	if got := e.tg.texts(1); len(got) != 0 {
		t.Errorf("chat 1 got %q while held", got)
	}
	if got := e.tg.texts(2); !slices.Equal(got, []string{"after the poison", "could not send it"}) {
		t.Errorf("chat 2 got %q", got)
	}
	release()
	e.tg.waitSent(t, 24)
	if got := e.tg.texts(1); !slices.Equal(got, []string{"slow 1", "slow 2"}) {
		t.Errorf("chat 1 got %q", got)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	var dead []store.DeadLetter
	if err := e.db.View(func(tx *store.Tx) (err error) { dead, _, err = tx.DeadLetters(10); return err }); err != nil {
		t.Fatal(err)
	}
	if len(dead) != 1 || dead[0].Outgoing.Text != "poison" || !strings.Contains(dead[0].Reason, "413") {
		t.Errorf("dead letters %+v", dead)
	}
}

// A server error is retried with backoff; past the horizon the message
// becomes a dead letter.
func TestOutbox_RetriedUntilTheHorizon(t *testing.T) {
	e := newEnv(t)
	e.tg.answer = func(m store.Outgoing, attempt int) error {
		if m.Text == "flaky" && attempt <= 3 {
			return errors.New("telegram 502: Bad Gateway")
		}
		if m.Text == "doomed" {
			// A day passes once the flaky one is through (this runs with
			// the fake's lock held: calls is safe to read).
			if attempt >= 4 && e.tg.calls["next"] > 0 {
				later := now.Add(25 * time.Hour)
				e.clock.Store(&later)
			}
			return errors.New("telegram unreachable: connection refused")
		}
		return nil
	}
	e.enqueue(msg(1, "flaky"), msg(1, "next"), msg(2, "doomed"), msg(3, "fine"))
	if err := e.out.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := e.tg.texts(1); !slices.Equal(got, []string{"flaky", "next"}) {
		t.Errorf("chat 1 got %q", got)
	}
	e.mu.Lock()
	delays := slices.Clone(e.delays)
	e.mu.Unlock()
	for _, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second} {
		if !slices.Contains(delays, want) {
			t.Errorf("backoffs %v, want %v among them", delays, want)
		}
	}
	var dead []store.DeadLetter
	if err := e.db.View(func(tx *store.Tx) (err error) { dead, _, err = tx.DeadLetters(10); return err }); err != nil {
		t.Fatal(err)
	}
	if len(dead) != 1 || dead[0].Outgoing.Text != "doomed" || !strings.Contains(dead[0].Reason, "gave up after") ||
		!strings.Contains(dead[0].Reason, "connection refused") {
		t.Errorf("dead letters %+v", dead)
	}
}

// A revoked token stops everything: Run returns a FatalError at once and
// nothing is lost: every message not delivered stays queued.
func TestOutbox_FatalKeepsEverythingQueued(t *testing.T) {
	e := newEnv(t)
	revoked := &delivery.FatalError{Err: errors.New("telegram refused the bot token (401 Unauthorized)")}
	e.tg.answer = func(m store.Outgoing, _ int) error {
		if m.Text != "first" {
			return revoked
		}
		return nil
	}
	e.enqueue(msg(1, "first"))
	e.out.Workers = 1
	if err := e.out.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.enqueue(msg(1, "a"), msg(2, "b"), msg(3, "c"))
	done := make(chan error, 1)
	go func() { done <- e.out.Run(context.Background()) }()
	var err error
	select {
	case err = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not end on a fatal error")
	}
	if !errors.Is(err, revoked) {
		t.Fatalf("Run returned %v, want the fatal error", err)
	}
	if n := e.queued(); n != 3 {
		t.Errorf("%d messages queued after a revoked token, want all 3", n)
	}
	var dead int
	if err := e.db.View(func(tx *store.Tx) (err error) { _, dead, err = tx.DeadLetters(1); return err }); err != nil || dead != 0 {
		t.Errorf("%d dead letters (%v): a revoked token is no message's fault", dead, err)
	}
}

// When the store cannot record what was delivered, nothing is sent twice:
// the outcomes wait in memory until the disk has room again.
func TestOutbox_RecordFailsNothingSentTwice(t *testing.T) {
	e := newEnv(t)
	var msgs []store.Outgoing
	var releases []func()
	for i := range 5 {
		msgs = append(msgs, msg(int64(1+i), fmt.Sprintf("m%d", i)))
		releases = append(releases, e.tg.hold(int64(1+i)))
	}
	e.enqueue(msgs...)
	stop := e.run()
	defer stop()
	// The disk fills while they are on their way.
	full := error(syscall.ENOSPC)
	e.fault.Store(&full)
	for _, release := range releases {
		release()
	}
	e.tg.waitSent(t, 5)
	// The records fail and are retried; meanwhile nothing is sent again,
	// however often the outbox looks.
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(e.log(), "cannot record delivered messages") {
		if time.Now().After(deadline) {
			t.Fatalf("the failed record was not logged:\n%s", e.log())
		}
		e.out.Wake()
		time.Sleep(time.Millisecond)
	}
	if n := e.queued(); n != 5 {
		t.Errorf("%d queued while the records fail, want the 5 (not recorded yet)", n)
	}
	e.fault.Store(nil)
	e.waitQueued(0)
	e.tg.mu.Lock()
	for i := range 5 {
		if n := e.tg.calls[fmt.Sprintf("m%d", i)]; n != 1 {
			t.Errorf("m%d sent %d times", i, n)
		}
	}
	e.tg.mu.Unlock()
}

// She blocked the bot: recorded, and her other messages are not sent.
func TestOutbox_BlockedDropsHerQueue(t *testing.T) {
	e := newEnv(t)
	e.tg.answer = func(m store.Outgoing, _ int) error {
		if m.ChatID == 1 {
			return delivery.ErrBlocked
		}
		return nil
	}
	e.out.Workers = 1
	e.enqueue(msg(1, "a"), msg(1, "b"), msg(2, "c"))
	if err := e.out.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := e.tg.texts(0); !slices.Equal(got, []string{"c"}) {
		t.Errorf("delivered %q", got)
	}
	if calls := e.tg.calls["b"]; calls != 0 {
		t.Errorf("her second message was tried %d times", calls)
	}
	var u store.User
	if err := e.db.View(func(tx *store.Tx) (err error) { u, err = tx.User(1); return err }); err != nil || !u.Blocked {
		t.Errorf("not marked blocked: %+v, %v", u, err)
	}
}

// The answer to a tap goes out even while every worker is held up.
func TestOutbox_TapsNeverWait(t *testing.T) {
	e := newEnv(t)
	e.out.Workers = 2
	r1, r2 := e.tg.hold(1), e.tg.hold(2)
	defer r1()
	defer r2()
	e.enqueue(msg(1, "slow"), msg(2, "slow too"))
	stop := e.run()
	defer stop()
	e.enqueue(store.Outgoing{Kind: store.KindCallback, ChatID: 3, CallbackID: "q1", Text: "tap answer"})
	e.tg.waitSent(t, 1)
	if got := e.tg.texts(0); !slices.Equal(got, []string{"tap answer"}) {
		t.Errorf("delivered %q", got)
	}
}

// A 429 for one chat holds back that chat only.
func TestOutbox_TooManyRequestsHoldsOneChat(t *testing.T) {
	e := newEnv(t)
	e.tg.answer = func(m store.Outgoing, attempt int) error {
		if m.Text == "a1" && attempt == 1 {
			return &delivery.RetryAfterError{After: 7 * time.Second}
		}
		return nil
	}
	e.enqueue(msg(1, "a1"), msg(1, "a2"), msg(2, "b1"))
	if err := e.out.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := e.tg.texts(1); !slices.Equal(got, []string{"a1", "a2"}) {
		t.Errorf("chat 1 got %q", got)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if !slices.Equal(e.delays, []time.Duration{7 * time.Second}) {
		t.Errorf("waits %v, want retry_after 7s once", e.delays)
	}
}

// A command menu waits in a queue of its own beside her messages: while
// Telegram keeps answering 5xx to her menu, her replies go out, and the
// menus are retried in their order until they are through.
func TestOutbox_MenuNeverHoldsHerReplies(t *testing.T) {
	e := newEnv(t)
	menu := func(lang string) store.Outgoing {
		return store.Outgoing{Kind: store.KindMenu, ChatID: 1, Lang: lang, Text: "menu " + lang, Lane: store.LaneNotice,
			Commands: []store.MenuCommand{{Name: "queue", Description: "Questions"}}}
	}
	e.tg.answer = func(m store.Outgoing, attempt int) error {
		// The first menu fails until her last reply was on its way (this
		// runs with the fake's lock held: calls is safe to read).
		if m.Kind == store.KindMenu && m.Lang == "ky" && e.tg.calls["your next question"] == 0 {
			return errors.New("telegram 502: Bad Gateway")
		}
		return nil
	}
	e.enqueue(menu("ky"), msg(1, "welcome"), menu("ru"), msg(1, "your next question"))
	// A queue that made the reply wait behind the menu would wait for
	// ever: the bound ends the flush then, and the replies are missing.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.out.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	var replies, menus []string
	for _, text := range e.tg.texts(1) {
		if strings.HasPrefix(text, "menu") {
			menus = append(menus, text)
		} else {
			replies = append(replies, text)
		}
	}
	if want := []string{"welcome", "your next question"}; !slices.Equal(replies, want) {
		t.Errorf("her replies %q, want %q", replies, want)
	}
	if want := []string{"menu ky", "menu ru"}; !slices.Equal(menus, want) {
		t.Errorf("her menus %q, want %q", menus, want)
	}
	if n := e.queued(); n != 0 {
		t.Errorf("%d left in the outbox", n)
	}
}
