package applying

import (
	"errors"
	"strings"

	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/store"
)

// Where applicants come from. Most women in Kyrgyzstan use WhatsApp, so
// applicants arrive from links pasted into WhatsApp groups, Facebook and
// SMS by staff and aiyl okmotu heads. Staff make one start link per
// source (/links NAME: t.me/<bot>?start=src-NAME); a woman who opens one
// keeps its name on her record from her first /start with it, her
// application carries it, and /applications and the export count by it.
// Someone who came without a link is "direct".
var Sources = bot.Feature{
	Commands: []bot.Command{
		{Name: "links", Roles: bot.StaffOnly, Run: links, Help: true, Menu: true},
	},
	Start: func(t *bot.Turn, payload string) (bool, error) { return false, noteArrival(t, payload) },
}

// sourceLink is the start link of source name.
func sourceLink(t *bot.Turn, name string) string {
	return "https://t.me/" + t.School().BotUsername + "?start=" + store.LinkPrefix + name
}

// links is /links: the list, or with a name a new link.
func links(t *bot.Turn) error {
	if name := strings.TrimSpace(t.Update.Args); name != "" {
		return makeLink(t, name)
	}
	links, err := t.Tx.Links()
	if err != nil {
		return err
	}
	if len(links) == 0 {
		t.Say("staff.links.none", nil)
		return nil
	}
	f, err := t.Tx.Funnel()
	if err != nil {
		return err
	}
	lines := []string{t.Text("staff.links.head", map[string]any{"Count": len(links)})}
	for _, l := range links {
		s := f.BySource[l.Name]
		lines = append(lines, t.Text("staff.links.line", map[string]any{
			"Name": l.Name, "Link": sourceLink(t, l.Name), "Opened": s.Opened, "Submitted": s.Submitted}))
	}
	t.Send(strings.Join(lines, "\n\n")+"\n\n"+t.Text("staff.links.usage", nil), nil)
	return nil
}

// makeLink is /links NAME: a new link for a source, or the one it has.
func makeLink(t *bot.Turn, name string) error {
	err := t.Tx.PutLink(store.Link{Name: name, CreatedBy: t.User.ID, CreatedAt: t.Now})
	data := map[string]any{"Name": name, "Link": sourceLink(t, name)}
	switch {
	case errors.Is(err, store.ErrBadLinkName):
		t.Say("staff.links.bad_name", nil)
	case errors.Is(err, store.ErrLinkExists):
		t.Say("staff.links.exists", data)
	case err != nil:
		return err
	default:
		t.Log().Info("source link made", "link", name, "by", t.User.ID)
		t.Say("staff.links.made", data)
	}
	return nil
}

// noteArrival follows a /start: the source of a link she opened is kept
// on her record if she has none yet (a payload naming no link staff
// made counts as none), and a woman without a role is counted as having
// opened the bot.
func noteArrival(t *bot.Turn, payload string) error {
	if name, ok := strings.CutPrefix(payload, store.LinkPrefix); ok && t.User.Source == "" {
		_, err := t.Tx.Link(name)
		switch {
		case err == nil:
			t.User.Source = name
		case !bot.IsNotFound(err):
			return err
		default:
			t.Log().Info("start link of no source", "user_id", t.User.ID)
		}
	}
	if len(t.User.Roles) > 0 || t.IsStaff() {
		return nil
	}
	return t.Tx.NoteOpened(t.User.ID, t.User.Source)
}

// sourcesHead is the head of /applications' first page: the reminders'
// counts and the counts per source; "" while nobody has come.
func sourcesHead(t *bot.Turn) (string, error) {
	f, err := t.Tx.Funnel()
	if err != nil || (f.Started == 0 && len(f.BySource) == 0) {
		return "", err
	}
	lines := []string{t.Text("staff.applications.funnel", map[string]any{
		"Started": f.Started, "Submitted": f.Submitted, "Reminded": f.Reminded, "CameBack": f.CameBack})}
	if len(f.BySource) > 0 {
		lines = append(lines, t.Text("staff.applications.sources", nil))
	}
	names := f.Sources()
	for _, name := range names[:min(len(names), headSources)] {
		s := f.BySource[name]
		lines = append(lines, t.Text("staff.applications.source", map[string]any{
			"Source": name, "Opened": s.Opened, "Started": s.Started, "Submitted": s.Submitted,
			"Older": s.ByCategory[store.Category28Plus], "Younger": s.ByCategory[store.CategoryUnder28]}))
	}
	if len(names) > headSources {
		lines = append(lines, t.Text("staff.applications.sources_more", map[string]any{"Count": len(names) - headSources}))
	}
	return strings.Join(lines, "\n"), nil
}

// headSources is how many sources the head of /applications shows, those
// with the most submissions: a page stays one phone screen.
const headSources = 10
