package main

import (
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
