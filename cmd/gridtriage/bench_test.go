package main

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestBatches(t *testing.T) {
	texts := []string{"a", "b", "c"}
	tests := []struct {
		n    int
		want [][]string // the first batches taken
	}{
		{1, [][]string{{"a"}, {"b"}, {"c"}, {"a"}}},
		{2, [][]string{{"a", "b"}, {"c", "a"}, {"b", "c"}, {"a", "b"}}},
		{3, [][]string{{"a", "b", "c"}, {"a", "b", "c"}}},
		{7, [][]string{{"a", "b", "c", "a", "b", "c", "a"}, {"b", "c", "a", "b", "c", "a", "b"}, {"c", "a", "b", "c", "a", "b", "c"}}},
	}
	for _, tt := range tests {
		b := newBatches(texts, tt.n)
		for i, want := range tt.want {
			if got := b.take(); !slices.Equal(got, want) {
				t.Errorf("batch %d, take %d = %q, want %q", tt.n, i, got, want)
			}
		}
	}
	if !slices.Equal(texts, []string{"a", "b", "c"}) {
		t.Errorf("texts changed to %q", texts)
	}
}

func TestBatchName(t *testing.T) {
	tests := []struct {
		name  string
		batch int
		want  string
	}{
		{"short", 1, "short"},
		{"short", 256, "short/batch256"},
		{"", 8, "batch8"},
	}
	for _, tt := range tests {
		if got := batchName(tt.name, tt.batch); got != tt.want {
			t.Errorf("batchName(%q, %d) = %q, want %q", tt.name, tt.batch, got, tt.want)
		}
	}
}

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
