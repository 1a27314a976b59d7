package linear

import (
	"math"
	"testing"
)

func TestRoundToHalf(t *testing.T) {
	for _, tt := range []struct{ in, want float32 }{
		{0, 0},
		{1, 1},
		{-0.5, -0.5},
		{0.1, 0.0999755859375},        // 10 bits of mantissa
		{1e-9, 0},                     // below the smallest subnormal
		{6e-8, 5.960464477539063e-08}, // the smallest subnormal
		{70000, 65504},                // clamped, not infinite
		{-1e30, -65504},
		{float32(math.Inf(1)), 65504},
	} {
		if got := RoundToHalf(tt.in); got != tt.want {
			t.Errorf("RoundToHalf(%g) = %g, want %g", tt.in, got, tt.want)
		}
	}
}

func TestModelRoundToHalfKeepsScoresClose(t *testing.T) {
	m := &Model{Labels: []string{"a", "b"}, Dim: 2, W: []float32{0, 0, 0.123456, -2.34567}, B: []float32{0.1, -0.1}, Temperature: 1}
	m.RoundToHalf()
	for i, w := range m.W {
		if RoundToHalf(w) != w {
			t.Errorf("W[%d] = %g is not a half-precision value", i, w)
		}
	}
	if d := math.Abs(float64(m.W[2]) - 0.123456); d > 1e-4 {
		t.Errorf("W[2] moved by %g", d)
	}
}
