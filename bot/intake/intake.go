// Package intake reads applications that came to the school on paper or
// by e-mail from a table staff typed or kept: the columns of the
// applications export (bot/export), as a workbook (XLSX) or CSV. Every
// row is checked with the form's own parsers and rules, as if she had
// answered in the chat; a file with any bad row gives every bad row's line
// and reason and no applications, so nothing is imported half.
//
// Headers may be the CSV's machine keys ("full_name") or the workbook's
// headers in Kyrgyz or Russian ("Аты-жөнү", "ФИО"), in any order; a cell
// may hold a stored answer ("yes", "naryn", "+996700123456", "1990-03-15")
// or what a person types ("да", "Нарын", "0700 12 34 56", "15 марта
// 1990"). The record's own columns code, category, submitted_at and
// status are read past: an imported application gets a new code, its
// category from the birth date, and the time of the import. source
// ("paper" or "email") and arrived_at (the day it came, by the deadline)
// are required; language ("ky" or "ru") may be blank, for Russian.
//
// A row whose phone is an earlier row's, or, given Reader.Known, an
// application's already stored, is a bad row too: one woman is scored
// once.
//
// Reasons are in English and name the line and the column, never what
// the cell holds: a reason may be printed or logged, a cell is personal.
package intake

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/mentorbot/mentorbot/bot/export"
	"github.com/mentorbot/mentorbot/bot/form"
	"github.com/mentorbot/mentorbot/store"
)

// MaxProblems is how many bad rows are listed before the reading stops.
const MaxProblems = 50

// MaxFile is the largest file read, in bytes: a few thousand
// applications with their essays are far below it.
const MaxFile = 64 << 20

// Problem is one bad row or header: its line in the file (1 is the
// header), the column's machine key if one is at fault, and why. In a
// CSV whose answers span several lines, Row is the row as a spreadsheet
// numbers it, where it differs from the line a text editor shows.
type Problem struct {
	Line, Row int
	Column    string
	Reason    string
}

func (p Problem) String() string {
	where := fmt.Sprintf("line %d", p.Line)
	if p.Row != 0 && p.Row != p.Line {
		where += fmt.Sprintf(" (row %d)", p.Row)
	}
	if p.Column != "" {
		where += ", column " + p.Column
	}
	return where + ": " + p.Reason
}

// Problems is the error of a file with bad rows: nothing of it is taken.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Words are the bot's texts in one language (export.Words): the headers
// and the options' labels a file may use.
type Words = export.Words

// Reader reads files of applications against the form's rules.
type Reader struct {
	Rules form.Rules
	// headers and options map a folded header or option label to its
	// machine key.
	headers map[string]string
	options map[string]map[string]string // field ID -> label -> option ID
	// Known, if set, is the code of the application already stored with
	// a phone (E.164), "" for none: a row with that phone is a duplicate.
	Known func(phone string) (code string)
}

// NewReader is a reader that knows the headers and option labels in
// each of languages.
func NewReader(r form.Rules, languages ...Words) *Reader {
	rd := &Reader{Rules: r, headers: map[string]string{}, options: map[string]map[string]string{}}
	for _, c := range export.ApplicationColumns() {
		rd.headers[fold(c.Key)] = c.Key
		for _, words := range languages {
			rd.headers[fold(words(c.LabelKey(), c.Args))] = c.Key
		}
	}
	for _, f := range form.Fields {
		if f.Kind != form.Choice {
			continue
		}
		m := map[string]string{}
		for _, o := range f.Options {
			m[fold(o)] = o
			for _, words := range languages {
				m[fold(words("form."+f.ID+".opt."+o, nil))] = o
			}
		}
		rd.options[f.ID] = m
	}
	return rd
}

func fold(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

// Read reads the applications in data, a workbook or a CSV (told apart
// by their first bytes, not by a file name). It returns them ready for
// store.SubmitEntered, in the file's order, or Problems.
func (rd *Reader) Read(data []byte) ([]store.Application, error) {
	if len(data) > MaxFile {
		return nil, Problems{{Line: 1, Reason: fmt.Sprintf("the file is larger than %d MB", MaxFile>>20)}}
	}
	var (
		rows []row
		err  error
	)
	if bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		rows, err = xlsxRows(data)
	} else {
		rows, err = csvRows(data)
	}
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, Problems{{Line: 1, Reason: "the file is empty: want a header row and a row per application"}}
	}
	cols, problems := rd.columns(rows[0])
	if len(problems) > 0 {
		return nil, problems
	}
	var apps []store.Application
	phones := map[string]int{} // phone -> the line it was first on
	for _, r := range rows[1:] {
		if r.blank() {
			continue
		}
		a, ps := rd.application(cols, r)
		if len(ps) == 0 {
			ps = rd.duplicate(a.Answers["phone"], r, phones)
		}
		problems = append(problems, ps...)
		if len(problems) >= MaxProblems {
			problems = append(problems[:MaxProblems], Problem{Line: r.line, Reason: "too many problems: reading stopped"})
			break
		}
		apps = append(apps, a)
	}
	if len(problems) > 0 {
		return nil, problems
	}
	if len(apps) == 0 {
		return nil, Problems{{Line: 1, Reason: "no applications under the header"}}
	}
	return apps, nil
}

// row is one line of the file: its cells, and, in a workbook, which
// cells are numbers (a date typed in Excel is one).
type row struct {
	line    int
	index   int // 1 for the header
	cells   []string
	numbers []bool
}

func (r row) blank() bool {
	for _, c := range r.cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func (r row) cell(i int) (text string, number bool) {
	if i >= len(r.cells) {
		return "", false
	}
	return strings.TrimSpace(r.cells[i]), i < len(r.numbers) && r.numbers[i]
}

// csvRows reads a CSV, with or without a byte-order mark, by comma or
// semicolon (as Excel writes it in a Russian Windows). A row's line is
// where it starts: an essay may span several lines.
func csvRows(data []byte) ([]row, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) {
		return nil, Problems{{Line: 1, Reason: "the file is neither a workbook (.xlsx) nor UTF-8 text (save the CSV as UTF-8)"}}
	}
	first, _, _ := bytes.Cut(data, []byte("\n"))
	cr := csv.NewReader(bytes.NewReader(data))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	var rows []row
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, Problems{{Line: pe.StartLine, Reason: "not valid CSV: " + pe.Err.Error()}}
			}
			return nil, Problems{{Line: len(rows) + 1, Reason: "not valid CSV"}}
		}
		line, _ := cr.FieldPos(0)
		rows = append(rows, row{line: line, index: len(rows) + 1, cells: rec})
	}
}

// xlsxRows reads the first sheet of a workbook, cell values as stored
// (a date as its serial number, marked as a number).
func xlsxRows(data []byte) ([]row, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, Problems{{Line: 1, Reason: "not a workbook Excel can open"}}
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	all, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, Problems{{Line: 1, Reason: "the first sheet cannot be read"}}
	}
	rows := make([]row, len(all))
	for i, cells := range all {
		rows[i] = row{line: i + 1, index: i + 1, cells: cells, numbers: make([]bool, len(cells))}
		for j, c := range cells {
			if c == "" {
				continue
			}
			ref, err := excelize.CoordinatesToCellName(j+1, i+1)
			if err != nil {
				return nil, err
			}
			typ, err := f.GetCellType(sheet, ref)
			if err != nil {
				return nil, fmt.Errorf("cell %s: %w", ref, err)
			}
			rows[i].numbers[j] = typ == excelize.CellTypeNumber || typ == excelize.CellTypeUnset && isNumber(c)
		}
	}
	return rows, nil
}

func isNumber(s string) bool { _, err := strconv.ParseFloat(s, 64); return err == nil }

// ignored are the record's own columns an import reads past.
var ignored = map[string]bool{"code": true, "category": true, "submitted_at": true, "status": true}

// columns maps each machine key to its column in the header, refusing
// an unknown header, a doubled one and a missing one.
func (rd *Reader) columns(header row) (map[string]int, Problems) {
	cols := map[string]int{}
	var ps Problems
	for i, h := range header.cells {
		if i == 0 {
			h = strings.TrimPrefix(h, "\ufeff")
		}
		if strings.TrimSpace(h) == "" {
			continue
		}
		key, ok := rd.headers[fold(h)]
		switch {
		case !ok:
			ps = append(ps, Problem{Line: header.line, Reason: fmt.Sprintf("column %d: the header is none of the applications export's", i+1)})
		case cols[key] != 0:
			ps = append(ps, Problem{Line: header.line, Column: key, Reason: "the column is there twice"})
		default:
			cols[key] = i + 1 // 0 is "absent"
		}
	}
	for _, c := range export.ApplicationColumns() {
		if _, ok := cols[c.Key]; !ok && !ignored[c.Key] && c.Key != "language" && !given(c.Key) {
			ps = append(ps, Problem{Line: header.line, Column: c.Key, Reason: "the column is missing"})
		}
	}
	return cols, ps
}

// given reports whether key is a field the form answers itself (sex).
func given(key string) bool {
	f, ok := form.ByID(key)
	return ok && f.Given != ""
}

// application reads one row.
func (rd *Reader) application(cols map[string]int, r row) (store.Application, Problems) {
	var ps Problems
	refuse := func(col, reason string) {
		ps = append(ps, Problem{Line: r.line, Row: r.index, Column: col, Reason: reason})
	}
	get := func(key string) (string, bool) {
		i := cols[key]
		if i == 0 {
			return "", false
		}
		return r.cell(i - 1)
	}
	a := store.Application{Answers: map[string]string{}, Language: "ru"}
	if lang, _ := get("language"); lang != "" {
		if lang = strings.ToLower(lang); lang != "ky" && lang != "ru" {
			refuse("language", "want ky or ru")
		}
		a.Language = lang
	}
	switch src, _ := get("source"); strings.ToLower(src) {
	case store.SourcePaper:
		a.Source = store.SourcePaper
	case store.SourceEmail, "e-mail":
		a.Source = store.SourceEmail
	case "":
		refuse("source", "empty: want paper or email")
	default:
		refuse("source", "want paper or email")
	}
	if day, err := rd.arrival(get("arrived_at")); err != "" {
		refuse("arrived_at", err)
	} else {
		a.ArrivedAt = day
	}
	for _, f := range form.Fields {
		keys := []string{f.ID}
		if f.Kind == form.Checklist {
			keys = f.Items
		}
		for _, k := range keys {
			cell, number := get(k)
			v, reason := rd.answer(f, cell, number, a.Answers)
			if reason != "" {
				refuse(k, reason)
				continue
			}
			if v != "" || f.Kind == form.Email {
				a.Answers[k] = v
			}
		}
		if f.Kind == form.Checklist && !anyYes(f, a.Answers) && len(ps) == 0 {
			refuse(f.Items[0], "no item of the checklist is yes: at least one must be")
		}
	}
	form.Prune(a.Answers)
	if f, missing := form.NextMissing(a.Answers); missing && len(ps) == 0 {
		refuse(f.ID, "empty: the form needs an answer")
	}
	a.Category = store.Category(form.Category(a.Answers["birth_date"], rd.Rules))
	return a, ps
}

// duplicate refuses row r whose phone is an earlier row's (phones: the
// line each phone was first on) or an application's already stored: the
// same woman would be scored twice. Staff look at the other and keep one.
func (rd *Reader) duplicate(phone string, r row, phones map[string]int) Problems {
	if phone == "" {
		return nil
	}
	refuse := func(reason string) Problems {
		return Problems{{Line: r.line, Row: r.index, Column: "phone", Reason: reason}}
	}
	if line, ok := phones[phone]; ok {
		return refuse(fmt.Sprintf("the same phone as line %d", line))
	}
	phones[phone] = r.line
	if rd.Known != nil {
		if code := rd.Known(phone); code != "" {
			return refuse("phone already in application " + code)
		}
	}
	return nil
}

func anyYes(f form.Field, answers map[string]string) bool {
	for _, item := range f.Items {
		if answers[item] == form.Yes {
			return true
		}
	}
	return false
}

// arrival reads the day an application arrived: by the deadline, not
// after today.
func (rd *Reader) arrival(cell string, number bool) (time.Time, string) {
	if cell == "" {
		return time.Time{}, "empty: want the day the application arrived"
	}
	day, err := form.ParseArrivalDate(cell, rd.Rules)
	ok := err == nil
	if !ok && number {
		day, ok = rd.serialDate(cell)
	}
	switch {
	case !ok:
		return time.Time{}, "not a date (write 05.05.2026)"
	case day.After(rd.Rules.Now):
		return time.Time{}, "the day is still to come"
	case !form.ArrivedInTime(day, rd.Rules):
		return time.Time{}, "arrived after the deadline: it takes no part in the selection"
	}
	return day, ""
}

// serialDate reads a date Excel stores as a number of days.
func (rd *Reader) serialDate(cell string) (time.Time, bool) {
	serial, err := strconv.ParseFloat(cell, 64)
	if err != nil || serial < 1 || serial > 2958465 { // 9999-12-31
		return time.Time{}, false
	}
	t, err := excelize.ExcelDateToTime(serial, false)
	if err != nil {
		return time.Time{}, false
	}
	loc := rd.Rules.Location
	if loc == nil {
		loc = time.UTC
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc), true
}

// answer reads one cell as the form's field f (a checklist: one of its
// items), given the answers of the row so far; "" with no reason is a
// question left blank that is not asked.
func (rd *Reader) answer(f form.Field, cell string, number bool, answers map[string]string) (string, string) {
	cell = unneutralise(cell)
	if f.Given != "" {
		if cell != "" && cell != f.Given {
			return "", "want " + f.Given + " or blank"
		}
		return f.Given, ""
	}
	if !f.Applies(answers) {
		if cell != "" {
			return "", "answered, though " + f.OnlyIf + " is not yes"
		}
		return "", ""
	}
	if cell == "" {
		if f.Kind == form.Email {
			return "", "" // skipped, as the form lets her
		}
		return "", "empty: the form needs an answer"
	}
	v, err := rd.parse(f, cell, number)
	if err == nil && f.Check != nil {
		err = f.Check(v, rd.Rules)
	}
	if err != nil {
		return "", reason(err)
	}
	return v, ""
}

// parse reads cell with the parser the chat uses for f's kind.
func (rd *Reader) parse(f form.Field, cell string, number bool) (string, error) {
	switch f.Kind {
	case form.Text, form.LongText:
		return form.CleanWords(cell, f.Max)
	case form.Essay:
		essay, err := form.CleanText(cell, 0)
		if err == nil && form.CountWords(essay) > form.MaxEssayWords {
			err = &form.Invalid{Key: "form.essay.too_long"}
		}
		return essay, err
	case form.YesNo, form.Checklist:
		if v, ok := form.YesNoAnswer(cell); ok {
			return v, nil
		}
		return "", errors.New("want yes or no")
	case form.Choice:
		if v, ok := rd.options[f.ID][fold(cell)]; ok {
			return v, nil
		}
		return "", errors.New("not one of the options: want " + strings.Join(f.Options, ", "))
	case form.Date:
		if day, ok := rd.serialDate(cell); ok && number {
			return day.Format(form.DateLayout), nil
		}
		days, err := form.ParseBirthDate(cell, rd.Rules)
		if err != nil {
			return "", err
		}
		if len(days) != 1 {
			return "", errors.New("a two-digit year that may be either century: write the year in full")
		}
		return days[0].Format(form.DateLayout), nil
	case form.Phone:
		return form.ParsePhone(cell)
	case form.WhatsApp:
		return form.ParseWhatsApp(cell)
	case form.Email:
		return form.ParseEmail(cell)
	}
	return "", fmt.Errorf("field %s of kind %d cannot be imported", f.ID, f.Kind)
}

// reason is why a cell is refused, in English: the refusal's message key
// names it ("form.invalid.phone_short", "form.ineligible.age").
func reason(err error) string {
	var inv *form.Invalid
	if errors.As(err, &inv) {
		return "refused by the form (" + inv.Key + ")"
	}
	return err.Error()
}

// unneutralise takes off the apostrophe the CSV export puts before a
// text a spreadsheet would run as a formula (export.Neutralise).
func unneutralise(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(s[1])) {
		return s[1:]
	}
	return s
}
