package store

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// Role is what a person may do in the bot beyond applying.
type Role string

// Roles. A person with no role is an applicant (or a stranger).
const (
	RoleStaff       Role = "staff"
	RoleCommission  Role = "commission"
	RoleMentor      Role = "mentor"
	RoleLawyer      Role = "lawyer"
	RoleParticipant Role = "participant"
	RoleCandidate   Role = "candidate" // registered as a candidate in the local elections
	RoleDeputy      Role = "deputy"    // elected on election day
	RoleHelper      Role = "helper"    // an experienced participant who helps candidates on election day
)

// User is a person who has written to the bot.
type User struct {
	ID        int64  `json:"id"`
	FirstName string `json:"first_name,omitempty"`
	Language  string `json:"language,omitempty"` // "ky" or "ru"; empty until she chose
	// LangCode is what Telegram last said her phone's language is: the
	// guess for messages sent to her before she chose.
	LangCode  string    `json:"lang_code,omitempty"`
	Roles     []Role    `json:"roles,omitempty"`
	ConsentAt time.Time `json:"consent_at,omitzero"` // when she agreed to the processing of her data
	Blocked   bool      `json:"blocked,omitempty"`   // she blocked the bot: send her nothing
	// ForgottenAt is when she had her personal data erased (/forget).
	ForgottenAt time.Time `json:"forgotten_at,omitzero"`
	CreatedAt   time.Time `json:"created_at"`
	// Step is where she is in the dialogue: a form field ID, or one of the
	// bot's own steps. It is what makes /start resume instead of restart.
	Step string `json:"step,omitempty"`
	// Editing is set while she changes one answer from the summary, so
	// the dialogue returns to the summary afterwards.
	Editing bool `json:"editing,omitempty"`
	// Menu names the command menu last queued for her own chat (its
	// language and a digest of its commands); empty while she sees the
	// default menu. The bot compares it with the menu she should see, so a
	// menu is set once per change, not at every update or start.
	Menu string `json:"menu,omitempty"`
	// Source is the start link that brought her (its name), kept from
	// her first /start with one and never changed; "" is direct.
	Source string `json:"source,omitempty"`
}

// HasRole reports whether u has role r.
func (u User) HasRole(r Role) bool { return slices.Contains(u.Roles, r) }

// User returns the user with the given Telegram ID, or ErrNotFound.
func (tx *Tx) User(id int64) (User, error) {
	var u User
	if err := get(tx.tx.Bucket(bucketUsers), idKey(id), &u); err != nil {
		return User{}, fmt.Errorf("user %d: %w", id, err)
	}
	return u, nil
}

// PutUser saves u, and moves her in the index of users by role when her
// roles changed.
func (tx *Tx) PutUser(u User) error {
	users, key := tx.tx.Bucket(bucketUsers), idKey(u.ID)
	had, err := storedRoles(users.Get(key))
	if err != nil {
		return fmt.Errorf("save user %d: read her roles before: %w", u.ID, err)
	}
	if err := put(users, key, u); err != nil {
		return fmt.Errorf("save user %d: %w", u.ID, err)
	}
	if err := reindexRoles(tx.tx.Bucket(bucketRoles), u.ID, had, u.Roles); err != nil {
		return fmt.Errorf("save user %d: %w", u.ID, err)
	}
	return nil
}

// SetBlocked records that the user blocked (or unblocked) the bot. When she
// blocks it, her undelivered messages are dropped: Telegram would refuse them.
func (db *DB) SetBlocked(id int64, blocked bool) error {
	return db.Update(func(tx *Tx) error { return tx.SetBlocked(id, blocked) })
}

// SetBlocked is DB.SetBlocked inside a transaction. Unknown users are
// ignored: there is nothing to record for someone who never wrote.
func (tx *Tx) SetBlocked(id int64, blocked bool) error {
	u, err := tx.User(id)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	u.Blocked = blocked
	if err := tx.PutUser(u); err != nil {
		return err
	}
	if blocked {
		return tx.dropOutgoing(id, Blocked)
	}
	return nil
}
