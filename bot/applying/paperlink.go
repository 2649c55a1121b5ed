package applying

import (
	"github.com/mentorbot/mentorbot/bot"
	"github.com/mentorbot/mentorbot/bot/dialogue"
	"github.com/mentorbot/mentorbot/bot/form"
	"github.com/mentorbot/mentorbot/store"
)

// A woman whose application came on paper or by e-mail need not answer
// the form to find it: the form's intro carries "📄 I already sent my
// form", which asks her, as a small dialogue over the form, to share her
// own number with her phone's contact button. The intro comes after the
// consent, so she has agreed before anything of hers is linked and kept,
// as for the form. Her own contact with the number of an application
// nobody is linked to yet links it (linkByContact, the Input hook, which
// ends this dialogue and the form under it); any other own contact finds
// nothing, and she is told so kindly, with /ask and a button to the form.
// A typed number or someone else's contact card is refused: anyone can
// type a number, and only Telegram's own contact button proves it is
// hers.

// The dialogue's name, its steps and the intro's button ("plink:start").
const (
	paperLinkDialogue = "paper_link"
	prefixPaperLink   = "plink"
	stepLinkContact   = "contact"
	stepLinkNone      = "none"
)

// paperLinkFlow is her way to an application entered on her behalf.
var paperLinkFlow = &dialogue.Dialogue{
	Name:    paperLinkDialogue,
	Version: 1,
	Steps: []dialogue.Step{
		{ID: stepLinkContact, Takes: dialogue.Phone, Share: "form.phone.share", Ask: "paperlink.ask", Parse: readOwnContact,
			Taken: func(c *dialogue.Context, phone string) error {
				// Nothing has her number (a match is linked before the
				// dialogue sees it): the contact keyboard did its job.
				t := bot.TurnOf(c)
				t.Queue(store.Outgoing{Kind: store.KindMessage, ChatID: t.Update.ChatID, RemoveKeyboard: true,
					Text: t.Text("paperlink.none", map[string]any{"Phone": phone})})
				return nil
			}},
		{ID: stepLinkNone, Takes: dialogue.Buttons, Ask: "paperlink.fill_ask",
			Options: func(*dialogue.Context) []dialogue.Option {
				return []dialogue.Option{{Value: "form", Label: "paperlink.fill"}}
			}},
	},
	// The form waits under this dialogue: once it ends, the engine asks
	// her the form's question again.
	Finish: func(*dialogue.Context) error { return nil },
	Left: func(c *dialogue.Context) error {
		t := bot.TurnOf(c)
		t.Queue(store.Outgoing{Kind: store.KindMessage, ChatID: t.Update.ChatID, RemoveKeyboard: true, Text: t.Text("paperlink.left", nil)})
		return nil
	},
	Lost: func(*dialogue.Context) bool { return false }, // nothing typed to lose
}

// introButtons are the buttons under the form's intro.
func introButtons(t *bot.Turn) [][]store.Button {
	return [][]store.Button{{t.Button("paperlink.button", prefixPaperLink+":start")}}
}

// tapPaperLink starts the dialogue over the form: she is put in the form
// first if she is not, so that the form is where she goes on from. A
// woman who has not agreed, or who has an application, has nothing to
// link.
func tapPaperLink(t *bot.Turn, _ string) error {
	if t.User.ConsentAt.IsZero() {
		return t.OldButton()
	}
	if _, err := t.Tx.ApplicationOf(t.User.ID); !bot.IsNotFound(err) {
		if err != nil {
			return err
		}
		return t.OldButton()
	}
	t.Toast("")
	d, _, err := t.Dialogues().Current(t.Talk())
	if err != nil {
		return err
	}
	switch {
	case d != nil && d.Name == paperLinkDialogue:
		_, err := t.Dialogues().Reask(t.Talk())
		return err
	case d == nil:
		dr, err := draft(t)
		if err != nil {
			return err
		}
		step, path := formPlace(dr.Answers, "")
		if err := t.Dialogues().Place(t.Talk(), formDialogue, step, path, "", false); err != nil {
			return err
		}
	}
	return t.Dialogues().Start(t.Talk(), paperLinkDialogue, nil)
}

// readOwnContact takes only her own contact, shared with the button; a
// typed number or another person's card is refused kindly.
func readOwnContact(c *dialogue.Context) (string, error) {
	switch {
	case c.In.Contact != "" && !c.In.Own:
		return "", &form.Invalid{Key: "paperlink.not_own"}
	case c.In.Contact != "":
		return form.ParsePhone(c.In.Contact)
	}
	return "", &form.Invalid{Key: "paperlink.typed"}
}
