// Package classify holds the domain types of report classification: what a
// prediction is and what a classifier does. It depends on nothing else in
// the project.
package classify

import "context"

// Scored is one label with its calibrated probability.
type Scored struct {
	Label       string  `json:"label"`
	Name        string  `json:"name,omitempty"`
	Probability float64 `json:"probability"`
}

// Reason is a term of the report that weighed for the predicted label.
type Reason struct {
	Term   string  `json:"term"`
	Weight float64 `json:"weight"`
}

// Prediction is the classification of one report.
type Prediction struct {
	Label        string   `json:"label"`
	Name         string   `json:"name,omitempty"`
	Probability  float64  `json:"probability"`
	Top          []Scored `json:"top"`
	Margin       float64  `json:"margin"` // top-1 minus top-2 probability
	ModelVersion string   `json:"model_version"`
	Reasons      []Reason `json:"reasons,omitempty"`
	// Urgency holds the report's urgencies, most probable first, when an
	// urgency model scored it (UrgencyClassifier); nil otherwise.
	Urgency []Scored `json:"urgency,omitempty"`
	// Probabilities holds every label's probability, in the model's label
	// order; it is not serialised.
	Probabilities []float64 `json:"-"`
}

// TopUrgency is the most probable of the prediction's urgencies, or the
// zero Scored when no urgency model scored it.
func (p Prediction) TopUrgency() Scored {
	if len(p.Urgency) == 0 {
		return Scored{}
	}
	return p.Urgency[0]
}

// Classifier classifies report texts.
type Classifier interface {
	// Classify returns one prediction per text with the k most probable
	// labels in Top.
	Classify(ctx context.Context, texts []string, k int) ([]Prediction, error)
	// Labels returns the labels the classifier knows, in its order.
	Labels() []string
}

// UrgencyClassifier is a Classifier that also scores how urgent reports
// are, in the same pass.
type UrgencyClassifier interface {
	Classifier
	// ClassifyWithUrgency is Classify with each prediction's Urgency set to
	// the report's urgencies (urgent, general, consult) with their
	// probabilities, most probable first; Urgency stays nil when the
	// classifier has no urgency model.
	ClassifyWithUrgency(ctx context.Context, texts []string, k int) ([]Prediction, error)
}

// Namer gives the display name of a label, or "" when it has none.
type Namer func(label string) string
