package model_test

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/gridtriage/gridtriage/classify"
	"github.com/gridtriage/gridtriage/classify/analysis"
	"github.com/gridtriage/gridtriage/datasets/jsonl"
	"github.com/gridtriage/gridtriage/model"
	"github.com/gridtriage/gridtriage/model/bundle"
	"github.com/gridtriage/gridtriage/model/onnx"
	"github.com/gridtriage/gridtriage/model/train"
)

const corpusDir = "../datasets/corpus"

func readSplit(t testing.TB, name string) []jsonl.Record {
	t.Helper()
	res, err := jsonl.ReadFile(filepath.Join(corpusDir, name+".jsonl"), jsonl.Options{RequireLabel: true})
	if err != nil {
		t.Fatal(err)
	}
	return res.Records
}

// splitTexts is the input texts of a corpus split.
func splitTexts(t testing.TB, name string) []string {
	t.Helper()
	recs := readSplit(t, name)
	texts := make([]string, len(recs))
	for i, r := range recs {
		texts[i] = r.Input()
	}
	return texts
}

func examples(recs []jsonl.Record) []train.Example {
	out := make([]train.Example, len(recs))
	for i, r := range recs {
		out[i] = train.Example{Text: r.Input(), Label: r.Label, Urgency: r.Urgency}
	}
	return out
}

var (
	trainOnce   sync.Once
	trainedDir  string
	trainedBndl *bundle.Bundle
	trainErr    error
)

// corpusBundle trains one model on the corpus train split (dev for early
// stopping) and saves it, once per test binary.
func corpusBundle(t testing.TB) (string, *bundle.Bundle) {
	t.Helper()
	if dir := os.Getenv("GRIDTRIAGE_TEST_MODEL"); dir != "" {
		b, err := bundle.Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		return dir, b
	}
	trainOnce.Do(func() {
		trainedBndl, trainErr = runJob(t)
		if trainErr != nil {
			return
		}
		trainedDir, trainErr = os.MkdirTemp("", "gridtriage-model-")
		if trainErr == nil {
			trainErr = bundle.Save(trainedDir, trainedBndl)
		}
	})
	if trainErr != nil {
		t.Fatal(trainErr)
	}
	return trainedDir, trainedBndl
}

// openCorpusModel opens the corpus bundle, closing it when the test ends.
func openCorpusModel(t testing.TB) *model.Model {
	t.Helper()
	dir, _ := corpusBundle(t)
	m, err := model.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func runJob(t testing.TB) (*bundle.Bundle, error) {
	return trainOn(t, "train", "dev", train.DefaultConfig())
}

// trainOn trains on one corpus split with another as dev.
func trainOn(t testing.TB, trainSplit, devSplit string, cfg train.Config) (*bundle.Bundle, error) {
	a, err := analysis.Default()
	if err != nil {
		return nil, err
	}
	job := train.Job{Config: cfg, Train: examples(readSplit(t, trainSplit)), Dev: examples(readSplit(t, devSplit)), AutoTarget: 0.98, Version: "test", Urgency: true}
	return job.Run(context.Background(), a)
}

func TestMain(m *testing.M) {
	code := m.Run()
	if trainedDir != "" {
		os.RemoveAll(trainedDir)
	}
	os.Exit(code)
}

// TestONNXParity checks ONNX Runtime's probabilities against the Go
// reference scorer on the whole corpus test split.
func TestONNXParity(t *testing.T) {
	dir, b := corpusBundle(t)
	m, err := model.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	w, err := b.ReadWeightRows(0, -1)
	if err != nil {
		t.Fatal(err)
	}
	ref := w.Model(b.Manifest.Labels)
	part, err := b.ReadWeightRows(5, 9)
	if err != nil || part.FirstRow != 5 || !slices.Equal(part.W, w.W[5*w.Classes:9*w.Classes]) {
		t.Errorf("ReadWeightRows(5, 9) = first row %v, %d weights (%v); want rows 5–8 of W", part.FirstRow, len(part.W), err)
	}
	texts := splitTexts(t, "test")
	preds, err := m.Classify(context.Background(), texts, 3)
	if err != nil {
		t.Fatal(err)
	}
	worst := 0.0
	for i, text := range texts {
		want := ref.Probabilities(m.Vectorize(text))
		for k, p := range preds[i].Probabilities {
			worst = math.Max(worst, math.Abs(p-want[k]))
		}
	}
	t.Logf("max |ONNX − Go| over %d reports × %d classes = %.2g", len(texts), len(b.Manifest.Labels), worst)
	if worst > 1e-5 {
		t.Errorf("ONNX and Go reference differ by %.3g, want ≤ 1e-5", worst)
	}
}

// TestUrgencyParity checks the urgency model on ONNX Runtime against the Go
// reference scorer of its stored weights on the whole corpus test split,
// scored by ClassifyWithUrgency, whose categories must be Classify's.
func TestUrgencyParity(t *testing.T) {
	dir, b := corpusBundle(t)
	if b.Urgency == nil {
		t.Fatalf("the corpus bundle %s has no urgency model", dir)
	}
	m, err := model.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	f, err := os.Open(filepath.Join(dir, bundle.UrgencyDir, bundle.WeightsFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := onnx.ReadWeights(b.Urgency.Model, f)
	if err != nil {
		t.Fatal(err)
	}
	ref := w.Model(b.Manifest.Urgency.Labels)
	recs := readSplit(t, "test")
	texts := splitTexts(t, "test")
	preds, err := m.ClassifyWithUrgency(context.Background(), texts, 3)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := m.Classify(context.Background(), texts, 3)
	if err != nil {
		t.Fatal(err)
	}
	worst, right := 0.0, 0
	got := make([][]classify.Scored, len(preds))
	for i, text := range texts {
		got[i] = preds[i].Urgency
		if plain[i].Urgency != nil || !slices.Equal(plain[i].Top, preds[i].Top) {
			t.Fatalf("report %d: Classify gives %v with urgency %v, ClassifyWithUrgency %v: want the same categories and no urgency",
				i, plain[i].Top, plain[i].Urgency, preds[i].Top)
		}
		want := ref.Probabilities(m.Vectorize(text))
		for _, s := range got[i] {
			k := slices.Index(ref.Labels, s.Label)
			worst = math.Max(worst, math.Abs(s.Probability-want[k]))
		}
		if got[i][0].Label == recs[i].Urgency {
			right++
		}
	}
	acc := float64(right) / float64(len(texts))
	t.Logf("urgency: max |ONNX − Go| over %d reports = %.2g; accuracy %.4f", len(texts), worst, acc)
	if worst > 1e-5 {
		t.Errorf("ONNX and Go reference differ by %.3g, want ≤ 1e-5", worst)
	}
	if acc < 0.9 {
		t.Errorf("urgency accuracy on the test split %.4f, want ≥ 0.90", acc)
	}
}

// TestTrainingIsDeterministic trains twice with the same data and seed and
// expects byte-identical ONNX models and identical metrics (on the dev
// split with the test split as dev, to keep it quick: one penalty and one
// word weight, and the concentration weights to choose from).
func TestTrainingIsDeterministic(t *testing.T) {
	cfg := train.DefaultConfig()
	cfg.MaxIter = 60
	cfg.L2Choices, cfg.WordWeights = nil, nil
	first, err := trainOn(t, "dev", "test", cfg)
	if err != nil {
		t.Fatal(err)
	}
	second, err := trainOn(t, "dev", "test", cfg)
	if err != nil {
		t.Fatal(err)
	}
	if first.Urgency == nil || second.Urgency == nil {
		t.Fatal("no urgency model trained")
	}
	if !bytes.Equal(first.Urgency.Model, second.Urgency.Model) || !bytes.Equal(first.Urgency.WeightData, second.Urgency.WeightData) {
		t.Errorf("two trainings with the same seed gave different urgency models")
	}
	if !bytes.Equal(first.Model, second.Model) || !bytes.Equal(first.WeightData, second.WeightData) {
		t.Fatalf("two trainings with seed %d gave different model.onnx (%s vs %s) or model.weights (%s vs %s)", first.Manifest.Training.Seed,
			bundle.SHA256(first.Model)[:12], bundle.SHA256(second.Model)[:12], bundle.SHA256(first.WeightData)[:12], bundle.SHA256(second.WeightData)[:12])
	}
	if *first.Manifest.DevMetrics != *second.Manifest.DevMetrics {
		t.Errorf("dev metrics differ: %+v vs %+v", first.Manifest.DevMetrics, second.Manifest.DevMetrics)
	}
}

// TestConcurrentClassify runs many classifications at once on one model;
// run with -race it also checks the session design.
func TestConcurrentClassify(t *testing.T) {
	m := openCorpusModel(t)
	texts := []string{"小区门口井盖没了", "楼道里有人给电动车充电", "老板拖欠工资三个月"}
	want, err := m.Classify(context.Background(), texts, 1)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Go(func() {
			for range 20 {
				got, err := m.Classify(context.Background(), texts, 1)
				if err != nil {
					t.Error(err)
					return
				}
				for i := range got {
					if got[i].Label != want[i].Label || got[i].Probability != want[i].Probability {
						t.Errorf("concurrent result %d differs: %v vs %v", i, got[i].Label, want[i].Label)
						return
					}
				}
			}
		})
	}
	wg.Wait()
}

func TestOpenRejectsBadBundles(t *testing.T) {
	dir, _ := corpusBundle(t)
	tests := []struct {
		name   string
		mutate func(dir string) error
	}{
		{"missing manifest", func(d string) error { return os.Remove(filepath.Join(d, bundle.ManifestFile)) }},
		{"corrupt model", func(d string) error { return os.WriteFile(filepath.Join(d, bundle.ModelFile), []byte("junk"), 0o644) }},
		{"corrupt weights", func(d string) error { return corruptByte(filepath.Join(d, bundle.WeightsFile)) }},
		{"missing weights", func(d string) error { return os.Remove(filepath.Join(d, bundle.WeightsFile)) }},
		{"manifest not json", func(d string) error { return os.WriteFile(filepath.Join(d, bundle.ManifestFile), []byte("{"), 0o644) }},
		{"corrupt urgency weights", func(d string) error { return corruptByte(filepath.Join(d, bundle.UrgencyDir, bundle.WeightsFile)) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := t.TempDir()
			copyDir(t, dir, bad)
			if err := tt.mutate(bad); err != nil {
				t.Fatal(err)
			}
			if m, err := model.Open(bad, nil); err == nil {
				m.Close()
				t.Fatal("Open accepted a bad bundle")
			} else {
				t.Log(err)
			}
		})
	}
}

// corruptByte flips one byte in the middle of the file at path.
func corruptByte(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	b[len(b)/2] ^= 0xff
	return os.WriteFile(path, b, 0o644)
}

// copyDir copies the bundle directory from, with its urgency model, into to.
func copyDir(t *testing.T, from, to string) {
	t.Helper()
	if err := os.CopyFS(to, os.DirFS(from)); err != nil {
		t.Fatal(err)
	}
}
