package telegram

import (
	"context"
	"errors"
	"github.com/mentorbot/mentorbot/bot/school"
	"log/slog"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/bot/delivery"
	"github.com/mentorbot/mentorbot/bot/telegramtest"
	"github.com/mentorbot/mentorbot/locales"
	"github.com/mentorbot/mentorbot/store"
)

// pollRig is a real bot, poller and outbox on a bbolt file whose commits
// can be made to fail like a full disk's, against the fake Bot API.
type pollRig struct {
	t     *testing.T
	srv   *telegramtest.Server
	path  string
	db    *store.DB
	logs  *lockedBuffer
	texts *locales.Texts
	full  atomic.Bool
	// alive counts the poller's Polled calls (systemd's watchdog pings).
	alive atomic.Int64
	stop  func() error
	// polled gets what the poller's Run returned.
	polled chan error
}

func newPollRig(t *testing.T) *pollRig {
	r := &pollRig{t: t, srv: telegramtest.NewServer(t), path: filepath.Join(t.TempDir(), "m.db"), logs: &lockedBuffer{}}
	texts, err := locales.New(slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	r.texts = texts
	r.start()
	t.Cleanup(func() {
		if r.stop != nil {
			_ = r.stop()
		}
	})
	return r
}

// start opens the file and starts polling and delivering, as a process
// start does.
func (r *pollRig) start() {
	r.t.Helper()
	db, err := store.Open(r.path, store.Options{CommitFault: func() error {
		if r.full.Load() {
			return syscall.ENOSPC
		}
		return nil
	}})
	if err != nil {
		r.t.Fatal(err)
	}
	r.db = db
	log := slog.New(slog.NewTextHandler(r.logs, nil))
	client, err := Connect(telegramtest.Token, r.srv.Endpoint())
	if err != nil {
		r.t.Fatal(err)
	}
	out := delivery.New(db, client, log)
	loc, _ := time.LoadLocation("Asia/Bishkek")
	b := bot.New(bot.Options{Features: school.Features(), DB: db, Texts: r.texts, Log: log, Location: loc, Delivered: out.Wake,
		Deadline: time.Date(2026, 12, 11, 17, 0, 0, 0, loc), Now: func() time.Time { return time.Date(2026, 11, 22, 10, 0, 0, 0, loc) }})
	p := &Poller{Client: client, DB: db, Handler: b, Log: log, Timeout: 2 * time.Second,
		Sleep: func(ctx context.Context, d time.Duration) error { return ctx.Err() }, Polled: func() { r.alive.Add(1) }}
	ctx, cancel := context.WithCancel(context.Background())
	polled, delivered := make(chan error, 1), make(chan error, 1)
	r.polled = make(chan error, 1)
	go func() {
		err := p.Run(ctx)
		r.polled <- err
		polled <- err
	}()
	go func() { delivered <- out.Run(ctx) }()
	r.stop = func() error {
		cancel()
		err := errors.Join(<-polled, <-delivered)
		if cerr := db.Check(); cerr != nil {
			r.t.Errorf("check: %v", cerr)
		}
		db.Close()
		r.stop = nil
		return err
	}
}

func (r *pollRig) restart() {
	r.t.Helper()
	if err := r.stop(); err != nil {
		r.t.Fatal(err)
	}
	r.start()
}

// says sends her text and waits until the bot handled it and her chat
// shows n messages.
func (r *pollRig) says(t *testing.T, user telegramtest.User, text string, n int) {
	t.Helper()
	r.srv.WaitConfirmed(t, r.srv.SendText(user, text))
	r.srv.WaitMessages(t, user.ID, n)
}

var greeting = func(r *pollRig) string {
	return r.texts.Text("ky", "language.ask", nil) + "\n\n" + r.texts.Text("ru", "language.ask", nil)
}

// After a week of silence Telegram may number the next updates below the
// last ones. The bot never waits with an old offset, so none is lost:
// while it runs, and after a restart.
func TestPoll_UpdateIDsThatJumpBack(t *testing.T) {
	r := newPollRig(t)
	r.srv.JumpUpdateID(5000)
	aigul := telegramtest.User{ID: 7001, FirstName: "Айгүл"}
	r.says(t, aigul, "/start", 1)
	r.says(t, aigul, "/start", 2)

	t.Run("WhileRunning", func(t *testing.T) {
		r.srv.WaitPolling(t) // idle: a long poll is waiting
		r.srv.JumpUpdateID(17)
		r.says(t, aigul, "/start", 3)
		if got := r.srv.Lost(); len(got) != 0 {
			t.Fatalf("lost updates %v", got)
		}
	})
	t.Run("AfterARestart", func(t *testing.T) {
		if err := r.stop(); err != nil {
			t.Fatal(err)
		}
		r.srv.JumpUpdateID(3)
		id := r.srv.SendText(aigul, "/start")
		r.start()
		r.srv.WaitConfirmed(t, id)
		msgs := r.srv.WaitMessages(t, aigul.ID, 4)
		if got := msgs[len(msgs)-1].Text; got != greeting(r) {
			t.Errorf("after the jump she sees %q", got)
		}
		if got := r.srv.Lost(); len(got) != 0 {
			t.Fatalf("lost updates %v", got)
		}
	})
}

// A full disk: the update is neither confirmed nor answered, nobody is
// told "saved"; once there is room it is handled, once.
func TestPoll_FullDiskConfirmsNothing(t *testing.T) {
	r := newPollRig(t)
	gulnara := telegramtest.User{ID: 7002, FirstName: "Гүлнара"}
	r.says(t, gulnara, "/start", 1)
	r.full.Store(true)
	id := r.srv.SendText(gulnara, "/start")
	r.srv.WaitServed(t, id)
	deadline := time.Now().Add(10 * time.Second)
	for r.srv.TimesServed(id) < 3 { // asked for again: not confirmed, retried
		if time.Now().After(deadline) {
			t.Fatalf("served %d times", r.srv.TimesServed(id))
		}
		time.Sleep(5 * time.Millisecond)
	}
	if n := len(r.srv.Messages(gulnara.ID)); n != 1 {
		t.Errorf("%d messages while nothing could be saved, want the first only", n)
	}
	// No watchdog ping while nothing can be saved: systemd restarts a bot
	// stuck like this.
	alive := r.alive.Load()
	for served := r.srv.TimesServed(id); r.srv.TimesServed(id) < served+2; {
		if time.Now().After(deadline) {
			t.Fatalf("served %d times", r.srv.TimesServed(id))
		}
		time.Sleep(5 * time.Millisecond)
	}
	if n := r.alive.Load(); n != alive {
		t.Errorf("%d watchdog pings while the store refused every write", n-alive)
	}
	if handled, _ := r.db.Handled(id); handled {
		t.Error("marked handled on a full disk")
	}
	if logs := r.logs.String(); !strings.Contains(logs, "cannot save updates") || strings.Count(logs, "cannot save updates") != 1 {
		t.Errorf("want one ERROR line for the outage, got:\n%s", logs)
	}
	r.full.Store(false)
	r.srv.WaitConfirmed(t, id)
	r.srv.WaitFor(t, func() bool { return r.alive.Load() > alive })
	msgs := r.srv.WaitMessages(t, gulnara.ID, 2)
	apology := r.texts.Text("ky", "error.internal", nil)
	for _, m := range msgs {
		if m.Text == apology {
			t.Errorf("she was told %q", m.Text)
		}
	}
	if got := msgs[1].Text; got != greeting(r) {
		t.Errorf("after the outage she sees %q, want the greeting", got)
	}
	if !strings.Contains(r.logs.String(), "saving updates works again") {
		t.Error("the end of the outage was not logged")
	}
}

// A revoked token ends polling with an error that says what to do.
func TestPoll_RevokedTokenEndsPolling(t *testing.T) {
	r := newPollRig(t)
	r.srv.WaitPolling(t)
	r.srv.RevokeToken()
	select {
	case err := <-r.polled:
		if !errors.Is(err, ErrUnauthorized) {
			t.Fatalf("got %v, want ErrUnauthorized", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("polling went on with a revoked token")
	}
}

// At start, Telegram's server errors are retried; a refused token is not.
func TestConnectRetrying(t *testing.T) {
	srv := telegramtest.NewServer(t)
	srv.FailNext("getMe", telegramtest.ServerError(), 2)
	var waits []time.Duration
	sleep := func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }
	c, err := ConnectRetrying(context.Background(), telegramtest.Token, srv.Endpoint(), time.Minute, slog.New(slog.DiscardHandler), sleep)
	if err != nil || c.Username() != telegramtest.BotUsername {
		t.Fatalf("connect: %v", err)
	}
	if len(waits) != 2 || waits[0] != time.Second || waits[1] != 2*time.Second {
		t.Errorf("waits %v, want 1s then 2s", waits)
	}
	srv.RevokeToken()
	waits = nil
	_, err = ConnectRetrying(context.Background(), telegramtest.Token, srv.Endpoint(), time.Minute, slog.New(slog.DiscardHandler), sleep)
	if !errors.Is(err, ErrUnauthorized) || len(waits) != 0 {
		t.Errorf("revoked token: %v after waits %v", err, waits)
	}
}
