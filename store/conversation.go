package store

import (
	"fmt"
	"time"
)

// Conversation is where one person is in a dialogue of the bot: which
// dialogue, the step she is on, her answers so far and the steps she came
// through (so Back can return). There is one per person; the dialogue
// engine (bot/dialogue) reads and writes it in the update's transaction.
type Conversation struct {
	UserID int64 `json:"user_id"`
	// Dialogue is the dialogue's name; empty when she is in none.
	Dialogue string `json:"dialogue,omitempty"`
	// Version is the dialogue's version when she started it: a dialogue
	// whose steps changed incompatibly starts again rather than guess.
	Version int               `json:"version,omitempty"`
	Step    string            `json:"step,omitempty"`
	Answers map[string]string `json:"answers,omitempty"`
	// Path is the steps answered, in order: Back returns to the last.
	Path []string `json:"path,omitempty"`
	// Asked counts every question asked her, over all her dialogues: a
	// button carries the count it was asked with, so a button from an
	// earlier question or an ended dialogue is told from a current one.
	Asked int `json:"asked"`
	// Leaving is set while she is asked whether to leave the dialogue
	// (what she typed would be lost).
	Leaving bool `json:"leaving,omitempty"`
	// Aside is set when she typed a command in the middle of it: her
	// next text is not taken as an answer until she says to go on.
	Aside bool `json:"aside,omitempty"`
	// Partial is an answer being built over several messages or taps on
	// the step PartialOf (an essay's parts, a checklist's ticks); it
	// becomes the step's answer when she says it is done.
	Partial   string `json:"partial,omitempty"`
	PartialOf string `json:"partial_of,omitempty"`
	// Outer is the dialogue she was in when this one started (a tap on
	// a reminder's rating in the middle of her candidacy, say): it goes on
	// where she was once this one ends.
	Outer   *Conversation `json:"outer,omitempty"`
	Started time.Time     `json:"started,omitzero"`
	Updated time.Time     `json:"updated,omitzero"`
}

// Active reports whether she is in a dialogue.
func (c Conversation) Active() bool { return c.Dialogue != "" }

// Conversation returns where userID is in the bot's dialogues; a person
// in none has a Conversation that is not Active.
func (tx *Tx) Conversation(userID int64) (Conversation, error) {
	var c Conversation
	err := get(tx.tx.Bucket(bucketConversations), idKey(userID), &c)
	if isNotFound(err) {
		return Conversation{UserID: userID}, nil
	}
	if err != nil {
		return c, fmt.Errorf("conversation of %d: %w", userID, err)
	}
	return c, nil
}

// PutConversation saves where she is. An ended conversation is kept
// (without its dialogue and answers) for its count of questions asked.
func (tx *Tx) PutConversation(c Conversation) error {
	if !c.Active() {
		c = Conversation{UserID: c.UserID, Asked: c.Asked, Updated: c.Updated}
	}
	if err := put(tx.tx.Bucket(bucketConversations), idKey(c.UserID), c); err != nil {
		return fmt.Errorf("save conversation of %d: %w", c.UserID, err)
	}
	return nil
}
