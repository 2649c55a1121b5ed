//go:build unix

package main

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/bot/form"
	"github.com/mentorbot/mentorbot/bot/telegramtest"
	"github.com/mentorbot/mentorbot/store"
)

// The flood: twenty women filling in the whole form and ten participants
// asking questions, all at once, driven the way their phones would: a
// woman types whenever she likes (the bot reads her messages in order),
// but taps a button only once it is on her screen, on the bot's newest
// message that carries it. The taps therefore name real messages, and the
// bot's edits of them (an answer marked, a checklist ticked) are made, so
// they can be compared with the golden run's.

// crashStep is one update: a text, or a tap on the button with data.
type crashStep struct {
	user telegramtest.User
	text string
	data string
	// offers is how many of the bot's messages in her chat must have
	// carried the button before she taps it (on the newest of them):
	// 1 for most, 2 for the Done under the second part of her essay or
	// the queue buttons of her second /ask.
	offers int
}

// crashApplicant is one woman's whole application, and what must be stored.
type crashApplicant struct {
	user    telegramtest.User
	lang    string
	steps   []crashStep
	answers map[string]string
}

func newCrashApplicant(i int) crashApplicant {
	lang := []string{"ky", "ru"}[i%2]
	yes, no := map[string]string{"ky": "ооба", "ru": "да"}[lang], map[string]string{"ky": "жок", "ru": "нет"}[lang]
	a := crashApplicant{
		user:    telegramtest.User{ID: crashFirstApplicant + int64(i), FirstName: "Айгүл", LanguageCode: lang},
		lang:    lang,
		answers: map[string]string{},
	}
	text := func(s string) { a.steps = append(a.steps, crashStep{user: a.user, text: s}) }
	tapN := func(data string, offers int) {
		a.steps = append(a.steps, crashStep{user: a.user, data: data, offers: offers})
	}
	tap := func(data string) { tapN(data, 1) }
	// yesNo answers a yes/no question by button or by typing, by turns.
	yesNo := func(field string, answer bool, byButton bool) {
		v, word := form.No, no
		if answer {
			v, word = form.Yes, yes
		}
		if byButton {
			tap("f:" + field + ":" + v)
		} else {
			text(word)
		}
		a.answers[field] = v
	}

	text("/start")
	tap("lang:" + lang)
	tap("consent:yes")
	text(fmt.Sprintf("Асанова Айгүл %d", i+1))
	a.answers["full_name"] = fmt.Sprintf("Асанова Айгүл %d", i+1)
	a.answers["sex"] = "female" // not asked: the form records it
	day, month, year := 1+i%28, 1+i%12, 1970+i
	text(fmt.Sprintf("%02d.%02d.%d", day, month, year))
	a.answers["birth_date"] = fmt.Sprintf("%d-%02d-%02d", year, month, day)
	yesNo("lives_in_village", true, i%2 == 0)
	oblast := form.Oblasts[i%len(form.Oblasts)]
	tap("f:oblast:" + oblast)
	a.answers["oblast"] = oblast
	for _, f := range []struct{ id, value string }{
		{"district", fmt.Sprintf("Район %d", i+1)},
		{"aiyl_okmotu", fmt.Sprintf("Айыл өкмөтү %d", i+1)},
		{"village", fmt.Sprintf("Айыл %d", i+1)},
		{"workplace", fmt.Sprintf("Мугалим, мектеп №%d", i+1)},
	} {
		text(f.value)
		a.answers[f.id] = f.value
	}
	yesNo("similar_school", false, i%3 == 0)
	text(fmt.Sprintf("0700 10 00 %02d", i))
	a.answers["phone"] = fmt.Sprintf("+9967001000%02d", i)
	if i%2 == 0 {
		tap("f:whatsapp:same")
		a.answers["whatsapp"] = a.answers["phone"]
	} else {
		text(fmt.Sprintf("0555 20 00 %02d", i))
		a.answers["whatsapp"] = fmt.Sprintf("+9965552000%02d", i)
	}
	if i%3 == 0 {
		tap("f:email:skip")
		a.answers["email"] = ""
	} else {
		text(fmt.Sprintf("aigul%d@mail.kg", i))
		a.answers["email"] = fmt.Sprintf("aigul%d@mail.kg", i)
	}
	yesNo("lsg_experience", i%2 == 0, true)
	if i%2 == 0 {
		text(fmt.Sprintf("Тажрыйба %d: айыл өкмөтү менен жолду оңдоттук.", i+1))
		a.answers["lsg_experience_text"] = fmt.Sprintf("Тажрыйба %d: айыл өкмөтү менен жолду оңдоттук.", i+1)
	}
	yesNo("community_experience", i%3 == 1, false)
	if i%3 == 1 {
		text(fmt.Sprintf("Аялдар тобу %d", i+1))
		a.answers["community_group_text"] = fmt.Sprintf("Аялдар тобу %d", i+1)
	}
	yesNo("support_group", i%4 == 0, true)
	if i%4 == 0 {
		text(fmt.Sprintf("Кеңеш %d, 12 киши.", i+1))
		a.answers["support_group_text"] = fmt.Sprintf("Кеңеш %d, 12 киши.", i+1)
	}
	yesNo("ready_active", true, true)
	yesNo("ready_self_study", true, false)
	yesNo("ready_organise", true, true)
	yesNo("ready_free_time", i%5 != 0, false)
	// The checklist: three toggles, the third sometimes unticking one of
	// the first two, so a toggle applied twice shows.
	ticked := map[string]bool{}
	for _, n := range []int{0, 4, i % len(form.Stages)} {
		tap(fmt.Sprintf("f:stages:t%d", n))
		ticked[form.Stages[n]] = !ticked[form.Stages[n]]
	}
	tap("f:stages:done")
	for _, item := range form.Stages {
		a.answers[item] = form.No
		if ticked[item] {
			a.answers[item] = form.Yes
		}
	}
	// The essay in two parts: a part handled twice would be there twice.
	// Each part's receipt offers Done; she taps the second's.
	part1 := fmt.Sprintf("Мен депутат болгум келет, анткени %d-айылда таза суу жок.", i+1)
	part2 := fmt.Sprintf("Депутат болсом, суу түтүгүн оңдотом. Эссе %d.", i+1)
	text(part1)
	text(part2)
	tapN("f:essay:done", 2)
	a.answers["essay"] = part1 + "\n\n" + part2
	tap("sum:submit")
	return a
}

// crashQuestion is a question a participant asks, as it must be stored.
type crashQuestion struct {
	userID int64
	kind   store.QuestionKind
	text   string
}

// askerScript is participant i asking her questions: /ask, the queue's
// button (under her k-th /ask's answer), the text.
func askerScript(i int) ([]crashStep, []crashQuestion) {
	user := telegramtest.User{ID: crashFirstParticipant + int64(i), FirstName: "Гүлнара"}
	var steps []crashStep
	var qs []crashQuestion
	for k := range crashQuestionsEach {
		kind := store.KindMentor
		if k%2 == 1 && i%2 == 1 {
			kind = store.KindLawyer
		}
		q := crashQuestion{userID: user.ID, kind: kind, text: fmt.Sprintf("Суроо %d.%d: кол тамгаларды кантип чогултам?", user.ID, k+1)}
		steps = append(steps,
			crashStep{user: user, text: "/ask"},
			crashStep{user: user, data: "ask:" + string(kind), offers: k + 1},
			crashStep{user: user, text: q.text})
		qs = append(qs, q)
	}
	return steps, qs
}

// interleave merges the scripts at random, keeping each one's order.
func interleave(rng *rand.Rand, scripts [][]crashStep) []crashStep {
	var out []crashStep
	pos := make([]int, len(scripts))
	for {
		var open []int
		for i, s := range scripts {
			if pos[i] < len(s) {
				open = append(open, i)
			}
		}
		if len(open) == 0 {
			return out
		}
		i := open[rng.IntN(len(open))]
		out = append(out, scripts[i][pos[i]])
		pos[i]++
	}
}

// phones pushes a flood the way the women's phones would: in the flood's
// order, except that a tap waits until its button is on her screen while
// the other women go on.
type phones struct {
	srv     *telegramtest.Server
	pending []crashStep // in the flood's order, not yet pushed
	// offered is, per chat, the bot's messages that carried each button
	// data when first seen (before any tap on them could change them),
	// in the order sent; seen is the messages already looked at.
	offered map[int64]map[string][]int
	seen    map[int64]int
	// pushed counts the steps pushed; last is the newest update's id;
	// taps are the update ids of the taps pushed.
	pushed int
	last   int
	taps   []int
	// quiet, if set, is waited for before every tap (the golden run: it
	// makes the run deterministic, and checks each tap's offers).
	quiet func() bool
	// wrong collects taps whose button was offered by more messages than
	// the step says (checked in the golden run only).
	wrong []string
}

func newPhones(srv *telegramtest.Server, flood []crashStep) *phones {
	return &phones{srv: srv, pending: slices.Clone(flood), offered: map[int64]map[string][]int{}, seen: map[int64]int{}}
}

func (p *phones) done() bool { return len(p.pending) == 0 }

// step pushes the first pending step that can go now: the next of her
// chat, and, for a tap, with its button shown. It reports false when
// every woman with steps left waits for a button.
func (p *phones) step() bool {
	waiting := map[int64]bool{}
	for i, s := range p.pending {
		if waiting[s.user.ID] {
			continue // not the next step of her chat
		}
		if s.data == "" {
			p.pending = slices.Delete(p.pending, i, i+1)
			p.last = p.srv.SendText(s.user, s.text)
			p.pushed++
			return true
		}
		if p.quiet != nil && !p.quiet() {
			return false
		}
		target, n := p.button(s.user.ID, s.data)
		if n < s.offers {
			waiting[s.user.ID] = true
			continue
		}
		if p.quiet != nil && n != s.offers {
			p.wrong = append(p.wrong, fmt.Sprintf("chat %d: %q offered by %d messages, the script says %d", s.user.ID, s.data, n, s.offers))
		}
		p.pending = slices.Delete(p.pending, i, i+1)
		p.last = p.srv.Tap(s.user, target, s.data)
		p.taps = append(p.taps, p.last)
		p.pushed++
		return true
	}
	return false
}

// waiting describes the taps waiting for their button, for a failure.
func (p *phones) waiting() string {
	var out []string
	heads := map[int64]bool{}
	for _, s := range p.pending {
		if !heads[s.user.ID] {
			heads[s.user.ID] = true
			out = append(out, fmt.Sprintf("%d: %q (%d offered)", s.user.ID, s.data+s.text, len(p.offered[s.user.ID][s.data])))
		}
	}
	return strings.Join(out, "; ")
}

// button is the newest of the bot's messages in the chat that carried a
// button with data, and how many did.
func (p *phones) button(chat int64, data string) (messageID, n int) {
	msgs := p.srv.Messages(chat)
	if p.offered[chat] == nil {
		p.offered[chat] = map[string][]int{}
	}
	for _, m := range msgs {
		if m.ID <= p.seen[chat] {
			continue
		}
		p.seen[chat] = m.ID
		for _, row := range m.Buttons {
			for _, b := range row {
				if b.Data != "" {
					p.offered[chat][b.Data] = append(p.offered[chat][b.Data], m.ID)
				}
			}
		}
	}
	ids := p.offered[chat][data]
	if len(ids) == 0 {
		return 0, 0
	}
	return ids[len(ids)-1], len(ids)
}

// until pushes steps until n are pushed or all are, waiting for buttons
// at most stall at a time and never past deadline; fail is called if a
// button does not come.
func (p *phones) until(n int, stall time.Duration, deadline time.Time, fail func(string)) {
	since := time.Now()
	for p.pushed < n && !p.done() {
		if p.step() {
			since = time.Now()
			continue
		}
		if time.Since(since) > stall || time.Now().After(deadline) {
			fail(fmt.Sprintf("no button for %v after %d steps; waiting: %s", time.Since(since).Round(time.Millisecond), p.pushed, p.waiting()))
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
}
