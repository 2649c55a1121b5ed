package form_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/mentorbot/mentorbot/bot/form"
)

// checkErr fails the test unless err is a *form.Invalid with the wanted key
// (or nil when wantKey is empty), and returns the *form.Invalid for further
// checks.
func checkErr(t *testing.T, err error, wantKey string) *form.Invalid {
	t.Helper()
	if wantKey == "" {
		if err != nil {
			t.Fatalf("err = %v, want nil", err)
		}
		return nil
	}
	var inv *form.Invalid
	if !errors.As(err, &inv) {
		t.Fatalf("err = %v (%T), want *form.Invalid with key %q", err, err, wantKey)
	}
	if inv.Key != wantKey {
		t.Fatalf("err key = %q, want %q", inv.Key, wantKey)
	}
	return inv
}

func TestInvalidError(t *testing.T) {
	err := error(&form.Invalid{Key: "form.invalid.phone"})
	if got, want := err.Error(), "invalid answer: form.invalid.phone"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	var nilInv *form.Invalid
	if got := nilInv.Error(); got == "" {
		t.Errorf("nil Error() = %q, want non-empty", got)
	}
}

func TestParsePhone(t *testing.T) {
	const (
		chars   = "form.invalid.phone_chars"
		short   = "form.invalid.phone_short"
		long    = "form.invalid.phone_long"
		unknown = "form.invalid.phone_unknown"
		country = "form.invalid.phone_country"
	)
	tests := []struct {
		name, in, want, wantKey string
		data                    map[string]any
	}{
		// Kyrgyz, as people type them.
		{"OKTrunkSpaced", "0555 12 34 56", "+996555123456", "", nil},
		{"OKIntlSpaced", "+996 555 123 456", "+996555123456", "", nil},
		{"OKIntlNoPlus", "996555123456", "+996555123456", "", nil},
		{"OKIntl700", "+996 700 123 456", "+996700123456", "", nil},
		{"OKTrunkZero", "0700123456", "+996700123456", "", nil},
		{"OKTrunkParens", "0 (700) 12-34-56", "+996700123456", "", nil},
		{"OKNationalOnly", "700123456", "+996700123456", "", nil},
		{"OKIntlDashes", "+996-555-12-34-56", "+996555123456", "", nil},
		{"OKLandlineBishkek", "0312 976530", "+996312976530", "", nil},
		{"OKLandlineOsh", "(03222) 5-12-34", "+996322251234", "", nil},
		{"OKDots", "0.700.12.34.56", "+996700123456", "", nil},
		{"OKNBSP", "+996\u00a0700\u00a0123\u00a0456", "+996700123456", "", nil},
		{"OKNarrowNBSP", "+996\u202f700\u202f123456", "+996700123456", "", nil},
		{"OKBidiMarks", "\u202a+996 700 123 456\u202c", "+996700123456", "", nil},
		{"OKZeroWidthSpaces", "0700\u200b123\u200b456", "+996700123456", "", nil},
		{"OKEnDash", "0700–12–34–56", "+996700123456", "", nil},
		{"OKSurroundingSpace", "  0555 123456\n", "+996555123456", "", nil},
		{"OKPlusSpace", "+ 996 777 000 111", "+996777000111", "", nil},
		{"OKNational9", "996123456", "+996996123456", "", nil},
		{"OKDoubleZero", "00996 555 123 456", "+996555123456", "", nil},
		// Kazakhstan and Russia: +7, the code without "+", the trunk 8.
		{"OKKazakhIntl", "+7 701 123 45 67", "+77011234567", "", nil},
		{"OKKazakhNoPlus", "77011234567", "+77011234567", "", nil},
		{"OKKazakhTrunk8", "8 (701) 123-45-67", "+77011234567", "", nil},
		{"OKKazakhAlmatyLandline", "+7 727 250 12 34", "+77272501234", "", nil},
		{"OKRussiaIntl", "+7 (916) 123-45-67", "+79161234567", "", nil},
		{"OKRussiaTrunk8", "8 916 123 45 67", "+79161234567", "", nil},
		{"OKUzbekistan", "+998 90 123 45 67", "+998901234567", "", nil},
		{"OKTurkeyDoubleZero", "0090 532 123 45 67", "+905321234567", "", nil},
		// What was wrong, named.
		{"ErrEmpty", "", "", chars, nil},
		{"ErrSpacesOnly", "   ", "", chars, nil},
		{"ErrSeparatorsOnly", "()--", "", chars, nil},
		{"ErrLetters", "0700 ABC 456", "", chars, nil},
		{"ErrCyrillicLabel", "тел 0700123456", "", chars, nil},
		{"ErrPlusInside", "996+700123456", "", chars, nil},
		{"ErrTwoPlus", "++996700123456", "", chars, nil},
		{"ErrFullWidthDigits", "０７００１２３４５６", "", chars, nil},
		{"ErrArabicIndicDigits", "٠٧٠٠١٢٣٤٥٦", "", chars, nil},
		{"ErrInvalidUTF8", "0700\xff123456", "", chars, nil},
		{"ErrTwoNumbers", "0700123456, 0555123456", "", chars, nil},
		{"ErrTooShort", "12345", "", short, map[string]any{"Digits": 5}},
		{"ErrTrunkTooShort", "070012345", "", unknown, nil},
		{"ErrPlusTooShort", "+7 701", "", short, map[string]any{"Digits": 4}},
		{"ErrTooLong", "0555 123 456 789 0", "", long, map[string]any{"Digits": 14}},
		{"ErrPlusTooLong", "+99655512345678", "", long, map[string]any{"Digits": 14}},
		{"ErrHuge", strings.Repeat("7", 100_000), "", long, map[string]any{"Digits": 99}},
		{"ErrNoSuchCountry", "+999 123 4567", "", country, map[string]any{"Code": "999"}},
		{"ErrNationalZero", "+996 070 123 456", "", unknown, nil},
		{"ErrNationalOne", "+996 170 123 456", "", unknown, nil},
		{"ErrNationalOneNoPrefix", "170123456", "", unknown, nil},
		{"ErrTrunkThenZero", "0070123456", "", unknown, nil},
		{"ErrEightNotAReal7", "8 000 123 45 67", "", unknown, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := form.ParsePhone(tt.in)
			inv := checkErr(t, err, tt.wantKey)
			if got != tt.want {
				t.Errorf("ParsePhone(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if inv != nil && !reflect.DeepEqual(inv.Data, tt.data) {
				t.Errorf("ParsePhone(%q) data = %v, want %v", tt.in, inv.Data, tt.data)
			}
		})
	}
}

// WhatsApp takes every number ParsePhone does but a landline.
func TestParseWhatsApp(t *testing.T) {
	for _, tt := range []struct{ in, want, wantKey string }{
		{"0555 12 34 56", "+996555123456", ""},
		{"+7 701 123 45 67", "+77011234567", ""},
		{"8 (701) 123-45-67", "+77011234567", ""},
		{"+7 916 123 45 67", "+79161234567", ""},
		{"0312 976530", "", "form.invalid.whatsapp_landline"},
		{"+7 727 250 12 34", "", "form.invalid.whatsapp_landline"},
		{"12345", "", "form.invalid.phone_short"},
	} {
		got, err := form.ParseWhatsApp(tt.in)
		checkErr(t, err, tt.wantKey)
		if got != tt.want {
			t.Errorf("ParseWhatsApp(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseDate(t *testing.T) {
	const (
		dateKey       = "form.invalid.date"
		impossibleKey = "form.invalid.date_impossible"
	)
	bishkek := time.FixedZone("Asia/Bishkek", 6*60*60)
	tests := []struct {
		name, in string
		y        int
		m        time.Month
		d        int
		wantKey  string
	}{
		{"OKDots", "05.03.1990", 1990, time.March, 5, ""},
		{"OKShort", "5.3.1990", 1990, time.March, 5, ""},
		{"OKSlashes", "05/03/1990", 1990, time.March, 5, ""},
		{"OKDashes", "05-03-1990", 1990, time.March, 5, ""},
		{"OKSpaces", "05 03 1990", 1990, time.March, 5, ""},
		{"OKNBSP", "05\u00a003\u00a01990", 1990, time.March, 5, ""},
		{"OKDotSpace", "05. 03. 1990", 1990, time.March, 5, ""},
		{"OKISO", "1990-03-05", 1990, time.March, 5, ""},
		{"OKISOShort", "1990-3-5", 1990, time.March, 5, ""},
		{"OKSurroundingSpace", "  05.03.1990 \n", 1990, time.March, 5, ""},
		{"OKKyrgyzZh", "05.03.1990 ж.", 1990, time.March, 5, ""},
		{"OKKyrgyzHyphenZh", "05.03.1990-ж.", 1990, time.March, 5, ""},
		{"OKKyrgyzZhNoDot", "05.03.1990ж", 1990, time.March, 5, ""},
		{"OKKyrgyzZhyl", "05.03.1990 жыл", 1990, time.March, 5, ""},
		{"OKKyrgyzZhyly", "05.03.1990-жылы", 1990, time.March, 5, ""},
		{"OKRussianG", "05.03.1990 г.", 1990, time.March, 5, ""},
		{"OKRussianGNoSpace", "05.03.1990г.", 1990, time.March, 5, ""},
		{"OKRussianGoda", "05.03.1990 года", 1990, time.March, 5, ""},
		{"OKUpperCaseWord", "05.03.1990 Г.", 1990, time.March, 5, ""},
		{"OKTrailingDot", "05.03.1990.", 1990, time.March, 5, ""},
		{"OKLeapDay", "29.02.2000", 2000, time.February, 29, ""},
		{"OKDec31", "31.12.1999", 1999, time.December, 31, ""},
		// Month names, as people write them in Russian and Kyrgyz.
		{"OKRussianGenitive", "5 мая 1990", 1990, time.May, 5, ""},
		{"OKKyrgyzNominative", "5 май 1990", 1990, time.May, 5, ""},
		{"OKKyrgyzYearFirst", "1990-жылы 5-май", 1990, time.May, 5, ""},
		{"OKKyrgyzHyphenDay", "5-май 1990", 1990, time.May, 5, ""},
		{"OKTwoDigitDayMonth", "05.05.1990", 1990, time.May, 5, ""},
		{"OKOneDigitDayMonth", "5.5.1990", 1990, time.May, 5, ""},
		{"OKISOMay", "1990-05-05", 1990, time.May, 5, ""},
		{"OKUpperCaseAndSpaces", "  5   МАЯ   1990  ", 1990, time.May, 5, ""},
		{"OKMixedCase", "5 Мая 1990", 1990, time.May, 5, ""},
		{"OKLatinLookAlike", "5 мaя 1990", 1990, time.May, 5, ""},                  // Latin "a"
		{"OKKyrgyzLookAlikeYear", "1990-жылы 5-маи", 1990, time.May, 5, ""},        // и for й
		{"OKKyrgyzLetterAsLookAlike", "5-Ɵктябрь 1990", 1990, time.October, 5, ""}, // Ɵ for О
		{"OKRussianOrdinal", "5-го мая 1990 года", 1990, time.May, 5, ""},
		{"OKRussianGR", "05.05.1990 г.р.", 1990, time.May, 5, ""},
		{"OKRussianNamedG", "5 марта 1990 г.", 1990, time.March, 5, ""},
		{"OKRussianComma", "5 марта, 1990", 1990, time.March, 5, ""},
		{"OKRussianAbbrev", "5 сент. 1990", 1990, time.September, 5, ""},
		{"OKRussianAbbrevNoDot", "15 дек 1985", 1985, time.December, 15, ""},
		{"OKNoSpaces", "5мая1990", 1990, time.May, 5, ""},
		{"OKSoftSignDropped", "5 июн 1990", 1990, time.June, 5, ""},
		{"OKKyrgyzPossessive", "1990-жылдын 5-майы", 1990, time.May, 5, ""},
		{"OKKyrgyzLocative", "5-майда 1990-ж.", 1990, time.May, 5, ""},
		{"OKKyrgyzLocativeTa", "1990-жылы 8-мартта", 1990, time.March, 8, ""},
		{"OKKyrgyzBoth", "1990-жылы 12-апрелинде", 1990, time.April, 12, ""},
		{"OKKyrgyzYearWordDot", "1990 ж. 5 мая", 1990, time.May, 5, ""},
		{"OKYearFirstNoWord", "1990 5 мая", 1990, time.May, 5, ""},
		{"OKOldKyrgyzName", "5-бугу 1990", 1990, time.May, 5, ""},
		{"OKOldKyrgyzTwoWords", "5 жалган куран 1990", 1990, time.March, 5, ""},
		{"OKOldKyrgyzAiy", "1990-жылы 3-үчтүн айы", 1990, time.January, 3, ""},
		{"OKYearWordAfterName", "5-май 1990-жылы", 1990, time.May, 5, ""},
		{"ErrEmpty", "", 0, 0, 0, dateKey},
		{"ErrWords", "бешинчи март", 0, 0, 0, dateKey},
		{"ErrTwoDigitYear", "05.03.90", 0, 0, 0, dateKey},
		{"ErrFiveDigitYear", "05.03.19900", 0, 0, 0, dateKey},
		{"ErrMixedSeparators", "05.03-1990", 0, 0, 0, dateKey},
		{"ErrNoSeparator", "05031990", 0, 0, 0, dateKey},
		{"ErrThreeDigitDay", "005.03.1990", 0, 0, 0, dateKey},
		{"ErrISOSlashes", "1990/03/05", 0, 0, 0, dateKey},
		{"ErrISOWithWord", "1990-03-05 г.", 0, 0, 0, dateKey},
		{"ErrUnknownWord", "05.03.1990 лет", 0, 0, 0, dateKey},
		{"ErrLoneHyphen", "05.03.1990 -", 0, 0, 0, dateKey},
		{"ErrUnknownMonth", "5 мартобря 1990", 0, 0, 0, dateKey},
		{"ErrMonthNameNoYear", "5 марта", 0, 0, 0, dateKey},
		{"ErrMonthFirst", "мая 5 1990", 0, 0, 0, dateKey},
		{"ErrSentence", "мен 5 мая 1990 туулгам", 0, 0, 0, dateKey},
		{"ErrTwoDigitYearNamed", "5 мая 90", 0, 0, 0, dateKey},
		{"ErrYearFirstTwoDigitsNoWord", "90 5 мая", 0, 0, 0, dateKey},
		{"ErrNamedImpossible", "31 апреля 1990", 0, 0, 0, impossibleKey},
		{"ErrYearFirstImpossible", "1990-жылы 30-февраль", 0, 0, 0, impossibleKey},
		{"ErrMissingYear", "05.03", 0, 0, 0, dateKey},
		{"ErrInvalidUTF8", "05.03.1990\xff", 0, 0, 0, dateKey},
		{"ErrHuge", strings.Repeat("05.03.1990 ", 10_000), 0, 0, 0, dateKey},
		{"ErrFeb31", "31.02.1990", 0, 0, 0, impossibleKey},
		{"ErrMonth13", "05.13.1990", 0, 0, 0, impossibleKey},
		{"ErrMonth0", "05.00.1990", 0, 0, 0, impossibleKey},
		{"ErrDay0", "0.03.1990", 0, 0, 0, impossibleKey},
		{"ErrApril31", "31.04.1990", 0, 0, 0, impossibleKey},
		{"ErrFeb29NonLeap", "29.02.1900", 0, 0, 0, impossibleKey},
		{"ErrISOImpossible", "1990-02-30", 0, 0, 0, impossibleKey},
		{"ErrAmericanOrder", "12/31/1990", 0, 0, 0, impossibleKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := form.ParseDate(tt.in, bishkek)
			checkErr(t, err, tt.wantKey)
			if tt.wantKey != "" {
				if !got.IsZero() {
					t.Errorf("ParseDate(%q) = %v, want zero time on error", tt.in, got)
				}
				return
			}
			want := time.Date(tt.y, tt.m, tt.d, 0, 0, 0, 0, bishkek)
			if !got.Equal(want) || got.Location() != bishkek {
				t.Errorf("ParseDate(%q) = %v, want %v", tt.in, got, want)
			}
		})
	}
}

// A two-digit year is read in the century that makes her an applicant the
// form takes; when neither does, both readings come back for her to
// choose; four digits are taken as typed.
func TestParseBirthDate(t *testing.T) {
	bishkek := time.FixedZone("Asia/Bishkek", 6*60*60)
	r := form.Rules{Deadline: time.Date(2026, 12, 11, 17, 0, 0, 0, bishkek), Location: bishkek, Now: time.Date(2026, 11, 22, 10, 0, 0, 0, bishkek)}
	tests := []struct {
		name, in string
		want     []string
		wantKey  string
	}{
		{"TwoDigitNineties", "05.05.90", []string{"1990-05-05"}, ""},
		{"TwoDigitNamed", "5 мая 90", []string{"1990-05-05"}, ""},
		{"TwoDigitKyrgyzYearFirst", "90-жылы 5-май", []string{"1990-05-05"}, ""},
		{"TwoDigitSlashes", "5/5/90", []string{"1990-05-05"}, ""},
		{"TwoDigitThisCentury", "05.05.05", []string{"2005-05-05"}, ""},
		{"EighteenOnTheDeadline", "11.12.08", []string{"2008-12-11"}, ""},
		{"HundredToday", "05.05.26", []string{"1926-05-05"}, ""},
		{"LeapOnlyIn2000", "29.02.00", []string{"2000-02-29"}, ""},
		{"SeventeenOnTheDeadlineAsked", "12.12.08", []string{"1908-12-12", "2008-12-12"}, ""},
		{"ChildOrOver100Asked", "05.05.15", []string{"1915-05-05", "2015-05-05"}, ""},
		{"LeapBothAsked", "29.02.12", []string{"1912-02-29", "2012-02-29"}, ""},
		{"FourDigitsAsTyped", "05.05.1990", []string{"1990-05-05"}, ""},
		{"FourDigitsTooYoungAsTyped", "05.05.2015", []string{"2015-05-05"}, ""},
		{"FourDigitsNamed", "1990-жылы 5-май", []string{"1990-05-05"}, ""},
		{"ImpossibleBothCenturies", "29.02.15", nil, "form.invalid.date_impossible"},
		{"ImpossibleMonth", "05.13.90", nil, "form.invalid.date_impossible"},
		{"Garbage", "былтыр", nil, "form.invalid.date"},
		{"ThreeDigitYear", "05.05.990", nil, "form.invalid.date"},
		{"YearFirstTwoDigitsNoWord", "90 5 мая", nil, "form.invalid.date"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			days, err := form.ParseBirthDate(tt.in, r)
			checkErr(t, err, tt.wantKey)
			var got []string
			for _, d := range days {
				if d.Location() != bishkek || d.Hour() != 0 {
					t.Errorf("reading %v, want midnight in Bishkek", d)
				}
				got = append(got, d.Format(form.DateLayout))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseBirthDate(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestUnsureDate(t *testing.T) {
	early := time.Date(1915, 5, 5, 0, 0, 0, 0, time.UTC)
	answer := form.Centuries(early, early.AddDate(100, 0, 0))
	if e, l, ok := form.UnsureDate(answer); !ok || e != "1915-05-05" || l != "2015-05-05" {
		t.Errorf("UnsureDate(%q) = %q, %q, %v", answer, e, l, ok)
	}
	for _, s := range []string{"", "1990-05-05", "1915-05-05|", "|2015-05-05", "1915-05-05|2015-13-05", "a|b"} {
		if _, _, ok := form.UnsureDate(s); ok {
			t.Errorf("UnsureDate(%q) is a pair", s)
		}
	}
}

func TestParseDateImpossibleData(t *testing.T) {
	_, err := form.ParseDate("  31.02.1990 г. ", time.UTC)
	inv := checkErr(t, err, "form.invalid.date_impossible")
	if got, want := inv.Data, map[string]any{"Input": "31.02.1990 г."}; !reflect.DeepEqual(got, want) {
		t.Errorf("Data = %v, want %v", got, want)
	}
}

func TestParseDateNilLocation(t *testing.T) {
	got, err := form.ParseDate("05.03.1990", nil)
	checkErr(t, err, "")
	if want := time.Date(1990, time.March, 5, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("ParseDate(nil loc) = %v, want %v", got, want)
	}
}

func TestAgeAt(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time {
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	tests := []struct {
		name      string
		birth, at time.Time
		want      int
	}{
		{"OKDayBeforeBirthday", day(1990, time.March, 5), day(2024, time.March, 4), 33},
		{"OKOnBirthday", day(1990, time.March, 5), day(2024, time.March, 5), 34},
		{"OKAfterBirthday", day(1990, time.March, 5), day(2024, time.December, 31), 34},
		{"OKSameDay", day(1990, time.March, 5), day(1990, time.March, 5), 0},
		{"OKLeapBirthLeapYearBefore", day(2000, time.February, 29), day(2024, time.February, 28), 23},
		{"OKLeapBirthLeapYearOn", day(2000, time.February, 29), day(2024, time.February, 29), 24},
		{"OKLeapBirthNonLeapFeb28", day(2000, time.February, 29), day(2023, time.February, 28), 22},
		{"OKLeapBirthNonLeapMar1", day(2000, time.February, 29), day(2023, time.March, 1), 23},
		{"OKEighteenthOnMar1", day(2004, time.February, 29), day(2022, time.March, 1), 18},
		{"OKSeventeenOnFeb28", day(2004, time.February, 29), day(2022, time.February, 28), 17},
		{"OKMar1BirthLeapYear", day(2001, time.March, 1), day(2024, time.February, 29), 22},
		{"OKFutureBirth", day(2030, time.January, 1), day(2024, time.January, 1), 0},
		{"OKDayBeforeBirthFuture", day(2000, time.June, 1), day(1999, time.June, 2), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := form.AgeAt(tt.birth, tt.at); got != tt.want {
				t.Errorf("AgeAt(%v, %v) = %d, want %d", tt.birth.Format(time.DateOnly), tt.at.Format(time.DateOnly), got, tt.want)
			}
		})
	}
}

func TestAgeAtReadsAtInBirthLocation(t *testing.T) {
	bishkek := time.FixedZone("Asia/Bishkek", 6*60*60)
	birth := time.Date(2000, time.March, 5, 0, 0, 0, 0, bishkek)
	// 19:00 UTC on 4 March is already 01:00 on 5 March in Bishkek.
	at := time.Date(2018, time.March, 4, 19, 0, 0, 0, time.UTC)
	if got, want := form.AgeAt(birth, at), 18; got != want {
		t.Errorf("AgeAt = %d, want %d", got, want)
	}
}

func TestParseEmail(t *testing.T) {
	const emailKey = "form.invalid.email"
	tests := []struct {
		name, in, want, wantKey string
	}{
		{"OKPlain", "aigul@example.kg", "aigul@example.kg", ""},
		{"OKTrimmed", "  aigul@example.kg\n", "aigul@example.kg", ""},
		{"OKDomainLowered", "Aigul.Tok@Gmail.COM", "Aigul.Tok@gmail.com", ""},
		{"OKPlusTag", "aigul+school@mail.ru", "aigul+school@mail.ru", ""},
		{"OKSubdomain", "a@post.example.kg", "a@post.example.kg", ""},
		{"OKCyrillicDomain", "айгүл@МЕКТЕП.кг", "айгүл@мектеп.кг", ""},
		{"OKZeroWidthAround", "\u200baigul@example.kg\ufeff", "aigul@example.kg", ""},
		{"OKLoweringLengthens", "a@\u023a.kg", "a@\u2c65.kg", ""}, // 2 bytes lower-case to 3
		{"ErrEmpty", "", "", emailKey},
		{"ErrLoweredTooLong", strings.Repeat("a", 100) + "@" + strings.Repeat("\u023a", 60) + ".kg", "", emailKey},
		{"ErrNoAt", "aigul.example.kg", "", emailKey},
		{"ErrNoDomainDot", "aigul@gmail", "", emailKey},
		{"ErrSpaceInside", "aigul tok@example.kg", "", emailKey},
		{"ErrNBSPInside", "aigul\u00a0tok@example.kg", "", emailKey},
		{"ErrZeroWidthInside", "aig\u200bul@example.kg", "", emailKey},
		{"ErrDisplayName", "Aigul <aigul@example.kg>", "", emailKey},
		{"ErrAngleBrackets", "<aigul@example.kg>", "", emailKey},
		{"ErrTwoAddresses", "a@example.kg,b@example.kg", "", emailKey},
		{"ErrTwoAddressesSpaced", "a@example.kg, b@example.kg", "", emailKey},
		{"ErrDoubleAt", "a@@example.kg", "", emailKey},
		{"ErrDoubleDot", "a@example..kg", "", emailKey},
		{"ErrTrailingDot", "a@example.kg.", "", emailKey},
		{"ErrQuotedLocal", `"aigul"@example.kg`, "", emailKey},
		{"ErrComment", "aigul@example.kg(home)", "", emailKey},
		{"ErrIPLiteral", "aigul@[192.168.0.1]", "", emailKey},
		{"ErrInvalidUTF8", "aigul\xff@example.kg", "", emailKey},
		{"ErrTooLong", strings.Repeat("a", 64) + "@" + strings.Repeat("b", 187) + ".kg", "", emailKey},
		{"ErrHuge", strings.Repeat("a", 100_000) + "@example.kg", "", emailKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := form.ParseEmail(tt.in)
			checkErr(t, err, tt.wantKey)
			if got != tt.want {
				t.Errorf("ParseEmail(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseEmailLengthLimit(t *testing.T) {
	in := strings.Repeat("a", 64) + "@" + strings.Repeat("b", 186) + ".kg" // 254 bytes
	got, err := form.ParseEmail(in)
	checkErr(t, err, "")
	if got != in {
		t.Errorf("ParseEmail(254 bytes) = %q, want input back", got)
	}
}

func TestCountWords(t *testing.T) {
	// 5 Kyrgyz words (Ысык-Көлдөн is one) and 5 Russian words.
	const unit = "Ооба, мен — Ысык-Көлдөн депутат болом! Я хочу помочь своему селу.\n"
	tests := []struct {
		name, in string
		want     int
	}{
		{"OKEmpty", "", 0},
		{"OKSpaces", "  \n\t ", 0},
		{"OKSpecExample", "Ооба, мен — депутат!", 3},
		{"OKHyphenated", "Ысык-Көл", 1},
		{"OKRussianHyphen", "кое-что", 1},
		{"OKApostrophe", "д'Артаньян", 1},
		{"OKTypographicApostrophe", "don’t", 1},
		{"OKEmojiAlone", "👍", 0},
		{"OKEmojiBetween", "мен 👍 депутат", 2},
		{"OKDash", "мен - депутат", 2},
		{"OKDoubleHyphen", "мен--депутат", 2},
		{"OKTrailingHyphen", "кеңеш- ", 1},
		{"OKPunctuationNoSpace", "мен,сен,ал", 3},
		{"OKDecimal", "3,5 миң сом", 3},
		{"OKDateIsOneWord", "05.03.1990-ж.", 1},
		{"OKSentenceEnd", "Мен 2024. Ал", 3},
		{"OKCombiningMark", "и\u0306ок", 1},
		{"OKLeadingMark", "\u0306 ок", 1},
		{"OKDigits", "2 бала", 2},
		{"OKLatin", "I want to help my village.", 6},
		{"OKInvalidUTF8Separates", "мен\xffсен", 2},
		{"OKUnit", unit, 10},
		{"OK1000Words", strings.Repeat(unit, 100), 1000},
		{"OK1001Words", strings.Repeat(unit, 100) + "Рахмат", 1001},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := form.CountWords(tt.in); got != tt.want {
				t.Errorf("CountWords(%.40q) = %d, want %d", tt.in, got, tt.want)
			}
		})
	}
}

func TestCleanText(t *testing.T) {
	tests := []struct {
		name, in string
		max      int
		want     string
		wantKey  string
	}{
		{"OKUnchanged", "Мен депутат болом.", 100, "Мен депутат болом.", ""},
		{"OKTrimmed", "  \n Мен депутат болом. \t\n", 100, "Мен депутат болом.", ""},
		{"OKCollapseSpaces", "Мен   депутат\u00a0\u00a0болом", 100, "Мен депутат болом", ""},
		{"OKTabKept", "Аты:\tАйгүл", 100, "Аты:\tАйгүл", ""},
		{"OKTabInRun", "Аты:  \t  Айгүл", 100, "Аты:\tАйгүл", ""},
		{"OKSingleNewline", "бир\nэки", 100, "бир\nэки", ""},
		{"OKBlankLineKept", "бир\n\nэки", 100, "бир\n\nэки", ""},
		{"OKNewlinesCapped", "бир\n\n\n\n\nэки", 100, "бир\n\nэки", ""},
		{"OKBlankLinesWithSpaces", "бир  \n   \n \n  эки", 100, "бир\n\nэки", ""},
		{"OKCRLF", "бир\r\nэки\r\n\r\nүч", 100, "бир\nэки\n\nүч", ""},
		{"OKLoneCR", "бир\rэки", 100, "бир\nэки", ""},
		{"OKControlsRemoved", "Мен\x00 деп\x07утат\x1b", 100, "Мен депутат", ""},
		{"OKC1ControlRemoved", "Мен\u0085\u009bдепутат", 100, "Мен депутат", ""},
		{"OKZeroWidthRemoved", "\ufeffМен\u200b", 100, "Мен", ""},
		{"OKEmojiZWJKept", "👩\u200d👩\u200d👧", 100, "👩\u200d👩\u200d👧", ""},
		{"OKZWJInNameRemoved", "Ай\u200dгүл Ɵмүр\u200dбекова", 100, "Айгүл Ɵмүрбекова", ""},
		{"OKSoftHyphenRemoved", "Өмүр\u00adбекова", 100, "Өмүрбекова", ""},
		{"OKBidiControlsRemoved", "\u202eАйгүл\u202c \u2067Ак-Муз\u2069\u200f", 100, "Айгүл Ак-Муз", ""},
		{"OKComposed", "Аи\u0306гүл", 5, "Айгүл", ""},
		{"OKLettersAsTyped", "Ɵмүр Aйгyл ұ ӈ", 100, "Ɵмүр Aйгyл ұ ӈ", ""},
		{"OKControlBetweenCRAndLF", "бир\r\x02\nэки", 100, "бир\nэки", ""},
		{"OKInvalidUTF8Repaired", "Мен\xff\xfe депутат", 100, "Мен депутат", ""},
		{"OKExactlyMax", "абв", 3, "абв", ""},
		{"OKNoLimit", strings.Repeat("а", 10_000), 0, strings.Repeat("а", 10_000), ""},
		{"OK5000Runes", strings.Repeat("Кеңеш", 1000), 5000, strings.Repeat("Кеңеш", 1000), ""},
		{"ErrEmpty", "", 10, "", "form.invalid.empty"},
		{"ErrOnlySpaces", " \u00a0\n\t\r\n ", 10, "", "form.invalid.empty"},
		{"ErrOnlyControls", "\x00\x01\u200b\ufeff", 10, "", "form.invalid.empty"},
		{"ErrOnlyInvalidUTF8", "\xff\xfe", 10, "", "form.invalid.empty"},
		{"ErrTooLongByOne", "абвг", 3, "", "form.invalid.too_long"},
		{"Err5000RunesTooLong", strings.Repeat("Кеңеш", 1000), 4999, "", "form.invalid.too_long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := form.CleanText(tt.in, tt.max)
			checkErr(t, err, tt.wantKey)
			if got != tt.want {
				t.Errorf("CleanText(%.40q, %d) = %.40q, want %.40q", tt.in, tt.max, got, tt.want)
			}
		})
	}
}

func TestCleanWords(t *testing.T) {
	for _, tt := range []struct{ in, want, wantKey string }{
		{"Айгүл", "Айгүл", ""},
		{" Ак-Муз 2 ", "Ак-Муз 2", ""},
		{"Школа №2", "Школа №2", ""},
		{"2", "", "form.invalid.no_letters"},
		{"...", "", "form.invalid.no_letters"},
		{"👍", "", "form.invalid.no_letters"},
		{"+996 700 12 34 56", "", "form.invalid.no_letters"},
		{"   ", "", "form.invalid.empty"},
	} {
		got, err := form.CleanWords(tt.in, 100)
		checkErr(t, err, tt.wantKey)
		if got != tt.want {
			t.Errorf("CleanWords(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCleanTextTooLongData(t *testing.T) {
	in := "  " + strings.Repeat("Кеңеш ", 1000) // 6000 runes before trimming
	_, err := form.CleanText(in, 5000)
	inv := checkErr(t, err, "form.invalid.too_long")
	want := map[string]any{"Max": 5000, "Length": 5999}
	if !reflect.DeepEqual(inv.Data, want) {
		t.Errorf("Data = %v, want %v", inv.Data, want)
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(in)); n != 5999 {
		t.Fatalf("test input has %d runes after trimming, want 5999", n)
	}
}

func BenchmarkCountWords(b *testing.B) {
	s := strings.Repeat("Ооба, мен — Ысык-Көлдөн депутат болом! ", 100)
	b.ReportAllocs()
	for b.Loop() {
		form.CountWords(s)
	}
}

func BenchmarkParsePhone(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		form.ParsePhone("+996 700 123 456")
	}
}

func BenchmarkCleanText(b *testing.B) {
	s := strings.Repeat("Мен  депутат болом.\r\n", 50)
	b.ReportAllocs()
	for b.Loop() {
		form.CleanText(s, 4096)
	}
}
