//go:build windows || plan9 || solaris || aix || android

package store

import (
	"io"
	"os"
)

// mapFile reads f whole: the page walk needs its bytes.
func mapFile(f *os.File) (data []byte, release func(), err error) {
	info, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	data = make([]byte, info.Size())
	if _, err := f.ReadAt(data, 0); err != nil && err != io.EOF {
		return nil, nil, err
	}
	return data, func() {}, nil
}
