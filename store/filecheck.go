package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"runtime/debug"

	bolt "go.etcd.io/bbolt"
)

// ErrDamaged is returned by Open and Check for a file that is not a sound
// mentorbot database: empty, cut off, overwritten with garbage, or with
// pages that contradict each other. It wraps the cause. The cure is a
// backup (README, "Restoring a backup").
var ErrDamaged = errors.New("database file is damaged")

// damaged is ErrDamaged with its cause; format may use %w.
func damaged(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrDamaged}, args...)...)
}

// The on-disk layout of a bbolt file (go.etcd.io/bbolt v1.5.0,
// internal/common): every page starts with a 16-byte header (id uint64,
// flags uint16, count uint16, overflow uint32); pages 0 and 1 are the two
// meta pages, written alternately by commits. bbolt writes these in the
// machine's own byte order. It reads them through a memory map with no
// bounds checks, so a page number past the end of the file faults
// (SIGBUS) and a key offset past the end of a page reads anywhere: this
// file checks what bbolt would trust before bbolt touches it.
const (
	boltMagic      = 0xED0CDAED
	boltVersion    = 2
	pageHeaderSize = 16
	elementSize    = 16 // branch: pos, ksize uint32, pgid uint64; leaf: flags, pos, ksize, vsize uint32
	inBucketSize   = 16 // a bucket's value: root pgid, sequence; an inline page follows when root is 0
	metaEnd        = pageHeaderSize + 64
	noFreelist     = ^uint64(0)

	flagBranch   = 0x01
	flagLeaf     = 0x02
	flagFreelist = 0x10
	flagBucket   = 0x01 // a leaf element that is a nested bucket

	minPageSize = 1024
	maxPageSize = 16 << 20 // bbolt looks no further for the second meta page
)

var order = binary.NativeEndian

// fileMeta is what a meta page says about the file.
type fileMeta struct {
	pageSize uint64
	root     uint64 // the root bucket's page
	freelist uint64 // the freelist's page
	hwm      uint64 // high-water mark: the number of pages in use
	txid     uint64
	// torn is set when the other meta page is invalid: a crash tore the
	// last commit's meta page, and bbolt falls back to the one before.
	torn bool
}

// parseMeta reads the meta page at the start of page, checking it as
// bbolt's Meta.Validate does: magic, version, FNV-64a checksum.
func parseMeta(page []byte) (fileMeta, error) {
	if len(page) < metaEnd {
		return fileMeta{}, errors.New("too short for a meta page")
	}
	m := page[pageHeaderSize:metaEnd]
	if order.Uint32(m[0:]) != boltMagic {
		return fileMeta{}, errors.New("no bbolt magic number")
	}
	if v := order.Uint32(m[4:]); v != boltVersion {
		return fileMeta{}, fmt.Errorf("bbolt format version %d, want %d", v, boltVersion)
	}
	h := fnv.New64a()
	h.Write(m[:56])
	if h.Sum64() != order.Uint64(m[56:]) {
		return fileMeta{}, errors.New("checksum mismatch")
	}
	return fileMeta{
		pageSize: uint64(order.Uint32(m[8:])),
		root:     order.Uint64(m[16:]),
		freelist: order.Uint64(m[32:]),
		hwm:      order.Uint64(m[40:]),
		txid:     order.Uint64(m[48:]),
	}, nil
}

// readMeta finds the meta page bbolt would use (the valid one with the
// higher transaction ID) and checks that the file holds every page it
// counts: a file shorter than that is cut off, and bbolt would fault on
// the missing pages.
func readMeta(f io.ReaderAt, size int64) (fileMeta, error) {
	if size == 0 {
		return fileMeta{}, damaged("the file is empty (0 bytes)")
	}
	first := make([]byte, metaEnd)
	n, _ := f.ReadAt(first, 0)
	m0, err0 := parseMeta(first[:n])
	pageSize := m0.pageSize
	if err0 != nil {
		// As bbolt does: the first meta page may be torn by a crash; look
		// for the second at every page size it could have.
		for ps := int64(minPageSize); ps <= maxPageSize && ps+metaEnd <= size; ps *= 2 {
			buf := make([]byte, metaEnd)
			if _, err := f.ReadAt(buf, ps); err != nil {
				break
			}
			if m, err := parseMeta(buf); err == nil && m.pageSize == uint64(ps) {
				pageSize = m.pageSize
				break
			}
		}
		if pageSize == 0 {
			return fileMeta{}, damaged("not a bbolt database (%d bytes, no valid meta page: %v)", size, err0)
		}
	}
	if pageSize < minPageSize || pageSize > maxPageSize || pageSize&(pageSize-1) != 0 {
		return fileMeta{}, damaged("impossible page size %d", pageSize)
	}
	if uint64(size) < 2*pageSize {
		return fileMeta{}, damaged("the file is cut off: %d bytes, less than its two meta pages of %d", size, pageSize)
	}
	second := make([]byte, metaEnd)
	if _, err := f.ReadAt(second, int64(pageSize)); err != nil {
		return fileMeta{}, damaged("read the second meta page: %w", err)
	}
	m1, err1 := parseMeta(second)
	if err1 == nil && m1.pageSize != pageSize {
		err1 = fmt.Errorf("page size %d, the first says %d", m1.pageSize, pageSize)
	}
	if err0 == nil && m0.pageSize != pageSize {
		err0 = fmt.Errorf("page size %d, the second says %d", m0.pageSize, pageSize)
	}
	var m fileMeta
	switch {
	case err0 != nil && err1 != nil:
		return fileMeta{}, damaged("both meta pages are invalid (%v; %v)", err0, err1)
	case err0 != nil:
		m, m.torn = m1, true
	case err1 != nil:
		m, m.torn = m0, true
	case m1.txid > m0.txid:
		m = m1
	default:
		m = m0
	}
	return m, checkMeta(m, size)
}

// checkMeta checks the page numbers a valid meta page names against the
// file's size.
func checkMeta(m fileMeta, size int64) error {
	if m.freelist == noFreelist {
		// mentorbot always writes its freelist; bbolt rebuilds a missing
		// one in a goroutine of its own, where a bad page cannot be caught.
		return damaged("the file has no freelist (not written by mentorbot)")
	}
	if m.hwm < 3 || m.root < 2 || m.root >= m.hwm || m.freelist < 2 || m.freelist >= m.hwm {
		return damaged("the meta page names impossible pages (root %d, freelist %d, %d pages)", m.root, m.freelist, m.hwm)
	}
	if m.hwm > uint64(size)/m.pageSize {
		return damaged("the file is cut off: %d bytes, but its data needs %d (%d pages of %d bytes)",
			size, m.hwm*m.pageSize, m.hwm, m.pageSize)
	}
	return nil
}

// pageWalk reads every page reachable from a meta page from the file's
// bytes (its own read-only map, or the bytes read), and checks what bbolt
// would otherwise follow blindly: each page number is inside the file and
// below the high-water mark, each page says it is that page, each page is
// reached once (no loops), each key and value lies inside its page, and
// the freelist names real pages.
type pageWalk struct {
	data     []byte
	pageSize uint64
	hwm      uint64
	seen     []uint64 // a bit per page
}

// walkFile checks the structure of the file as m describes it.
func walkFile(f *os.File, m fileMeta, checkFreelist bool) error {
	data, release, err := mapFile(f)
	if err != nil {
		return fmt.Errorf("read %s: %w", f.Name(), err)
	}
	defer release()
	w := &pageWalk{data: data, pageSize: m.pageSize, hwm: m.hwm, seen: make([]uint64, m.hwm/64+1)}
	// The map faults if another process cuts the file meanwhile.
	return guard("the file changed while it was checked", func() error {
		if checkFreelist {
			if err := w.freelist(m.freelist); err != nil {
				return err
			}
		}
		return w.tree(m.root)
	})
}

// read returns page id with its overflow pages, marking them seen.
func (w *pageWalk) read(id uint64) ([]byte, error) {
	if id < 2 || id >= w.hwm {
		return nil, damaged("a link to page %d, outside the data (pages 2 to %d)", id, w.hwm-1)
	}
	at := id * w.pageSize
	if at+w.pageSize > uint64(len(w.data)) {
		return nil, damaged("page %d is past the end of the file", id)
	}
	hdr := w.data[at:]
	if got := order.Uint64(hdr); got != id {
		return nil, damaged("page %d says it is page %d", id, got)
	}
	overflow := uint64(order.Uint32(hdr[12:]))
	end := at + (overflow+1)*w.pageSize
	if id+overflow >= w.hwm || end > uint64(len(w.data)) {
		return nil, damaged("page %d runs %d pages past the end of the data", id, id+overflow-w.hwm+1)
	}
	for p := id; p <= id+overflow; p++ {
		if w.seen[p/64]&(1<<(p%64)) != 0 {
			return nil, damaged("page %d is reached twice", p)
		}
		w.seen[p/64] |= 1 << (p % 64)
	}
	return w.data[at:end], nil
}

// tree checks the B-tree rooted at page id.
func (w *pageWalk) tree(id uint64) error {
	page, err := w.read(id)
	if err != nil {
		return err
	}
	return w.node(page, id)
}

// node checks one branch or leaf page (inline bucket pages included) and
// everything below it. where names the page for messages.
func (w *pageWalk) node(page []byte, where uint64) error {
	flags, count := order.Uint16(page[8:]), uint64(order.Uint16(page[10:]))
	if pageHeaderSize+count*elementSize > uint64(len(page)) {
		return damaged("page %d claims %d entries, more than fit", where, count)
	}
	switch flags {
	case flagBranch:
		if count == 0 {
			return damaged("branch page %d is empty", where)
		}
		for i := range count {
			at := pageHeaderSize + i*elementSize
			e := page[at:]
			pos, ksize := uint64(order.Uint32(e)), uint64(order.Uint32(e[4:]))
			if at+pos+ksize > uint64(len(page)) {
				return damaged("page %d: key %d lies outside the page", where, i)
			}
			if err := w.tree(order.Uint64(e[8:])); err != nil {
				return err
			}
		}
	case flagLeaf:
		for i := range count {
			at := pageHeaderSize + i*elementSize
			e := page[at:]
			kind, pos := order.Uint32(e), uint64(order.Uint32(e[4:]))
			ksize, vsize := uint64(order.Uint32(e[8:])), uint64(order.Uint32(e[12:]))
			start, end := at+pos+ksize, at+pos+ksize+vsize
			if end > uint64(len(page)) {
				return damaged("page %d: entry %d lies outside the page", where, i)
			}
			if kind&flagBucket == 0 {
				continue
			}
			if err := w.bucket(page[start:end], where); err != nil {
				return err
			}
		}
	default:
		return damaged("page %d is of unknown kind %#x", where, flags)
	}
	return nil
}

// bucket checks a nested bucket from its value in the parent's leaf.
func (w *pageWalk) bucket(value []byte, where uint64) error {
	if len(value) < inBucketSize {
		return damaged("page %d: a bucket entry too short (%d bytes)", where, len(value))
	}
	root := order.Uint64(value)
	if root != 0 {
		return w.tree(root)
	}
	inline := value[inBucketSize:]
	if len(inline) < pageHeaderSize || order.Uint16(inline[8:]) != flagLeaf {
		return damaged("page %d: an inline bucket that is not a leaf", where)
	}
	return w.node(inline, where)
}

// freelist checks the freelist page: the count it claims fits in it, and
// every page it names is a data page.
func (w *pageWalk) freelist(id uint64) error {
	page, err := w.read(id)
	if err != nil {
		return err
	}
	if flags := order.Uint16(page[8:]); flags != flagFreelist {
		return damaged("page %d should be the freelist but is of kind %#x", id, flags)
	}
	first, count := uint64(0), uint64(order.Uint16(page[10:]))
	if count == 0xFFFF {
		// bbolt's overflow: the real count is the first element.
		first, count = 1, order.Uint64(page[pageHeaderSize:])
	}
	if count > uint64(len(page))/8 || pageHeaderSize+(first+count)*8 > uint64(len(page)) {
		return damaged("the freelist (page %d) claims %d pages, more than it holds", id, count)
	}
	for i := range count {
		free := order.Uint64(page[pageHeaderSize+(first+i)*8:])
		if free < 2 || free >= w.hwm {
			return damaged("the freelist names page %d, outside the data", free)
		}
	}
	return nil
}

// guard runs fn so that a fault or panic inside bbolt (a page the checks
// above did not foresee) comes back as ErrDamaged instead of killing the
// process. bbolt reads the file through a memory map: a page beyond the
// end of the file is SIGBUS, which Go only turns into a panic when the
// goroutine asked for it.
func guard(what string, fn func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = damaged("%s: %v", what, r)
		}
	}()
	return fn()
}

// Summary is what a file holds, in figures, for `mentorbot check`.
type Summary struct {
	Schema       int
	Bytes        int64 // the file's size on disk
	Users        int
	Applications int // submitted
}

// Summary counts what the database holds.
func (db *DB) Summary() (Summary, error) {
	var s Summary
	info, err := os.Stat(db.Path())
	if err != nil {
		return s, fmt.Errorf("summary: %w", err)
	}
	s.Bytes = info.Size()
	err = guard("bbolt could not count it", func() error {
		return db.bolt.View(func(tx *bolt.Tx) error {
			if meta := tx.Bucket(bucketMeta); meta != nil {
				schema, err := schemaOf(meta)
				if err != nil {
					return err
				}
				s.Schema = schema
			}
			s.Users, s.Applications = keys(tx, bucketUsers), keys(tx, bucketApplications)
			return nil
		})
	})
	return s, err
}

// keys counts a bucket's records; a bucket an older file lacks has none.
func keys(tx *bolt.Tx, name []byte) int {
	if b := tx.Bucket(name); b != nil {
		return b.Stats().KeyN
	}
	return 0
}
