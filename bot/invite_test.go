package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mentorbot/mentorbot/store"
)

func TestInvites(t *testing.T) {
	h := newHarness(t)
	staff := &person{h: h, user: staffUser}

	// Staff pick the role with a button when they do not name it.
	staff.says("/invite")
	staff.taps(h.text("ru", "role.mentor", nil))
	link := inviteLink.FindStringSubmatch(strings.Join(staff.news(), "\n"))
	if link == nil {
		t.Fatal("no link after picking the role")
	}
	mentor := h.person(9201, "ru")
	mentor.says("/start " + link[1])
	if !userOf(t, h, mentor.user.ID).HasRole(store.RoleMentor) {
		t.Fatal("invitation gave no role")
	}

	t.Run("Reused", func(t *testing.T) {
		other := h.person(9202, "ky")
		other.says("/start " + link[1])
		if got := other.news(); len(got) == 0 || got[0] != h.text("ky", "invite.invalid", nil) {
			t.Errorf("reused link: %q", got)
		}
		err := h.db.View(func(tx *store.Tx) error {
			u, err := tx.User(other.user.ID)
			if err == nil && len(u.Roles) > 0 {
				t.Errorf("reused link gave roles %v", u.Roles)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
	t.Run("Expired", func(t *testing.T) {
		code := invite(t, staff, "commission")
		h.clock.Set(today.Add(7*24*time.Hour + time.Minute))
		defer h.clock.Set(today)
		late := h.person(9203, "ru")
		late.says("/start " + code)
		if got := late.news(); len(got) == 0 || got[0] != h.text("ru", "invite.invalid", nil) {
			t.Errorf("expired link: %q", got)
		}
		if userOf(t, h, late.user.ID).HasRole(store.RoleCommission) {
			t.Error("expired link gave the role")
		}
	})
	t.Run("Forged", func(t *testing.T) {
		p := h.person(9204, "ru")
		p.says("/start inv_aaaaaaaaaaaaaaaaaaaa")
		if got := p.news(); len(got) == 0 || got[0] != h.text("ru", "invite.invalid", nil) {
			t.Errorf("forged link: %q", got)
		}
	})
	t.Run("MentorCannotScore", func(t *testing.T) {
		mentor.news()
		mentor.says("/score")
		mentor.expect(h.text("ru", "access.denied", nil))
		mentor.says("/invite commission")
		mentor.expect(h.text("ru", "access.denied", nil))
	})

	staff.says("/people")
	people := strings.Join(staff.news(), "\n")
	if !strings.Contains(people, "Наставники (1)\n• Айгүл — 9201") || !strings.Contains(people, "Сотрудники (1)\n• Altynai — 900") {
		t.Errorf("people:\n%s", people)
	}
	staff.says("/revoke 9201 mentor")
	staff.expect(h.text("ru", "revoke.done", map[string]any{"Name": "Айгүл", "ID": 9201, "Role": h.text("ru", "role.mentor", nil)}))
	if userOf(t, h, mentor.user.ID).HasRole(store.RoleMentor) {
		t.Error("role not revoked")
	}
	staff.says("/revoke 9201 mentor")
	staff.expect(h.text("ru", "revoke.none", map[string]any{"ID": 9201, "Role": h.text("ru", "role.mentor", nil)}))
	staff.says("/revoke nobody")
	staff.expect(h.text("ru", "revoke.usage", nil))
}

func TestMaskEditedByStaff(t *testing.T) {
	h := newHarness(t)
	apply(t, h, applicant{9301, "ru", "Иванова Гульнара Петровна", "01.06.1985", "Кун-Туу"})
	staff := &person{h: h, user: staffUser}
	staff.says("/mask A-001")
	shown := strings.Join(staff.news(), "\n")
	if !strings.Contains(shown, "Менин атым ▒▒▒. Телефонум ▒▒▒.") {
		t.Fatalf("masked copy:\n%s", shown)
	}
	staff.taps("✏️ " + h.text("ru", "form.essay.label", nil))
	staff.says("Айылыбызда таза суу жок, мен аны чечким келет.")
	staff.expect(h.text("ru", "mask.send", map[string]any{"Code": "A-001", "Field": h.text("ru", "form.essay.label", nil)}),
		h.text("ru", "mask.saved", map[string]any{"Code": "A-001"}))

	// The commission sees the edit; staff still see the original.
	member := h.person(9302, "ru")
	member.says("/start " + invite(t, staff, "commission"))
	h.clock.Set(deadline.Add(time.Hour))
	staff.says("/scoring")
	staff.taps(h.text("ru", "scoring.open", nil))
	member.news()
	member.says("/score")
	view := strings.Join(member.news(), "\n")
	if !strings.Contains(view, "Айылыбызда таза суу жок, мен аны чечким келет.") || strings.Contains(view, "Менин атым") {
		t.Errorf("the commission sees:\n%s", view)
	}
	staff.says("/application A-001")
	if got := strings.Join(staff.news(), "\n"); !strings.Contains(got, "Менин атым Гульнара. Телефонум 0700 12-34-01.") {
		t.Errorf("staff lost the original:\n%s", got)
	}
}
