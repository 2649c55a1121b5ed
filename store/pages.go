package store

import (
	"encoding/binary"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// Long staff lists are shown a page at a time. The methods here read one
// page of records, and count the rest by their keys, so that a page of 20
// costs about 20 records to decode even among 10 000.

// ApplicationCounts are how many submitted applications there are.
type ApplicationCounts struct {
	Total      int
	ByCategory map[Category]int
}

// add counts an application of category cat, without a string for each.
func (c ApplicationCounts) add(cat []byte) {
	for _, known := range []Category{Category28Plus, CategoryUnder28} {
		if string(cat) == string(known) {
			c.ByCategory[known]++
			return
		}
	}
	c.ByCategory[Category(cat)]++
}

// ApplicationsPage returns up to limit submitted applications in code
// order (A-001 … A-999, A-1000, as Applications sorts them), leaving out
// the first offset, and how many there are in all and by category. It
// decodes only the applications it returns: the counts and the order come
// from the category index. An offset past the end gives no applications,
// and the counts.
func (tx *Tx) ApplicationsPage(offset, limit int) ([]Application, ApplicationCounts, error) {
	idx := tx.categoryIndex()
	if idx == nil {
		return tx.applicationsPageSlowly(offset, limit)
	}
	counts := ApplicationCounts{ByCategory: map[Category]int{}}
	byLength := map[int]int{} // codes of each length: A-001 is 5, A-1000 is 6
	c := idx.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		counts.Total++
		counts.add(v)
		byLength[len(k)]++
	}
	var page []Application
	for _, length := range sortedKeys(byLength) {
		if offset >= byLength[length] {
			offset -= byLength[length]
			continue
		}
		// Keys of one length sort as their codes do.
		for k, _ := c.First(); k != nil && len(page) < limit; k, _ = c.Next() {
			if len(k) != length {
				continue
			}
			if offset > 0 {
				offset--
				continue
			}
			a, err := tx.Application(string(k))
			if err != nil {
				return nil, counts, err
			}
			page = append(page, a)
		}
		if len(page) == limit {
			break
		}
	}
	return page, counts, nil
}

// applicationsPageSlowly is ApplicationsPage without the index: in a file
// opened read-only that an older bot wrote.
func (tx *Tx) applicationsPageSlowly(offset, limit int) ([]Application, ApplicationCounts, error) {
	apps, err := tx.Applications()
	if err != nil {
		return nil, ApplicationCounts{}, err
	}
	counts := ApplicationCounts{Total: len(apps), ByCategory: map[Category]int{}}
	for _, a := range apps {
		counts.ByCategory[a.Category]++
	}
	offset = min(offset, len(apps))
	return apps[offset:min(offset+limit, len(apps))], counts, nil
}

func sortedKeys(m map[int]int) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// categoryIndex is the code -> category index, or nil when it cannot be
// trusted: absent, or behind the applications (written by an older bot
// opened read-only; a writable Open brings it up to date).
func (tx *Tx) categoryIndex() *bolt.Bucket {
	idx := tx.tx.Bucket(bucketAppCategory)
	if idx == nil || idx.Sequence() != tx.tx.Bucket(bucketApplications).Sequence() {
		return nil
	}
	return idx
}

// indexCategory records a's category in the index. seq, when not 0, is
// the application sequence a was submitted with: the index is then up to
// date with it.
func (tx *Tx) indexCategory(a Application, seq uint64) error {
	idx := tx.tx.Bucket(bucketAppCategory)
	if err := idx.Put([]byte(a.Code), []byte(a.Category)); err != nil {
		return fmt.Errorf("index category of %s: %w", a.Code, err)
	}
	if seq == 0 {
		return nil
	}
	if err := idx.SetSequence(seq); err != nil {
		return fmt.Errorf("index category of %s: %w", a.Code, err)
	}
	return nil
}

// indexApplications builds the category index again when it is behind
// the applications: on the first start after the index was added, or
// after an older bot took applications without it. Its sequence then
// equals the applications' again.
// applicationsIndexed reports whether the index of applications by
// category is up to date: the number of applications it saw is theirs.
func applicationsIndexed(tx *bolt.Tx) bool {
	apps, idx := tx.Bucket(bucketApplications), tx.Bucket(bucketAppCategory)
	return apps != nil && idx != nil && idx.Sequence() == apps.Sequence()
}

func indexApplications(tx *bolt.Tx) error {
	apps, idx := tx.Bucket(bucketApplications), tx.Bucket(bucketAppCategory)
	if idx.Sequence() == apps.Sequence() {
		return nil
	}
	err := apps.ForEach(func(k, v []byte) error {
		var a struct {
			Category Category `json:"category"`
		}
		if err := unmarshal(v, &a); err != nil {
			return fmt.Errorf("application %s: %w", k, err)
		}
		return idx.Put(k, []byte(a.Category))
	})
	if err != nil {
		return fmt.Errorf("index applications: %w", err)
	}
	return idx.SetSequence(apps.Sequence())
}

// AuditPage is a page of the audit log.
type AuditPage struct {
	Entries []AuditEntry // newest first
	Total   int          // entries up to Mark
	// Mark is the newest entry's number: asked again with it, the log
	// looks as it did, so the actions taken since (paging it included) do
	// not shift its pages.
	Mark uint64
}

// AuditLogPage returns up to limit entries of the audit log, newest
// first, leaving out the newest offset, among the entries up to mark (0:
// all). It counts the entries by their keys and decodes only those it
// returns.
func (tx *Tx) AuditLogPage(offset, limit int, mark uint64) (AuditPage, error) {
	b := tx.tx.Bucket(bucketAudit)
	p := AuditPage{Mark: mark}
	if mark == 0 {
		p.Mark = b.Sequence()
	}
	c := b.Cursor()
	for k, v := c.Last(); k != nil; k, v = c.Prev() {
		if auditSeq(k) > p.Mark {
			continue
		}
		p.Total++
		if p.Total <= offset || len(p.Entries) >= limit {
			continue
		}
		var e AuditEntry
		if err := unmarshal(v, &e); err != nil {
			return p, fmt.Errorf("audit entry: %w", err)
		}
		p.Entries = append(p.Entries, e)
	}
	return p, nil
}

// auditSeq is the number in an audit key: time (8 bytes), number (8 bytes).
func auditSeq(k []byte) uint64 {
	if len(k) < 16 {
		return 0
	}
	return binary.BigEndian.Uint64(k[8:16])
}
