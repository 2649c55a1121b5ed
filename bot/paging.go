package bot

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/mentorbot/mentorbot/store"
)

// Prefixes of the buttons under a page of a long list, handled here.
const (
	prefixPage     = "pg"  // pg:LIST:N, page N
	prefixListFile = "pgf" // pgf:LIST, the whole list as a file
)

// Staff's long lists (the applications, the ranking, people, broadcasts,
// the audit log) are one message each: a page of rows, ◀ ▶ buttons that
// edit that same message to the previous or next page, and a button that
// sends the whole list as a file. Ten thousand applications are then one
// message, not 150 queued in front of every woman's next question.

// PagedList is one of the long lists: how to show a page of it, and how to
// send all of it as one document.
type PagedList struct {
	Size int // rows on a page: a phone screen, far under Telegram's 4096 characters
	Page func(*Turn, Window) (Page, error)
	File func(*Turn) error
}

// Window is the rows one page shows.
type Window struct {
	Offset, Limit int
	// Mark is the list as it was when first shown, for a list that keeps
	// one (the audit log, which every page tap adds to); 0 is as it is now.
	Mark uint64
}

// Page is one page as its list renders it.
type Page struct {
	Text    string
	Buttons [][]store.Button // the list's own, above the paging buttons
	Total   int              // rows in the whole list
	Mark    uint64           // for the next pages; 0 for a list that keeps none
}

// FirstPage is the command that shows a list: its first page, as a new
// message.
func FirstPage(name string) func(*Turn) error {
	return func(t *Turn) error { return t.ShowPage(name, 1, 0) }
}

// ShowPage shows page n of a list (from 1): a new message for a command,
// the tapped message edited for a page button. A page past the end, from
// an old button on a list that shrank, shows the last page.
func (t *Turn) ShowPage(name string, n int, mark uint64) error {
	l := t.bot.routes.lists[name]
	n = max(n, 1)
	p, err := l.Page(t, Window{Offset: (n - 1) * l.Size, Limit: l.Size, Mark: mark})
	if err != nil {
		return err
	}
	if last := pageCount(p.Total, l.Size); n > last {
		n = last
		if p, err = l.Page(t, Window{Offset: (n - 1) * l.Size, Limit: l.Size, Mark: mark}); err != nil {
			return err
		}
	}
	text, buttons := t.pageView(name, n, p, l.Size)
	if t.Update.CallbackID != "" {
		t.Edit(text, buttons)
		return nil
	}
	t.Send(text, buttons)
	return nil
}

// pageView adds the page mark "2/17", the ◀ ▶ buttons and the file button
// to a page.
func (t *Turn) pageView(name string, n int, p Page, size int) (string, [][]store.Button) {
	text, buttons := p.Text, p.Buttons
	pages := pageCount(p.Total, size)
	if pages > 1 {
		text += "\n\n" + t.Text("list.page", map[string]any{"N": n, "Of": pages})
		var nav []store.Button
		if n > 1 {
			nav = append(nav, store.Button{Text: "◀", Data: pageData(name, n-1, p.Mark)})
		}
		if n < pages {
			nav = append(nav, store.Button{Text: "▶", Data: pageData(name, n+1, p.Mark)})
		}
		buttons = append(buttons, nav)
	}
	if p.Total > 0 {
		buttons = append(buttons, []store.Button{t.Button("list.file", prefixListFile+":"+name)})
	}
	if !Fits(text, MaxMessage) {
		// A page is far shorter; this keeps an edit from being refused.
		text = text[:prefixWithin(text, MaxMessage-1)] + "…"
	}
	return text, buttons
}

// pageCount is how many pages total rows take: at least one, which says
// the list is empty.
func pageCount(total, size int) int { return max(1, (total+size-1)/size) }

// pageData is a page button's data: "pg:apps:3", "pg:audit:2:1234".
func pageData(name string, n int, mark uint64) string {
	if mark == 0 {
		return fmt.Sprintf(prefixPage+":%s:%d", name, n)
	}
	return fmt.Sprintf(prefixPage+":%s:%d:%d", name, n, mark)
}

// tapPage handles ◀ and ▶: "apps:3", "audit:2:1234".
func (t *Turn) tapPage(args string) error {
	parts := strings.Split(args, ":")
	if _, ok := t.bot.routes.lists[parts[0]]; !ok || len(parts) < 2 || len(parts) > 3 {
		return t.OldButton()
	}
	n, err := strconv.Atoi(parts[1])
	if err != nil {
		return t.OldButton()
	}
	var mark uint64
	if len(parts) == 3 {
		if mark, err = strconv.ParseUint(parts[2], 10, 64); err != nil {
			return t.OldButton()
		}
	}
	t.Toast("")
	return t.ShowPage(parts[0], n, mark)
}

// tapListFile sends the whole list as a file; the page stays as it is.
func (t *Turn) tapListFile(name string) error {
	l, ok := t.bot.routes.lists[name]
	if !ok {
		return t.OldButton()
	}
	t.Toast("")
	return l.File(t)
}

// Section is a titled run of rows within a list: the people of one role,
// the ranking of one category.
type Section struct {
	Index    int // in the list's sections
	From, To int // the rows of the section on the page
}

// SectionsOn returns the parts of sections (given by their sizes) that a
// window shows. A section the window starts inside is shown from there,
// so its title can be repeated over the rest. An empty section is shown
// on the page where its rows would start, so its title (with its count
// of 0) is still seen once.
func SectionsOn(sizes []int, w Window) []Section {
	total := 0
	for _, n := range sizes {
		total += n
	}
	end := w.Offset + w.Limit
	var out []Section
	start := 0
	for i, n := range sizes {
		switch {
		case n == 0 && start >= w.Offset && (start < end || start == total):
			out = append(out, Section{Index: i})
		case n > 0 && start < end && start+n > w.Offset:
			out = append(out, Section{Index: i, From: max(w.Offset-start, 0), To: min(end-start, n)})
		}
		start += n
	}
	return out
}
