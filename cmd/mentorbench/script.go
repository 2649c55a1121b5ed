package main

import (
	"fmt"
	"io"
	"log/slog"
	"maps"
	"path/filepath"
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/bot/form"
	"github.com/mentorbot/mentorbot/locales"
	"github.com/mentorbot/mentorbot/store"
)

// stepKind is what a simulated woman does at one step of the dialogue.
type stepKind int

const (
	kindStart stepKind = iota // sends /start
	kindText                  // types an answer
	kindTap                   // taps an inline button
)

func (k stepKind) String() string { return [...]string{"start", "text", "tap"}[k] }

// step is one step of the application dialogue, as bot/badinput_test.go's
// upTo walks it, in Kyrgyz.
type step struct {
	kind  stepKind
	text  string // kindText: what she types; kindStart: "/start"
	data  string // kindTap: the button's callback data
	field string // the form field she is on (and that the bot asks), "" before the form
	// stored is what the bot keeps in the draft once the step is done
	// (field -> answer), to put stored women at this point of the form.
	stored map[string]string
	// pending is the draft's Pending after the step (ticked items, essay
	// text being written).
	pending string
}

// essay is a motivation essay of 96 words, typed as one message.
var essay = strings.TrimSpace(strings.Repeat("Айылыма жардам бергим келет, анткени биздин айылда суу жана жол маселеси курч. ", 8))

// script is the whole dialogue from /start to a submitted application:
// language, consent, and every question of the form answered the shortest
// way (no follow-ups), with typed answers and button taps mixed as in
// bot/badinput_test.go.
var script = buildScript()

func buildScript() []step {
	tap := func(field, value string, stored map[string]string) step {
		return step{kind: kindTap, data: "f:" + field + ":" + value, field: field, stored: stored}
	}
	text := func(field, typed, stored string) step {
		return step{kind: kindText, text: typed, field: field, stored: map[string]string{field: stored}}
	}
	one := func(field, value string) map[string]string { return map[string]string{field: value} }
	yes, no := form.Yes, form.No
	stages := map[string]string{}
	for i, item := range form.Stages {
		stages[item] = no
		if i == 0 {
			stages[item] = yes
		}
	}
	s := []step{
		{kind: kindStart, text: "/start"},
		{kind: kindTap, data: "lang:ky"},
		{kind: kindTap, data: "consent:yes"},
		text("full_name", "Асанова Айгүл", "Асанова Айгүл"),
		text("birth_date", "15.03.1990", "1990-03-15"),
		tap("lives_in_village", yes, one("lives_in_village", yes)),
		tap("oblast", "osh", one("oblast", "osh")),
		text("district", "Ноокат", "Ноокат"),
		text("aiyl_okmotu", "Гүлистан", "Гүлистан"),
		text("village", "Гүлистан", "Гүлистан"),
		text("workplace", "Иштебейм", "Иштебейм"),
		tap("similar_school", no, one("similar_school", no)),
		text("phone", "0700123456", "+996700123456"),
		tap("whatsapp", "same", one("whatsapp", "+996700123456")),
		tap("email", "skip", one("email", "")),
		tap("lsg_experience", no, one("lsg_experience", no)),
		tap("community_experience", no, one("community_experience", no)),
		tap("support_group", no, one("support_group", no)),
		tap("ready_active", yes, one("ready_active", yes)),
		tap("ready_self_study", yes, one("ready_self_study", yes)),
		tap("ready_organise", yes, one("ready_organise", yes)),
		tap("ready_free_time", yes, one("ready_free_time", yes)),
		tap("stages", "t0", nil),
		tap("stages", "done", stages),
		{kind: kindText, text: essay, field: "essay"},
		tap("essay", "done", one("essay", essay)),
		{kind: kindTap, data: "sum:submit", field: "summary"},
	}
	s[22].pending = form.Stages[0]
	s[24].pending = essay
	return s
}

// marker is what a call of the bot must carry to show that she can take
// her next step: the button she will tap, or the question she will answer.
type marker struct {
	data   string // a button with this callback data, in any call
	suffix string // a sendMessage whose text ends so
	any    bool   // any sendMessage (the end of the dialogue)
}

func (m marker) String() string {
	switch {
	case m.data != "":
		return fmt.Sprintf("a button %q", m.data)
	case m.suffix != "":
		return fmt.Sprintf("a message ending %q", clip(m.suffix, 40))
	}
	return "any message"
}

func (m marker) matches(ev event) bool {
	switch {
	case m.data != "":
		return strings.Contains(ev.markup, `"callback_data":"`+m.data+`"`)
	case m.suffix != "":
		return ev.method == "sendMessage" && strings.HasSuffix(ev.text, m.suffix)
	}
	return ev.method == "sendMessage"
}

// markers returns, for each position p of the script, what the bot must
// have sent before step p can be taken; markers[len(script)] is the end.
func markers() ([]marker, error) {
	texts, err := locales.New(slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		return nil, err
	}
	out := make([]marker, len(script)+1)
	for p, s := range script {
		switch s.kind {
		case kindTap:
			out[p] = marker{data: s.data}
		case kindText:
			out[p] = marker{suffix: texts.Text("ky", "form."+s.field+".ask", nil)}
		}
	}
	out[len(script)] = marker{any: true}
	return out, nil
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// storedState is a woman stopped before script step p (1 <= p <=
// len(script)-1) as the bot stores her: the user, and her draft from p 3
// on. p == len(script) is a submitted application.
func storedState(id int64, p int, at time.Time) (store.User, *store.Application) {
	u := store.User{ID: id, FirstName: "Айгүл", LangCode: "ky", CreatedAt: at, Step: "language"}
	if p == 1 {
		return u, nil
	}
	u.Language, u.Step = "ky", "consent"
	if p == 2 {
		return u, nil
	}
	u.ConsentAt = at
	d := &store.Application{UserID: id, Language: "ky", Answers: map[string]string{}, StartedAt: at, UpdatedAt: at}
	for _, s := range script[:p] {
		maps.Copy(d.Answers, s.stored)
		d.Pending = s.pending
		if s.stored != nil {
			d.Pending = ""
		}
	}
	if p == len(script) {
		u.Step = "submitted"
		d.Category = store.Category28Plus // born in 1990
		return u, d
	}
	u.Step = script[p].field
	return u, d
}

// putStored writes the woman id stopped before script step p, as
// storedState has her: a submitted application at the end of the
// script, a draft on the way.
func putStored(tx *store.Tx, id int64, p int, at time.Time) error {
	u, d := storedState(id, p, at)
	if err := tx.PutUser(u); err != nil {
		return err
	}
	switch {
	case p == len(script):
		_, err := tx.Submit(*d, at)
		return err
	case d != nil:
		return tx.PutDraft(*d)
	}
	return nil
}

// storedPos is where the i-th stored woman is: every fifth submitted, the
// others in turn at every point of the dialogue from 1 to the summary.
func storedPos(i int) int {
	if i%5 == 4 {
		return len(script)
	}
	return 1 + (i-i/5)%(len(script)-1)
}

// storedByPos lists the IDs of n stored women not submitted, by position.
func storedByPos(n int, firstID int64) [][]int64 {
	byPos := make([][]int64, len(script))
	for i := range n {
		if p := storedPos(i); p < len(script) {
			byPos[p] = append(byPos[p], firstID+int64(i))
		}
	}
	return byPos
}

// populate writes n stored women (see storedPos) into a new bbolt file,
// as the bot would have stored them.
func populate(path string, n int, firstID int64) (err error) {
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
	const chunk = 1000
	for lo := 0; lo < n; lo += chunk {
		err := db.Update(func(tx *store.Tx) error {
			for i := lo; i < min(lo+chunk, n); i++ {
				if err := putStored(tx, firstID+int64(i), storedPos(i), at); err != nil {
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
