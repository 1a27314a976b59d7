package features

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Term groups. Each group is L2-normalised on its own, as a union of
// separate vectorisers would be.
const (
	GroupWord = iota // word n-grams
	GroupLead        // words (and character n-grams) of a short first line (a title)
	GroupChar        // character n-grams
	numGroups
)

// Vocabulary maps terms to feature indices and holds their IDF weights.
// Index 0 is reserved for padding, so term i of Terms has index i+1. Terms
// are ordered by group, so each group is a range of indices, and built
// vocabularies order each group by falling document frequency, so the rows
// of the weight matrix that most reports use lie together and stay in the
// CPU caches.
type Vocabulary struct {
	Terms []string
	IDF   []float32
	start [numGroups + 1]int32 // first index of each group; the last is Size()
	index *termIndex
}

// Size is the number of feature indices including the padding index 0.
func (v *Vocabulary) Size() int { return len(v.Terms) + 1 }

// Lookup returns the index of term, or 0 when it is not in the vocabulary.
func (v *Vocabulary) Lookup(term []byte) int32 { return v.index.lookup(term) }

// Group returns the term group of a feature index.
func (v *Vocabulary) Group(idx int32) int {
	g := 0
	for g+1 < numGroups && idx >= v.start[g+1] {
		g++
	}
	return g
}

// GroupRange returns the feature indices [lo, hi) of group g: each group is
// one contiguous range.
func (v *Vocabulary) GroupRange(g int) (lo, hi int32) { return v.start[g], v.start[g+1] }

func termGroup(t string) int {
	switch {
	case strings.HasPrefix(t, charPrefix):
		return GroupChar
	case strings.HasPrefix(t, leadPrefix), strings.HasPrefix(t, leadCharPrefix):
		return GroupLead
	}
	return GroupWord
}

// BuildVocabulary keeps the terms that occur in at least spec.MinDF of the
// documents (each given as its distinct terms) and at most spec.MaxFeatures
// of them, the most frequent first; the result is deterministic.
func BuildVocabulary(spec Spec, docs [][]string) *Vocabulary {
	df := make(map[string]int32)
	for _, terms := range docs {
		for _, t := range terms {
			df[t]++
		}
	}
	type entry struct {
		term string
		df   int32
	}
	kept := make([]entry, 0, len(df))
	for t, n := range df {
		if int(n) >= spec.MinDF {
			kept = append(kept, entry{t, n})
		}
	}
	if len(kept) > spec.MaxFeatures {
		slices.SortFunc(kept, func(a, b entry) int {
			return cmp.Or(cmp.Compare(b.df, a.df), strings.Compare(a.term, b.term))
		})
		kept = kept[:spec.MaxFeatures]
	}
	slices.SortFunc(kept, func(a, b entry) int {
		return cmp.Or(cmp.Compare(termGroup(a.term), termGroup(b.term)), cmp.Compare(b.df, a.df), strings.Compare(a.term, b.term))
	})
	n := float64(len(docs))
	v := &Vocabulary{Terms: make([]string, len(kept)), IDF: make([]float32, len(kept))}
	for i, e := range kept {
		v.Terms[i] = e.term
		v.IDF[i] = float32(math.Log((1+n)/(1+float64(e.df))) + 1)
	}
	v.reindex() // the terms are distinct: they are the keys of df
	return v
}

// reindex indexes the terms and finds the group ranges. It returns the
// position of the first term that repeats an earlier one, or -1.
func (v *Vocabulary) reindex() (dup int) {
	v.index, v.Terms, dup = newTermIndex(v.Terms)
	if dup >= 0 {
		return dup
	}
	for g := range v.start {
		v.start[g] = int32(len(v.Terms) + 1)
	}
	v.start[0] = 1
	for i := len(v.Terms) - 1; i >= 0; i-- {
		v.start[termGroup(v.Terms[i])] = int32(i + 1)
	}
	for g := numGroups - 1; g > 0; g-- { // an empty group starts where the next does
		if v.start[g] > v.start[g+1] {
			v.start[g] = v.start[g+1]
		}
	}
	return -1
}

// WriteTo writes the vocabulary as "term<TAB>idf" lines.
func (v *Vocabulary) WriteTo(w io.Writer) (int64, error) {
	bw := bufio.NewWriter(w)
	var n int64
	for i, t := range v.Terms {
		k, err := fmt.Fprintf(bw, "%s\t%s\n", t, strconv.FormatFloat(float64(v.IDF[i]), 'g', -1, 32))
		n += int64(k)
		if err != nil {
			return n, err
		}
	}
	return n, bw.Flush()
}

// ReadVocabulary reads what WriteTo wrote, checking every line.
func ReadVocabulary(r io.Reader) (*Vocabulary, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	// The terms are substrings of one string until reindex copies them into
	// its arena: one allocation instead of one per line.
	text := string(data)
	lines := strings.Count(text, "\n") + 1
	v := &Vocabulary{Terms: make([]string, 0, lines), IDF: make([]float32, 0, lines)}
	for line := 1; text != ""; line++ {
		var row string
		row, text, _ = strings.Cut(text, "\n")
		row = strings.TrimSuffix(row, "\r")
		term, idf, ok := strings.Cut(row, "\t")
		f, err := strconv.ParseFloat(idf, 32)
		if !ok || err != nil || term == "" || f <= 0 {
			return nil, fmt.Errorf("vocabulary line %d: want term<TAB>positive idf", line)
		}
		if n := len(v.Terms); n > 0 && termGroup(v.Terms[n-1]) > termGroup(term) {
			return nil, fmt.Errorf("vocabulary line %d: term groups out of order", line)
		}
		v.Terms = append(v.Terms, term)
		v.IDF = append(v.IDF, float32(f))
	}
	if dup := v.reindex(); dup >= 0 {
		return nil, fmt.Errorf("vocabulary line %d: term %q repeats an earlier line", dup+1, v.Terms[dup])
	}
	return v, nil
}

// classSmoothing is added to each class's count of a term's reports before
// the entropy of its class distribution is taken, so a term seen in one
// report does not count as wholly concentrated.
const classSmoothing = 0.1

// Concentration returns, for each term, 1 − H/ln(classes), where H is the
// entropy of the classes of the documents that have the term (each class's
// count smoothed by classSmoothing): 0 for a term spread evenly over the
// classes, near 1 for one found often in a single class. docs are the
// distinct terms of each document, as given to BuildVocabulary, and y[i] in
// [0, classes) is the class of docs[i]. With fewer than two classes every
// term gets 0.
func (v *Vocabulary) Concentration(docs [][]string, y []int, classes int) []float32 {
	out := make([]float32, len(v.Terms))
	if classes < 2 {
		return out
	}
	counts := make([]int32, len(v.Terms)*classes)
	buf := make([]byte, 0, 64)
	for d, terms := range docs {
		for _, t := range terms {
			if i := v.Lookup(append(buf[:0], t...)); i > 0 {
				counts[int(i-1)*classes+y[d]]++
			}
		}
	}
	maxH := math.Log(float64(classes))
	for i := range out {
		row := counts[i*classes : (i+1)*classes]
		total := 0.0
		for _, c := range row {
			total += float64(c) + classSmoothing
		}
		h := 0.0
		for _, c := range row {
			p := (float64(c) + classSmoothing) / total
			h -= p * math.Log(p)
		}
		out[i] = float32(1 - h/maxH)
	}
	return out
}

// WithConcentrationWeight returns a vocabulary of the same terms whose IDF
// is v's multiplied by 1 + beta × conc[i] (conc as from Concentration): terms
// concentrated in few classes weigh up to 1 + beta times as much. With beta
// 0 it returns v.
func (v *Vocabulary) WithConcentrationWeight(conc []float32, beta float64) *Vocabulary {
	if beta == 0 {
		return v
	}
	w := *v
	w.IDF = make([]float32, len(v.IDF))
	for i, idf := range v.IDF {
		w.IDF[i] = float32(float64(idf) * (1 + beta*float64(conc[i])))
	}
	return &w
}
