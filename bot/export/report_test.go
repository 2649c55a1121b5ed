package export_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/mentorbot/mentorbot/bot/export"
	"github.com/mentorbot/mentorbot/bot/export/exporttest"
	"github.com/mentorbot/mentorbot/bot/report"
	"github.com/mentorbot/mentorbot/bot/report/reporttest"
	"github.com/mentorbot/mentorbot/locales"
)

// reportWorkbook writes the scenario's report in lang, an event titled
// like a formula.
func reportWorkbook(t *testing.T, lang string) []byte {
	t.Helper()
	facts := reporttest.Facts()
	facts.Events[0].Event.Title = map[string]string{"ru": "=HYPERLINK(\"x\")", "ky": "=1+1"}
	words := wordsIn(t, lang)
	var buf bytes.Buffer
	if err := export.Report(report.Compute(facts), lang, bishkek, words).WriteXLSX(&buf, words); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rowsOf writes a sheet's rows as "a | b | c" lines.
func rowsOf(s exporttest.Sheet) []string {
	var out []string
	for _, r := range s.Rows {
		out = append(out, strings.Join(r, " | "))
	}
	return out
}

// The report's workbook holds the scenario's figures, worked out by hand
// in reporttest, a sheet per stage after the summary, in staff's
// language.
func TestReport_Figures(t *testing.T) {
	sheets, err := exporttest.ReadAll(reportWorkbook(t, "ru"), bishkek)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range sheets {
		names = append(names, s.Name)
	}
	if want := []string{"Итоги", "Заявки", "Отбор", "Посещаемость", "Наставничество", "Выборы", "Рассылки"}; !slices.Equal(names, want) {
		t.Fatalf("sheets %q, want %q", names, want)
	}
	want := map[string][]string{
		"Итоги": {
			"Показатель | Число | Из | Доля | Цель",
			"Отчёт программы на 20.10.2027 12:00 |  |  |  | ",
			reporttest.Headline + " |  |  |  | ",
			"Начали заявку | 10 |  |  | ",
			"Подали заявку | 8 | 10 | 0.8 | ",
			"Отозвали заявку | 1 | 8 | 0.125 | ",
			"Человек подали заявку (без отозванных) | 7 |  |  | ",
			"Областей, откуда они | 4 |  |  | ",
			"Женщин среди них | 5 | 6 | 0.8333 | ",
			"Приняты в Школу | 5 | 7 | 0.7143 | ",
			"Областей, откуда участницы | 4 |  |  | ",
			"Пришли на события (от плана) | 6 | 6 | 1 | ",
			"Вопросов наставникам и юристам | 6 |  |  | ",
			"Вопросов с ответом | 5 | 6 | 0.8333 | ",
			"Записей в частых вопросах | 3 |  |  | ",
			"Выпускниц | 5 |  |  | ",
			"Зарегистрированы кандидатами | 4 | 5 | 0.8 | ",
			"Сообщили результат | 3 | 4 | 0.75 | ",
			"Избраны (от выпускниц, цель — 20%) | 2 | 5 | 0.4 | 0.2",
			"Избраны, проверено по протоколу | 1 | 2 | 0.5 | ",
			"Избраны, ещё не проверено | 1 | 2 | 0.5 | ",
			"Сообщений рассылок доставлено | 9 | 15 | 0.6 | ",
			"Заблокировали бота | 2 | 15 | 0.1333 | ",
			"Не доставлено | 1 | 15 | 0.0667 | ",
		},
		"Заявки": {
			"Разрез | Группа | Начали заявку | Подали | Отозвали",
			"Область | Чуйская | 1 | 1 | 0",
			"Область | Нарынская | 3 | 2 | 0",
			"Область | Ошская | 3 | 3 | 1",
			"Область | Таласская | 2 | 2 | 0",
			"Область | не указано | 1 | 0 | 0",
			"Категория | 28 лет и старше | 5 | 5 | 1",
			"Категория | до 28 лет | 3 | 3 | 0",
			"Категория | не указано | 2 | 0 | 0",
			"Откуда пришла | wa-naryn | 4 | 3 | 0",
			"Откуда пришла | без ссылки | 3 | 2 | 1",
			"Откуда пришла | email | 2 | 2 | 0",
			"Откуда пришла | paper | 1 | 1 | 0",
			"Всего |  | 10 | 8 | 1",
		},
		"Отбор": {
			"Область | Категория | В отборе | Приняты | В резерве | Не приняты | Без решения",
			"Чуйская | 28 лет и старше | 1 | 1 | 0 | 0 | 0",
			"Нарынская | 28 лет и старше | 1 | 1 | 0 | 0 | 0",
			"Нарынская | до 28 лет | 1 | 1 | 0 | 0 | 0",
			"Ошская | 28 лет и старше | 1 | 1 | 0 | 0 | 0",
			"Ошская | до 28 лет | 1 | 0 | 0 | 1 | 0",
			"Таласская | 28 лет и старше | 1 | 1 | 0 | 0 | 0",
			"Таласская | до 28 лет | 1 | 0 | 1 | 0 | 0",
			"Всего |  | 7 | 5 | 1 | 1 | 0",
		},
		"Посещаемость": {
			"Событие | Название | Вид | Время | Отменено | План | Приглашены | Ответили «приду» | Ответили «не приду» | Пришли | Пришли, % от плана | Пришли, % от приглашённых",
			"e-0510-1 | =HYPERLINK(\"x\") | 💻 Онлайн-встреча | 2027-05-10T15:00:00+06:00 | Нет | 4 | 5 | 3 | 1 | 3 | 0.75 | 0.6",
			"e-0515-1 | Встреча e-0515-1 | 💻 Онлайн-встреча | 2027-05-15T15:00:00+06:00 | Да | 5 | 5 | 0 | 0 | 0 | 0 | 0",
			"e-0520-1 | Встреча e-0520-1 | 👥 Занятие | 2027-05-20T11:00:00+06:00 | Нет | 2 | 5 | 0 | 0 | 3 | 1.5 | 0.6",
			"e-1101-1 | Встреча e-1101-1 | 💻 Онлайн-встреча | 2027-11-01T15:00:00+06:00 | Нет | 10 | 5 | 0 | 0 | 0 | 0 | 0",
			"Всего (прошедшие события с планом) |  |  |  |  | 6 | 10 | 3 | 1 | 6 | 1 | 0.6",
		},
		"Наставничество": {
			"Очередь | Вопросов | С ответом | Ждут ответа | Медиана до первого ответа, ч | 90% ответов быстрее, ч",
			"наставник | 4 | 3 | 1 | 2 | 2.8",
			"юрист | 1 | 1 | 0 | 0.5 | 0.5",
			"🆘 помощь | 1 | 1 | 0 | 0.17 | 0.17",
			"Всего | 6 | 5 | 1 | 1 | 2.6",
		},
		"Выборы": {
			"Разрез | Группа | Выпускницы | Кандидаты | Сообщили результат | Избраны | Избраны, проверено по протоколу | Избраны, не проверено | Избраны, не сходится с протоколом | Результатов проверено | Результатов отклонено | Избраны, % выпускниц | Цель",
			"Область | Чуйская | 1 | 1 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0.2",
			"Область | Нарынская | 2 | 2 | 2 | 2 | 1 | 1 | 0 | 1 | 0 | 1 | 0.2",
			"Область | Ошская | 1 | 1 | 1 | 0 | 0 | 0 | 0 | 0 | 1 | 0 | 0.2",
			"Область | Таласская | 1 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0.2",
			"Возраст в день выборов | 18-27 | 1 | 1 | 1 | 1 | 0 | 1 | 0 | 0 | 0 | 1 | 0.2",
			"Возраст в день выборов | 28-35 | 1 | 1 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0.2",
			"Возраст в день выборов | 36-45 | 1 | 1 | 1 | 0 | 0 | 0 | 0 | 0 | 1 | 0 | 0.2",
			"Возраст в день выборов | 46-55 | 1 | 1 | 1 | 1 | 1 | 0 | 0 | 1 | 0 | 1 | 0.2",
			"Возраст в день выборов | не указано | 1 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0.2",
			"Всего |  | 5 | 4 | 3 | 2 | 1 | 1 | 0 | 1 | 1 | 0.4 | 0.2",
		},
		"Рассылки": {
			"Рассылка № | Начата | Статус | Кому | Получателей | Доставлено | Заблокировали бота | Не доставлено | Осталось | Доставлено, %",
			"1 | 2027-03-01T10:05:00+06:00 | отправлена | participants | 10 | 7 | 2 | 1 | 0 | 0.7",
			"3 | 2027-10-19T10:05:00+06:00 | на паузе | participants | 5 | 2 | 0 | 0 | 3 | 0.4",
			" |  | Всего |  | 15 | 9 | 2 | 1 | 3 | 0.6",
		},
	}
	for _, s := range sheets {
		if got := rowsOf(s); !slices.Equal(got, want[s.Name]) {
			t.Errorf("sheet %s:\n%s\nwant:\n%s", s.Name, strings.Join(got, "\n"), strings.Join(want[s.Name], "\n"))
		}
	}
}

// Every sheet keeps a table's rules: a frozen header, an autofilter over
// the data; shares are numbers shown as 0%, counts whole numbers, times
// Excel dates, text (a title like a formula) text.
func TestReport_CellsAndFrames(t *testing.T) {
	data := reportWorkbook(t, "ru")
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for i, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		checkSheetFrame(t, f, data, i+1, sheet, len(rows[0]), len(rows))
	}
	for _, c := range []struct {
		sheet, ref string
		typ        excelize.CellType
		format     string
	}{
		{"Итоги", "A3", excelize.CellTypeInlineString, "builtin 49"},
		{"Итоги", "B4", excelize.CellTypeUnset, "builtin 1"},
		{"Итоги", "D5", excelize.CellTypeUnset, "builtin 9"},
		{"Посещаемость", "B2", excelize.CellTypeInlineString, "builtin 49"},
		{"Посещаемость", "D2", excelize.CellTypeUnset, export.DateTimeFormat},
		{"Посещаемость", "K4", excelize.CellTypeUnset, "builtin 9"},
		{"Наставничество", "F2", excelize.CellTypeUnset, "builtin 0"},
	} {
		typ, err := f.GetCellType(c.sheet, c.ref)
		if err != nil {
			t.Fatal(err)
		}
		format, err := exporttest.NumberFormat(f, c.sheet, c.ref)
		if err != nil {
			t.Fatal(err)
		}
		if typ != c.typ || format != c.format {
			t.Errorf("%s!%s: type %v format %q, want %v %q", c.sheet, c.ref, typ, format, c.typ, c.format)
		}
	}
	if v, _ := f.GetCellValue("Посещаемость", "K4"); v != "150%" {
		t.Errorf("a share as staff see it: %q, want 150%%", v)
	}
}

// checkSheetFrame is checkFrame for the n-th sheet of a workbook.
func checkSheetFrame(t *testing.T, f *excelize.File, data []byte, n int, sheet string, cols, rows int) {
	t.Helper()
	end, _ := excelize.CoordinatesToCellName(cols, rows, true)
	abs := "$A$1:" + end
	panes, err := f.GetPanes(sheet)
	if err != nil || !panes.Freeze || panes.YSplit != 1 || panes.TopLeftCell != "A2" {
		t.Errorf("%s: panes %+v, %v: want the first row frozen", sheet, panes, err)
	}
	var filter string
	for _, d := range f.GetDefinedName() {
		if d.Name == "_xlnm._FilterDatabase" && d.Scope == sheet {
			filter = d.RefersTo
		}
	}
	if want := "'" + sheet + "'!" + abs; filter != want {
		t.Errorf("%s: filter range %q, want %q", sheet, filter, want)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	file, err := zr.Open(fmt.Sprintf("xl/worksheets/sheet%d.xml", n))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	xml, err := io.ReadAll(file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(xml), `<autoFilter ref="`+abs+`">`) || !strings.Contains(string(xml), `state="frozen"`) {
		t.Errorf("%s: sheet XML lacks the autofilter over %s or the frozen pane", sheet, abs)
	}
	if w, _ := f.GetColWidth(sheet, "A"); w < 6 || w > 50 {
		t.Errorf("%s: column A is %v wide", sheet, w)
	}
}

// In Kyrgyz the sheets and headers are Kyrgyz, and Cyrillic intact.
func TestReport_Kyrgyz(t *testing.T) {
	for _, lang := range locales.Languages {
		sheets, err := exporttest.ReadAll(reportWorkbook(t, lang), bishkek)
		if err != nil {
			t.Fatal(err)
		}
		if lang != "ky" {
			continue
		}
		if sheets[0].Name != "Жыйынтык" || sheets[0].Rows[0][0] != "Көрсөткүч" ||
			!strings.HasPrefix(sheets[0].Rows[2][0], "7 адам 4 облустан, аялдар — 83%") {
			t.Errorf("Kyrgyz summary %q: %q", sheets[0].Name, sheets[0].Rows[:3])
		}
		if got := sheets[3].Rows[1][1]; got != "=1+1" {
			t.Errorf("Kyrgyz title %q", got)
		}
	}
}
