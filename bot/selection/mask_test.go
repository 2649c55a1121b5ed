package selection_test

import (
	"strings"
	"testing"

	"github.com/mentorbot/mentorbot/bot/selection"
)

// aigul is the applicant of most cases below.
var aigul = selection.Identity{
	FullName:   "Асанова Айгүл Бакытовна",
	Phone:      "+996700123456",
	WhatsApp:   "+996555123456",
	Email:      "aigul@mail.kg",
	Village:    "Ак-Муз",
	AiylOkmotu: "Кара-Коюн",
}

func TestMask(t *testing.T) {
	tests := []struct {
		name string
		id   selection.Identity
		text string
		want string
		n    int
	}{
		{"Brief", aigul,
			"Менин атым Айгүл, Ак-Муз айылынанмын. Телефонум 0700 123 456.",
			"Менин атым ▒▒▒, ▒▒▒ айылынанмын. Телефонум ▒▒▒.", 3},
		{"KyrgyzSuffixes", aigul,
			"Айгүлмүн. Айгүлдүн апасы Ак-Муздагы мектепте, Кара-Коюнда иштейт.",
			"▒▒▒. ▒▒▒ апасы ▒▒▒ мектепте, ▒▒▒ иштейт.", 4},
		{"RussianDeclension", aigul,
			"Заявление Асановой Айгуль Бакытовны. Семья Асановых живёт в Ак-Музе.",
			"Заявление ▒▒▒ ▒▒▒ ▒▒▒. Семья ▒▒▒ живёт в ▒▒▒.", 5},
		{"SurnameStem", aigul, "Асанов агай Асанову жазды.", "▒▒▒ агай ▒▒▒ жазды.", 2},
		{"PatronymicStemAlone", aigul, "Бакыт агай жана Бакытбек келди.", "Бакыт агай жана Бакытбек келди.", 0},
		{"UpperCase", aigul, "АЙГҮЛ АСАНОВА", "▒▒▒ ▒▒▒", 2},
		{"RussianSpellingOfKyrgyzName", selection.Identity{FullName: "Гүлнара"},
			"Гульнара, Гулнара, ГҮЛНАРАГА", "▒▒▒, ▒▒▒, ▒▒▒", 3},
		{"DecomposedLetter", aigul, "Аи\u0306гүл", "▒▒▒", 1},
		{"BarredO", selection.Identity{FullName: "Өмүрбекова Гүлзат"},
			"Ɵмүрбекова, ӨМҮРБЕКОВАГА, Омурбекова", "▒▒▒, ▒▒▒, ▒▒▒", 3},
		{"KazakhAndOtherLookalikes", selection.Identity{FullName: "Үмүт Ноңой"},
			"Ұмұт, Ноӈой, Ноӊой, Ноҥой", "▒▒▒, ▒▒▒, ▒▒▒, ▒▒▒", 4},
		{"LatinLookalikes", aigul, "Aйгyл AСAНOВA", "▒▒▒ ▒▒▒", 2},
		{"Diacritics", aigul, "Ӓйгүл Айгӱл", "▒▒▒ ▒▒▒", 2},
		{"ZeroWidthJoinerInName", aigul, "Ай\u200dгүл, Айгүл\u200dдүн", "▒▒▒, ▒▒▒", 2},
		{"SoftHyphenAndZeroWidthSpace", aigul, "Аса\u00adнова Ай\u200bгүл", "▒▒▒ ▒▒▒", 2},
		{"InvisibleInStoredName", selection.Identity{FullName: "Ай\u200dгүл Аса\u00adнова"},
			"Айгүл Асанова", "▒▒▒ ▒▒▒", 2},
		{"NameAfterZeroWidthSpace", aigul, "x\u200bАйгүл", "▒▒▒", 1},
		{"NameAfterHangulFiller", aigul, "\u3164Айгүл", "\u3164▒▒▒", 1},
		{"BidiAroundNameStays", aigul, "\u202eАйгүл\u202c жана \u2067Асанова\u2069", "\u202e▒▒▒\u202c жана \u2067▒▒▒\u2069", 2},
		{"ShortPlaceBeforeInvisible", selection.Identity{Village: "Ош"},
			"Ош\u200b шаары, Ош\u200bто", "▒▒▒\u200b шаары, Ош\u200bто", 1},
		{"PlacePartsWithInvisibleGap", aigul, "Ак\u200b-\u200bМуз", "▒▒▒", 1},
		{"NameInsideWord", aigul, "Гүлайгүл менен Карасанова", "Гүлайгүл менен Карасанова", 0},
		{"MultipleOccurrences", aigul, "Айгүл, Айгүл, Айгүл!", "▒▒▒, ▒▒▒, ▒▒▒!", 3},
		{"HyphenatedNamesAreTwoSpans", aigul, "Асанова-Айгүл", "▒▒▒-▒▒▒", 2},
		{"DigitBeforeName", aigul, "2Айгүл", "▒▒▒", 1},
		{"Particle", selection.Identity{FullName: "Бакыт кызы Айгүл"},
			"Кызыл-Суудагы кызы менен Бакыттын", "Кызыл-Суудагы кызы менен ▒▒▒", 1},
		{"ShortNameIgnored", selection.Identity{FullName: "Ай Асанова"}, "Айылда Ай чыкты.", "Айылда Ай чыкты.", 0},

		{"PlaceHyphenVariants", aigul,
			"Ак–Муз, Ак‐Муз, ак муз, Акмуз, АК - МУЗ",
			"▒▒▒, ▒▒▒, ▒▒▒, ▒▒▒, ▒▒▒", 5},
		{"PlacePartsAlone", aigul, "Ак үй, Муз, Кара", "Ак үй, Муз, Кара", 0},
		{"PlaceAcrossLineBreak", aigul, "Ак\nМуз", "Ак\nМуз", 0},
		{"PlaceDesignators", selection.Identity{Village: "с. Ак-Муз", AiylOkmotu: "Кара-Коюнский а/о"},
			"село Ак-Муз, Кара-Коюн айыл өкмөтү", "село ▒▒▒, ▒▒▒ айыл өкмөтү", 2},
		{"PlaceDesignatorInsideName", selection.Identity{Village: "Жаңы-Айыл айылы"},
			"Жаңы-Айылда жаңы айыл курулду", "▒▒▒ ▒▒▒ курулду", 2},
		{"PlaceStem", selection.Identity{Village: "Бакай-Ата"}, "в Бакай-Ате", "в ▒▒▒", 1},
		{"ShortPlaceBareWordOnly", selection.Identity{Village: "Ош"},
			"Ош шаарында, ошол Ошто", "▒▒▒ шаарында, ошол Ошто", 1},

		{"PhoneFormats", aigul,
			"+996 700 123 456; 0700123456; 700-12-34-56; 0 (700) 12-34-56; (0700) 12 34 56",
			"▒▒▒; ▒▒▒; ▒▒▒; ▒▒▒; ▒▒▒", 5},
		{"WhatsAppOtherFormat", aigul,
			"WhatsApp: 0 (555) 12-34-56, же +996-555-123-456",
			"WhatsApp: ▒▒▒, же ▒▒▒", 2},
		{"OwnPhoneOddPunctuation", aigul, "0700/123/456 же 0700 - 123 - 456", "▒▒▒ же ▒▒▒", 2},
		{"OtherNumberOddPunctuationKept", aigul, "0777/111/222", "0777/111/222", 0},
		{"RelativesNumber", aigul, "Апамдын номери +996 777 987 654.", "Апамдын номери ▒▒▒.", 1},
		{"NBSPNumber", aigul, "тел +996\u00a0777\u00a0000\u00a0111, 0\u202f(555)\u202f12\u201134\u201156", "тел ▒▒▒, ▒▒▒", 2},
		{"InvisibleNotCountedAsGap", aigul, "0777\u200b \u200b000\u200b\u200b\u200b111", "▒▒▒", 1},
		{"BidiWrappedNumber", aigul, "тел \u202a+996 777 000 111\u202c", "тел \u202a▒▒▒\u202c", 1},
		{"ShortNumbersKept", aigul,
			"2019-2021-жылдары 150 000 сом, 05.03.1990, 8-класс, 12-34-56",
			"2019-2021-жылдары 150 000 сом, 05.03.1990, 8-класс, 12-34-56", 0},
		{"NumberStopsAtLineBreak", aigul, "Тел: 0700 123 456\n2019-2021", "Тел: ▒▒▒\n2019-2021", 1},
		{"GluedToWord", aigul, "тел0700123456, 0555123456тел", "▒▒▒, ▒▒▒", 2},

		{"Email", aigul,
			"Жазыңыз: AIGUL@Mail.KG же sister.nurzhan@gmail.com.",
			"Жазыңыз: ▒▒▒ же ▒▒▒.", 2},
		{"BidiWrappedEmail", aigul, "\u202asister@gmail.com\u202c.", "\u202a▒▒▒\u202c.", 1},
		{"EmailCyrillic", aigul, "почта: айгүл@почта.кг!", "почта: ▒▒▒!", 1},
		{"OwnEmailOddCharacters", selection.Identity{Email: "ai#gul@mail.kg"},
			"жаз: AI#GUL@mail.kg, бирок ai#x@mail.kg", "жаз: ▒▒▒, бирок ai#▒▒▒", 2},
		{"AtWithoutAddress", aigul, "саат 5@ жолугабыз, @admin", "саат 5@ жолугабыз, @admin", 0},

		{"KeepsEverythingElse", aigul,
			"Айгүл 🌷\r\n\tАк-Муз — «жакшы»!  ",
			"▒▒▒ 🌷\r\n\t▒▒▒ — «жакшы»!  ", 2},
		{"InvalidUTF8", aigul, "Айгүл\xff\xfeАйгүлдүн \xc0", "▒▒▒\xff\xfe▒▒▒ \xc0", 2},
		{"EmptyText", aigul, "", "", 0},
		{"EmptyIdentityStillMasksNumbersAndAddresses", selection.Identity{},
			"Айгүл, Ак-Муз, 0700 123 456, aigul@mail.kg",
			"Айгүл, Ак-Муз, ▒▒▒, ▒▒▒", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, n := selection.Mask(tt.text, tt.id)
			if got != tt.want || n != tt.n {
				t.Errorf("Mask(%q)\n got %q, %d\nwant %q, %d", tt.text, got, n, tt.want, tt.n)
			}
			if again, n := selection.Mask(got, tt.id); again != got || n != 0 {
				t.Errorf("Mask of the result = %q, %d; want it unchanged", again, n)
			}
		})
	}
}

// essay is about 8 KB of Kyrgyz with the applicant named, placed and
// reachable a few times, as a real motivation essay might be.
func essay() string {
	para := "Мен Ак-Муз айылында туулуп өскөм. Айылыбызда таза суу жок, мектептин чатыры агып жатат. " +
		"Айыл өкмөтүнүн жыйындарына барып, аялдардын үнүн угузгум келет. Депутат болсом, жаштар үчүн " +
		"ийрим ачам. Менин атым Айгүл, телефонум 0 (700) 12-34-56, почтам aigul@mail.kg.\n"
	var b strings.Builder
	for b.Len() < 8<<10 {
		b.WriteString(para)
	}
	return b.String()
}

func BenchmarkMask(b *testing.B) {
	text := essay()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		selection.Mask(text, aigul)
	}
}
