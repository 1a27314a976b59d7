package bundle

import (
	"fmt"
	"os"

	"github.com/gridtriage/gridtriage"
)

// Pin holds a bundle directory open, so that every file read through Path
// (by Load, ONNX Runtime and ReadWeightRows) comes from that one directory,
// even if a publish replaces Dir meanwhile: Save renames the old directory
// away and removes it, so a reader that pinned it gets an error instead of
// the new bundle's model under the old bundle's manifest and vocabulary.
type Pin struct {
	Dir  string // the directory as named
	Path string // a path naming the pinned directory itself, valid until Close
	f    *os.File
}

// PinDir pins the bundle directory dir. Where /proc/self/fd is not
// available, Path is dir itself and nothing is pinned.
func PinDir(dir string) (*Pin, error) {
	const op = "bundle.PinDir"
	f, err := os.Open(dir)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, gridtriage.Errorf(op, gridtriage.KindNotFound, "no model bundle at %s (train one with `gridtriage train` or `make model`)", dir)
		}
		return nil, gridtriage.E(op, gridtriage.KindInternal, err)
	}
	if fi, err := f.Stat(); err != nil || !fi.IsDir() {
		f.Close()
		return nil, gridtriage.Errorf(op, gridtriage.KindInvalid, "model bundle %s is not a directory", dir)
	}
	p := &Pin{Dir: dir, Path: dir, f: f}
	if fd := fmt.Sprintf("/proc/self/fd/%d", f.Fd()); isDir(fd) {
		p.Path = fd
	}
	return p, nil
}

// Load reads and validates the pinned bundle. Its Dir is Path, so rows
// read with ReadWeightRows before Close come from the same directory.
func (p *Pin) Load() (*Bundle, error) { return load(p.Dir, p.Path) }

// Close releases the directory.
func (p *Pin) Close() error { return p.f.Close() }

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}
