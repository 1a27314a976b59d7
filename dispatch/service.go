package dispatch

import (
	"context"
	"time"

	"github.com/gridtriage/gridtriage"
	"github.com/gridtriage/gridtriage/classify"
)

// Model is a classifier with its automatic-dispatch thresholds.
type Model interface {
	classify.Classifier
	// Threshold is the confidence below which a case predicted as label
	// goes to review.
	Threshold(label string) float64
}

// Service classifies, dispatches and stores incoming reports.
type Service struct {
	// Model returns the current model and a function to call when done with
	// it, so a reload never closes a model in use.
	Model      func() (Model, func())
	Dispatcher *Dispatcher
	Store      gridtriage.CaseStore
	Now        func() time.Time
}

// CreateCase turns a report into a stored case. A report whose external id
// is known returns the existing case with created == false, without
// classifying it again.
func (s *Service) CreateCase(ctx context.Context, r gridtriage.Report) (*gridtriage.Case, bool, error) {
	const op = "cases.Create"
	if r.ExternalID == "" {
		return nil, false, gridtriage.Errorf(op, gridtriage.KindInvalid, "external_id is required")
	}
	if err := r.Validate(); err != nil {
		return nil, false, err
	}
	if r.ReportedAt.IsZero() {
		r.ReportedAt = s.Now().UTC()
	}
	m, release := s.Model()
	defer release()
	preds, err := m.Classify(ctx, []string{r.Input()}, 3)
	if err != nil {
		return nil, false, err
	}
	dec, err := s.decide(ctx, m, r, preds[0])
	if err != nil {
		return nil, false, err
	}
	c := &gridtriage.Case{Report: r, Decision: dec, Status: gridtriage.StatusReceived}
	if dec.Automatic {
		c.Status = gridtriage.StatusDispatched
	}
	return s.Store.Create(ctx, c)
}

func (s *Service) decide(ctx context.Context, m Model, r gridtriage.Report, p classify.Prediction) (gridtriage.Decision, error) {
	d := *s.Dispatcher
	if load, err := s.Store.OpenLoad(ctx); err == nil {
		d.Load = func(dept string) int { return load[dept] }
	}
	return d.Dispatch(r, p, m.Labels(), m.Threshold(p.Label), s.Now())
}
