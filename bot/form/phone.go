package form

import (
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"

	"github.com/mentorbot/mentorbot/bot/textnorm"
)

// ---- phones ---------------------------------------------------------------
//
// Her phone and her WhatsApp may be of any country. She lives in a Kyrgyz
// village, but a SIM card of a relative working in Kazakhstan or Russia is
// common there, and the number she is really reached on is the one the
// school needs: refusing it would leave her to type a number she does not
// answer, or to give up. A number typed without a country code is read as
// Kyrgyz first. Numbers are stored in E.164 ("+996555123456"), so one
// number typed two ways is one number.

// Message keys of the refusals: each says what was wrong.
const (
	keyPhoneChars    = "form.invalid.phone_chars"
	keyPhoneShort    = "form.invalid.phone_short"
	keyPhoneLong     = "form.invalid.phone_long"
	keyPhoneUnknown  = "form.invalid.phone_unknown"
	keyPhoneCountry  = "form.invalid.phone_country"
	keyWhatsAppFixed = "form.invalid.whatsapp_landline"
)

// maxPhoneDigits is the most digits an E.164 number has; a few more are
// read so that "00" and a trunk prefix fit.
const maxPhoneDigits = 17

// home is the country a number without a country code is read in.
const home = "KG"

// ParsePhone reads a phone number of any country as people type it and
// returns it in E.164.
//
// Accepted, for example: "0555 12 34 56", "555123456", "+996 555 123 456",
// "996555123456", "0 (700) 12-34-56", "0312 976530" (Kyrgyz: with the trunk
// 0, without it, or with the country code 996); "+7 701 123 45 67",
// "77011234567", "8 (701) 123-45-67" (Kazakhstan and Russia: with the
// country code, or with the trunk prefix 8, which is how numbers are
// written there: eleven digits starting with 8 are read as +7 when that is
// a real number, since Kyrgyz numbers never start with 8); "00 44 20 7946
// 0958" (any country after "+" or "00"). Spaces of any kind, dashes, dots,
// parentheses and invisible characters ([textnorm.IsPhoneSeparator]) and
// line breaks are ignored; a "+" may only open the number. Only ASCII
// digits count. The number must be a real one by the numbering plans of
// github.com/nyaruka/phonenumbers.
//
// Refusals say what was wrong: "form.invalid.phone_chars" (a letter or
// another sign, a "+" inside, nothing but separators), ".phone_short" and
// ".phone_long" with Data {"Digits": n} (too few or too many digits),
// ".phone_country" with Data {"Code": the digits after +} (no country has
// that code), ".phone_unknown" (the right length but no such number: a
// typo in the operator's code, say).
func ParsePhone(s string) (string, error) {
	n, err := parsePhone(s)
	if err != nil {
		return "", err
	}
	return phonenumbers.Format(n, phonenumbers.E164), nil
}

// ParseWhatsApp reads a WhatsApp number as ParsePhone does, and refuses a
// landline, on which WhatsApp cannot be reached, with Key
// "form.invalid.whatsapp_landline". A number that may be either (as some
// plans have) is taken.
func ParseWhatsApp(s string) (string, error) {
	n, err := parsePhone(s)
	if err != nil {
		return "", err
	}
	if phonenumbers.GetNumberType(n) == phonenumbers.FIXED_LINE {
		return "", invalid(keyWhatsAppFixed)
	}
	return phonenumbers.Format(n, phonenumbers.E164), nil
}

func parsePhone(s string) (*phonenumbers.PhoneNumber, error) {
	var buf [maxPhoneDigits]byte
	digits, plus, err := phoneDigits(s, &buf)
	if err != nil {
		return nil, err
	}
	if !plus && len(digits) > 2 && digits[0] == '0' && digits[1] == '0' {
		digits, plus = digits[2:], true // "00": the international prefix
	}
	if plus {
		return international(string(digits))
	}
	for _, try := range []func(string) (*phonenumbers.PhoneNumber, bool){kyrgyz, trunkEight, withoutPlus} {
		if n, ok := try(string(digits)); ok {
			return n, nil
		}
	}
	switch {
	case len(digits) < 9: // a Kyrgyz number without its 0, the shortest she types
		return nil, tooFew(len(digits))
	case len(digits) > 12: // "996" and nine digits
		return nil, tooMany(len(digits))
	}
	return nil, invalid(keyPhoneUnknown)
}

// phoneDigits copies the digits of s into d. It stops at the first rune
// that cannot belong to a typed phone number, or as soon as there are more
// digits than any number has, so a 100 KB message costs nothing.
func phoneDigits(s string, d *[maxPhoneDigits]byte) (digits []byte, plus bool, err error) {
	n := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case '0' <= r && r <= '9':
			if n == len(d) {
				return nil, false, tooMany(min(n+1+countDigits(s[i:]), maxCounted))
			}
			d[n] = byte(r)
			n++
		case r == '+':
			if plus || n > 0 {
				return nil, false, invalid(keyPhoneChars)
			}
			plus = true
		case isPhoneSeparator(r):
		default:
			return nil, false, invalid(keyPhoneChars)
		}
	}
	if n == 0 {
		return nil, false, invalid(keyPhoneChars)
	}
	return d[:n], plus, nil
}

// maxCounted bounds the digits counted in a refusal: enough to say "too
// many" with a number she can check, without reading a long message.
const maxCounted = 99

// countDigits counts the ASCII digits of s, up to maxCounted.
func countDigits(s string) int {
	n := 0
	for i := 0; i < len(s) && n < maxCounted; i++ {
		if '0' <= s[i] && s[i] <= '9' {
			n++
		}
	}
	return n
}

// isPhoneSeparator reports the characters that phone keyboards, contact apps
// and copy-paste put between digit groups: the ones the masking of
// applications also reads through, and line breaks around the number.
// RuneError (invalid UTF-8) is none of them.
func isPhoneSeparator(r rune) bool {
	return textnorm.IsPhoneSeparator(r) || unicode.IsSpace(r)
}

// international reads the digits after "+" or "00".
func international(digits string) (*phonenumbers.PhoneNumber, error) {
	n, err := phonenumbers.Parse("+"+digits, home)
	if err == nil && phonenumbers.IsValidNumber(n) {
		return n, nil
	}
	if err != nil {
		if err == phonenumbers.ErrInvalidCountryCode {
			return nil, noCountry(digits)
		}
		if len(digits) < 7 {
			return nil, tooFew(len(digits))
		}
		return nil, tooMany(len(digits))
	}
	switch phonenumbers.IsPossibleNumberWithReason(n) {
	case phonenumbers.INVALID_COUNTRY_CODE:
		return nil, noCountry(digits)
	case phonenumbers.TOO_SHORT:
		return nil, tooFew(len(digits))
	case phonenumbers.TOO_LONG:
		return nil, tooMany(len(digits))
	}
	return nil, invalid(keyPhoneUnknown)
}

// kyrgyz reads a number without a country code as Kyrgyz: "0555123456",
// "555123456", and "996555123456" with the code but no "+".
func kyrgyz(digits string) (*phonenumbers.PhoneNumber, bool) {
	n, err := phonenumbers.Parse(digits, home)
	if err != nil || !phonenumbers.IsValidNumberForRegion(n, home) {
		return nil, false
	}
	return n, true
}

// trunkEight reads "87011234567" as +7 701 123 45 67: 8 is the trunk
// prefix of Kazakhstan and Russia.
func trunkEight(digits string) (*phonenumbers.PhoneNumber, bool) {
	if len(digits) != 11 || digits[0] != '8' {
		return nil, false
	}
	n, err := phonenumbers.Parse("+7"+digits[1:], home)
	return n, err == nil && phonenumbers.IsValidNumber(n)
}

// withoutPlus reads a number of another country written with its country
// code and no "+": "77011234567".
func withoutPlus(digits string) (*phonenumbers.PhoneNumber, bool) {
	n, err := phonenumbers.Parse("+"+digits, home)
	return n, err == nil && phonenumbers.IsValidNumber(n)
}

func tooFew(n int) error {
	return &Invalid{Key: keyPhoneShort, Data: map[string]any{"Digits": n}}
}

func tooMany(n int) error {
	return &Invalid{Key: keyPhoneLong, Data: map[string]any{"Digits": n}}
}

// noCountry names the code she wrote: the first digits, up to three (the
// longest country code), none of whose beginnings is a country's code.
func noCountry(digits string) error {
	return &Invalid{Key: keyPhoneCountry, Data: map[string]any{"Code": digits[:min(3, len(digits))]}}
}
