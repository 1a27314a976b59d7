package ort

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/gridtriage/gridtriage/classify/features"
	"github.com/gridtriage/gridtriage/model/linear"
	"github.com/gridtriage/gridtriage/model/onnx"
)

// writeTinyModel exports a small model into dir and returns it.
func writeTinyModel(t *testing.T, dir string) *linear.Model {
	t.Helper()
	m := &linear.Model{Labels: []string{"a", "b", "c"}, Dim: 5,
		W: []float32{0, 0, 0, 0.5, -1.25, 2, 0.1, 0.2, -0.3, 3.5, 0, -7, 0.01, 0.02, 0.03},
		B: []float32{0.1, 0, -0.1}, Temperature: 1.5}
	m.RoundToHalf()
	enc := onnx.Export(m, "test", nil)
	if err := os.WriteFile(filepath.Join(dir, "model.onnx"), enc.Graph, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, onnx.WeightsFile), enc.Weights, 0o644); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestSessionMatchesReferenceScorer(t *testing.T) {
	dir := t.TempDir()
	m := writeTinyModel(t, dir)
	s, err := Open(filepath.Join(dir, "model.onnx"), m.Classes())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	batch := []features.Vector{
		{Indices: []int32{1, 3}, Values: []float32{0.6, 0.8}},
		{},
		{Indices: []int32{1, 2, 3, 4}, Values: []float32{0.5, 0.5, 0.5, 0.5}},
	}
	got, err := s.Predict(batch)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range batch {
		want := m.Probabilities(v)
		for k := range want {
			if d := math.Abs(float64(got[i][k]) - want[k]); d > 1e-6 {
				t.Errorf("report %d class %d: ONNX %g, reference %g", i, k, got[i][k], want[k])
			}
		}
	}
}

func TestOpenWithoutWeightsFileFails(t *testing.T) {
	dir := t.TempDir()
	writeTinyModel(t, dir)
	if err := os.Remove(filepath.Join(dir, onnx.WeightsFile)); err != nil {
		t.Fatal(err)
	}
	if s, err := Open(filepath.Join(dir, "model.onnx"), 3); err == nil {
		s.Close()
		t.Fatal("a model without its weights file opened")
	}
}
