package features

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

// spaceSegmenter splits on spaces: enough to test features without gse.
type spaceSegmenter struct{}

func (spaceSegmenter) Words(text string) []string { return strings.Fields(text) }

func TestTerms(t *testing.T) {
	spec := Spec{WordMinN: 1, WordMaxN: 2, CharMinN: 1, CharMaxN: 2, MinDF: 1, MaxFeatures: 100, LeadLine: true}
	body := []string{
		"w:井盖", "w:没了", "w:快", "w:修", "w:井盖 没了", "w:没了 快", "w:快 修",
		"c:井", "c:盖", "c:井盖", "c:没", "c:了", "c:没了", "c:快", "c:修",
	}
	leadChars := []string{"l:井", "l:盖", "l:井盖", "l:没", "l:了", "l:没了"}
	longLead := strings.Repeat("长", MaxLeadRunes+1)
	for _, tt := range []struct {
		name      string
		leadChars bool
		text      string
		want      []string
	}{
		{"lead words", false, "井盖 没了\n快 修", append([]string{"t:井盖", "t:没了"}, body...)},
		{"lead words and characters", true, "井盖 没了\n快 修", append(append([]string{"t:井盖", "t:没了"}, leadChars...), body...)},
		{"no line break, no lead", true, "井盖 没了 快 修", body},
		{"first line too long for a title", true, longLead + "\n修", []string{"w:" + longLead, "w:修", "w:" + longLead + " 修", "c:长", "c:长长", "c:修"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := spec
			s.LeadChars = tt.leadChars
			got := DistinctTerms(s, spaceSegmenter{}, tt.text)
			want := slices.Clone(tt.want)
			slices.Sort(want)
			want = slices.Compact(want)
			if !slices.Equal(got, want) {
				t.Errorf("terms\n got %q\nwant %q", got, want)
			}
		})
	}
}

func TestVocabularyRoundTripAndGroups(t *testing.T) {
	spec := Spec{WordMinN: 1, WordMaxN: 1, CharMinN: 1, CharMaxN: 1, MinDF: 2, MaxFeatures: 100, Sublinear: true, LeadLine: true}
	docs := []string{"标题 甲\n正文 乙", "标题 丙\n正文 甲", "甲 乙"}
	var terms [][]string
	for _, d := range docs {
		terms = append(terms, DistinctTerms(spec, spaceSegmenter{}, d))
	}
	v := BuildVocabulary(spec, terms)
	for _, term := range v.Terms {
		if strings.HasPrefix(term, "w:丙") {
			t.Errorf("term %q with df 1 kept at min_df 2", term)
		}
	}
	var buf bytes.Buffer
	if _, err := v.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := ReadVocabulary(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(back.Terms, v.Terms) || !slices.Equal(back.IDF, v.IDF) || back.start != v.start {
		t.Fatal("vocabulary changed in a write/read round trip")
	}
	vec := Vectorize(spec, spaceSegmenter{}, v, docs[0])
	var sums [numGroups]float64
	for k, i := range vec.Indices {
		sums[v.Group(i)] += float64(vec.Values[k] * vec.Values[k])
		if k > 0 && vec.Indices[k-1] >= i {
			t.Fatal("indices not strictly ascending")
		}
	}
	for g, s := range sums {
		if s != 0 && math.Abs(s-1) > 1e-5 {
			t.Errorf("group %d has squared norm %.6f, want 1", g, s)
		}
	}
	if sums[GroupLead] == 0 || sums[GroupWord] == 0 || sums[GroupChar] == 0 {
		t.Errorf("a group is empty: %v", sums)
	}
}

func TestReadVocabularyRejects(t *testing.T) {
	for _, in := range []string{"w:a\n", "w:a\t-1\n", "c:a\t1\nw:a\t1\n", "w:a\t1\nw:b\t1\nw:a\t2\n", "\t1\n", "w:a\t1\n\nw:b\t1\n"} {
		if _, err := ReadVocabulary(strings.NewReader(in)); err == nil {
			t.Errorf("accepted %q", in)
		}
	}
}

func TestReadVocabularyAcceptsCRLFAndNoFinalNewline(t *testing.T) {
	for _, in := range []string{"w:a\t1\r\nw:b\t2\r\n", "w:a\t1\nw:b\t2"} {
		v, err := ReadVocabulary(strings.NewReader(in))
		if err != nil || !slices.Equal(v.Terms, []string{"w:a", "w:b"}) || !slices.Equal(v.IDF, []float32{1, 2}) {
			t.Errorf("ReadVocabulary(%q) = %v, %v", in, v, err)
		}
	}
}

func TestBuildVocabularyOrdersGroupsByFallingFrequency(t *testing.T) {
	docs := [][]string{
		{"c:a", "c:b", "w:x", "t:y"},
		{"c:b", "c:c", "w:x", "w:z"},
		{"c:b", "c:c", "w:z", "w:x", "t:y"},
	}
	v := BuildVocabulary(Spec{MinDF: 1, MaxFeatures: 100}, docs)
	want := []string{"w:x", "w:z", "t:y", "c:b", "c:c", "c:a"}
	if !slices.Equal(v.Terms, want) {
		t.Errorf("terms %q, want %q", v.Terms, want)
	}
	for g, r := range [][2]int32{{1, 3}, {3, 4}, {4, 7}} {
		if lo, hi := v.GroupRange(g); lo != r[0] || hi != r[1] {
			t.Errorf("group %d: range [%d, %d), want %v", g, lo, hi, r)
		}
	}
}

func TestNewTermIndexFindsRepeats(t *testing.T) {
	x, _, dup := newTermIndex([]string{"w:a", "w:b", "w:a", "w:b"})
	if dup != 2 || x.lookup([]byte("w:a")) != 1 {
		t.Errorf("first repeat %d, lookup(w:a) = %d; want 2, 1", dup, x.lookup([]byte("w:a")))
	}
}

func TestTermIndex(t *testing.T) {
	var many []string
	for i := range 3000 {
		many = append(many, fmt.Sprintf("c:%d", i))
	}
	tests := []struct {
		name          string
		terms, absent []string
	}{
		{"empty", nil, []string{"", "w:a"}},
		{"one", []string{"w:a"}, []string{"", "w:", "w:ab", "c:a"}},
		{"prefixes", []string{"c:a", "c:ab", "c:abc", "w:a b", "w:井盖"}, []string{"c:", "c:b", "c:abcd", "w:a", "w:井"}},
		{"many", many, []string{"c:3000", "c:-1", "c:01"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, terms, dup := newTermIndex(tt.terms)
			if !slices.Equal(terms, tt.terms) || dup != -1 {
				t.Fatalf("terms changed: %q, first repeat %d", terms, dup)
			}
			var b termBatch
			for _, term := range append(slices.Clone(tt.terms), tt.absent...) {
				b.add([]byte(term))
			}
			x.lookupBatch(&b)
			for i, term := range tt.terms {
				if got := x.lookup([]byte(term)); got != int32(i+1) || b.idx[i] != got {
					t.Errorf("lookup(%q) = %d, batch %d, want %d", term, got, b.idx[i], i+1)
				}
			}
			for i, term := range tt.absent {
				if got := x.lookup([]byte(term)); got != 0 || b.idx[len(tt.terms)+i] != 0 {
					t.Errorf("lookup(%q) = %d, batch %d, want 0", term, got, b.idx[len(tt.terms)+i])
				}
			}
		})
	}
}

// TestWordWeightScalesOnlyTheWordGroup checks that the word weight scales
// the word n-grams after their normalisation and leaves the title words and
// character n-grams alone, and that an unset weight (bundles that predate
// it) is 1.
func TestGroupWeightsScaleOnlyTheirGroup(t *testing.T) {
	spec := Spec{WordMinN: 1, WordMaxN: 2, CharMinN: 1, CharMaxN: 2, MinDF: 1, MaxFeatures: 100, Sublinear: true,
		LeadLine: true, LeadChars: true}
	docs := []string{"标题 甲\n正文 乙 甲", "标题 丙\n正文 甲"}
	var terms [][]string
	for _, d := range docs {
		terms = append(terms, DistinctTerms(spec, spaceSegmenter{}, d))
	}
	v := BuildVocabulary(spec, terms)
	unset := Vectorize(spec, spaceSegmenter{}, v, docs[0])
	for _, tt := range []struct {
		word, lead             float64 // the spec's weights
		wordFactor, leadFactor float64 // what they should do
	}{
		{0, 0, 1, 1}, {1, 1, 1, 1}, {0.5, 0, 0.5, 1}, {2, 0, 2, 1},
		{0, 0.5, 1, 0.5}, {0, 3, 1, 3}, {0.5, 0.7, 0.5, 0.7},
	} {
		s := spec
		s.WordWeight, s.LeadWeight = tt.word, tt.lead
		got := Vectorize(s, spaceSegmenter{}, v, docs[0])
		if !slices.Equal(got.Indices, unset.Indices) {
			t.Fatalf("weights %g/%g changed the indices", tt.word, tt.lead)
		}
		for k, i := range got.Indices {
			want := float64(unset.Values[k])
			switch v.Group(i) {
			case GroupWord:
				want *= tt.wordFactor
			case GroupLead:
				want *= tt.leadFactor
			}
			if math.Abs(float64(got.Values[k])-want) > 1e-6 {
				t.Errorf("weights %g/%g, term %q: value %v, want %v", tt.word, tt.lead, v.Terms[i-1], got.Values[k], want)
			}
		}
	}
	for _, w := range []float64{-0.5, 11, math.NaN()} {
		s := DefaultSpec()
		s.WordWeight = w
		if s.Validate() == nil {
			t.Errorf("word weight %g accepted", w)
		}
		s = DefaultSpec()
		s.LeadWeight = w
		if s.Validate() == nil {
			t.Errorf("lead weight %g accepted", w)
		}
		s = DefaultSpec()
		s.ConcentrationWeight = w
		if s.Validate() == nil {
			t.Errorf("concentration weight %g accepted", w)
		}
	}
}

func TestConcentrationWeight(t *testing.T) {
	spec := Spec{WordMinN: 1, WordMaxN: 1, CharMinN: 1, CharMaxN: 1, MinDF: 1, MaxFeatures: 100}
	// "井盖" is in class 0 only, "请" in both classes equally, "噪音" in
	// class 1 only but in one report.
	texts := []string{"井盖 请", "井盖 请", "请 噪音", "请"}
	y := []int{0, 0, 1, 1}
	build := func() (*Vocabulary, [][]string) {
		docs := make([][]string, len(texts))
		for i, tx := range texts {
			docs[i] = DistinctTerms(spec, spaceSegmenter{}, tx)
		}
		return BuildVocabulary(spec, docs), docs
	}
	plain, _ := build()
	idf := func(v *Vocabulary, term string) float64 { return float64(v.IDF[v.Lookup([]byte(term))-1]) }
	// factor is 1 + beta × (1 − H/ln 2) for smoothed counts a and b.
	factor := func(beta, a, b float64) float64 {
		p, q := (a+classSmoothing)/(a+b+2*classSmoothing), (b+classSmoothing)/(a+b+2*classSmoothing)
		return 1 + beta*(1+(p*math.Log(p)+q*math.Log(q))/math.Ln2)
	}
	for _, tt := range []struct {
		beta    float64
		classes int
		term    string
		want    float64 // factor over the plain IDF
	}{
		{2, 2, "w:井盖", factor(2, 2, 0)},
		{2, 2, "w:请", 1},
		{2, 2, "w:噪音", factor(2, 0, 1)},
		{0.5, 2, "w:井盖", factor(0.5, 2, 0)},
		{0, 2, "w:井盖", 1}, // off
		{2, 1, "w:井盖", 1}, // one class: nothing to concentrate in
	} {
		t.Run(fmt.Sprintf("%g/%d/%s", tt.beta, tt.classes, tt.term), func(t *testing.T) {
			v, docs := build()
			got := idf(v.WithConcentrationWeight(v.Concentration(docs, y, tt.classes), tt.beta), tt.term) / idf(plain, tt.term)
			if math.Abs(got-tt.want) > 1e-5 {
				t.Errorf("IDF factor %.6f, want %.6f", got, tt.want)
			}
		})
	}
	v, docs := build()
	v = v.WithConcentrationWeight(v.Concentration(docs, y, 2), 2)
	if a, b := idf(v, "w:井盖")/idf(plain, "w:井盖"), idf(v, "w:噪音")/idf(plain, "w:噪音"); !(a > b && b > 1) {
		t.Errorf("factors 井盖 %.3f, 噪音 %.3f: want a term seen twice in one class above one seen once, both above 1", a, b)
	}
}
