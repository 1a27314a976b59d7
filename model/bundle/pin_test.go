package bundle

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/gridtriage/gridtriage"
)

// TestPinKeepsTheDirectoryItOpened replaces a pinned bundle as a publish
// does (the old directory renamed away, the new one renamed in, the old one
// removed): reads through the pin see the old bundle while it exists and
// fail once it is removed, never the new bundle's files.
func TestPinKeepsTheDirectoryItOpened(t *testing.T) {
	root := t.TempDir()
	dir, away := filepath.Join(root, "default"), filepath.Join(root, "old")
	oldB, newB := tinyBundle(), tinyBundleWith(2, -2, 0.75, 0.5)
	if err := Save(dir, oldB); err != nil {
		t.Fatal(err)
	}
	pin, err := PinDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer pin.Close()
	if err := os.Rename(dir, away); err != nil {
		t.Fatal(err)
	}
	if err := Save(dir, newB); err != nil {
		t.Fatal(err)
	}
	if oldB.Manifest.ModelVersion == newB.Manifest.ModelVersion {
		t.Fatal("the two bundles have the same version")
	}
	got, err := pin.Load()
	if err != nil {
		t.Fatalf("through the pin: %v", err)
	}
	if v := got.Manifest.ModelVersion; v != oldB.Manifest.ModelVersion {
		t.Fatalf("through the pin: version %s, want the old bundle's %s", v, oldB.Manifest.ModelVersion)
	}
	if w, err := got.ReadWeightRows(1, 3); err != nil || w.At(2, 1) != 0.25 {
		t.Errorf("rows through the pin: %+v, %v; want the old bundle's", w, err)
	}
	if now, err := Load(dir); err != nil {
		t.Errorf("by name: %v", err)
	} else if v := now.Manifest.ModelVersion; v != newB.Manifest.ModelVersion {
		t.Errorf("by name: version %s, want the new bundle's %s", v, newB.Manifest.ModelVersion)
	}
	if err := os.RemoveAll(away); err != nil {
		t.Fatal(err)
	}
	if got, err := pin.Load(); err == nil {
		t.Errorf("through the pin of a removed directory: version %s, want an error", got.Manifest.ModelVersion)
	}
}

func TestPinDirErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		dir  string
		kind gridtriage.Kind
	}{
		{"missing", filepath.Join(t.TempDir(), "none"), gridtriage.KindNotFound},
		{"not a directory", file, gridtriage.KindInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := PinDir(tt.dir)
			var e *gridtriage.Error
			if !errors.As(err, &e) || e.Kind != tt.kind {
				t.Errorf("PinDir = %v, want kind %v", err, tt.kind)
			}
		})
	}
}
