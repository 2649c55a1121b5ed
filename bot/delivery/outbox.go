package delivery

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/mentorbot/mentorbot/store"
)

// Outbox delivers the store's queued messages. Its settings may be
// changed before Run; the zero values are the defaults given.
type Outbox struct {
	DB        *store.DB
	Messenger Messenger
	Log       *slog.Logger
	// Rate is the most messages a second, all chats together: new
	// messages and edits (answers to taps are not counted, as Telegram
	// does not count them). It is a smooth pace: never two messages
	// closer than 1/Rate. Zero sends as fast as Telegram answers.
	Rate float64
	// ChatRate is how many new messages a second one chat gets on
	// average, and ChatBurst how many may go at once after a pause.
	// Telegram allows about one a second in a chat, with short bursts.
	// Zero ChatRate does not pace chats.
	ChatRate  float64
	ChatBurst int
	// Workers is how many messages may be on their way at once, each to
	// a different chat (default 8). Answers to taps have 8 more of their
	// own, so they never wait for a slow upload.
	Workers int
	// Horizon is how long a message that keeps failing for a passing
	// reason (a network or server error) is retried before it becomes a
	// dead letter. Default 24 hours: Telegram's own update lifetime.
	Horizon time.Duration
	// MaxBackoff caps the wait between retries of one chat's message
	// (default one minute).
	MaxBackoff time.Duration
	// MaxUnsaved is how many delivered messages may wait to be recorded
	// before sending stops until they are (default 8). With the Workers
	// and the TapWorkers on their way, it bounds what a kill can make the
	// next start send twice: DuplicateBound.
	MaxUnsaved int
	// RecordEvery is how long a delivered message's outcome may wait to
	// be written with the next ones (default 100 ms): at Telegram's pace
	// a batch then holds a few messages instead of one, and the disk is
	// synced a few times a second instead of sixty. It never waits once
	// half of MaxUnsaved are waiting.
	RecordEvery time.Duration
	// Now is the clock of the records and of the horizon (default
	// time.Now). The pace always runs on the real clock.
	Now func() time.Time
	// Delay, if set, turns every wait the outbox decides on (retry_after,
	// a backoff) into the wait it really does: tests record the waits and
	// shorten them.
	Delay func(time.Duration) time.Duration
	// Recorded, if set, is called after a batch of outcomes was written:
	// the bot finishes broadcasts whose last copies it holds.
	Recorded func(batch []store.Outcome)

	wake      chan struct{}
	drain     chan struct{}
	drainOnce sync.Once
}

// New returns an outbox delivering db's messages through m.
func New(db *store.DB, m Messenger, log *slog.Logger) *Outbox {
	return &Outbox{DB: db, Messenger: m, Log: log, wake: make(chan struct{}, 1), drain: make(chan struct{})}
}

// Defaults of an Outbox.
const (
	DefaultWorkers    = 8
	DefaultMaxUnsaved = 8
	// TapWorkers is how many answers to taps may be on their way at once.
	TapWorkers = 8
)

// DuplicateBound is the most messages (tap answers included) that a kill
// of a bot with the default settings can make the next start send a
// second time: those delivered but not yet recorded, and those on their
// way.
const DuplicateBound = DefaultMaxUnsaved + DefaultWorkers + TapWorkers

// Wake tells the outbox that new messages are queued.
func (o *Outbox) Wake() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// Drain asks a running Run to return as soon as every queued message is
// delivered (or given up) and recorded: a stopping bot's last replies.
func (o *Outbox) Drain() { o.drainOnce.Do(func() { close(o.drain) }) }

// Run delivers until ctx ends, or Drain was called and nothing is left.
// It returns a *FatalError when Telegram refuses the bot itself (the
// message stays queued), or the store's error when it can no longer
// commit; nil otherwise.
func (o *Outbox) Run(ctx context.Context) error { return o.loop(ctx, false) }

// Flush delivers what is queued now and returns when it is delivered and
// recorded, or ctx ends. It must not run at the same time as Run.
func (o *Outbox) Flush(ctx context.Context) error { return o.loop(ctx, true) }

// item is one queued message as the outbox holds it.
type item struct {
	store.Pending
	tries   int       // failed attempts in this run
	readyAt time.Time // a tap's answer retried after a failure
}

// queueKey names a chat's queue. A chat has two: its messages, and its
// command menus (store.KindMenu), each in order, so that a menu Telegram
// keeps refusing never holds up her replies, nor a reply her menu.
type queueKey struct {
	chat int64
	menu bool
}

// queueOf is the queue m waits in.
func queueOf(m store.Outgoing) queueKey {
	return queueKey{chat: m.ChatID, menu: m.Kind == store.KindMenu}
}

// chat is one chat's queue: its messages in order, one on its way at a
// time.
type chat struct {
	id      queueKey
	items   []*item
	lanes   [store.LaneBulk + 1]int // items per lane
	busy    bool
	readyAt time.Time // held back by a 429 or a backoff until then
	pace    gcra
}

func (c *chat) push(it *item) {
	c.items = append(c.items, it)
	c.lanes[it.Outgoing.InLane()]++
}

func (c *chat) pop() {
	c.lanes[c.items[0].Outgoing.InLane()]--
	c.items[0] = nil
	c.items = c.items[1:]
}

// lane is the chat's most urgent lane: a chat with a reply waiting is
// served before chats with only bulk, its earlier messages first.
func (c *chat) lane() store.Lane {
	for _, l := range store.Lanes {
		if c.lanes[l] > 0 {
			return l
		}
	}
	return store.LaneBulk
}

// result is the answer to one attempt.
type result struct {
	it  *item
	err error
}

// run is the state of one Run: owned by its loop goroutine.
type run struct {
	*Outbox
	ctx     context.Context
	chats   map[queueKey]*chat
	taps    []*item
	lastSeq uint64
	load    bool

	pace      gcra
	picks     int       // slots given out, for the fair share
	holdUntil time.Time // a 429 that seemed to concern every chat
	recent429 map[int64]time.Time

	results      chan result
	inFlight     int
	tapsInFlight int

	unsaved      []store.Outcome
	unsavedSince time.Time       // when the oldest of unsaved was delivered
	saving       []store.Outcome // the batch being written
	saved        chan error
	saveBackoff  time.Duration
	saveAfter    time.Time

	fatal  error
	logged map[string]time.Time
}

func (o *Outbox) defaults() {
	if o.Workers <= 0 {
		o.Workers = DefaultWorkers
	}
	if o.Horizon <= 0 {
		o.Horizon = 24 * time.Hour
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = time.Minute
	}
	if o.MaxUnsaved <= 0 {
		o.MaxUnsaved = DefaultMaxUnsaved
	}
	if o.ChatBurst <= 0 {
		o.ChatBurst = 2
	}
	if o.RecordEvery == 0 {
		o.RecordEvery = 100 * time.Millisecond
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Delay == nil {
		o.Delay = func(d time.Duration) time.Duration { return d }
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.wake == nil {
		o.wake = make(chan struct{}, 1)
	}
	if o.drain == nil {
		o.drain = make(chan struct{})
	}
}

func (o *Outbox) loop(ctx context.Context, drain bool) error {
	o.defaults()
	r := &run{
		Outbox: o, ctx: ctx, chats: map[queueKey]*chat{}, load: true,
		pace:      newGCRA(o.Rate, 1),
		recent429: map[int64]time.Time{},
		results:   make(chan result, o.Workers+TapWorkers),
		saved:     make(chan error, 1),
		logged:    map[string]time.Time{},
	}
	drained := o.drain
	if drain {
		drained = nil
	}
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		if r.load {
			r.loadQueued()
		}
		r.dispatch()
		r.startSave()
		if r.fatal != nil && r.inFlight == 0 && r.tapsInFlight == 0 {
			r.finish()
			return r.fatal
		}
		if drain && r.idle() {
			return nil
		}
		timer.Reset(r.nextWake())
		select {
		case <-ctx.Done():
			r.finish()
			return nil
		case <-o.wake:
			r.load = true
		case <-drained:
			drain, drained = true, nil
		case res := <-r.results:
			r.handle(res)
			// A slot is free: what was queued meanwhile (a reply while a
			// broadcast copy was on its way) is looked at before it goes.
			select {
			case <-o.wake:
				r.load = true
			default:
			}
		case err := <-r.saved:
			r.afterSave(err)
		case <-timer.C:
		}
	}
}

// loadQueued reads the messages queued since the last look.
func (r *run) loadQueued() {
	const page = 512
	for {
		batch, err := r.DB.OutboxAfter(r.lastSeq, page)
		if err != nil {
			r.warn("read", "cannot read the outbox; will try again", "err", err)
			return // r.load stays set: the loop tries again when it next wakes
		}
		for _, p := range batch {
			r.lastSeq = p.Seq
			it := &item{Pending: p}
			if p.Outgoing.InLane() == store.LaneTap {
				r.taps = append(r.taps, it)
				continue
			}
			c := r.chats[queueOf(p.Outgoing)]
			if c == nil {
				c = &chat{id: queueOf(p.Outgoing), pace: newGCRA(r.ChatRate, r.ChatBurst)}
				r.chats[c.id] = c
			}
			c.push(it)
		}
		if len(batch) < page {
			r.load = false
			return
		}
	}
}

// dispatch starts every send that may start now.
func (r *run) dispatch() {
	if r.fatal != nil || r.ctx.Err() != nil {
		return
	}
	now := time.Now()
	for i := 0; i < len(r.taps) && r.tapsInFlight < TapWorkers; {
		it := r.taps[i]
		if it.readyAt.After(now) {
			i++
			continue
		}
		r.taps = slices.Delete(r.taps, i, i+1)
		r.tapsInFlight++
		r.send(it)
	}
	if len(r.unsaved)+len(r.saving) >= r.MaxUnsaved {
		return // nothing more until what was delivered is recorded
	}
	for r.inFlight < r.Workers {
		if r.Rate > 0 && now.Before(r.pace.allowedAt()) || now.Before(r.holdUntil) {
			return
		}
		c := r.pick(now)
		if c == nil {
			return
		}
		it := c.items[0]
		// A handler may have dropped it since it was read: she blocked
		// the bot, a broadcast was paused.
		if queued, err := r.DB.Queued(it.Seq); err == nil && !queued {
			c.pop()
			continue
		}
		c.busy = true
		r.inFlight++
		if r.Rate > 0 {
			r.pace.take(now)
		}
		if it.Outgoing.IsSend() {
			c.pace.take(now)
		}
		r.send(it)
	}
}

// fairShare is how often a slot goes to the oldest message whatever its
// lane: one in fairShare. Busy hours of replies then slow a broadcast
// down without stopping it.
const fairShare = 10

// pick is the chat to serve next: among those ready, the most urgent
// lane, then the oldest message; every fairShare-th time, the oldest.
func (r *run) pick(now time.Time) *chat {
	byAge := (r.picks+1)%fairShare == 0
	var best *chat
	for id, c := range r.chats {
		if len(c.items) == 0 {
			if !c.busy && c.readyAt.Before(now) && c.pace.allowedAt().Before(now) {
				delete(r.chats, id) // forget idle chats; their pace has recovered
			}
			continue
		}
		if c.busy || c.readyAt.After(now) || c.items[0].Outgoing.IsSend() && c.pace.allowedAt().After(now) {
			continue
		}
		if best == nil {
			best = c
			continue
		}
		older := c.items[0].Seq < best.items[0].Seq
		if byAge && older || !byAge && (c.lane() < best.lane() || c.lane() == best.lane() && older) {
			best = c
		}
	}
	if best != nil {
		r.picks++ // only slots given count towards the fair share
	}
	return best
}

func (r *run) send(it *item) {
	go func() {
		err := r.Messenger.Deliver(r.ctx, it.Outgoing)
		r.results <- result{it: it, err: err}
	}()
}

// handle takes the answer to one attempt.
func (r *run) handle(res result) {
	it := res.it
	m := it.Outgoing
	tap := m.InLane() == store.LaneTap
	var c *chat
	if tap {
		r.tapsInFlight--
	} else {
		r.inFlight--
		c = r.chats[queueOf(m)]
		c.busy = false
	}
	verdict, wait := Classify(res.err)
	now := time.Now()
	switch verdict {
	case Done:
		r.settle(c, it, store.Sent, nil)
	case Drop:
		r.Log.Debug("refused, and it no longer matters; dropped", "chat_id", m.ChatID, "kind", m.Kind, "err", res.err)
		r.settle(c, it, store.Dropped, res.err)
	case Dead:
		r.Log.Warn("message refused for good; kept as a dead letter", "chat_id", m.ChatID, "kind", m.Kind, "err", res.err)
		r.settle(c, it, store.Dead, res.err)
	case BlockedBy:
		r.Log.Info("recipient blocked the bot; stop writing to her", "chat_id", m.ChatID)
		r.settle(c, it, store.Blocked, res.err)
		if c != nil {
			for len(c.items) > 0 {
				c.pop() // settling her block drops them from the store too
			}
		}
	case Fatal:
		if r.fatal == nil {
			r.fatal = res.err
		}
		r.requeue(c, it, now)
	case Wait:
		r.warn("429", "Telegram asks to slow down", "chat_id", m.ChatID, "retry_after", wait)
		until := now.Add(r.Delay(wait))
		r.noteFlood(m.ChatID, now, until)
		r.hold(c, it, until)
	case Retry:
		it.tries++
		if tap && it.tries >= 3 || r.Now().Sub(it.Queued) >= r.Horizon {
			r.Log.Warn("still failing; given up", "chat_id", m.ChatID, "kind", m.Kind, "queued", it.Queued, "attempts", it.tries, "err", res.err)
			result := store.Dead
			if tap {
				result = store.Dropped // a tap's answer this late is no use
			}
			r.settle(c, it, result, fmt.Errorf("gave up after %d attempts: %w", it.tries, res.err))
			return
		}
		backoff := min(time.Second<<min(it.tries-1, 20), r.MaxBackoff)
		r.warn("retry", "delivery failed; will retry", "chat_id", m.ChatID, "kind", m.Kind, "in", backoff, "err", res.err)
		r.hold(c, it, now.Add(r.Delay(backoff)))
	}
}

// hold keeps a message queued and its chat waiting until until.
func (r *run) hold(c *chat, it *item, until time.Time) {
	if c == nil {
		it.readyAt = until
		r.taps = append(r.taps, it)
		return
	}
	c.readyAt = until
}

// requeue keeps a message that was not delivered.
func (r *run) requeue(c *chat, it *item, now time.Time) { r.hold(c, it, now) }

// noteFlood decides whether a 429 concerns every chat: when several
// chats are refused within a second, everyone waits, for at most a
// minute (the chats refused wait their full retry_after).
func (r *run) noteFlood(chatID int64, now, until time.Time) {
	if most := now.Add(time.Minute); until.After(most) {
		until = most
	}
	r.recent429[chatID] = now
	n := 0
	for id, at := range r.recent429 {
		if now.Sub(at) > time.Second {
			delete(r.recent429, id)
			continue
		}
		n++
	}
	if n >= 3 && until.After(r.holdUntil) {
		r.holdUntil = until
	}
}

// settle ends a message's life in the outbox: its outcome waits to be
// recorded with the next batch.
func (r *run) settle(c *chat, it *item, res store.Result, err error) {
	if c != nil && len(c.items) > 0 && c.items[0] == it {
		c.pop()
	}
	o := store.Outcome{Pending: it.Pending, Result: res, At: r.Now()}
	o.Attempts += it.tries
	if err != nil {
		o.Reason = err.Error()
	}
	if len(r.unsaved) == 0 {
		r.unsavedSince = time.Now()
	}
	r.unsaved = append(r.unsaved, o)
}

// startSave writes the outcomes waiting, as one transaction, unless a
// write is already under way: what is delivered meanwhile goes with the
// next one.
func (r *run) startSave() {
	if r.saving != nil || len(r.unsaved) == 0 || time.Now().Before(r.saveAfter) {
		return
	}
	if len(r.unsaved) < r.MaxUnsaved/2 && time.Since(r.unsavedSince) < r.RecordEvery && r.fatal == nil {
		return // a few more may come to share the write
	}
	r.saving, r.unsaved = r.unsaved, nil
	batch := r.saving
	go func() { r.saved <- r.save(batch) }()
}

func (r *run) save(batch []store.Outcome) error {
	return r.DB.Update(func(tx *store.Tx) error {
		for _, o := range batch {
			if _, err := tx.Settle(o); err != nil {
				return err
			}
		}
		return nil
	})
}

// afterSave takes the end of a write: on failure the batch waits for the
// next try, and nothing of it is ever sent again meanwhile.
func (r *run) afterSave(err error) {
	batch := r.saving
	r.saving = nil
	if err == nil {
		if r.saveBackoff > 0 {
			r.Log.Info("outcomes recorded again after a storage failure", "messages", len(batch))
		}
		r.saveBackoff = 0
		r.load = true // a fail note may have been queued
		if r.Recorded != nil {
			r.Recorded(batch)
		}
		return
	}
	r.unsaved = append(batch, r.unsaved...)
	r.unsavedSince = time.Now().Add(-r.RecordEvery) // due at once when the store allows
	if store.IsFatal(err) {
		r.fatal = fmt.Errorf("record deliveries: %w", err)
		return
	}
	r.saveBackoff = min(max(2*r.saveBackoff, time.Second), time.Minute)
	r.saveAfter = time.Now().Add(r.saveBackoff)
	r.warnLevel(slog.LevelError, "save", "cannot record delivered messages; holding them and retrying", "waiting", len(r.unsaved), "in", r.saveBackoff, "err", err)
}

// finish ends a run: the answers still on their way are awaited for a
// moment, and what was delivered is recorded if the store allows.
func (r *run) finish() {
	deadline := time.After(2 * time.Second)
	for r.inFlight+r.tapsInFlight > 0 {
		select {
		case res := <-r.results:
			r.handle(res)
		case <-deadline:
			r.Log.Warn("stopping with messages on their way; they may be sent again at the next start", "messages", r.inFlight+r.tapsInFlight)
			r.inFlight, r.tapsInFlight = 0, 0
		}
	}
	if r.saving != nil {
		select {
		case err := <-r.saved:
			r.afterSave(err)
		case <-time.After(2 * time.Second):
			return
		}
	}
	if len(r.unsaved) > 0 {
		if err := r.save(r.unsaved); err != nil {
			r.Log.Error("cannot record the last deliveries; they may be sent again at the next start", "messages", len(r.unsaved), "err", err)
		}
	}
}

// idle reports whether nothing is queued, on its way or unrecorded.
func (r *run) idle() bool {
	if len(r.taps) > 0 || r.inFlight+r.tapsInFlight > 0 || len(r.unsaved) > 0 || r.saving != nil || r.load {
		return false
	}
	for _, c := range r.chats {
		if len(c.items) > 0 {
			return false
		}
	}
	return true
}

// nextWake is how long until something may be sent, or a save retried.
func (r *run) nextWake() time.Duration {
	now := time.Now()
	next := now.Add(time.Minute)
	soon := func(t time.Time) {
		if t.Before(next) {
			next = t
		}
	}
	for _, it := range r.taps {
		soon(it.readyAt)
	}
	var chatNext time.Time
	waiting := false
	for _, c := range r.chats {
		if len(c.items) == 0 || c.busy {
			continue
		}
		at := c.readyAt
		if c.items[0].Outgoing.IsSend() && c.pace.allowedAt().After(at) {
			at = c.pace.allowedAt()
		}
		if !waiting || at.Before(chatNext) {
			chatNext, waiting = at, true
		}
	}
	if waiting && r.inFlight < r.Workers && len(r.unsaved)+len(r.saving) < r.MaxUnsaved {
		if r.Rate > 0 && r.pace.allowedAt().After(chatNext) {
			chatNext = r.pace.allowedAt()
		}
		if r.holdUntil.After(chatNext) {
			chatNext = r.holdUntil
		}
		soon(chatNext)
	}
	if len(r.unsaved) > 0 && r.saving == nil {
		at := r.unsavedSince.Add(r.RecordEvery)
		if r.saveAfter.After(at) {
			at = r.saveAfter
		}
		soon(at)
	}
	return max(next.Sub(now), 0)
}

// warn logs at most once a minute for each kind of trouble, so an hour of
// 5xx is sixty lines, not thousands.
func (r *run) warn(key, msg string, args ...any) { r.warnLevel(slog.LevelWarn, key, msg, args...) }

func (r *run) warnLevel(level slog.Level, key, msg string, args ...any) {
	now := time.Now()
	if last, ok := r.logged[key]; ok && now.Sub(last) < time.Minute {
		return
	}
	r.logged[key] = now
	r.Log.Log(context.Background(), level, msg, args...)
}
