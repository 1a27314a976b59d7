package onnx

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/gridtriage/gridtriage/model/linear"
)

// tinyModel is a 4-feature, 3-class model whose weights are already
// half-precision values.
func tinyModel() *linear.Model {
	m := &linear.Model{Labels: []string{"a", "b", "c"}, Dim: 4,
		W: []float32{0, 0, 0, 0.5, -1.25, 2, 0.1, 0.2, -0.3, 3.5, 0, -7},
		B: []float32{0.1, 0, -0.1}, Temperature: 1.5}
	m.RoundToHalf()
	return m
}

func TestExportReadRoundTrip(t *testing.T) {
	m := tinyModel()
	enc := Export(m, "test", nil)
	if len(enc.Weights) != 2*len(m.W) {
		t.Fatalf("weights file of %d bytes, want %d", len(enc.Weights), 2*len(m.W))
	}
	w, err := ReadWeights(enc.Graph, bytes.NewReader(enc.Weights))
	if err != nil {
		t.Fatal(err)
	}
	back := w.Model(m.Labels)
	if back.Dim != m.Dim || !slices.Equal(back.W, m.W) || !slices.Equal(back.B, m.B) || back.Temperature != m.Temperature {
		t.Errorf("read back %+v, exported %+v", back, m)
	}
	rows, err := ReadWeightRows(enc.Graph, bytes.NewReader(enc.Weights), 1, 3)
	if err != nil {
		t.Fatal(err)
	}
	if rows.FirstRow != 1 || len(rows.W) != 6 || rows.At(2, 2) != m.W[2*3+2] {
		t.Errorf("rows 1–2: first %d, %d weights, W[2][2] = %g", rows.FirstRow, len(rows.W), rows.At(2, 2))
	}
	header, err := ReadWeightRows(enc.Graph, nil, 0, 0)
	if err != nil || header.Dim != 4 || header.Classes != 3 || len(header.W) != 0 {
		t.Errorf("header only: %+v, %v", header, err)
	}
}

func TestReadWeightsRejects(t *testing.T) {
	enc := Export(tinyModel(), "test", nil)
	tests := []struct {
		name           string
		graph, weights []byte
		lo, hi         int
		want           string
	}{
		{"not a model", []byte("junk"), enc.Weights, 0, -1, ""},
		{"short weights file", enc.Graph, enc.Weights[:10], 0, -1, "reading rows"},
		{"rows out of range", enc.Graph, enc.Weights, 3, 2, "outside"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadWeightRows(tt.graph, bytes.NewReader(tt.weights), tt.lo, tt.hi)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one containing %q", err, tt.want)
			}
		})
	}
}
