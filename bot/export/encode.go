package export

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"time"
)

// The cells a table holds are Go values of a few kinds (see Kind); gob
// carries them, with their types, from the update that asked for a
// workbook to the worker that makes it.
func init() {
	gob.Register(time.Time{})
}

// Encode turns the table into bytes DecodeTable reads back.
func (tb Table) Encode() ([]byte, error) {
	if err := tb.check(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(tb); err != nil {
		return nil, fmt.Errorf("encode table %s: %w", tb.Name, err)
	}
	return buf.Bytes(), nil
}

// DecodeTable reads a table Encode wrote.
func DecodeTable(data []byte) (Table, error) {
	var tb Table
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&tb); err != nil {
		return Table{}, fmt.Errorf("decode table: %w", err)
	}
	return tb, nil
}
