// Package model serves a trained model bundle: it loads the bundle, opens an
// ONNX Runtime session for it and classifies report texts through the
// shared analysis and feature pipeline.
package model

import (
	"cmp"
	"context"
	"errors"
	"math"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/gridtriage/gridtriage"
	"github.com/gridtriage/gridtriage/classify"
	"github.com/gridtriage/gridtriage/classify/analysis"
	"github.com/gridtriage/gridtriage/classify/features"
	"github.com/gridtriage/gridtriage/model/bundle"
	"github.com/gridtriage/gridtriage/model/onnx"
	"github.com/gridtriage/gridtriage/model/ort"
)

// Model is an opened bundle. It is safe for concurrent use; Close it when
// done.
type Model struct {
	Bundle   *bundle.Bundle
	Dir      string
	analyzer *analysis.Analyzer
	session  *ort.Session
	urgency  *ort.Session // nil when the bundle has no urgency model
	namer    classify.Namer
	maxIDF   float64 // highest IDF of the vocabulary, for unseen grams
	// words holds the weights of the word features only (the reasons shown
	// for a prediction); ONNX Runtime holds the whole model.
	words wordWeights
}

// wordWeights are the rows [lo, hi) of the weight matrix, in the half
// precision in which they are stored.
type wordWeights struct {
	lo, hi int32
	rows   *onnx.Weights
}

// weight is the weight of feature i for class k, and whether i is a word
// feature.
func (ww *wordWeights) weight(i int32, k int) (float32, bool) {
	if i < ww.lo || i >= ww.hi {
		return 0, false
	}
	return ww.rows.At(int(i), k), true
}

// Open loads the bundle in dir and starts its ONNX Runtime session. namer
// may be nil.
func Open(dir string, namer classify.Namer) (*Model, error) {
	// The analyzer's dictionaries load on another core while the bundle is
	// read and checked; the analyzer is shared by the process, so an early
	// return here leaves nothing behind.
	analyzer := make(chan analyzerResult, 1)
	go func() {
		a, err := analysis.Default()
		analyzer <- analyzerResult{a, err}
	}()
	// Every file comes from the directory as it was when opened, even if a
	// publish replaces it before ONNX Runtime has read the model.
	pin, err := bundle.PinDir(dir)
	if err != nil {
		return nil, err
	}
	defer pin.Close()
	b, err := pin.Load()
	if err != nil {
		return nil, err
	}
	s, err := ort.Open(filepath.Join(pin.Path, bundle.ModelFile), len(b.Manifest.Labels))
	if err != nil {
		return nil, err
	}
	var us *ort.Session
	if b.Urgency != nil {
		if us, err = ort.Open(filepath.Join(pin.Path, bundle.UrgencyDir, bundle.ModelFile), len(b.Manifest.Urgency.Labels)); err != nil {
			s.Close()
			return nil, err
		}
	}
	closeAll := func() { s.Close(); us.Close() }
	lo, hi := b.Vocab.GroupRange(features.GroupWord)
	words, err := b.ReadWeightRows(int(lo), int(hi))
	if err != nil {
		closeAll()
		return nil, gridtriage.E("model.Open", gridtriage.KindInvalid, err)
	}
	b.Dir = dir
	ar := <-analyzer
	if ar.err != nil {
		closeAll()
		return nil, gridtriage.E("model.Open", gridtriage.KindInternal, ar.err)
	}
	if namer == nil {
		namer = func(string) string { return "" }
	}
	maxIDF := 0.0
	for _, v := range b.Vocab.IDF {
		maxIDF = math.Max(maxIDF, float64(v))
	}
	return &Model{Bundle: b, Dir: dir, analyzer: ar.a, session: s, urgency: us, namer: namer, maxIDF: maxIDF,
		words: wordWeights{lo: lo, hi: hi, rows: words}}, nil
}

// analyzerResult is the outcome of loading the shared analyzer.
type analyzerResult struct {
	a   *analysis.Analyzer
	err error
}

// Close releases the ONNX Runtime sessions.
func (m *Model) Close() error { return errors.Join(m.session.Close(), m.urgency.Close()) }

// Labels implements classify.Classifier.
func (m *Model) Labels() []string { return m.Bundle.Manifest.Labels }

// Version is the model version recorded in the manifest.
func (m *Model) Version() string { return m.Bundle.Manifest.ModelVersion }

// Vectorize turns raw report text into the model's feature vector.
func (m *Model) Vectorize(text string) features.Vector {
	b := m.Bundle
	return features.Vectorize(b.Manifest.Features, m.analyzer, b.Vocab, m.analyzer.Normalize(text))
}

// Classify implements classify.Classifier. A batch of more than
// ort.MaxRunBatch texts is vectorised and scored in chunks on up to
// GOMAXPROCS goroutines. Its reports are scored in order of their number of
// features, so that each ONNX Runtime call pads its reports to about the same
// width; the order depends only on the batch, so the result does not depend
// on the number of goroutines.
func (m *Model) Classify(ctx context.Context, texts []string, k int) ([]classify.Prediction, error) {
	return m.classify(ctx, texts, k, false)
}

// ClassifyWithUrgency implements classify.UrgencyClassifier: Classify, with
// each prediction's Urgency filled from the bundle's urgency model when it
// has one. Each text is vectorised once for both models.
func (m *Model) ClassifyWithUrgency(ctx context.Context, texts []string, k int) ([]classify.Prediction, error) {
	return m.classify(ctx, texts, k, m.urgency != nil)
}

func (m *Model) classify(ctx context.Context, texts []string, k int, urgency bool) ([]classify.Prediction, error) {
	if err := ctx.Err(); err != nil {
		return nil, gridtriage.E("model.Classify", gridtriage.KindUnavailable, err)
	}
	out := make([]classify.Prediction, len(texts))
	var err error
	if len(texts) <= ort.MaxRunBatch {
		vecs := make([]features.Vector, len(texts))
		for i, t := range texts {
			vecs[i] = m.Vectorize(t)
		}
		err = m.score(vecs, k, urgency, out)
	} else {
		err = m.classifyChunks(ctx, texts, k, urgency, out)
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// classifyChunks classifies texts into out: it vectorises them, then scores
// them ort.MaxRunBatch at a time in order of their number of features, each
// step on up to GOMAXPROCS goroutines.
func (m *Model) classifyChunks(ctx context.Context, texts []string, k int, urgency bool, out []classify.Prediction) error {
	vecs := make([]features.Vector, len(texts))
	err := inParallel(ctx, len(texts), func(lo, hi int) error {
		for i := lo; i < hi; i++ {
			vecs[i] = m.Vectorize(texts[i])
		}
		return nil
	})
	if err != nil {
		return err
	}
	order := make([]int, len(vecs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(vecs[a].Len(), vecs[b].Len()) })
	return inParallel(ctx, len(order), func(lo, hi int) error {
		chunk := make([]features.Vector, hi-lo)
		for j, i := range order[lo:hi] {
			chunk[j] = vecs[i]
		}
		preds := make([]classify.Prediction, len(chunk))
		if err := m.score(chunk, k, urgency, preds); err != nil {
			return err
		}
		for j, i := range order[lo:hi] {
			out[i] = preds[j]
		}
		return nil
	})
}

// inParallel calls do for each chunk [lo, hi) of ort.MaxRunBatch of n items
// on up to GOMAXPROCS goroutines, and returns the error of the first chunk
// that failed.
func inParallel(ctx context.Context, n int, do func(lo, hi int) error) error {
	chunks := (n + ort.MaxRunBatch - 1) / ort.MaxRunBatch
	errs := make([]error, chunks)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(chunks, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for c := int(next.Add(1) - 1); c < chunks; c = int(next.Add(1) - 1) {
				if err := ctx.Err(); err != nil {
					errs[c] = gridtriage.E("model.Classify", gridtriage.KindUnavailable, err)
					return
				}
				errs[c] = do(c*ort.MaxRunBatch, min((c+1)*ort.MaxRunBatch, n))
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// score scores vecs, at most ort.MaxRunBatch of them, into out, with the
// urgency model too when urgency is set.
func (m *Model) score(vecs []features.Vector, k int, urgency bool, out []classify.Prediction) error {
	probs, err := m.Predict(vecs)
	if err != nil {
		return err
	}
	for i, p := range probs {
		out[i] = m.explained(p, vecs[i], k)
	}
	if !urgency {
		return nil
	}
	uprobs, err := m.urgency.Predict(vecs)
	if err != nil {
		return err
	}
	for i, p := range uprobs {
		out[i].Urgency = m.urgencies(p)
	}
	return nil
}

// explained ranks the probabilities p of the report with vector v and names
// the words behind its label.
func (m *Model) explained(p []float32, v features.Vector, k int) classify.Prediction {
	pr := m.prediction(p, k)
	pr.Reasons = m.reasons(v, pr.Label, 5)
	return pr
}

// prediction ranks the probabilities of one report.
func (m *Model) prediction(p []float32, k int) classify.Prediction {
	labels := m.Labels()
	k = max(1, min(k, len(p)))
	top := topClasses(p, max(k, 2))
	pr := classify.Prediction{ModelVersion: m.Version(), Probabilities: make([]float64, len(p)),
		Top: make([]classify.Scored, 0, k)}
	for i, v := range p {
		pr.Probabilities[i] = float64(v)
	}
	for _, i := range top[:k] {
		pr.Top = append(pr.Top, classify.Scored{Label: labels[i], Name: m.namer(labels[i]), Probability: float64(p[i])})
	}
	pr.Label, pr.Name, pr.Probability = pr.Top[0].Label, pr.Top[0].Name, pr.Top[0].Probability
	if len(top) > 1 {
		pr.Margin = float64(p[top[0]] - p[top[1]])
	}
	return pr
}

// topClasses returns the indices of the n highest of p (all of them when p
// is shorter), highest first and equal ones in index order, as a stable
// sort would.
func topClasses(p []float32, n int) []int {
	top := make([]int, 0, n)
	for i, v := range p {
		j := len(top)
		for j > 0 && cmp.Compare(v, p[top[j-1]]) > 0 {
			j--
		}
		if j == n {
			continue
		}
		if len(top) < n {
			top = append(top, 0)
		}
		copy(top[j+1:], top[j:len(top)-1])
		top[j] = i
	}
	return top
}

// reasons returns the n words (or word pairs) of v that add most to
// label's score.
func (m *Model) reasons(v features.Vector, label string, n int) []classify.Reason {
	k, ok := slices.BinarySearch(m.Labels(), label)
	if !ok {
		return nil
	}
	// Words read better than character n-grams, which overlap. Only the
	// largest positive contributions are named: candidates are taken in
	// falling order until n terms are found and the rest weigh less.
	cands := make([]contribution, 0, len(v.Indices)/2)
	for j, i := range v.Indices {
		w, isWord := m.words.weight(i, k)
		if c := float64(v.Values[j]) * float64(w); isWord && c > 0 {
			cands = append(cands, contribution{i, c})
		}
	}
	slices.SortFunc(cands, func(a, b contribution) int { return cmp.Compare(b.weight, a.weight) })
	out := make([]classify.Reason, 0, n)
	for _, c := range cands {
		if len(out) >= n && c.weight < out[len(out)-1].Weight {
			break
		}
		term := displayTerm(m.Bundle.Vocab.Terms[c.index-1])
		if utf8.RuneCountInString(term) < 2 {
			continue
		}
		out = addReason(out, term, c.weight)
	}
	slices.SortFunc(out, func(a, b classify.Reason) int {
		return cmp.Or(cmp.Compare(b.Weight, a.Weight), strings.Compare(a.Term, b.Term))
	})
	return out[:min(n, len(out))]
}

// contribution is a feature's share of a class score.
type contribution struct {
	index  int32
	weight float64
}

// addReason adds term with weight to rs, or raises the weight of term when
// rs has it (word pairs shown without their space can repeat a word).
func addReason(rs []classify.Reason, term string, weight float64) []classify.Reason {
	for i := range rs {
		if rs[i].Term == term {
			rs[i].Weight = max(rs[i].Weight, weight)
			return rs
		}
	}
	return append(rs, classify.Reason{Term: term, Weight: weight})
}

// displayTerm strips the namespace prefix of a vocabulary term.
func displayTerm(t string) string {
	if _, rest, ok := strings.Cut(t, ":"); ok {
		return strings.ReplaceAll(rest, " ", "")
	}
	return t
}

// Threshold returns the automatic-dispatch threshold of label from the
// bundle, or 0 when the bundle has none.
func (m *Model) Threshold(label string) float64 {
	return m.Bundle.Manifest.Thresholds.Threshold(label)
}

// Predict scores feature vectors on ONNX Runtime and returns the calibrated
// probabilities.
func (m *Model) Predict(vecs []features.Vector) ([][]float32, error) {
	return m.session.Predict(vecs)
}

// TextSimilarity is the cosine of the IDF-weighted character 2- and 3-gram
// counts of two report texts. Grams the vocabulary lacks (place names,
// numbers) get the highest IDF, so shared places weigh more than shared
// stock phrases.
func (m *Model) TextSimilarity(a, b string) float64 {
	va, vb := m.gramWeights(a), m.gramWeights(b)
	var dot, na, nb float64
	for g, x := range va {
		na += x * x
		dot += x * vb[g]
	}
	for _, y := range vb {
		nb += y * y
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}

func (m *Model) gramWeights(text string) map[string]float64 {
	vocab := m.Bundle.Vocab
	maxIDF := m.maxIDF
	var runes []rune
	for _, r := range m.analyzer.Normalize(text) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			runes = append(runes, r)
		}
	}
	out := map[string]float64{}
	buf := []byte("c:")
	for n := 2; n <= 3; n++ {
		for i := 0; i+n <= len(runes); i++ {
			g := string(runes[i : i+n])
			idf := maxIDF
			if k := vocab.Lookup(append(buf[:2], g...)); k > 0 {
				idf = float64(vocab.IDF[k-1])
			}
			out[g] += idf
		}
	}
	return out
}
