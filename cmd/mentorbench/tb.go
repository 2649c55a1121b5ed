package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"testing"
)

// cmdTB lets the command use what the benchmarks use (telegramtest's
// server takes a testing.TB) outside a test: failures print and stop the
// run, cleanups run at the end. Methods it does not define panic, through
// the nil embedded interface.
type cmdTB struct {
	testing.TB
	out io.Writer

	mu       sync.Mutex
	failed   bool
	cleanups []func()
}

// errFatal is what Fatal panics with; main recovers it.
type errFatal struct{ msg string }

func newCmdTB(out io.Writer) *cmdTB { return &cmdTB{out: out} }

func (t *cmdTB) Name() string { return "mentorbench" }
func (t *cmdTB) Helper()      {}

func (t *cmdTB) Cleanup(f func()) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.cleanups = append(t.cleanups, f)
}

// runCleanups runs the cleanups, last registered first.
func (t *cmdTB) runCleanups() {
	for {
		t.mu.Lock()
		if len(t.cleanups) == 0 {
			t.mu.Unlock()
			return
		}
		f := t.cleanups[len(t.cleanups)-1]
		t.cleanups = t.cleanups[:len(t.cleanups)-1]
		t.mu.Unlock()
		f()
	}
}

func (t *cmdTB) Log(args ...any)                 { fmt.Fprintln(t.out, args...) }
func (t *cmdTB) Logf(format string, args ...any) { fmt.Fprintf(t.out, format+"\n", args...) }

func (t *cmdTB) Fail() {
	t.mu.Lock()
	t.failed = true
	t.mu.Unlock()
}

func (t *cmdTB) Failed() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.failed
}

func (t *cmdTB) Error(args ...any)                 { t.Log(args...); t.Fail() }
func (t *cmdTB) Errorf(format string, args ...any) { t.Logf(format, args...); t.Fail() }
func (t *cmdTB) FailNow()                          { t.Fail(); panic(errFatal{"failed"}) }
func (t *cmdTB) Fatal(args ...any)                 { t.Fail(); panic(errFatal{fmt.Sprint(args...)}) }
func (t *cmdTB) Fatalf(format string, args ...any) {
	t.Fail()
	panic(errFatal{fmt.Sprintf(format, args...)})
}

func (t *cmdTB) TempDir() string {
	dir, err := os.MkdirTemp("", "mentorbench-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}
