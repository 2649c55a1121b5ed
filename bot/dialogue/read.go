package dialogue

import (
	"strconv"
	"strings"
	"time"

	"github.com/mentorbot/mentorbot/bot/form"
)

// defaultMax is the longest typed answer taken when a step says nothing.
const defaultMax = form.MaxLong

// read turns what she sent into the answer to s, or refuses it.
func read(c *Context, s *Step) (string, error) {
	answer, err := parse(c, s)
	if err != nil {
		return "", err
	}
	if s.Check != nil {
		if err := s.Check(c, answer); err != nil {
			return "", err
		}
	}
	return answer, nil
}

// Typed is the text she typed, or the kind refusal "input.need_text"
// when she sent a photo, a file or a contact instead: the start of every
// Parse that reads typed words.
func Typed(c *Context) (string, error) {
	if !c.In.Typed || c.In.Media != nil {
		return "", &Refusal{Key: "input.need_text"}
	}
	return c.In.Text, nil
}

func parse(c *Context, s *Step) (string, error) {
	if s.Parse != nil {
		return s.Parse(c)
	}
	in := c.In
	if s.Takes == Phone {
		return readPhone(c)
	}
	switch s.Takes {
	case Media, TextOrMedia:
		if in.Media != nil {
			return in.Media.FileID, nil
		}
		if s.Takes == Media {
			return "", &Refusal{Key: "input.need_media"}
		}
	case Buttons:
		if in.Typed {
			for _, o := range options(c, s) {
				if strings.EqualFold(strings.TrimSpace(in.Text), label(c, o)) {
					return o.Value, nil
				}
			}
		}
		return "", &Refusal{Key: "input.use_buttons"}
	}
	if _, err := Typed(c); err != nil {
		return "", err
	}
	switch s.Takes {
	case Number:
		n, ok := ParseCount(in.Text)
		if !ok {
			return "", &Refusal{Key: "input.need_number"}
		}
		return strconv.Itoa(n), nil
	case Date:
		day, err := form.ParseDate(in.Text, c.Location())
		if err != nil {
			return "", err
		}
		return day.Format(form.DateLayout), nil
	case DateTime:
		at, ok := ParseDateTime(in.Text, c.Location())
		if !ok {
			return "", &Refusal{Key: "input.need_date_time", Data: map[string]any{"Example": c.Now().In(c.Location()).AddDate(0, 0, 7).Format(DateTimeLayout)}}
		}
		return at.UTC().Format(time.RFC3339), nil
	}
	max := s.Max
	if max == 0 {
		max = defaultMax
	}
	return form.CleanText(in.Text, max)
}

// ParseCount reads a whole, non-negative number as people type it:
// "1 234", "1234", "1.234".
func ParseCount(s string) (int, bool) {
	s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", ",", "", ".", "").Replace(strings.TrimSpace(s))
	if s == "" || len(s) > 9 {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 0
}

// DateTimeLayout is how the bot writes a date and time, and the first
// way it reads one.
const DateTimeLayout = "02.01.2006 15:04"

// dateTimeLayouts are the ways a date and time are read: as the bot
// writes them, with the separators phones offer, and ISO.
var dateTimeLayouts = []string{
	DateTimeLayout, "2.1.2006 15:04", "02.01.2006 15.04", "2.1.2006 15.04",
	"02/01/2006 15:04", "2/1/2006 15:04", "02-01-2006 15:04",
	"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04:05", time.RFC3339,
}

// ParseDateTime reads a date and time in loc, as people type one:
// "15.03.2027 15:00" (as the bot writes it), "15.3.2027 15.00",
// "2027-03-15 15:00". Extra spaces are allowed.
func ParseDateTime(s string, loc *time.Location) (time.Time, bool) {
	s = strings.Join(strings.Fields(s), " ")
	for _, layout := range dateTimeLayouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
