package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestStartCPUProfile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cpu.prof")
	stop, err := startCPUProfile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := startCPUProfile(filepath.Join(t.TempDir(), "second.prof")); err == nil {
		t.Error("a second profile started while one runs")
	}
	stop()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) < 2 || data[0] != 0x1f || data[1] != 0x8b { // pprof writes gzip
		t.Errorf("profile is not gzip data: % x", data[:min(len(data), 8)])
	}
	if _, err := startCPUProfile(filepath.Join(t.TempDir(), "missing", "cpu.prof")); err == nil {
		t.Error("no error for a profile in a missing directory")
	}
	none, err := startCPUProfile("")
	if err != nil {
		t.Fatal(err)
	}
	none()
	if stop, err := startCPUProfile(filepath.Join(t.TempDir(), "third.prof")); err != nil {
		t.Errorf("no profile can start after an empty path: %v", err)
	} else {
		stop()
	}
}
