package export_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/mentorbot/mentorbot/bot/export"
	"github.com/mentorbot/mentorbot/bot/export/exporttest"
	"github.com/mentorbot/mentorbot/bot/selection"
	"github.com/mentorbot/mentorbot/locales"
	"github.com/mentorbot/mentorbot/store"
)

var bishkek = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Bishkek")
	if err != nil {
		panic(err)
	}
	return loc
}()

// texts loads the messages; a missing or broken one fails the test.
func texts(t *testing.T) export.Words {
	t.Helper()
	return wordsIn(t, "ru")
}

func wordsIn(t *testing.T, lang string) export.Words {
	t.Helper()
	var logs bytes.Buffer
	tx, err := locales.New(slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if logs.Len() > 0 {
			t.Errorf("missing or broken messages:\n%s", logs.String())
		}
	})
	return func(key string, data map[string]any) string { return tx.Text(lang, key, data) }
}

// herApplication is an application whose answers look like formulas, as
// any applicant may type them.
func herApplication() store.Application {
	return store.Application{Code: "A-001", Language: "ky", Category: store.Category28Plus, Status: store.StatusSubmitted,
		SubmittedAt: time.Date(2026, 11, 22, 4, 0, 0, 0, time.UTC), // 10:00 in Bishkek
		Answers: map[string]string{"full_name": "=SUM(A1)", "birth_date": "1990-03-15", "phone": "+996700123456",
			"district": "-5", "village": "@x", "workplace": "=1+1", "essay": strings.Repeat("Мен айылымды сүйөм. ", 40)}}
}

func workbook(t *testing.T, tb export.Table, words export.Words) (*excelize.File, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := tb.WriteXLSX(&buf, words); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f, buf.Bytes()
}

// columnOf is the cell reference of key's column in row.
func columnOf(t *testing.T, tb export.Table, key string, row int) string {
	t.Helper()
	for i, c := range tb.Columns {
		if c.Key == key {
			ref, _ := excelize.CoordinatesToCellName(i+1, row)
			return ref
		}
	}
	t.Fatalf("no column %s", key)
	return ""
}

// What staff see in the applications workbook: her answers as text, even
// those that look like formulas; her birth date and the submission time
// as dates; the header frozen and filtered; readable widths.
func TestXLSX_Applications(t *testing.T) {
	tb := export.Applications([]store.Application{herApplication()}, bishkek)
	f, data := workbook(t, tb, texts(t))
	sheet := f.GetSheetName(0)
	if sheet != "Заявки" || f.SheetCount != 1 {
		t.Fatalf("sheets %q", f.GetSheetList())
	}
	for key, want := range map[string]string{"code": "Код", "submitted_at": "Подана", "full_name": "ФИО", "birth_date": "Дата рождения",
		"stage_info": "Сообщить данные для поездки"} {
		if got, _ := f.GetCellValue(sheet, columnOf(t, tb, key, 1)); got != want {
			t.Errorf("header of %s: %q, want %q", key, got, want)
		}
	}
	// Text answers: string cells, no formula, exactly as she typed.
	for key, want := range map[string]string{"full_name": "=SUM(A1)", "workplace": "=1+1", "phone": "+996700123456", "district": "-5", "village": "@x"} {
		ref := columnOf(t, tb, key, 2)
		typ, _ := f.GetCellType(sheet, ref)
		formula, _ := f.GetCellFormula(sheet, ref)
		got, _ := f.GetCellValue(sheet, ref)
		if typ != excelize.CellTypeInlineString || formula != "" || got != want {
			t.Errorf("%s %s: type %v, formula %q, value %q; want the text %q", key, ref, typ, formula, got, want)
		}
		if format, _ := exporttest.NumberFormat(f, sheet, ref); format != "builtin 49" {
			t.Errorf("%s is formatted %s, want text (49)", key, format)
		}
	}
	// Dates: numbers (serials) with a date format, shown as staff write them.
	for key, want := range map[string]struct {
		serial         float64
		format, showed string
	}{
		"birth_date":   {32947, export.DateFormat, "15.03.1990"},
		"submitted_at": {46348 + 10.0/24, export.DateTimeFormat, "22.11.2026 10:00"},
	} {
		ref := columnOf(t, tb, key, 2)
		typ, _ := f.GetCellType(sheet, ref)
		raw, _ := f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
		format, _ := exporttest.NumberFormat(f, sheet, ref)
		showed, _ := f.GetCellValue(sheet, ref)
		serial, _ := strconv.ParseFloat(raw, 64)
		if typ != excelize.CellTypeUnset || math.Abs(serial-want.serial) > 1e-6 || format != want.format || showed != want.showed {
			t.Errorf("%s: type %v, serial %s, format %q, shown %q; want %v as %q, %q", key, typ, raw, format, showed, want.serial, want.format, want.showed)
		}
	}
	checkFrame(t, f, data, sheet, len(tb.Columns), 2)
	// Widths follow the content: the name as long as "=SUM(A1)" and a
	// little room, the date-time as "22.11.2026 10:00", the essay capped.
	for key, want := range map[string]float64{"full_name": 9, "submitted_at": 17, "essay": 50, "code": 6} {
		col := columnOf(t, tb, key, 1)
		if got, _ := f.GetColWidth(sheet, strings.TrimRight(col, "0123456789")); got != want {
			t.Errorf("width of %s: %v, want %v", key, got, want)
		}
	}
}

// lastCell is the bottom right cell of the data.
func lastCell(cols, rows int) string {
	ref, _ := excelize.CoordinatesToCellName(cols, rows)
	return ref
}

// checkFrame checks the sheet's frozen header row and its autofilter over
// ref, both as excelize reads them and in the sheet's XML, where Excel
// reads them.
func checkFrame(t *testing.T, f *excelize.File, data []byte, sheet string, cols, rows int) {
	t.Helper()
	ref := "A1:" + lastCell(cols, rows)
	end, _ := excelize.CoordinatesToCellName(cols, rows, true)
	abs := "$A$1:" + end
	panes, err := f.GetPanes(sheet)
	if err != nil || !panes.Freeze || panes.YSplit != 1 || panes.XSplit != 0 || panes.TopLeftCell != "A2" {
		t.Errorf("panes %+v, %v: want the first row frozen", panes, err)
	}
	var filter string
	for _, d := range f.GetDefinedName() {
		if d.Name == "_xlnm._FilterDatabase" && d.Scope == sheet {
			filter = d.RefersTo
		}
	}
	if want := "'" + sheet + "'!" + abs; filter != want {
		t.Errorf("filter range %q, want %q", filter, want)
	}
	xml := sheetXML(t, data)
	for _, want := range []string{`<autoFilter ref="` + abs + `">`, `<dimension ref="` + ref + `">`, `state="frozen"`} {
		if !strings.Contains(xml, want) {
			t.Errorf("sheet XML lacks %s", want)
		}
	}
}

// sheetXML is the first sheet's XML inside the .xlsx zip.
func sheetXML(t *testing.T, data []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range zr.File {
		if file.Name == "xl/worksheets/sheet1.xml" {
			r, err := file.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			b, err := io.ReadAll(r)
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
	}
	t.Fatal("no xl/worksheets/sheet1.xml")
	return ""
}

// Numbers are numbers: the scores as integers with the "0" format, the
// totals and the mean as decimals; an empty score is a blank cell.
func TestXLSX_ScoresAreNumbers(t *testing.T) {
	apps := []store.Application{{Code: "A-001", Category: store.Category28Plus, Status: store.StatusAccepted}, {Code: "A-002", Category: store.CategoryUnder28}}
	scores := []store.Score{
		{Code: "A-001", MemberID: 50, Points: [7]int{4, 3, 2, 5, 4, 3, 5}, Confirmed: true},
		{Code: "A-001", MemberID: 51, Points: [7]int{5, 5, 5, 5, 5, 5, 4}, Confirmed: true},
	}
	tb := export.Scores(apps, scores, []int64{50, 51})
	f, data := workbook(t, tb, texts(t))
	sheet := f.GetSheetName(0)
	if sheet != "Оценки" {
		t.Errorf("sheet %q", sheet)
	}
	for key, want := range map[string]struct{ header, value, format string }{
		"member_50_c1":    {"Член 50: критерий 1", "4", "builtin 1"},
		"member_50_total": {"Член 50: итог", "77", "builtin 0"},
		"member_51_total": {"Член 51: итог", "96", "builtin 0"},
		"mean":            {"Средний балл", "86.5", "builtin 0"},
	} {
		if got, _ := f.GetCellValue(sheet, columnOf(t, tb, key, 1)); got != want.header {
			t.Errorf("header of %s: %q, want %q", key, got, want.header)
		}
		ref := columnOf(t, tb, key, 2)
		typ, _ := f.GetCellType(sheet, ref)
		raw, _ := f.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
		format, _ := exporttest.NumberFormat(f, sheet, ref)
		if typ != excelize.CellTypeUnset || raw != want.value || format != want.format {
			t.Errorf("%s: type %v, value %q, format %s; want the number %s (%s)", key, typ, raw, format, want.value, want.format)
		}
	}
	if got, _ := f.GetCellValue(sheet, columnOf(t, tb, "member_50_c1", 3)); got != "" {
		t.Errorf("an unscored application shows %q", got)
	}
	checkFrame(t, f, data, sheet, len(tb.Columns), 3)
}

// The headers read in Kyrgyz for a Kyrgyz-speaking staff member, and the
// reader used by the bot's tests gives back what the CSV says.
func TestXLSX_Kyrgyz(t *testing.T) {
	tb := export.Applications([]store.Application{herApplication()}, bishkek)
	var buf bytes.Buffer
	if err := tb.WriteXLSX(&buf, wordsIn(t, "ky")); err != nil {
		t.Fatal(err)
	}
	s, err := exporttest.Read(buf.Bytes(), bishkek)
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "Өтүнмөлөр" {
		t.Errorf("sheet %q", s.Name)
	}
	if got := strings.Join(s.Rows[0][:10], "|"); got != "Код|Тил|Категория|Берилген убакыт|Абалы|Кайдан келди|Келген күнү|Аты-жөнү|Жынысы|Туулган күнү" {
		t.Errorf("Kyrgyz headers %s", got)
	}
	if got := strings.Join(s.Rows[1][:10], ","); got != "A-001,ky,28plus,2026-11-22T10:00:00+06:00,submitted,direct,,=SUM(A1),,1990-03-15" {
		t.Errorf("row %s", got)
	}
}

// The CSV is for Excel too: a byte-order mark, and a leading apostrophe
// on every answer Excel would run as a formula. Numbers, even negative
// ones, are left as they are.
func TestCSV_BOMAndFormulas(t *testing.T) {
	tb := export.Table{Name: "test", Columns: []export.Column{
		{Key: "answer"}, {Key: "chat_id", Kind: export.Whole}, {Key: "mean", Kind: export.Decimal},
		{Key: "born", Kind: export.Date}, {Key: "at", Kind: export.DateTime},
	}, Rows: [][]any{
		{"=SUM(A1)", int64(-1001234567890), 81.3333, time.Date(1990, 3, 15, 0, 0, 0, 0, time.UTC), time.Date(2026, 11, 22, 10, 0, 0, 0, bishkek)},
		{"+996700123456", 7, nil, nil, time.Time{}},
		{"-5", nil, 77.0, "15 марта", nil},
		{"@x", nil, nil, nil, nil},
		{"\tтаб", nil, nil, nil, nil},
		{"\rвозврат", nil, nil, nil, nil},
		{"Асанова, \"Айгүл\"", nil, nil, nil, nil},
	}}
	var buf bytes.Buffer
	if err := tb.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	want := "\xef\xbb\xbfanswer,chat_id,mean,born,at\n" +
		"'=SUM(A1),-1001234567890,81.33,1990-03-15,2026-11-22T10:00:00+06:00\n" +
		"'+996700123456,7,,,\n" +
		"'-5,,77,15 марта,\n" +
		"'@x,,,,\n" +
		"'\tтаб,,,,\n" +
		"\"'\rвозврат\",,,,\n" +
		"\"Асанова, \"\"Айгүл\"\"\",,,,\n"
	if got := buf.String(); got != want {
		t.Errorf("CSV:\n%q\nwant:\n%q", got, want)
	}
}

func TestNeutralise(t *testing.T) {
	for in, want := range map[string]string{
		"": "", "Айгүл": "Айгүл", "a=b": "a=b", "=1+1": "'=1+1", "+996": "'+996", "-5": "'-5", "@x": "'@x",
		"\t=1": "'\t=1", "\r=1": "'\r=1", "'=1": "'=1", " =1": " =1",
	} {
		if got := export.Neutralise(in); got != want {
			t.Errorf("Neutralise(%q) = %q, want %q", in, got, want)
		}
	}
}

// A builder's mistake (a value of the wrong kind, a short row) is an
// error, not half a file.
func TestTable_RefusesWrongValues(t *testing.T) {
	for name, tb := range map[string]export.Table{
		"decimal in a whole column": {Name: "x", Columns: []export.Column{{Key: "n", Kind: export.Whole}}, Rows: [][]any{{1.5}}},
		"time in a text column":     {Name: "x", Columns: []export.Column{{Key: "s"}}, Rows: [][]any{{time.Now()}}},
		"short row":                 {Name: "x", Columns: []export.Column{{Key: "a"}, {Key: "b"}}, Rows: [][]any{{"a"}}},
	} {
		for _, format := range []export.Format{export.CSV, export.XLSX} {
			var buf bytes.Buffer
			if err := tb.Write(&buf, format, texts(t)); err == nil || buf.Len() > 0 {
				t.Errorf("%s as %s: %v, %d bytes written", name, format, err, buf.Len())
			}
		}
	}
}

// Every export's headers and sheet name exist in both languages, and the
// sheet names are ones Excel accepts.
func TestXLSX_EveryExportNamedInBothLanguages(t *testing.T) {
	at := time.Date(2026, 11, 22, 10, 0, 0, 0, bishkek)
	app := herApplication()
	tables := []export.Table{
		export.Applications([]store.Application{app}, bishkek),
		export.Scores([]store.Application{app}, []store.Score{{Code: "A-001", MemberID: 50, Confirmed: true}}, []int64{50}),
		export.Questions([]store.Question{{ID: 1, UserID: 7, CreatedAt: at, Thread: []store.Post{{Text: "=1", At: at}}}}, bishkek),
		export.Results([]export.ResultRow{{User: store.User{ID: 7}, Application: app, Reports: []store.ResultReport{{VotesReceived: 10, At: at}}}}, bishkek),
		export.People([]export.RoleHolder{{Role: store.RoleMentor, User: store.User{ID: 7, FirstName: "Айгүл"}}}),
		export.Broadcasts([]export.BroadcastLine{{Broadcast: store.Broadcast{ID: 1, CreatedAt: at}}}, bishkek),
		export.BroadcastReport(store.Broadcast{ID: 1}, []store.Recipient{{UserID: 7, At: at}}, bishkek),
		export.Audit([]store.AuditEntry{{At: at, UserID: 900, Action: "/export"}}, map[int64]string{900: "Altynai"}, bishkek),
		export.Ranking([]export.RankedCategory{{Category: store.Category28Plus, Results: []selection.Result{{App: app, Totals: map[int64]float64{50: 80}, Mean: 80}}}}, []int64{50}, true),
		export.Undelivered([]store.DeadLetter{{At: at, Pending: store.Pending{Queued: at, Outgoing: store.Outgoing{ChatID: -100, Text: "=x"}}}}, nil, bishkek),
	}
	for _, lang := range locales.Languages {
		words := wordsIn(t, lang)
		for _, tb := range tables {
			var buf bytes.Buffer
			if err := tb.WriteXLSX(&buf, words); err != nil {
				t.Fatalf("%s: %v", tb.Name, err)
			}
			s, err := exporttest.Read(buf.Bytes(), bishkek)
			if err != nil {
				t.Fatalf("%s: %v", tb.Name, err)
			}
			if s.Name != export.SheetName(words(tb.SheetKey(), nil)) || s.Name == "Sheet1" {
				t.Errorf("%s in %s: sheet %q", tb.Name, lang, s.Name)
			}
			if len(s.Rows) != 2 || len(s.Rows[0]) != len(tb.Columns) {
				t.Errorf("%s in %s: %d rows of %d cells", tb.Name, lang, len(s.Rows), len(s.Rows[0]))
			}
			if err := tb.WriteCSV(&buf); err != nil {
				t.Errorf("%s as CSV: %v", tb.Name, err)
			}
		}
	}
}

func TestSheetName(t *testing.T) {
	for in, want := range map[string]string{
		"Заявки": "Заявки", "a/b:c?": "a-b-c-", "'x'": "x", "": "Sheet1",
		strings.Repeat("я", 40): strings.Repeat("я", 31),
	} {
		if got := export.SheetName(in); got != want {
			t.Errorf("SheetName(%q) = %q, want %q", in, got, want)
		}
	}
}

// BenchmarkApplications10000 writes the applications workbook of a big
// year: 10 000 applications with full answers, as /export does.
func BenchmarkApplications10000(b *testing.B) {
	apps := make([]store.Application, 10000)
	for i := range apps {
		a := herApplication()
		a.Code = fmt.Sprintf("A-%05d", i+1)
		apps[i] = a
	}
	words := func(key string, _ map[string]any) string { return key }
	b.ResetTimer()
	for b.Loop() {
		var buf bytes.Buffer
		if err := export.Applications(apps, bishkek).WriteXLSX(&buf, words); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(buf.Len()), "bytes")
	}
}

// A question to the school is marked so in the questions export: her
// posts are "applicant" (she asked before she was a participant), the
// answers "school"; a mentor's thread keeps "participant" and "mentor".
func TestQuestions_FromLabels(t *testing.T) {
	at := time.Date(2026, 11, 22, 10, 0, 0, 0, bishkek)
	thread := []store.Post{{AuthorID: 7, Text: "?", At: at}, {FromMentor: true, AuthorID: 900, Text: "!", At: at}}
	tb := export.Questions([]store.Question{
		{ID: 1, UserID: 7, Kind: store.KindSchool, CreatedAt: at, Thread: thread},
		{ID: 2, UserID: 7, Kind: store.KindMentor, CreatedAt: at, Thread: thread},
	}, bishkek)
	var from []any
	for _, row := range tb.Rows {
		from = append(from, row[10])
	}
	if want := []any{"applicant", "school", "participant", "mentor"}; !slices.Equal(from, want) {
		t.Errorf("from: %v, want %v", from, want)
	}
}
