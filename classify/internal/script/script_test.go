package script

import (
	"testing"
	"unicode"
)

func TestIsLetterOrDigit(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if got, want := IsLetterOrDigit(r), unicode.IsLetter(r) || unicode.IsDigit(r); got != want {
			t.Fatalf("IsLetterOrDigit(%U) = %v, want %v", r, got, want)
		}
	}
}
