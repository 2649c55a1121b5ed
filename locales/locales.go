// Package locales holds every text the bot shows a person, in Kyrgyz (ky)
// and Russian (ru), as go-i18n message files embedded in the binary, and
// turns a message key into text in a person's language.
//
// Keys are flat and dot-namespaced ("form.birth_date.ask"). A key missing
// at run time never panics: the other language is tried, then the key
// itself is shown, and the miss is logged, so a typo costs a clumsy line,
// not a crashed dialogue.
package locales

import (
	"embed"
	"fmt"
	"log/slog"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Languages the bot speaks, the school's two: Kyrgyz first, the state language.
var Languages = []string{"ky", "ru"}

// Default is the language used before a person has chosen one and when
// Telegram tells nothing useful about her.
const Default = "ky"

//go:embed active.*.toml
var files embed.FS

// Texts looks up messages. It is safe for concurrent use.
type Texts struct {
	bundle     *i18n.Bundle
	plural     map[string]bool // keys with plural forms (in any language)
	localizers map[string]*i18n.Localizer
	log        *slog.Logger
}

// New loads the embedded message files.
func New(log *slog.Logger) (*Texts, error) {
	bundle := i18n.NewBundle(language.Russian)
	bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	t := &Texts{bundle: bundle, plural: map[string]bool{}, localizers: map[string]*i18n.Localizer{}, log: log}
	for _, lang := range Languages {
		name := "active." + lang + ".toml"
		if _, err := bundle.LoadMessageFileFS(files, name); err != nil {
			return nil, fmt.Errorf("load %s messages: %w", lang, err)
		}
		if err := t.notePlurals(name); err != nil {
			return nil, fmt.Errorf("load %s messages: %w", lang, err)
		}
		t.localizers[lang] = i18n.NewLocalizer(bundle, lang)
	}
	return t, nil
}

// Supported reports whether lang is one of Languages.
func Supported(lang string) bool { return lang == "ky" || lang == "ru" }

// Guess picks a language from Telegram's language_code.
func Guess(code string) string {
	if len(code) >= 2 && Supported(code[:2]) {
		return code[:2]
	}
	return Default
}

// notePlurals records which keys of an embedded file have plural forms (a
// table of one/few/many/other rather than a plain string).
func (t *Texts) notePlurals(name string) error {
	raw, err := files.ReadFile(name)
	if err != nil {
		return err
	}
	var msgs map[string]any
	if err := toml.Unmarshal(raw, &msgs); err != nil {
		return err
	}
	for key, v := range msgs {
		if _, ok := v.(map[string]any); ok {
			t.plural[key] = true
		}
	}
	return nil
}

// Text returns message key in lang, filled with data (a map or struct whose
// fields the message's {{.Placeholders}} name). When the message has plural
// forms and data is a map with a "Count" that is an int or a number written
// as a string ("1.5" points), the form agrees with Count ("1 получатель",
// "3 получателя", "5 получателей", "1.5 балла"), as with Plural, so a caller
// that passes its number as Count gets agreement without knowing which
// messages are plural.
func (t *Texts) Text(lang, key string, data any) string {
	cfg := &i18n.LocalizeConfig{MessageID: key, TemplateData: data}
	if m, ok := data.(map[string]any); ok && t.plural[key] {
		switch n := m["Count"].(type) {
		case int, string:
			cfg.PluralCount = n
		}
	}
	return t.localize(lang, cfg)
}

// Plural returns message key in lang in the plural form for count; the
// message sees count as {{.Count}} besides data's fields when data is a map.
func (t *Texts) Plural(lang, key string, count int, data map[string]any) string {
	if data == nil {
		data = map[string]any{}
	}
	data["Count"] = count
	return t.localize(lang, &i18n.LocalizeConfig{MessageID: key, PluralCount: count, TemplateData: data})
}

func (t *Texts) localize(lang string, cfg *i18n.LocalizeConfig) string {
	loc, ok := t.localizers[lang]
	if !ok {
		loc = t.localizers[Default]
	}
	s, err := loc.Localize(cfg)
	if err == nil {
		return s
	}
	t.log.Error("missing or broken message", "key", cfg.MessageID, "lang", lang, "err", err)
	for _, other := range Languages {
		if s, err := t.localizers[other].Localize(cfg); err == nil {
			return s
		}
	}
	return cfg.MessageID
}
