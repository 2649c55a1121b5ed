package locales_test

import (
	"bytes"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/mentorbot/mentorbot/locales"
)

// pluralForms are the CLDR plural categories each language needs.
var pluralForms = map[string][]string{
	"ky": {"one", "other"},
	"ru": {"few", "many", "one", "other"},
}

// load reads a message file as key -> forms (a plain message has "other").
func load(t *testing.T, lang string) map[string]map[string]string {
	t.Helper()
	var raw map[string]any
	if _, err := toml.DecodeFile("active."+lang+".toml", &raw); err != nil {
		t.Fatalf("decode %s: %v", lang, err)
	}
	msgs := map[string]map[string]string{}
	for key, v := range raw {
		switch v := v.(type) {
		case string:
			msgs[key] = map[string]string{"other": v}
		case map[string]any:
			forms := map[string]string{}
			for form, text := range v {
				s, ok := text.(string)
				if !ok {
					t.Fatalf("%s %s.%s: not a string", lang, key, form)
				}
				forms[form] = s
			}
			msgs[key] = forms
		default:
			t.Fatalf("%s %s: unexpected %T", lang, key, v)
		}
	}
	return msgs
}

var placeholder = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

func placeholders(s string) []string {
	var names []string
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		if !slices.Contains(names, m[1]) {
			names = append(names, m[1])
		}
	}
	slices.Sort(names)
	return names
}

func TestLanguagesHaveTheSameKeys(t *testing.T) {
	ky, ru := load(t, "ky"), load(t, "ru")
	for key := range ky {
		if _, ok := ru[key]; !ok {
			t.Errorf("%s: in ky, missing in ru", key)
		}
	}
	for key := range ru {
		if _, ok := ky[key]; !ok {
			t.Errorf("%s: in ru, missing in ky", key)
		}
	}
}

func TestPlaceholdersMatch(t *testing.T) {
	ky, ru := load(t, "ky"), load(t, "ru")
	for key, kyForms := range ky {
		ruForms, ok := ru[key]
		if !ok {
			continue
		}
		want := placeholders(kyForms["other"])
		for lang, forms := range map[string]map[string]string{"ky": kyForms, "ru": ruForms} {
			for form, text := range forms {
				if got := placeholders(text); !slices.Equal(got, want) {
					t.Errorf("%s (%s, %s): placeholders %v, ky other has %v", key, lang, form, got, want)
				}
			}
		}
	}
}

func TestMessagesAreNotEmptyAndPluralsComplete(t *testing.T) {
	for _, lang := range locales.Languages {
		for key, forms := range load(t, lang) {
			for form, text := range forms {
				if strings.TrimSpace(text) == "" {
					t.Errorf("%s %s.%s: empty", lang, key, form)
				}
			}
			if len(forms) == 1 {
				continue
			}
			var got []string
			for form := range forms {
				got = append(got, form)
			}
			slices.Sort(got)
			if !slices.Equal(got, pluralForms[lang]) {
				t.Errorf("%s %s: plural forms %v, want %v", lang, key, got, pluralForms[lang])
			}
		}
	}
}

func TestText(t *testing.T) {
	var logs bytes.Buffer
	texts, err := locales.New(slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Run("OK", func(t *testing.T) {
		got := texts.Text("ru", "form.phone.saved", map[string]any{"Phone": "+996700123456"})
		if want := "Номер записан: +996700123456"; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	})
	t.Run("PluralRussian", func(t *testing.T) {
		for n, want := range map[int]string{1: "(1 слово)", 3: "(3 слова)", 5: "(5 слов)", 21: "(21 слово)", 1000: "(1000 слов)"} {
			if got := texts.Plural("ru", "summary.words", n, nil); got != want {
				t.Errorf("%d: got %q, want %q", n, got, want)
			}
		}
	})
	t.Run("PluralKyrgyz", func(t *testing.T) {
		if got, want := texts.Plural("ky", "summary.words", 5, nil), "(5 сөз)"; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	})
	t.Run("MissingKeyFallsBackToKeyAndLogs", func(t *testing.T) {
		if got := texts.Text("ky", "no.such.key", nil); got != "no.such.key" {
			t.Errorf("got %q", got)
		}
		if !strings.Contains(logs.String(), "no.such.key") {
			t.Errorf("missing key not logged: %s", logs.String())
		}
	})
	t.Run("UnknownLanguageUsesDefault", func(t *testing.T) {
		if got, want := texts.Text("en", "answer.yes", nil), "Ооба"; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	})
}

func TestGuess(t *testing.T) {
	for code, want := range map[string]string{"ru": "ru", "ru-RU": "ru", "ky": "ky", "en": "ky", "": "ky", "kk": "ky"} {
		if got := locales.Guess(code); got != want {
			t.Errorf("Guess(%q) = %q, want %q", code, got, want)
		}
	}
}
