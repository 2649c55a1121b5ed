package telegramtest

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Telegram's limits, counted in UTF-16 code units after entity parsing.
const (
	maxTextLength    = 4096
	maxCaptionLength = 1024
	maxCallbackData  = 64 // bytes
)

// markup is a decoded reply_markup.
type markup struct {
	buttons  [][]Button
	keyboard [][]KeyboardButton
	remove   bool
}

// parseMarkup decodes reply_markup (JSON text) and refuses what Telegram
// refuses: callback_data over 64 bytes and inline buttons without an action.
func parseMarkup(param string) (markup, *Failure) {
	var m markup
	if param == "" {
		return m, nil
	}
	var raw struct {
		InlineKeyboard [][]map[string]json.RawMessage `json:"inline_keyboard"`
		Keyboard       [][]json.RawMessage            `json:"keyboard"`
		RemoveKeyboard bool                           `json:"remove_keyboard"`
	}
	if err := json.Unmarshal([]byte(param), &raw); err != nil {
		return m, badRequest("can't parse reply keyboard markup JSON object")
	}
	for _, row := range raw.InlineKeyboard {
		var buttons []Button
		for _, fields := range row {
			b, f := inlineButton(fields)
			if f != nil {
				return m, f
			}
			buttons = append(buttons, b)
		}
		m.buttons = append(m.buttons, buttons)
	}
	for _, row := range raw.Keyboard {
		var buttons []KeyboardButton
		for _, rawButton := range row {
			buttons = append(buttons, keyboardButton(rawButton))
		}
		m.keyboard = append(m.keyboard, buttons)
	}
	m.remove = raw.RemoveKeyboard
	return m, nil
}

// buttonDecor are the fields of an inline button besides its text that do
// not make it do anything; the spec wants exactly one field other than
// these.
var buttonDecor = map[string]bool{"text": true, "icon_custom_emoji_id": true, "style": true}

func inlineButton(fields map[string]json.RawMessage) (Button, *Failure) {
	var b Button
	json.Unmarshal(fields["text"], &b.Text)
	json.Unmarshal(fields["callback_data"], &b.Data)
	json.Unmarshal(fields["url"], &b.URL)
	actions := 0
	for name := range fields {
		if !buttonDecor[name] {
			actions++
		}
	}
	switch {
	case len(b.Data) > maxCallbackData:
		return b, badRequest("BUTTON_DATA_INVALID")
	case actions == 0:
		return b, badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
	case actions > 1:
		return b, badRequest("can't parse inline keyboard button: exactly one of the optional fields must be used")
	case fields["url"] != nil && !buttonURL(b.URL):
		return b, badRequest("BUTTON_URL_INVALID")
	}
	return b, nil
}

// buttonURL reports whether a URL button's URL is one Telegram opens: an
// http(s) address with a host, or a tg:// link.
func buttonURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		return u.Host != ""
	case "tg":
		return u.Opaque != "" || u.Host != ""
	}
	return false
}

// keyboardButton decodes a reply keyboard button, which may also be a bare
// string (the older API's form).
func keyboardButton(raw json.RawMessage) KeyboardButton {
	var b struct {
		Text           string `json:"text"`
		RequestContact bool   `json:"request_contact"`
	}
	if json.Unmarshal(raw, &b.Text) != nil {
		json.Unmarshal(raw, &b)
	}
	return KeyboardButton{Text: b.Text, RequestContact: b.RequestContact}
}

// inlineMarkup renders buttons as an InlineKeyboardMarkup, or nil (so the
// field is omitted) when there are none.
func inlineMarkup(buttons [][]Button) any {
	if len(buttons) == 0 {
		return nil
	}
	rows := make([][]map[string]string, len(buttons))
	for i, row := range buttons {
		for _, b := range row {
			j := map[string]string{"text": b.Text}
			if b.Data != "" {
				j["callback_data"] = b.Data
			}
			if b.URL != "" {
				j["url"] = b.URL
			}
			rows[i] = append(rows[i], j)
		}
	}
	return map[string]any{"inline_keyboard": rows}
}

// checkText refuses a message text Telegram would refuse: formatting that
// does not parse, nothing left after parsing, or too long.
func checkText(text, mode string, limit int, tooLong string) *Failure {
	if text == "" { // editMessageText with rich_message instead
		return nil
	}
	plain, exact, err := parseEntities(text, mode)
	switch {
	case err != nil:
		return badRequest("can't parse entities: " + err.Error())
	case strings.TrimSpace(plain) == "":
		return badRequest("message text is empty")
	case exact && utf16Len(plain) > limit:
		return badRequest(tooLong)
	}
	return nil
}

// checkCaption is checkText for captions, which may be empty.
func checkCaption(caption, mode string) *Failure {
	plain, exact, err := parseEntities(caption, mode)
	switch {
	case err != nil:
		return badRequest("can't parse entities: " + err.Error())
	case exact && utf16Len(plain) > maxCaptionLength:
		return badRequest("message caption is too long")
	}
	return nil
}

// plainText is the text of an already accepted message without formatting.
func plainText(text, mode string) string {
	plain, _, _ := parseEntities(text, mode)
	return plain
}

// parseEntities returns the text left after formatting. exact is false
// when the plain text is only approximated (Markdown modes: the raw text).
func parseEntities(text, mode string) (plain string, exact bool, err error) {
	switch mode {
	case "":
		return text, true, nil
	case "HTML":
		plain, err := parseHTML(text)
		return plain, true, err
	case "MarkdownV2":
		return text, false, checkMarkdownV2(text)
	case "Markdown":
		return text, false, nil
	}
	return text, true, fmt.Errorf("unsupported parse mode %q", mode)
}

// htmlTags are the tags Telegram's HTML style knows.
var htmlTags = map[string]bool{
	"b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true,
	"s": true, "strike": true, "del": true, "span": true, "tg-spoiler": true,
	"a": true, "tg-emoji": true, "code": true, "pre": true, "blockquote": true, "tg-time": true,
}

// numericEntity matches the numeric character references Telegram decodes;
// of the named ones it knows only &lt; &gt; &amp; and &quot;.
var numericEntity = regexp.MustCompile(`^&#(?:[0-9]+|[xX][0-9a-fA-F]+);`)

var namedEntities = map[string]string{"&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": `"`}

// parseHTML checks Telegram's HTML formatting and returns the plain text.
// The common bug it catches: user input with a bare "<" sent with parse
// mode HTML. Error texts follow Telegram's wording.
func parseHTML(text string) (string, error) {
	var out strings.Builder
	var open []string
	for i := 0; i < len(text); {
		switch text[i] {
		case '<':
			end := strings.IndexByte(text[i:], '>')
			if end < 0 {
				return "", fmt.Errorf("Unclosed start tag at byte offset %d", i)
			}
			tag := text[i+1 : i+end]
			var err error
			if open, err = applyTag(open, tag, i); err != nil {
				return "", err
			}
			i += end + 1
		case '&':
			n, s := htmlEntity(text[i:])
			out.WriteString(s)
			i += n
		default:
			out.WriteByte(text[i])
			i++
		}
	}
	if len(open) > 0 {
		return "", fmt.Errorf("Can't find end tag corresponding to start tag %q", open[len(open)-1])
	}
	return out.String(), nil
}

// applyTag pushes a start tag on the stack of open tags or pops the
// matching end tag.
func applyTag(open []string, tag string, offset int) ([]string, error) {
	if name, ok := strings.CutPrefix(tag, "/"); ok {
		name = strings.ToLower(strings.TrimSpace(name))
		if len(open) == 0 {
			return nil, fmt.Errorf("Unexpected end tag at byte offset %d", offset)
		}
		if want := open[len(open)-1]; name != want {
			return nil, fmt.Errorf("Unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", offset, want, name)
		}
		return open[:len(open)-1], nil
	}
	name, _, _ := strings.Cut(strings.TrimSpace(tag), " ")
	name = strings.ToLower(name)
	if !htmlTags[name] {
		return nil, fmt.Errorf("Unsupported start tag %q at byte offset %d", name, offset)
	}
	return append(open, name), nil
}

// htmlEntity decodes the entity at the start of s, returning the bytes it
// takes and its text; an unknown one stays literal text.
func htmlEntity(s string) (int, string) {
	if m := numericEntity.FindString(s); m != "" {
		digits := strings.Trim(m, "&#;")
		base := 10
		if digits[0] == 'x' || digits[0] == 'X' {
			digits, base = digits[1:], 16
		}
		if r, err := strconv.ParseInt(digits, base, 32); err == nil && utf8.ValidRune(rune(r)) {
			return len(m), string(rune(r))
		}
	}
	for name, value := range namedEntities {
		if strings.HasPrefix(s, name) {
			return len(name), value
		}
	}
	return 1, "&"
}

// markdownReserved are the MarkdownV2 characters that never start
// formatting, so an unescaped one is always an error; Telegram's answer
// reads "Character '.' is reserved and must be escaped with the preceding
// '\'".
const markdownReserved = "#+-={}.!()"

// checkMarkdownV2 finds an unescaped reserved character outside code and
// link URLs, the usual MarkdownV2 bug (a "." or "-" in user input).
func checkMarkdownV2(text string) error {
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c == '\\':
			i++ // the escaped character
		case c == '`':
			fence := "`"
			if strings.HasPrefix(text[i:], "```") {
				fence = "```"
			}
			end := strings.Index(text[i+len(fence):], fence)
			if end < 0 {
				return fmt.Errorf("Can't find end of %s entity at byte offset %d", codeKind(fence), i)
			}
			i += len(fence) + end + len(fence) - 1
		case c == ']' && strings.HasPrefix(text[i:], "]("):
			end := strings.IndexByte(text[i:], ')')
			if end < 0 {
				return fmt.Errorf("Can't find end of a URL at byte offset %d", i+1)
			}
			i += end
		case c == '!' && strings.HasPrefix(text[i:], "!["): // custom emoji
		case strings.IndexByte(markdownReserved, c) >= 0:
			return fmt.Errorf("Character '%c' is reserved and must be escaped with the preceding '\\'", c)
		}
	}
	return nil
}

func codeKind(fence string) string {
	if fence == "```" {
		return "Pre"
	}
	return "Code"
}

func utf16Len(s string) int {
	return len(utf16.Encode([]rune(s)))
}

// badRequest is a 400 answer; desc is Telegram's text after "Bad Request: ".
func badRequest(desc string) *Failure {
	f := BadRequest("Bad Request: " + desc)
	return &f
}
