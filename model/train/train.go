// Package train fits the project's linear models in Go with gonum: L-BFGS
// on a class-weighted one-vs-rest squared hinge (or multinomial
// cross-entropy) with an L2 penalty, early stopping on a dev set, and
// temperature-scaling calibration of the softmax fitted on dev.
// For the same data, configuration and seed the result is bit-for-bit the
// same.
package train

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/optimize"

	"github.com/gridtriage/gridtriage"
	"github.com/gridtriage/gridtriage/classify/features"
	"github.com/gridtriage/gridtriage/model/linear"
)

// Example is one labelled report; Text is the string to classify. Urgency,
// when known, is the report's urgency (datasets.Urgency), the label of the
// urgency model.
type Example struct {
	Text    string
	Label   string
	Urgency string
}

// Config controls a training run.
type Config struct {
	Spec features.Spec
	L2   float64 // penalty on the weights, per mean example
	// L2Choices, when it holds more than one value and a dev set of at
	// least MinDevForL2Choice reports is given, are the penalties Job.Run
	// tries; the one with the best dev accuracy (the first on a tie) is kept
	// and recorded as L2. With a smaller dev set the first is used.
	L2Choices []float64
	// MinDevForL2Choice is the fewest dev reports with which Job.Run
	// chooses among L2Choices: the penalties' differences in accuracy are a
	// fraction of a point, below what a dev set of a few hundred reports can
	// resolve, so on one the choice would follow noise.
	MinDevForL2Choice int
	// WordWeights, when a dev set is given, are the word-group weights
	// (features.Spec.WordWeight) Job.Run then tries at the chosen penalty;
	// a weight is kept only if its dev accuracy is higher.
	WordWeights []float64
	// ConcentrationWeights, when a dev set is given, are the concentration
	// weights (features.Spec.ConcentrationWeight) Job.Run tries last, at
	// the chosen penalty and word weight; the first is the one the other
	// choices are made with, and another is kept only if its dev accuracy
	// is higher.
	ConcentrationWeights []float64
	MaxIter              int  // L-BFGS iteration limit
	Patience             int  // iterations without dev improvement before stopping
	Balanced             bool // weight classes inversely to their frequency
	// Loss is "squared_hinge" (one-vs-rest, as a linear SVM; the default,
	// more accurate on every data set measured) or "logistic" (multinomial
	// cross-entropy); either way the scores are calibrated into
	// probabilities by temperature scaling on dev.
	Loss string
	Seed int64 // recorded; the optimiser itself is deterministic
	// TargetLoss, when positive, stops training with no early stopping once
	// the training objective is at most TargetLoss, within MaxIter
	// iterations (used to refit on train+dev).
	TargetLoss float64
	// Progress, when set, is called after every iteration.
	Progress func(Progress)
}

// DefaultConfig is the configuration of the default models: the penalty,
// then the word weight and the concentration weight, chosen on dev. The
// penalty is 1e-4, or 3e-5 or 1e-5 when dev accuracy is higher there and
// dev has at least 2,000 reports. In 5-fold cross-validation with the
// concentration weight, tipdm2020's mean macro-F1 over seeds 0–3 was 0.906
// at 3e-5, 0.910 at 1e-4, 0.910 at 2e-4 and 0.908 at 3e-4, and its titles'
// were about 0.3 points higher at 1e-4 to 3e-4 than at 3e-5; their dev sets
// (494 and 897 reports) are too small to choose between them. The project
// corpus, with more reports and classes, has a dev that can tell: on
// thirteen writing rounds, at word weight 0.5, its dev accuracy was 0.944
// at 1e-4, 0.950 at 3e-5, 0.951 at 1e-5 and 0.949 at 3e-6 (README,
// Training).
func DefaultConfig() Config {
	return Config{Spec: features.DefaultSpec(), L2: 1e-4, L2Choices: []float64{1e-4, 3e-5, 1e-5}, MinDevForL2Choice: 2000,
		WordWeights:          []float64{1, 0.5},
		ConcentrationWeights: []float64{0, features.DefaultSpec().ConcentrationWeight},
		MaxIter:              300, Patience: 25, Balanced: true, Seed: 1, Loss: "squared_hinge"}
}

// Validate reports a configuration that cannot be trained: a bad feature
// spec, or a word or concentration weight to try that a spec would not
// accept (or a word weight of 0, which a spec reads as 1).
func (c Config) Validate() error {
	if err := c.Spec.Validate(); err != nil {
		return err
	}
	for _, w := range c.WordWeights {
		s := c.Spec
		s.WordWeight = w
		if err := s.Validate(); w == 0 || err != nil {
			return fmt.Errorf("word weight %g is not within (0, 10]", w)
		}
	}
	for _, w := range c.ConcentrationWeights {
		s := c.Spec
		s.ConcentrationWeight = w
		if err := s.Validate(); err != nil {
			return fmt.Errorf("concentration weight %g is not within [0, 10]", w)
		}
	}
	return nil
}

// ChoosesL2 reports whether Job.Run chooses among L2Choices on a dev set of
// devReports reports: there are several and dev is large enough.
func (c Config) ChoosesL2(devReports int) bool {
	return len(c.L2Choices) > 1 && devReports >= c.MinDevForL2Choice
}

// Progress reports one optimiser iteration.
type Progress struct {
	Iter, MaxIter int
	Loss          float64 // training objective
	DevLoss       float64 // dev cross-entropy, when a dev set is given
	DevAccuracy   float64
	Best          int // best iteration so far
}

// Result is a trained model with what it was built from.
type Result struct {
	Spec       features.Spec
	Vocab      *features.Vocabulary
	Model      *linear.Model
	Iterations int     // iterations of the kept parameters
	TrainLoss  float64 // training objective of the kept parameters
	DevLoss    float64 // calibrated dev cross-entropy (0 without dev)
}

// Preparer turns raw report text into normalised text and its vector.
type Preparer interface {
	Normalize(text string) string
	Words(text string) []string
}

// Train fits a model on trainSet, early-stopping and calibrating on devSet
// when it is not empty.
func Train(ctx context.Context, cfg Config, prep Preparer, trainSet, devSet []Example) (*Result, error) {
	d, err := prepare(cfg, prep, trainSet, devSet)
	if err != nil {
		return nil, err
	}
	return d.fit(ctx, cfg)
}

// prepared is training data turned into feature vectors, ready to fit
// with any penalty.
type prepared struct {
	spec   features.Spec
	labels []string
	y      []int
	vocab  *features.Vocabulary
	// plain is the vocabulary with its plain IDF and conc each term's
	// class concentration, to weigh the IDF anew for another concentration
	// weight; both are nil when the vocabulary was given (conc also when no
	// positive concentration weight is to be tried).
	plain   *features.Vocabulary
	conc    []float32
	text    []string // normalised training texts
	devText []string // normalised dev texts
	devSet  []Example
	x       []features.Vector
	dev     devSet
}

// prepare builds the vocabulary and the vectors of the train and dev sets.
func prepare(cfg Config, prep Preparer, trainSet, devSet []Example) (*prepared, error) {
	return prepareOver(cfg, prep, nil, trainSet, devSet)
}

// prepareOver is prepare over the given vocabulary, or one built from the
// training set when vocab is nil.
func prepareOver(cfg Config, prep Preparer, vocab *features.Vocabulary, trainSet, devSet []Example) (*prepared, error) {
	const op = "train.Train"
	if err := cfg.Validate(); err != nil {
		return nil, gridtriage.E(op, gridtriage.KindInvalid, err)
	}
	labels, y, err := labelIndex(trainSet)
	if err != nil {
		return nil, gridtriage.E(op, gridtriage.KindInvalid, err)
	}
	trainText := normalizeAll(prep, trainSet)
	var plain *features.Vocabulary
	var conc []float32
	if vocab == nil {
		docs := parallelMap(trainText, func(t string) []string { return features.DistinctTerms(cfg.Spec, prep, t) })
		plain = features.BuildVocabulary(cfg.Spec, docs)
		if cfg.Spec.ConcentrationWeight > 0 || slices.ContainsFunc(cfg.ConcentrationWeights, func(w float64) bool { return w > 0 }) {
			conc = plain.Concentration(docs, y, len(labels))
		}
		vocab = plain.WithConcentrationWeight(conc, cfg.Spec.ConcentrationWeight)
	}
	d := &prepared{spec: cfg.Spec, labels: labels, y: y, vocab: vocab, plain: plain, conc: conc,
		text: trainText, devText: normalizeAll(prep, devSet), devSet: devSet}
	d.vectorize(prep)
	return d, nil
}

// vectorize computes the train and dev vectors with d's spec.
func (d *prepared) vectorize(prep Preparer) {
	vectorize := func(t string) features.Vector { return features.Vectorize(d.spec, prep, d.vocab, t) }
	d.x = parallelMap(d.text, vectorize)
	d.dev = newDevSet(d.labels, parallelMap(d.devText, vectorize), d.devSet)
}

// withWordWeight returns the same data over the same vocabulary, vectorised
// with word weight w, exactly as serving will vectorise it.
func (d *prepared) withWordWeight(prep Preparer, w float64) *prepared {
	e := *d
	e.spec.WordWeight = w
	e.vectorize(prep)
	return &e
}

// withConcentrationWeight returns the same data over the same terms with
// the IDF weighed by concentration weight w, vectorised exactly as serving
// will vectorise it.
func (d *prepared) withConcentrationWeight(prep Preparer, w float64) *prepared {
	e := *d
	e.spec.ConcentrationWeight = w
	e.vocab = d.plain.WithConcentrationWeight(d.conc, w)
	e.vectorize(prep)
	return &e
}

// fit trains on prepared data with cfg's loss and penalty.
func (d *prepared) fit(ctx context.Context, cfg Config) (*Result, error) {
	const op = "train.Train"
	dim, c := d.vocab.Size(), len(d.labels)
	obj := newObjective(d.x, d.y, exampleWeights(d.y, c, cfg.Balanced), dim, c, cfg.L2)
	switch cfg.Loss {
	case "", "logistic":
	case "squared_hinge":
		obj.hinge = true
	default:
		return nil, gridtriage.Errorf(op, gridtriage.KindInvalid, "unknown loss %q (logistic or squared_hinge)", cfg.Loss)
	}
	stop := &earlyStop{ctx: ctx, cfg: cfg, dev: d.dev, dim: dim, classes: c}
	params, err := minimize(obj, stop, cfg, dim*c+c)
	if err != nil {
		return nil, gridtriage.E(op, gridtriage.KindInternal, err)
	}
	m := toModel(d.labels, dim, params)
	res := &Result{Spec: d.spec, Vocab: d.vocab, Model: m, Iterations: stop.bestIter, TrainLoss: stop.bestF}
	if d.dev.len() > 0 {
		m.Temperature, res.DevLoss = fitTemperature(m, d.dev)
	}
	return res, nil
}

func minimize(obj *objective, stop *earlyStop, cfg Config, n int) ([]float64, error) {
	settings := &optimize.Settings{
		MajorIterations: cfg.MaxIter,
		// NaN turns off gonum's gradient test, which takes the norm twice
		// per iteration with a slow math.Max; stop applies the tolerance.
		GradientThreshold: math.NaN(),
		Converger:         stop,
	}
	problem := optimize.Problem{Func: obj.Func, Grad: obj.Grad}
	// LBFGS runs a gradient test of its own (|g|∞ < 1e-12, never reached
	// here) on one core after every iteration; NaN turns it off too.
	method := &optimize.LBFGS{Store: 10, GradStopThreshold: math.NaN()}
	res, err := optimize.Minimize(problem, make([]float64, n), settings, method)
	if stop.err != nil {
		return nil, stop.err
	}
	if err != nil && res == nil {
		return nil, err
	}
	if stop.best != nil {
		return stop.best, nil
	}
	stop.bestIter, stop.bestF = stop.iter, res.F
	return res.X, nil
}

// labelIndex returns the sorted labels and each example's label index.
func labelIndex(set []Example) ([]string, []int, error) {
	if len(set) == 0 {
		return nil, nil, errors.New("no training examples")
	}
	seen := map[string]bool{}
	for _, e := range set {
		seen[e.Label] = true
	}
	labels := make([]string, 0, len(seen))
	for l := range seen {
		labels = append(labels, l)
	}
	slices.Sort(labels)
	if len(labels) < 2 {
		return nil, nil, fmt.Errorf("training data has %d label(s); at least 2 are needed", len(labels))
	}
	y := make([]int, len(set))
	for i, e := range set {
		y[i], _ = slices.BinarySearch(labels, e.Label)
	}
	return labels, y, nil
}

// exampleWeights gives every example weight 1, or n/(classes·n_c) when
// balanced.
func exampleWeights(y []int, classes int, balanced bool) []float64 {
	counts := make([]float64, classes)
	for _, k := range y {
		counts[k]++
	}
	w := make([]float64, len(y))
	for i, k := range y {
		w[i] = 1
		if balanced {
			w[i] = float64(len(y)) / (float64(classes) * counts[k])
		}
	}
	return w
}

// toModel converts optimiser parameters to a model, its weights rounded to
// the half precision in which they are served.
func toModel(labels []string, dim int, params []float64) *linear.Model {
	c := len(labels)
	m := &linear.Model{Labels: labels, Dim: dim, W: make([]float32, dim*c), B: make([]float32, c), Temperature: 1}
	for i := range m.W {
		m.W[i] = float32(params[i])
	}
	for k := range m.B {
		m.B[k] = float32(params[dim*c+k])
	}
	m.RoundToHalf()
	return m
}

func normalizeAll(prep Preparer, set []Example) []string {
	texts := make([]string, len(set))
	for i, e := range set {
		texts[i] = e.Text
	}
	return parallelMap(texts, prep.Normalize)
}

// Probabilities scores raw texts with the trained model's Go reference
// scorer.
func (r *Result) Probabilities(prep Preparer, texts []string) [][]float64 {
	return parallelMap(texts, func(t string) []float64 {
		return r.Model.Probabilities(features.Vectorize(r.Spec, prep, r.Vocab, prep.Normalize(t)))
	})
}
