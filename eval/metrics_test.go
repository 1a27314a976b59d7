package eval

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// goldenCase is a small case whose metrics were computed by hand.
type goldenCase struct {
	Labels  []string `json:"labels"`
	Samples []struct {
		Gold  string    `json:"gold"`
		Probs []float64 `json:"probs"`
	} `json:"samples"`
}

func TestEvaluateGolden(t *testing.T) {
	cases, err := filepath.Glob("testdata/*.golden.json")
	if err != nil || len(cases) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, golden := range cases {
		name := strings.TrimSuffix(filepath.Base(golden), ".golden.json")
		t.Run(name, func(t *testing.T) {
			var in goldenCase
			readJSON(t, filepath.Join("testdata", name+".json"), &in)
			var want Report
			readJSON(t, golden, &want)
			samples := make([]Sample, len(in.Samples))
			for i, s := range in.Samples {
				samples[i] = Sample{Gold: s.Gold, Probs: s.Probs}
			}
			got := Evaluate(in.Labels, samples, 1)
			compareReports(t, got, want)
		})
	}
}

func compareReports(t *testing.T, got, want Report) {
	t.Helper()
	near := func(what string, g, w float64) {
		if math.Abs(g-w) > 1e-5 {
			t.Errorf("%s = %.6f, want %.6f", what, g, w)
		}
	}
	if got.N != want.N {
		t.Errorf("n = %d, want %d", got.N, want.N)
	}
	near("accuracy", got.Accuracy, want.Accuracy)
	near("macro_f1", got.MacroF1, want.MacroF1)
	near("weighted_f1", got.WeightedF1, want.WeightedF1)
	near("top3_accuracy", got.Top3Accuracy, want.Top3Accuracy)
	near("brier", got.Brier, want.Brier)
	near("ece", got.ECE, want.ECE)
	near("log_loss", got.LogLoss, want.LogLoss)
	if len(got.PerClass) != len(want.PerClass) {
		t.Errorf("per_class has %d classes, want %d", len(got.PerClass), len(want.PerClass))
	}
	for l, w := range want.PerClass {
		g := got.PerClass[l]
		near(l+".precision", g.Precision, w.Precision)
		near(l+".recall", g.Recall, w.Recall)
		near(l+".f1", g.F1, w.F1)
		if g.Support != w.Support {
			t.Errorf("%s.support = %d, want %d", l, g.Support, w.Support)
		}
	}
	if !reflect.DeepEqual(got.Confusion, want.Confusion) {
		t.Errorf("confusion = %v, want %v", got.Confusion, want.Confusion)
	}
	if len(got.UnknownLabels) != len(want.UnknownLabels) || len(want.UnknownLabels) > 0 && !reflect.DeepEqual(got.UnknownLabels, want.UnknownLabels) {
		t.Errorf("unknown_labels = %v, want %v", got.UnknownLabels, want.UnknownLabels)
	}
	if len(got.MostConfused) != len(want.MostConfused) || len(want.MostConfused) > 0 && !reflect.DeepEqual(got.MostConfused, want.MostConfused) {
		t.Errorf("most_confused = %v, want %v", got.MostConfused, want.MostConfused)
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func TestEvaluateEmpty(t *testing.T) {
	r := Evaluate([]string{"a", "b"}, nil, 1)
	if r.N != 0 || r.Accuracy != 0 || r.MeetsTarget {
		t.Errorf("empty evaluation = %+v", r)
	}
}

func TestBootstrapInterval(t *testing.T) {
	correct := make([]bool, 200)
	for i := range 180 {
		correct[i] = true
	}
	ci := BootstrapAccuracy(correct, 7)
	if !(ci[0] < 0.9 && 0.9 < ci[1]) || ci[0] < 0.84 || ci[1] > 0.95 {
		t.Errorf("95%% interval for 180/200 = %v, want about [0.86, 0.94]", ci)
	}
	if again := BootstrapAccuracy(correct, 7); again != ci {
		t.Errorf("same seed gave %v then %v", ci, again)
	}
	allRight := BootstrapAccuracy([]bool{true, true, true}, 1)
	if allRight != [2]float64{1, 1} {
		t.Errorf("all correct: %v", allRight)
	}
}

func TestRiskCoverageAndThreshold(t *testing.T) {
	conf := []float64{0.6, 0.9, 0.7, 0.8, 0.9}
	correct := []bool{true, true, false, true, true}
	curve := RiskCoverage(conf, correct)
	want := []CoveragePoint{{0.9, 0.4, 1}, {0.8, 0.6, 1}, {0.7, 0.8, 0.75}, {0.6, 1, 0.8}}
	if !reflect.DeepEqual(curve, want) {
		t.Fatalf("curve = %v, want %v", curve, want)
	}
	tests := []struct {
		target, threshold, coverage float64
	}{
		{0.98, 0.8, 0.6},
		{0.75, 0.6, 1},   // 0.7 dips to 0.75 and recovers to 0.8: all reports
		{0.78, 0.8, 0.6}, // the dip at 0.7 stops the search
	}
	for _, tt := range tests {
		th, cov := ChooseThreshold(conf, correct, tt.target)
		if th != tt.threshold || cov != tt.coverage {
			t.Errorf("target %.2f: threshold %.2f coverage %.2f, want %.2f %.2f", tt.target, th, cov, tt.threshold, tt.coverage)
		}
	}
	if th, cov := ChooseThreshold([]float64{0.9}, []bool{false}, 0.98); th <= 1 || cov != 0 {
		t.Errorf("unreachable target: threshold %v coverage %v, want > 1 and 0", th, cov)
	}
}

func TestMcNemar(t *testing.T) {
	var newC, baseC []bool
	add := func(n int, nw, b bool) {
		for range n {
			newC, baseC = append(newC, nw), append(baseC, b)
		}
	}
	add(80, true, true)
	add(2, true, false)
	add(10, false, true)
	add(8, false, false)
	c := McNemar(newC, baseC)
	if c.NewOnlyRight != 2 || c.BaselineOnlyRight != 10 {
		t.Fatalf("discordant counts %d/%d", c.NewOnlyRight, c.BaselineOnlyRight)
	}
	if math.Abs(c.ChiSquare-49.0/12) > 1e-9 || math.Abs(c.PValue-0.04331) > 1e-4 || !c.SignificantlyWorse {
		t.Errorf("chi² %.4f p %.5f worse %v; want 4.0833, 0.0433, true", c.ChiSquare, c.PValue, c.SignificantlyWorse)
	}
	if same := McNemar(newC, newC); same.SignificantlyWorse || same.PValue != 1 {
		t.Errorf("identical models: %+v", same)
	}
	if better := McNemar(baseC, newC); better.SignificantlyWorse {
		t.Errorf("a better model was flagged worse: %+v", better)
	}
}
