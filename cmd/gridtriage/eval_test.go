package main

import (
	"strings"
	"testing"

	"github.com/gridtriage/gridtriage/eval"
)

func TestWarnUnknownLabels(t *testing.T) {
	tests := []struct {
		name    string
		unknown map[string]int
		want    string // "" for no warning
	}{
		{"all known", nil, ""},
		{"one label", map[string]int{"NOPE": 2}, `warning: 2 of 10 reports have a label the model does not know ("NOPE" ×2)`},
		{"most frequent first, then by name", map[string]int{"b": 1, "a": 1, "c": 3}, `("c" ×3, "a" ×1, "b" ×1)`},
		{"at most five named", map[string]int{"a": 1, "b": 1, "c": 1, "d": 1, "e": 1, "f": 1, "g": 1},
			`7 of 10 reports have a label the model does not know ("a" ×1, "b" ×1, "c" ×1, "d" ×1, "e" ×1, and 2 more)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			warnUnknownLabels(&b, eval.Report{N: 10, UnknownLabels: tt.unknown})
			if tt.want == "" {
				if b.Len() != 0 {
					t.Errorf("warned %q, want nothing", b.String())
				}
				return
			}
			if !strings.Contains(b.String(), tt.want) {
				t.Errorf("warning %q does not contain %q", b.String(), tt.want)
			}
		})
	}
}
