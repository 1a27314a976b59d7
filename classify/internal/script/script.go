// Package script answers questions about the characters of a report's text
// that segmentation and feature extraction both ask, quickly for the
// characters reports are mostly made of.
package script

import (
	"unicode"
	"unicode/utf8"
)

// The CJK Unified Ideographs block, all letters.
const (
	firstHan = 0x4E00
	lastHan  = 0x9FFF
)

// IsLetterOrDigit is unicode.IsLetter(r) || unicode.IsDigit(r), answered
// without a table search for ASCII and the CJK Unified Ideographs block.
func IsLetterOrDigit(r rune) bool {
	switch {
	case r < utf8.RuneSelf:
		return 'a' <= r|0x20 && r|0x20 <= 'z' || '0' <= r && r <= '9'
	case firstHan <= r && r <= lastHan:
		return true
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}
