// Package normalize turns raw report text into the canonical form that
// training, serving and search all see: NFKC (full-width to half-width),
// Latin lower case, traditional to simplified Chinese, collapsed white space,
// and personal numbers masked into placeholder tokens.
package normalize

import (
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/longbridgeapp/opencc"
	"golang.org/x/text/unicode/norm"
)

// maxPasses bounds the repetitions of the normalisation steps.
const maxPasses = 4

// Characters below firstCJK are never converted by OpenCC; those from there
// to the end of the Basic Multilingual Plane have a flag pair in
// Normalizer.bmp.
const (
	firstCJK = 0x2E80
	endBMP   = 0x10000
)

// Normalizer converts text to canonical form. It is safe for concurrent use.
type Normalizer struct {
	t2s *opencc.OpenCC
	// bmp and more cache, per character, whether OpenCC converts it on its
	// own; a text none of whose characters converts skips the dictionary
	// walk, which dominates the cost of normalising. bmp holds two bits per
	// character of the Basic Multilingual Plane (known, converted), read
	// without a lock; more holds the rarer characters beyond.
	bmp  [(endBMP - firstCJK + 15) / 16]atomic.Uint32
	more sync.Map // rune → bool
}

var (
	defaultOnce sync.Once
	defaultNorm *Normalizer
	defaultErr  error
)

// Default returns the process-wide Normalizer, building it on first use.
func Default() (*Normalizer, error) {
	defaultOnce.Do(func() { defaultNorm, defaultErr = New() })
	return defaultNorm, defaultErr
}

// New builds a Normalizer with the embedded traditional → simplified tables.
func New() (*Normalizer, error) {
	cc, err := opencc.New("t2s")
	if err != nil {
		return nil, err
	}
	return &Normalizer{t2s: cc}, nil
}

// Normalize returns the canonical form of s. Invalid UTF-8 sequences are
// dropped.
func (n *Normalizer) Normalize(s string) string {
	s = strings.ToValidUTF8(s, "")
	// Each step can undo another's work (lower-casing can make a letter that
	// NFKC composes with a following mark; NFKC can produce capitals or
	// spaces), so the steps repeat until the text is stable. When only NFKC
	// changed the text, the next pass would change nothing: NFKC is
	// idempotent, and the other steps already left its output as it was.
	for range maxPasses {
		nfkc := norm.NFKC.String(s)
		next := lowerLatinCollapseSpace(n.toSimplified(nfkc))
		if next == s {
			break
		}
		s = next
		if next == nfkc {
			break
		}
	}
	return Mask(s)
}

// toSimplified converts traditional characters; texts without any skip the
// dictionary walk.
func (n *Normalizer) toSimplified(s string) string {
	if !n.hasTraditional(s) {
		return s
	}
	out, err := n.t2s.Convert(s)
	if err != nil {
		return s
	}
	return out
}

// hasTraditional reports whether any character of s is converted by
// OpenCC's traditional → simplified tables.
func (n *Normalizer) hasTraditional(s string) bool {
	for _, r := range s {
		if r >= firstCJK && n.isTraditional(r) {
			return true
		}
	}
	return false
}

// isTraditional reports whether OpenCC converts r on its own, asking OpenCC
// only the first time.
func (n *Normalizer) isTraditional(r rune) bool {
	if r >= endBMP {
		if v, ok := n.more.Load(r); ok {
			return v.(bool)
		}
		changed := n.convertsAlone(r)
		n.more.Store(r, changed)
		return changed
	}
	i := uint32(r - firstCJK)
	word, shift := &n.bmp[i/16], 2*(i%16)
	if flags := word.Load() >> shift; flags&1 != 0 {
		return flags&2 != 0
	}
	changed := n.convertsAlone(r)
	flags := uint32(1)
	if changed {
		flags |= 2
	}
	word.Or(flags << shift)
	return changed
}

// convertsAlone asks OpenCC whether it converts r on its own.
func (n *Normalizer) convertsAlone(r rune) bool {
	out, err := n.t2s.Convert(string(r))
	return err == nil && out != string(r)
}

// lowerLatinCollapseSpace lower-cases ASCII letters and folds every run of
// white space and control characters into one separator: a newline when the
// run holds a line break (so a title stays on its own line), else a space.
// The ends are trimmed.
func lowerLatinCollapseSpace(s string) string {
	if isLowerCollapsed(s) {
		return s
	}
	return lowerCollapse(s)
}

// lowerCollapse is lowerLatinCollapseSpace building a new string.
func lowerCollapse(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	var sep rune // pending separator: 0, ' ' or '\n'
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029':
			sep = '\n'
			continue
		case unicode.IsSpace(r) || unicode.IsControl(r):
			if sep == 0 {
				sep = ' '
			}
			continue
		case r >= 'A' && r <= 'Z':
			r += 'a' - 'A'
		}
		if sep != 0 && b.Len() > 0 {
			b.WriteRune(sep)
		}
		sep = 0
		b.WriteRune(r)
	}
	return b.String()
}

// isLowerCollapsed reports whether s is sure to be its own
// lowerLatinCollapseSpace: valid UTF-8 without U+FFFD or ASCII capitals,
// whose only white space or control characters are single spaces and line
// breaks between other characters.
func isLowerCollapsed(s string) bool {
	sep := true // at the start, as after a separator
	for _, r := range s {
		switch {
		case r >= 'A' && r <= 'Z':
			return false
		case r == ' ' || r == '\n':
			if sep {
				return false
			}
			sep = true
			continue
		case r < ' ' || r == utf8.RuneError || r >= 0x7F && r <= 0x3000 && (unicode.IsSpace(r) || unicode.IsControl(r)):
			return false
		}
		sep = false
	}
	return !sep || s == ""
}
