// Package analysis is the text front end shared by training, serving and
// search: normalisation followed by segmentation.
package analysis

import (
	"github.com/gridtriage/gridtriage/classify/normalize"
	"github.com/gridtriage/gridtriage/classify/segment"
)

// Analyzer normalises and segments report text. It is safe for concurrent
// use.
type Analyzer struct {
	norm *normalize.Normalizer
	seg  *segment.Segmenter
}

// Default returns an Analyzer over the process-wide normaliser and
// segmenter (the segmenter's dictionaries load once, on first use).
func Default() (*Analyzer, error) {
	n, err := normalize.Default()
	if err != nil {
		return nil, err
	}
	s, err := segment.Default()
	if err != nil {
		return nil, err
	}
	return &Analyzer{norm: n, seg: s}, nil
}

// Normalize returns the canonical form of raw text.
func (a *Analyzer) Normalize(text string) string { return a.norm.Normalize(text) }

// Words returns the words of normalised text.
func (a *Analyzer) Words(text string) []string { return a.seg.Words(text) }

// Tokens returns the words of normalised text with their byte offsets.
func (a *Analyzer) Tokens(text string) []segment.Token { return a.seg.Tokens(text) }
