package form

import (
	"strings"
	"time"
)

// Kind is the kind of answer a field takes, which decides how it is asked.
type Kind int

// Kinds of fields.
const (
	Text      Kind = iota // a short typed answer
	LongText              // a description of several sentences
	YesNo                 // two buttons
	Choice                // one button of Options
	Checklist             // one message of toggles, one per item, and Done
	Date                  // a typed date
	Phone                 // the "share my number" button or a typed number
	WhatsApp              // "same number" button or a typed number
	Email                 // typed, or skipped with a button
	Essay                 // several messages collected until Done
)

// Answer values of yes/no questions and checklist items.
const (
	Yes = "yes"
	No  = "no"
)

// Field is one question of the form.
type Field struct {
	ID      string // answer key, CSV column, and the middle of its message keys
	Number  string // the paper form's number, "1.3"
	Section int
	Kind    Kind
	Max     int      // longest accepted text answer, in characters
	Options []string // Choice: the option IDs, in display order
	Items   []string // Checklist: the answer keys of its items
	// OnlyIf names a YesNo field: this one is asked only when it was "yes".
	OnlyIf string
	// Check refuses an answer that makes her ineligible (already parsed).
	Check func(answer string, r Rules) error
	// Offers, if set, are buttons on a typed question (their IDs, labelled
	// "form.<field>.opt.<id>"): a tap answers the label as if she had
	// typed it, and she may still type. They spare her typing what most
	// women answer (her district, "not working").
	Offers func(answers map[string]string) []string
	// Given, if set, is the answer the form records without asking: the
	// paper form prints it (the school is for women, so "sex" is
	// "female"). It is stored like any answer, for the exports and the
	// commission, but never asked nor counted as a question.
	Given string
}

// Rules are the facts eligibility is judged against.
type Rules struct {
	Deadline time.Time      // the application deadline
	Location *time.Location // the school's time zone, for dates
	Now      time.Time
}

// Limits of text answers, in characters. Telegram caps a message at 4096.
const (
	MaxShort = 200
	MaxLong  = 3000
	// MaxEssayWords is the form's own limit on the motivation essay.
	MaxEssayWords = 1000
)

// Oblasts are the seven regions an applicant picks from. The two cities
// (Bishkek, Osh) are left out on purpose: the school is for villages.
var Oblasts = []string{"batken", "chui", "issyk_kul", "jalal_abad", "naryn", "osh", "talas"}

// Districts are the rural districts (rayons) of each oblast, offered as
// buttons once she picked her oblast.
var Districts = map[string][]string{
	"batken":     {"batken", "kadamjay", "leylek"},
	"chui":       {"alamudun", "jayyl", "kemin", "moskva", "panfilov", "sokuluk", "chui", "ysyk_ata"},
	"issyk_kul":  {"ak_suu", "jeti_oguz", "issyk_kul", "ton", "tup"},
	"jalal_abad": {"aksy", "ala_buka", "bazar_korgon", "nooken", "suzak", "toguz_toro", "toktogul", "chatkal"},
	"naryn":      {"ak_talaa", "at_bashy", "jumgal", "kochkor", "naryn"},
	"osh":        {"alay", "aravan", "kara_kulja", "kara_suu", "nookat", "ozgon", "chong_alay"},
	"talas":      {"bakay_ata", "kara_buura", "manas", "talas"},
}

// Stages are the checklist items of section 7, one per stage of the school.
var Stages = []string{"stage_application", "stage_info", "stage_school", "stage_mentoring",
	"stage_monitoring", "stage_training", "stage_budgeting", "stage_portal", "stage_final"}

// Fields is the whole form, in order.
var Fields = []Field{
	{ID: "full_name", Number: "1.1", Section: 1, Kind: Text, Max: MaxShort},
	{ID: "sex", Number: "1.2", Section: 1, Kind: Choice, Options: []string{"female", "male"}, Check: womenOnly, Given: "female"},
	{ID: "birth_date", Number: "1.3", Section: 1, Kind: Date, Check: overEighteen},
	{ID: "lives_in_village", Number: "1.4", Section: 1, Kind: YesNo, Check: mustBe(Yes, "form.ineligible.village")},
	{ID: "oblast", Number: "1.4", Section: 1, Kind: Choice, Options: Oblasts},
	{ID: "district", Number: "1.4", Section: 1, Kind: Text, Max: MaxShort, Offers: func(a map[string]string) []string { return Districts[a["oblast"]] }},
	{ID: "aiyl_okmotu", Number: "1.4", Section: 1, Kind: Text, Max: MaxShort},
	{ID: "village", Number: "1.4", Section: 1, Kind: Text, Max: MaxShort},
	{ID: "workplace", Number: "1.5", Section: 1, Kind: Text, Max: MaxShort, Offers: func(map[string]string) []string { return []string{"none"} }},
	{ID: "similar_school", Number: "1.6", Section: 1, Kind: YesNo, Check: mustBe(No, "form.ineligible.similar_school")},
	{ID: "phone", Number: "2.1", Section: 2, Kind: Phone},
	{ID: "whatsapp", Number: "2.2", Section: 2, Kind: WhatsApp},
	{ID: "email", Number: "2.3", Section: 2, Kind: Email},
	{ID: "lsg_experience", Number: "3.1", Section: 3, Kind: YesNo},
	{ID: "lsg_experience_text", Number: "3.2", Section: 3, Kind: LongText, Max: MaxLong, OnlyIf: "lsg_experience"},
	{ID: "community_experience", Number: "4.1", Section: 4, Kind: YesNo},
	{ID: "community_group_text", Number: "4.2", Section: 4, Kind: LongText, Max: MaxLong, OnlyIf: "community_experience"},
	{ID: "support_group", Number: "5.1", Section: 5, Kind: YesNo},
	{ID: "support_group_text", Number: "5.2", Section: 5, Kind: LongText, Max: MaxLong, OnlyIf: "support_group"},
	{ID: "ready_active", Number: "6.1", Section: 6, Kind: YesNo},
	{ID: "ready_self_study", Number: "6.2", Section: 6, Kind: YesNo},
	{ID: "ready_organise", Number: "6.3", Section: 6, Kind: YesNo},
	{ID: "ready_free_time", Number: "6.4", Section: 6, Kind: YesNo},
	{ID: "stages", Number: "7", Section: 7, Kind: Checklist, Items: Stages},
	{ID: "essay", Number: "8.1", Section: 8, Kind: Essay},
}

// ByID returns the field with the given ID.
func ByID(id string) (Field, bool) {
	for _, f := range Fields {
		if f.ID == id {
			return f, true
		}
	}
	return Field{}, false
}

// Applies reports whether f is asked given the answers so far.
func (f Field) Applies(answers map[string]string) bool {
	return f.OnlyIf == "" || answers[f.OnlyIf] == Yes
}

// Asked reports whether f is a question she is asked given the answers
// so far: it applies and the form does not give its answer itself.
func (f Field) Asked(answers map[string]string) bool {
	return f.Given == "" && f.Applies(answers)
}

// Answered reports whether answers hold an answer to f (a skip counts).
func (f Field) Answered(answers map[string]string) bool {
	if f.Kind == Checklist {
		_, ok := answers[f.Items[0]]
		return ok
	}
	_, ok := answers[f.ID]
	return ok
}

// NextMissing returns the first field, in form order, that applies and has
// no answer yet; ok is false when the form is complete. Walking the form
// this way also asks a follow-up whose "yes" was given while editing.
func NextMissing(answers map[string]string) (f Field, ok bool) {
	for _, f := range Fields {
		if f.Asked(answers) && !f.Answered(answers) {
			return f, true
		}
	}
	return Field{}, false
}

// Progress returns how many of the questions she is asked are answered,
// and of how many.
func Progress(answers map[string]string) (done, total int) {
	for _, f := range Fields {
		if !f.Asked(answers) {
			continue
		}
		total++
		if f.Answered(answers) {
			done++
		}
	}
	return done, total
}

// Position is where the question id stands among those she is asked,
// given her answers: its place, from 1, and how many there are. A
// follow-up counts once its "yes" is given, so the total grows then.
func Position(id string, answers map[string]string) (n, total int) {
	for _, f := range Fields {
		if !f.Asked(answers) {
			continue
		}
		total++
		if f.ID == id {
			n = total
		}
	}
	return n, total
}

// Sections is how many sections the form has.
const Sections = 8

// Prune removes answers to follow-ups whose "yes" was changed to "no", so
// a stale description never reaches the commission, and records the
// answers the form gives itself.
func Prune(answers map[string]string) {
	for _, f := range Fields {
		switch {
		case f.Given != "":
			answers[f.ID] = f.Given
		case !f.Applies(answers):
			delete(answers, f.ID)
		}
	}
}

// DateLayout is how dates are stored in answers.
const DateLayout = "2006-01-02"

// CategoryAge is the age, at the deadline, from which an applicant is in
// the older of the school's two groups.
const CategoryAge = 28

// Category returns "28plus" or "under28" for a stored birth date answer,
// or "" if there is none.
func Category(birthDate string, r Rules) string {
	birth, err := time.ParseInLocation(DateLayout, birthDate, r.Location)
	if err != nil {
		return ""
	}
	if AgeAt(birth, r.Deadline) >= CategoryAge {
		return "28plus"
	}
	return "under28"
}

func womenOnly(answer string, _ Rules) error {
	if answer != "female" {
		return &Invalid{Key: "form.ineligible.sex"}
	}
	return nil
}

// overEighteen refuses a birth date in the future, an implausibly old one,
// and an applicant who is not over 18 on the deadline.
func overEighteen(answer string, r Rules) error {
	birth, err := time.ParseInLocation(DateLayout, answer, r.Location)
	if err != nil {
		return &Invalid{Key: "form.invalid.date"}
	}
	if birth.After(r.Now) {
		return &Invalid{Key: "form.invalid.date_future"}
	}
	if AgeAt(birth, r.Now) > 100 {
		return &Invalid{Key: "form.invalid.date_too_old"}
	}
	if AgeAt(birth, r.Deadline) < 18 {
		return &Invalid{Key: "form.ineligible.age", Data: map[string]any{"Deadline": r.Deadline.In(r.Location).Format("02.01.2006")}}
	}
	return nil
}

func mustBe(want, key string) func(string, Rules) error {
	return func(answer string, _ Rules) error {
		if answer != want {
			return &Invalid{Key: key}
		}
		return nil
	}
}

// YesNoAnswer maps a typed word to Yes or No, so a woman who types "ооба"
// or "нет" instead of tapping is understood.
func YesNoAnswer(s string) (string, bool) {
	switch strings.ToLower(strings.Trim(strings.TrimSpace(s), ".!")) {
	case "ооба", "да", "yes", "ооба.", "ова", "оба":
		return Yes, true
	case "жок", "нет", "no":
		return No, true
	}
	return "", false
}
