// Package normalize turns raw report text into the canonical form that
// training, serving and search all see: NFKC (full-width to half-width),
// Latin lower case, traditional to simplified Chinese, collapsed white space,
// and personal numbers masked into placeholder tokens.
package normalize

import (
	"strings"
	"sync"
	"unicode"

	"github.com/longbridgeapp/opencc"
	"golang.org/x/text/unicode/norm"
)

// maxPasses bounds the repetitions of the normalisation steps.
const maxPasses = 4

// Normalizer converts text to canonical form. It is safe for concurrent use.
type Normalizer struct {
	t2s *opencc.OpenCC
	// traditional caches, per Han character, whether OpenCC converts it on
	// its own; a text none of whose characters converts skips the
	// dictionary walk, which dominates the cost of normalising.
	traditional sync.Map // rune → bool
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
	// spaces), so the steps repeat until the text is stable.
	for range maxPasses {
		next := lowerLatinCollapseSpace(n.toSimplified(norm.NFKC.String(s)))
		if next == s {
			break
		}
		s = next
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
		if r < 0x2E80 {
			continue
		}
		if v, ok := n.traditional.Load(r); ok {
			if v.(bool) {
				return true
			}
			continue
		}
		out, err := n.t2s.Convert(string(r))
		changed := err == nil && out != string(r)
		n.traditional.Store(r, changed)
		if changed {
			return true
		}
	}
	return false
}

// lowerLatinCollapseSpace lower-cases ASCII letters and folds every run of
// white space and control characters into one separator: a newline when the
// run holds a line break (so a title stays on its own line), else a space.
// The ends are trimmed.
func lowerLatinCollapseSpace(s string) string {
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
