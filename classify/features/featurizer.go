package features

import (
	"math"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/gridtriage/gridtriage/classify/internal/script"
)

// Term prefixes: the namespace of each kind of term.
const (
	wordPrefix     = "w:" // word n-gram, words joined by a space
	leadPrefix     = "t:" // word of a short first line (a title)
	leadCharPrefix = "l:" // character n-gram of a short first line
	charPrefix     = "c:" // character n-gram
)

// MaxLeadRunes is the longest first line treated as a title.
const MaxLeadRunes = 60

// Vector is a sparse feature vector with indices in ascending order.
type Vector struct {
	Indices []int32
	Values  []float32
}

// Len is the number of non-zero features.
func (v Vector) Len() int { return len(v.Indices) }

// Segmenter splits normalised text into words.
type Segmenter interface {
	Words(text string) []string
}

// Terms calls emit for every term occurrence of normalised text: word
// n-grams of its words, lead-line words (and, with spec.LeadChars, the lead
// line's character n-grams), and character n-grams. The byte
// slice is only valid during the call.
func Terms(spec Spec, seg Segmenter, text string, emit func(term []byte)) {
	buf := make([]byte, 0, 64)
	lead, _, multiline := strings.Cut(text, "\n")
	if spec.LeadLine && multiline && utf8.RuneCountInString(lead) <= MaxLeadRunes {
		for _, w := range seg.Words(lead) {
			emit(append(append(buf[:0], leadPrefix...), w...))
		}
		if spec.LeadChars {
			charGrams(spec, lead, leadCharPrefix, buf, emit)
		}
	}
	words := seg.Words(text)
	for n := spec.WordMinN; n <= spec.WordMaxN; n++ {
		for i := 0; i+n <= len(words); i++ {
			buf = append(buf[:0], wordPrefix...)
			for j := i; j < i+n; j++ {
				if j > i {
					buf = append(buf, ' ')
				}
				buf = append(buf, words[j]...)
			}
			emit(buf)
		}
	}
	charGrams(spec, text, charPrefix, buf, emit)
}

// charGrams emits the character n-grams of every run of letters and
// digits, each behind prefix.
func charGrams(spec Spec, text, prefix string, buf []byte, emit func([]byte)) {
	var offs [8]int // byte offsets of the last runes of the current run
	run := 0
	for i, r := range text {
		if !script.IsLetterOrDigit(r) {
			run = 0
			continue
		}
		copy(offs[1:], offs[:len(offs)-1])
		offs[0] = i
		run++
		end := i + utf8.RuneLen(r)
		for n := spec.CharMinN; n <= spec.CharMaxN && n <= run; n++ {
			emit(append(append(buf[:0], prefix...), text[offs[n-1]:end]...))
		}
	}
}

// DistinctTerms returns the distinct terms of normalised text, for building
// a vocabulary.
func DistinctTerms(spec Spec, seg Segmenter, text string) []string {
	seen := make(map[string]struct{})
	Terms(spec, seg, text, func(t []byte) {
		if _, ok := seen[string(t)]; !ok {
			seen[string(t)] = struct{}{}
		}
	})
	out := make([]string, 0, len(seen))
	for t := range seen {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

// batches recycles the term lists of Vectorize.
var batches = sync.Pool{New: func() any { return new(termBatch) }}

// Vectorize computes the TF-IDF vector of normalised text: counts of the
// terms in the vocabulary, weighted by (sublinear) TF times IDF, each group
// L2-normalised and the word and lead groups then scaled by spec.WordScale
// and spec.LeadScale.
func Vectorize(spec Spec, seg Segmenter, vocab *Vocabulary, text string) Vector {
	b := batches.Get().(*termBatch)
	defer batches.Put(b)
	b.reset()
	Terms(spec, seg, text, b.add)
	vocab.index.lookupBatch(b)
	idx := slices.DeleteFunc(b.idx, func(i int32) bool { return i == 0 })
	slices.Sort(idx)
	v := Vector{Indices: make([]int32, 0, len(idx)), Values: make([]float32, 0, len(idx))}
	for i := 0; i < len(idx); {
		j := i
		for j < len(idx) && idx[j] == idx[i] {
			j++
		}
		tf := float64(j - i)
		if spec.Sublinear {
			tf = 1 + math.Log(tf)
		}
		v.Indices = append(v.Indices, idx[i])
		v.Values = append(v.Values, float32(tf*float64(vocab.IDF[idx[i]-1])))
		i = j
	}
	normalizeGroups(vocab, v, spec.groupScales())
	return v
}

// normalizeGroups scales each group of v to unit L2 norm, then by its
// factor in scale.
func normalizeGroups(vocab *Vocabulary, v Vector, scale [numGroups]float64) {
	var sums [numGroups]float64
	for k, i := range v.Indices {
		sums[vocab.Group(i)] += float64(v.Values[k]) * float64(v.Values[k])
	}
	for k, i := range v.Indices {
		if g := vocab.Group(i); sums[g] > 0 {
			v.Values[k] = float32(float64(v.Values[k]) / math.Sqrt(sums[g]) * scale[g])
		}
	}
}
