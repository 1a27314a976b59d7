// Package segment splits normalised Chinese text into words with gse. Its
// dictionaries are embedded in the binary: a pruned copy of gse's simplified
// Chinese dictionary and the project's own grid-governance domain
// dictionary, so nothing is read from disk or the Go module cache at run
// time.
package segment

import (
	_ "embed"
	"strings"
	"sync"

	"github.com/go-ego/gse"

	"github.com/gridtriage/gridtriage/classify/internal/script"
)

// zhDict is gse's simplified Chinese dictionary (data/dict/zh/s_1.txt)
// keeping the entries of frequency ≥ 5; `make dict` regenerates it.
//
//go:embed dict/zh_s.txt
var zhDict string

// DomainDict is the project's dictionary of grid-governance terms, one
// "term frequency pos" line each. It is loaded after the general one so its
// terms win.
//
//go:embed dict/domain.txt
var DomainDict string

// Segmenter cuts text into words. It is safe for concurrent use once built.
type Segmenter struct {
	seg gse.Segmenter
}

var (
	defaultOnce sync.Once
	defaultSeg  *Segmenter
	defaultErr  error
)

// Default returns the process-wide Segmenter, loading the embedded
// dictionaries on first use.
func Default() (*Segmenter, error) {
	defaultOnce.Do(func() { defaultSeg, defaultErr = New() })
	return defaultSeg, defaultErr
}

// New loads the embedded dictionaries into a new Segmenter.
func New() (*Segmenter, error) {
	s := &Segmenter{}
	s.seg.SkipLog = true
	// One load for both dictionaries, the domain terms last so they win:
	// gse recomputes every token's path values after each load, the
	// slowest part of start-up.
	if err := s.seg.LoadDictStr(zhDict + "\n" + DomainDict); err != nil {
		return nil, err
	}
	return s, nil
}

// Words returns the words of normalised text, leaving out white space and
// punctuation.
func (s *Segmenter) Words(text string) []string {
	// gse lower-cases only ASCII letters, so each word is the text between
	// its offsets with its ASCII capitals lower-cased: slicing the text saves
	// gse joining a new string per word.
	segs := s.seg.Segment([]byte(text))
	out := make([]string, 0, len(segs))
	for i := range segs {
		if w := text[segs[i].Start():segs[i].End()]; isWord(w) {
			out = append(out, asciiLower(w))
		}
	}
	return out
}

// hasASCIIUpper reports whether s has an ASCII capital letter.
func hasASCIIUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 'A' && s[i] <= 'Z' {
			return true
		}
	}
	return false
}

// isWord reports whether w has at least one letter or digit.
func isWord(w string) bool {
	for _, r := range w {
		if script.IsLetterOrDigit(r) {
			return true
		}
	}
	return false
}

// DomainTerms lists the terms of the domain dictionary.
func DomainTerms() []string {
	var terms []string
	for _, line := range strings.Split(DomainDict, "\n") {
		if f := strings.Fields(line); len(f) > 0 {
			terms = append(terms, f[0])
		}
	}
	return terms
}

// Token is a word with its byte offsets in the text it came from.
type Token struct {
	Term       string
	Start, End int
}

// Tokens returns the words of normalised text with their byte offsets,
// leaving out white space and punctuation: the terms of Words. Text that
// is not normalised is segmented too; its ASCII capitals are lower-cased in
// the terms.
func (s *Segmenter) Tokens(text string) []Token {
	segs := s.seg.Segment([]byte(text))
	out := make([]Token, 0, len(segs))
	for i := range segs {
		start, end := segs[i].Start(), segs[i].End()
		if w := text[start:end]; isWord(w) {
			out = append(out, Token{Term: asciiLower(w), Start: start, End: end})
		}
	}
	return out
}

// asciiLower lower-cases the ASCII letters of w, as gse does.
func asciiLower(w string) string {
	if !hasASCIIUpper(w) {
		return w
	}
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, w)
}
