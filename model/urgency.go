package model

import "github.com/gridtriage/gridtriage/classify"

// urgencies names the urgency model's calibrated probabilities p, most
// probable first.
func (m *Model) urgencies(p []float32) []classify.Scored {
	labels := m.Bundle.Manifest.Urgency.Labels
	out := make([]classify.Scored, 0, len(p))
	for _, k := range topClasses(p, len(p)) {
		out = append(out, classify.Scored{Label: labels[k], Probability: float64(p[k])})
	}
	return out
}
