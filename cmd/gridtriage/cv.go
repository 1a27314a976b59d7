package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"slices"

	"github.com/gridtriage/gridtriage/classify/analysis"
	"github.com/gridtriage/gridtriage/datasets"
	"github.com/gridtriage/gridtriage/datasets/jsonl"
	"github.com/gridtriage/gridtriage/eval"
	"github.com/gridtriage/gridtriage/model/train"
)

// cvFold is one fold's figures.
type cvFold struct {
	Fold     int     `json:"fold"`
	N        int     `json:"n"`
	Accuracy float64 `json:"accuracy"`
	MacroF1  float64 `json:"macro_f1"`
}

// curvePoint is one point of the learning curve.
type curvePoint struct {
	Share    float64 `json:"train_share"`
	Accuracy float64 `json:"accuracy"`
	MacroF1  float64 `json:"macro_f1"`
}

func runCV(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("cv", flag.ContinueOnError)
	data := fs.String("data", "", "labelled JSONL file")
	folds := fs.Int("folds", 5, "number of folds")
	curve := fs.Bool("curve", false, "also compute a learning curve (accuracy against training-set share)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	cfg := train.DefaultConfig()
	fs.Int64Var(&cfg.Seed, "seed", cfg.Seed, "seed of the fold assignment")
	fs.Float64Var(&cfg.L2, "l2", cfg.L2, "L2 penalty on the weights")
	fs.StringVar(&cfg.Loss, "loss", cfg.Loss, "training loss: squared_hinge (one-vs-rest, as a linear SVM) or logistic")
	specFlags(fs, &cfg.Spec)
	cfg.Spec.WordWeight = cfg.Spec.WordScale()
	fs.Var((*weightFlag)(&cfg.Spec.WordWeight), "word-weight", "weight of the word n-gram group against the character n-grams")
	fs.Float64Var(&cfg.Spec.ConcentrationWeight, "concentration-weight", cfg.Spec.ConcentrationWeight, "raise a term's IDF up to 1+this times the more its training reports concentrate in one class (0: plain IDF)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *data == "" {
		fs.Usage()
		return usageErr("cv needs --data")
	}
	set, _, err := readExamples([]string{*data}, jsonl.Options{RequireLabel: true})
	if err != nil {
		return err
	}
	a, err := analysis.Default()
	if err != nil {
		return err
	}
	out := map[string]any{"folds": *folds, "n": len(set)}
	res, err := crossValidate(ctx, cfg, a, set, *folds, 1)
	if err != nil {
		return err
	}
	per, overall := foldFigures(res, set, *folds)
	out["per_fold"], out["overall"] = per, overall
	accs := make([]float64, len(per))
	for i, f := range per {
		accs[i] = f.Accuracy
	}
	out["accuracy_mean"], out["accuracy_sd"] = meanSD(accs)
	if *curve {
		var points []curvePoint
		for _, share := range []float64{0.1, 0.25, 0.5, 0.75, 1} {
			r, err := crossValidate(ctx, cfg, a, set, *folds, share)
			if err != nil {
				return err
			}
			_, o := foldFigures(r, set, *folds)
			points = append(points, curvePoint{Share: share, Accuracy: o.Accuracy, MacroF1: o.MacroF1})
		}
		out["learning_curve"] = points
	}
	if *asJSON {
		return json.NewEncoder(os.Stdout).Encode(out)
	}
	fmt.Printf("%d-fold cross-validation on %d reports\n", *folds, len(set))
	for _, f := range per {
		fmt.Printf("  fold %d: n %d accuracy %.4f macro-F1 %.4f\n", f.Fold, f.N, f.Accuracy, f.MacroF1)
	}
	fmt.Printf("overall accuracy %.4f (fold mean %.4f ± %.4f), macro-F1 %.4f\n", overall.Accuracy, out["accuracy_mean"], out["accuracy_sd"], overall.MacroF1)
	if pts, ok := out["learning_curve"].([]curvePoint); ok {
		fmt.Println("learning curve (share of training data → accuracy, macro-F1):")
		for _, p := range pts {
			fmt.Printf("  %.2f → %.4f  %.4f\n", p.Share, p.Accuracy, p.MacroF1)
		}
	}
	return nil
}

func crossValidate(ctx context.Context, cfg train.Config, a *analysis.Analyzer, set []train.Example, folds int, share float64) (*train.CVResult, error) {
	return train.CrossValidate(ctx, cfg, a, set, folds, share, func(f int) {
		fmt.Fprintf(os.Stderr, "cv: share %.2f, fold %d/%d\n", share, f+1, folds)
	})
}

// foldFigures evaluates cross-validated predictions per fold and overall.
func foldFigures(res *train.CVResult, set []train.Example, folds int) ([]cvFold, eval.Report) {
	all := make([]eval.Sample, len(set))
	byFold := make([][]eval.Sample, folds)
	for i, e := range set {
		all[i] = eval.Sample{Gold: e.Label, Probs: res.Probs[i]}
		byFold[res.Fold[i]] = append(byFold[res.Fold[i]], all[i])
	}
	per := make([]cvFold, folds)
	for f, s := range byFold {
		r := eval.Evaluate(res.Labels, s, 1)
		per[f] = cvFold{Fold: f, N: r.N, Accuracy: r.Accuracy, MacroF1: r.MacroF1}
	}
	return per, eval.Evaluate(res.Labels, all, 1)
}

func meanSD(xs []float64) (float64, float64) {
	var s, ss float64
	for _, x := range xs {
		s += x
	}
	m := s / float64(len(xs))
	for _, x := range xs {
		ss += (x - m) * (x - m)
	}
	if len(xs) < 2 {
		return m, 0
	}
	return m, math.Sqrt(ss / float64(len(xs)-1))
}

// auditRow is a training example whose label the cross-validated model
// doubts.
type auditRow struct {
	Line        int     `json:"line"`
	ID          string  `json:"id,omitempty"`
	Text        string  `json:"text"`
	Label       string  `json:"label"`
	Suggested   string  `json:"suggested"`
	Name        string  `json:"suggested_name,omitempty"`
	Probability float64 `json:"probability"`
	LabelProb   float64 `json:"label_probability"`
}

func runAudit(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("audit", flag.ContinueOnError)
	data := fs.String("data", "", "labelled JSONL file")
	folds := fs.Int("folds", 5, "number of folds")
	minConf := fs.Float64("min-confidence", 0.8, "list examples whose cross-validated prediction disagrees with at least this probability")
	cfg := train.DefaultConfig()
	fs.Int64Var(&cfg.Seed, "seed", cfg.Seed, "seed of the fold assignment")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *data == "" {
		fs.Usage()
		return usageErr("audit needs --data")
	}
	res, err := jsonl.ReadFile(*data, jsonl.Options{RequireLabel: true})
	if err != nil {
		return err
	}
	set := make([]train.Example, len(res.Records))
	for i, r := range res.Records {
		set[i] = train.Example{Text: r.Input(), Label: r.Label}
	}
	a, err := analysis.Default()
	if err != nil {
		return err
	}
	cv, err := crossValidate(ctx, cfg, a, set, *folds, 1)
	if err != nil {
		return err
	}
	tax, _ := datasets.Default()
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	flagged := 0
	for i, r := range res.Records {
		p := cv.Probs[i]
		k := eval.Argmax(p)
		if cv.Labels[k] == r.Label || p[k] < *minConf {
			continue
		}
		flagged++
		row := auditRow{Line: r.Line, ID: r.ID, Text: r.Input(), Label: r.Label, Suggested: cv.Labels[k], Probability: p[k]}
		if tax != nil {
			row.Name = tax.Name(row.Suggested)
		}
		if j := slices.Index(cv.Labels, r.Label); j >= 0 {
			row.LabelProb = p[j]
		}
		if err := enc.Encode(row); err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "audit: %d of %d examples disagree with their label at probability ≥ %.2f\n", flagged, len(set), *minConf)
	return nil
}
