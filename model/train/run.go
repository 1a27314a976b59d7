package train

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"time"

	"github.com/gridtriage/gridtriage/eval"
	"github.com/gridtriage/gridtriage/model/bundle"
	"github.com/gridtriage/gridtriage/model/onnx"
)

// Job is a complete training run that produces a model bundle.
type Job struct {
	Config     Config
	Train, Dev []Example
	TrainFiles []bundle.File // digests of the files Train came from
	DevFiles   []bundle.File
	// Refit retrains on train+dev until the training objective falls to the
	// one of the parameters early stopping chose (Goodfellow, Bengio and
	// Courville, Deep Learning, algorithm 7.3), keeping the temperature and
	// thresholds fitted on dev. Matching the objective rather than the
	// iteration count matters: on more data L-BFGS takes its own path, and the
	// same count can leave the refit well short of the model it replaces. As
	// Goodfellow et al. warn, the target may be out of reach (here when the
	// larger vocabulary cannot fit the new reports as closely), so the refit
	// also stops after refitIterationFactor times the early-stopped count.
	Refit bool
	// AutoTarget is the accuracy the automatic-dispatch threshold must reach
	// on dev.
	AutoTarget float64
	Version    string // gridtriage version recorded in the bundle
	// RefitProgress, when set, reports the refit's iterations.
	RefitProgress func(Progress)
	// Urgency also trains an urgency model over the same features on the
	// train and dev examples that carry an urgency, with the chosen
	// configuration, early stopping and calibration on dev and the same
	// refit; none is trained when no training example carries one.
	Urgency bool
}

// Run trains, scores dev, chooses thresholds, optionally refits, and
// returns the bundle ready to save. The ONNX bytes depend only on the data
// and the configuration.
func (j Job) Run(ctx context.Context, prep Preparer) (*bundle.Bundle, error) {
	started := time.Now()
	res, cfg, tried, err := j.trainBest(ctx, prep)
	if err != nil {
		return nil, err
	}
	j.Config = cfg
	m := bundle.Manifest{
		GridtriageVersion: j.Version,
		CreatedAt:         time.Now().UTC().Truncate(time.Second),
		Training: bundle.Training{
			Data: j.TrainFiles, Dev: j.DevFiles, DataSHA256: combinedSHA(j.TrainFiles, j.DevFiles),
			Examples: len(j.Train), Seed: j.Config.Seed, L2: j.Config.L2, Tried: tried, Iterations: res.Iterations,
		},
	}
	if len(j.Dev) > 0 {
		m.DevMetrics, m.Thresholds = devFigures(res, prep, j.Dev, uint64(j.Config.Seed), j.AutoTarget)
	}
	if j.Refit && len(j.Dev) > 0 {
		cfg := refitConfig(j.Config, res)
		cfg.Progress = j.RefitProgress
		all := append(append([]Example{}, j.Train...), j.Dev...)
		refit, err := Train(ctx, cfg, prep, all, nil)
		if err != nil {
			return nil, err
		}
		refit.Model.Temperature = res.Model.Temperature
		res = refit
		m.Training.Refit, m.Training.RefitIterations, m.Training.Examples = true, refit.Iterations, len(all)
	}
	m.Labels, m.Temperature, m.Features = res.Model.Labels, res.Model.Temperature, res.Spec
	var head *bundle.Head
	if j.Urgency {
		if head, m.Urgency, err = j.trainUrgency(ctx, prep, res.Vocab); err != nil {
			return nil, err
		}
	}
	m.Training.Seconds = time.Since(started).Round(time.Millisecond).Seconds()
	enc := onnx.Export(res.Model, j.Version, nil)
	return &bundle.Bundle{Manifest: m, Vocab: res.Vocab, Model: enc.Graph, WeightData: enc.Weights, Urgency: head}, nil
}

// refitConfig is cfg for the refit of res on train+dev: trained until its
// objective is down to res's, within refitIterationFactor times res's
// iterations.
func refitConfig(cfg Config, res *Result) Config {
	// A refit fits cfg.Spec as chosen; the choices' lists would only make
	// it compute class concentrations that weight 0 does not use.
	cfg.L2Choices, cfg.WordWeights, cfg.ConcentrationWeights = nil, nil, nil
	cfg.TargetLoss = res.TrainLoss
	cfg.MaxIter = min(cfg.MaxIter, refitIterationFactor*max(res.Iterations, 1))
	return cfg
}

// refitIterationFactor bounds the refit's iterations, as a multiple of the
// early-stopped model's.
const refitIterationFactor = 2

// trainBest chooses the L2 penalty, then the word weight, then the
// concentration weight, on dev: it trains with each configured penalty
// (the first alone when dev has fewer than MinDevForL2Choice reports),
// then with each other word weight at the chosen penalty, then with each
// other concentration weight at the chosen penalty and word weight, and keeps the model with
// the best dev accuracy (the earlier one on a tie). It returns that model
// with its configuration and every trial.
func (j Job) trainBest(ctx context.Context, prep Preparer) (*Result, Config, []bundle.Trial, error) {
	base := j.Config
	l2s, weights, concentrationWeights := base.L2Choices, base.WordWeights, base.ConcentrationWeights
	if len(l2s) > 1 && !base.ChoosesL2(len(j.Dev)) {
		l2s = l2s[:1]
		base.L2 = l2s[0]
	}
	if len(weights) == 1 {
		base.Spec.WordWeight = weights[0]
	}
	if len(concentrationWeights) > 0 {
		base.Spec.ConcentrationWeight = concentrationWeights[0]
	}
	if len(l2s) < 2 && len(weights) < 2 && len(concentrationWeights) < 2 || len(j.Dev) == 0 {
		res, err := Train(ctx, base, prep, j.Train, j.Dev)
		return res, base, nil, err
	}
	data, err := prepare(base, prep, j.Train, j.Dev)
	if err != nil {
		return nil, base, nil, err
	}
	if len(l2s) == 0 {
		l2s = []float64{base.L2}
	}
	c := &choice{prep: prep, dev: j.Dev}
	for _, l2 := range l2s {
		cfg := base
		cfg.L2 = l2
		if err := c.try(ctx, data, cfg); err != nil {
			return nil, cfg, nil, err
		}
	}
	for _, w := range weights {
		if w == c.cfg.Spec.WordScale() {
			continue
		}
		cfg := c.cfg
		cfg.Spec.WordWeight = w
		if err := c.try(ctx, data.withWordWeight(prep, w), cfg); err != nil {
			return nil, cfg, nil, err
		}
	}
	chosen := c.data
	for _, w := range concentrationWeights {
		if w == c.cfg.Spec.ConcentrationWeight {
			continue
		}
		cfg := c.cfg
		cfg.Spec.ConcentrationWeight = w
		if err := c.try(ctx, chosen.withConcentrationWeight(prep, w), cfg); err != nil {
			return nil, cfg, nil, err
		}
	}
	return c.best, c.cfg, c.tried, nil
}

// choice keeps the best of the models tried on dev.
type choice struct {
	prep    Preparer
	dev     []Example
	best    *Result
	data    *prepared // the data best was fitted on
	cfg     Config
	bestAcc float64
	tried   []bundle.Trial
}

// try fits data with cfg, records the trial and keeps the model if its dev
// accuracy is the best so far.
func (c *choice) try(ctx context.Context, data *prepared, cfg Config) error {
	res, err := data.fit(ctx, cfg)
	if err != nil {
		return err
	}
	acc := res.DevAccuracy(c.prep, c.dev)
	c.tried = append(c.tried, bundle.Trial{L2: cfg.L2, WordWeight: data.spec.WordScale(), ConcentrationWeight: data.spec.ConcentrationWeight,
		DevAccuracy: acc, Iterations: res.Iterations})
	if c.best == nil || acc > c.bestAcc {
		c.best, c.data, c.cfg, c.bestAcc = res, data, cfg, acc
	}
	return nil
}

// DevAccuracy is the accuracy of r on dev.
func (r *Result) DevAccuracy(prep Preparer, dev []Example) float64 {
	texts := make([]string, len(dev))
	for i, e := range dev {
		texts[i] = e.Text
	}
	correct := 0
	for i, p := range r.Probabilities(prep, texts) {
		if r.Model.Labels[eval.Argmax(p)] == dev[i].Label {
			correct++
		}
	}
	return float64(correct) / float64(max(1, len(dev)))
}

// devFigures scores dev with the trained model: the metrics to record and
// the automatic-dispatch thresholds chosen on it.
func devFigures(res *Result, prep Preparer, dev []Example, seed uint64, target float64) (*bundle.Metrics, *bundle.Thresholds) {
	texts := make([]string, len(dev))
	for i, e := range dev {
		texts[i] = e.Text
	}
	probs := res.Probabilities(prep, texts)
	samples := make([]eval.Sample, len(dev))
	for i, e := range dev {
		samples[i] = eval.Sample{Gold: e.Label, Probs: probs[i]}
	}
	r := eval.Evaluate(res.Model.Labels, samples, seed)
	conf, correct, predicted := eval.Confidences(res.Model.Labels, samples)
	global, coverage, perClass := eval.ChooseThresholds(conf, correct, predicted, target)
	return &bundle.Metrics{N: r.N, Accuracy: r.Accuracy, MacroF1: r.MacroF1, Top3: r.Top3Accuracy, ECE: r.ECE, LogLoss: r.LogLoss},
		&bundle.Thresholds{Target: target, Global: global, PerClass: perClass, Coverage: coverage, ChosenOn: "dev"}
}

func combinedSHA(groups ...[]bundle.File) string {
	h := sha256.New()
	for _, g := range groups {
		for _, f := range g {
			io.WriteString(h, f.SHA256+"\n")
		}
		io.WriteString(h, "--\n")
	}
	return hex.EncodeToString(h.Sum(nil))
}
