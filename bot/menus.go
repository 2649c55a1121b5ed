package bot

import (
	"fmt"
	"hash/fnv"
	"slices"

	"github.com/mentorbot/mentorbot/locales"
	"github.com/mentorbot/mentorbot/store"
)

// Command menus per person. Everyone sees the default menu (Menu), set at
// start for every chat. Someone with commands of her own (staff, the
// commission, mentors, lawyers, participants, candidates, helpers) gets
// a menu for her own chat, in her language: her commands first, then
// everyone's. It is queued in the outbox (store.KindMenu) in the same
// transaction as the change that calls for it, so it survives a restart
// and is retried like a message, but never holds up her replies.
//
// User.Menu remembers which menu was last queued for her: a menu is
// queued when what she should see differs from it, that is when a role
// is granted or ends, when she changes her language, and at start for
// every role holder (SyncMenus) after a release changed the menus.

// menuDigest names a menu: its language and a digest of its lines; empty
// for the default menu.
func menuDigest(lang string, cmds []store.MenuCommand) string {
	if cmds == nil {
		return ""
	}
	h := fnv.New64a()
	for _, c := range cmds {
		fmt.Fprintf(h, "%s\x00%s\x00", c.Name, c.Description)
	}
	return fmt.Sprintf("%s:%016x", lang, h.Sum64())
}

// menuChange returns the call that gives u the menu she should see now,
// if it is not the one last queued for her, and records it in u.Menu:
// her own menu, or the deletion of her chat's menu when the default is
// hers again. Nothing for someone who blocked the bot: her menu is
// brought up to date once she writes again.
func (b *Bot) menuChange(u *store.User) (store.Outgoing, bool) {
	if u.Blocked || u.ID == 0 || u.Menu == "" && len(u.Roles) == 0 && !slices.Contains(b.StaffIDs, u.ID) {
		return store.Outgoing{}, false // a newcomer: the default menu is hers
	}
	lang := u.Language
	if lang == "" {
		lang = locales.Guess(u.LangCode)
	}
	cmds := b.roleMenu(*u, lang)
	digest := menuDigest(lang, cmds)
	if digest == u.Menu {
		return store.Outgoing{}, false
	}
	u.Menu = digest
	return store.Outgoing{Kind: store.KindMenu, ChatID: u.ID, Lang: lang, Commands: cmds, Lane: store.LaneNotice}, true
}

// updateMenu queues u's menu if it changed.
func (t *Turn) updateMenu(u *store.User) {
	if m, ok := t.bot.menuChange(u); ok {
		t.Queue(m)
	}
}

// SaveOther saves someone else's record after her roles changed, with
// her menu brought up to date.
func (t *Turn) SaveOther(u *store.User) error {
	t.updateMenu(u)
	return t.Tx.PutUser(*u)
}

// SyncMenus queues, at start, the menu of every role holder and of staff
// named in the config whose menu is not the one she should see: after a
// release changed a menu, or a config change made her staff or no longer
// staff. Staff named in the config who never wrote to the bot get theirs
// with their first message (Telegram would not set a menu for a chat it
// does not know): they have no record to read here.
func (b *Bot) SyncMenus() error {
	queued := 0
	err := b.DB.Update(func(tx *store.Tx) error {
		queued = 0
		holders, err := tx.UsersWithRoles(helpRoles...)
		if err != nil {
			return err
		}
		seen := map[int64]bool{}
		var out []store.Outgoing
		for _, u := range holders {
			seen[u.ID] = true
			if m, ok := b.menuChange(&u); ok {
				m.Lane = store.LaneBulk
				out = append(out, m)
				if err := tx.PutUser(u); err != nil {
					return err
				}
			}
		}
		// Someone with a menu of her own and no role now was staff by the
		// config until it changed: her staff menu is deleted now, not at
		// her next message. Reading every user once at start is cheap next
		// to a menu she may no longer use.
		users, err := tx.Users()
		if err != nil {
			return err
		}
		for _, u := range users {
			if seen[u.ID] || !slices.Contains(b.StaffIDs, u.ID) && u.Menu == "" {
				continue
			}
			if m, ok := b.menuChange(&u); ok {
				m.Lane = store.LaneBulk
				out = append(out, m)
				if err := tx.PutUser(u); err != nil {
					return err
				}
			}
		}
		queued = len(out)
		return tx.Enqueue(b.Now(), out...)
	})
	if err != nil {
		return fmt.Errorf("sync command menus: %w", err)
	}
	if queued > 0 {
		b.Log.Info("command menus queued", "count", queued)
		b.Delivered()
	}
	return nil
}
