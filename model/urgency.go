package model

import (
	"context"

	"github.com/gridtriage/gridtriage"
	"github.com/gridtriage/gridtriage/classify"
	"github.com/gridtriage/gridtriage/classify/features"
)

// HasUrgency reports whether the bundle has an urgency model.
func (m *Model) HasUrgency() bool { return m.urgency != nil }

// Urgency implements classify.UrgencyScorer: each text's urgencies with
// their calibrated probabilities, most probable first, from the bundle's
// urgency model on ONNX Runtime; nil when the bundle has none.
func (m *Model) Urgency(ctx context.Context, texts []string) ([][]classify.Scored, error) {
	if m.urgency == nil {
		return nil, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, gridtriage.E("model.Urgency", gridtriage.KindUnavailable, err)
	}
	vecs := make([]features.Vector, len(texts))
	for i, t := range texts {
		vecs[i] = m.Vectorize(t)
	}
	probs, err := m.urgency.Predict(vecs)
	if err != nil {
		return nil, err
	}
	labels := m.Bundle.Manifest.Urgency.Labels
	out := make([][]classify.Scored, len(probs))
	for i, p := range probs {
		for _, k := range topClasses(p, len(p)) {
			out[i] = append(out[i], classify.Scored{Label: labels[k], Probability: float64(p[k])})
		}
	}
	return out, nil
}
