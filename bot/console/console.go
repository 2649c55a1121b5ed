// Package console runs the bot's handlers in a terminal, with no token and
// no network: a line typed is a message, bot messages print as text, and
// buttons print as numbered choices picked by typing the number or the
// label. The data goes to the same kind of bbolt file as a real run.
package console

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mentorbot/mentorbot/bot/mentoring"

	"github.com/mentorbot/mentorbot/bot/broadcasts"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/bot/delivery"
	"github.com/mentorbot/mentorbot/store"
)

// Personas are the people the console can be, by role; /as switches.
// Each has her own chat, so switching keeps every dialogue where it was.
var Personas = map[string]int64{
	"applicant":   1001,
	"staff":       1002,
	"commission":  1003,
	"mentor":      1004,
	"lawyer":      1005,
	"participant": 1006,
}

// Console is a terminal session with the bot.
type Console struct {
	Bot *bot.Bot
	DB  *store.DB
	// Outbox delivers through Messenger; broadcasts go through it too.
	Outbox *delivery.Outbox
	In     io.Reader
	Out    io.Writer
	// LangCode is what Telegram would report as the user's language.
	LangCode string

	mu       sync.Mutex
	persona  string
	nextMsg  int
	choices  []choice // the buttons of the last message to the current persona
	updateID int
}

// choice is one button the user can pick by number or label.
type choice struct {
	label     string
	data      string // callback data; empty for the share-contact button
	messageID int
	contact   bool
}

// Messenger returns the console's way of delivering the bot's messages.
func (c *Console) Messenger() delivery.Messenger { return messenger{c} }

// Run reads lines until EOF or ctx ends.
func (c *Console) Run(ctx context.Context) error {
	c.persona = "applicant"
	c.updateID = int(time.Now().UnixMicro())
	fmt.Fprintln(c.Out, "mentorbot console. Type as she would; pick a button by its number. /as staff, /as applicant, ... switch role; /quit leaves.")
	fmt.Fprintf(c.Out, "You are: %s\n", c.persona)
	if err := c.send(ctx, bot.Update{Kind: bot.KindText, Text: "/start", Command: "start"}); err != nil {
		return err
	}
	lines := bufio.NewScanner(c.In)
	lines.Buffer(make([]byte, 64*1024), 1024*1024)
	for c.prompt(); lines.Scan(); c.prompt() {
		if ctx.Err() != nil {
			return nil
		}
		line := strings.TrimSpace(lines.Text())
		if line == "/quit" || line == "/exit" {
			return nil
		}
		if err := c.line(ctx, line); err != nil {
			return err
		}
	}
	return lines.Err()
}

func (c *Console) prompt() { fmt.Fprintf(c.Out, "%s> ", c.persona) }

// line turns one typed line into an update.
func (c *Console) line(ctx context.Context, line string) error {
	if role, ok := strings.CutPrefix(line, "/as "); ok || line == "/as" {
		return c.switchTo(ctx, strings.TrimSpace(role))
	}
	if ch, ok := c.pick(line); ok {
		if ch.contact {
			return c.send(ctx, bot.Update{Kind: bot.KindContact, Phone: fmt.Sprintf("+996700%06d", c.userID()), ContactOwner: c.userID()})
		}
		return c.send(ctx, bot.Update{Kind: bot.KindCallback, CallbackID: strconv.Itoa(c.updateID), CallbackData: ch.data, MessageID: ch.messageID})
	}
	u := bot.Update{Kind: bot.KindText, Text: line}
	if name, ok := strings.CutPrefix(line, "/"); ok && name != "" {
		u.Command, u.Args, _ = strings.Cut(name, " ")
	}
	if line == "" {
		return nil
	}
	return c.send(ctx, u)
}

// pick finds the button the line names, by number or by label.
func (c *Console) pick(line string) (choice, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if n, err := strconv.Atoi(line); err == nil && n >= 1 && n <= len(c.choices) {
		return c.choices[n-1], true
	}
	for _, ch := range c.choices {
		if strings.EqualFold(ch.label, line) {
			return ch, true
		}
	}
	return choice{}, false
}

// switchTo becomes another persona, giving her the role in the store.
func (c *Console) switchTo(ctx context.Context, role string) error {
	id, ok := Personas[role]
	if !ok {
		fmt.Fprintln(c.Out, "Roles: applicant, participant, staff, commission, mentor, lawyer")
		return nil
	}
	err := c.DB.Update(func(tx *store.Tx) error {
		u, err := tx.User(id)
		if errors.Is(err, store.ErrNotFound) {
			u, err = store.User{ID: id, FirstName: "Console", CreatedAt: time.Now()}, nil
		}
		if err != nil {
			return err
		}
		if role != "applicant" && !u.HasRole(store.Role(role)) {
			u.Roles = append(u.Roles, store.Role(role))
		}
		return tx.PutUser(u)
	})
	if err != nil {
		return fmt.Errorf("switch to %s: %w", role, err)
	}
	c.mu.Lock()
	c.persona, c.choices = role, nil
	c.mu.Unlock()
	fmt.Fprintf(c.Out, "You are: %s\n", role)
	return c.send(ctx, bot.Update{Kind: bot.KindText, Text: "/start", Command: "start"})
}

func (c *Console) userID() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return Personas[c.persona]
}

// send hands an update from the current persona to the bot and prints
// whatever it answers.
func (c *Console) send(ctx context.Context, u bot.Update) error {
	c.updateID++
	u.ID = c.updateID
	u.UserID = c.userID()
	u.ChatID = u.UserID
	u.Private = true
	u.Name = "Console"
	u.LangCode = c.LangCode
	if u.Kind == bot.KindCallback {
		u.CallbackID = strconv.Itoa(u.ID)
	}
	if err := c.Bot.Handle(ctx, u); err != nil {
		return err
	}
	// What fell due meanwhile, a /backup's copy, a workbook asked for,
	// and any broadcast started, go out now.
	if err := c.Bot.DeliverDue(); err != nil {
		return err
	}
	if err := c.Bot.RunBackupRequests(); err != nil {
		return err
	}
	if err := c.Bot.RunFileJobs(); err != nil {
		return err
	}
	if err := mentoring.ChaseQuestions(c.Bot); err != nil {
		return err
	}
	if err := c.Outbox.Flush(ctx); err != nil {
		return err
	}
	// A broadcast delivered in full is reported to staff now.
	if err := broadcasts.Tend(c.Bot); err != nil {
		return err
	}
	return c.Outbox.Flush(ctx)
}

// messenger prints outgoing messages.
type messenger struct{ c *Console }

func (m messenger) Deliver(_ context.Context, out store.Outgoing) error {
	c := m.c
	c.mu.Lock()
	defer c.mu.Unlock()
	mine := out.ChatID == Personas[c.persona]
	to := ""
	if !mine {
		to = fmt.Sprintf("[to %d] ", out.ChatID)
	}
	switch out.Kind {
	case store.KindMenu:
		return nil // a terminal has no command menu; /help lists the same
	case store.KindCallback:
		if out.Text != "" {
			fmt.Fprintf(c.Out, "  (%s%s)\n", to, out.Text)
		}
		return nil
	case store.KindDocument, store.KindPhoto:
		where := fmt.Sprintf("%d bytes", len(out.Document.Data))
		if out.Document.Path != "" {
			where = out.Document.Path
		}
		fmt.Fprintf(c.Out, "\n%s📎 %s (%s) %s\n", to, out.Document.Name, where, out.Text)
		return nil
	case store.KindMedia:
		fmt.Fprintf(c.Out, "\n%s[%s] %s\n", to, out.Media.Type, out.Text)
		return nil
	case store.KindEdit:
		if out.Text != "" {
			fmt.Fprintf(c.Out, "\n%s(edited) %s\n", to, out.Text)
		}
		if mine && len(out.Buttons) > 0 {
			c.showChoices(out.Buttons, out.MessageID)
		} else if mine && c.choicesOn(out.MessageID) {
			c.choices = nil
		}
		return nil
	}
	c.nextMsg++
	fmt.Fprintf(c.Out, "\n%s%s\n", to, out.Text)
	switch {
	case !mine:
	case out.ContactButton != "":
		// The share button replaces any buttons shown before.
		c.choices = []choice{{label: out.ContactButton, contact: true}}
		fmt.Fprintf(c.Out, "  [1] %s   (or type a number)\n", out.ContactButton)
	case len(out.Buttons) > 0:
		c.showChoices(out.Buttons, c.nextMsg)
	default:
		// A new question without buttons: a typed "1" is an answer now.
		c.choices = nil
	}
	return nil
}

func (c *Console) choicesOn(messageID int) bool {
	return len(c.choices) > 0 && c.choices[0].messageID == messageID
}

// showChoices prints buttons numbered, row by row, and remembers them. A
// link button prints its label and link: a tap would open the address,
// nothing comes back to the bot, so it is no choice.
func (c *Console) showChoices(rows [][]store.Button, messageID int) {
	c.choices = nil
	for _, row := range rows {
		var cells []string
		for _, b := range row {
			if b.URL != "" {
				cells = append(cells, fmt.Sprintf("[%s: %s]", b.Text, b.URL))
				continue
			}
			c.choices = append(c.choices, choice{label: b.Text, data: b.Data, messageID: messageID})
			cells = append(cells, fmt.Sprintf("[%d] %s", len(c.choices), b.Text))
		}
		fmt.Fprintln(c.Out, "  "+strings.Join(cells, "   "))
	}
}
