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
	// TextSimilarity compares two report texts for duplicate detection.
	TextSimilarity(a, b string) float64
}

// Service classifies, dispatches and stores incoming reports.
type Service struct {
	// Model returns the current model and a function to call when done with
	// it, so a reload never closes a model in use.
	Model      func() (Model, func())
	Dispatcher *Dispatcher
	Store      gridtriage.CaseStore
	Now        func() time.Time
	// FindDuplicate, when set, returns the open case a report repeats (and
	// the similarity), or "".
	FindDuplicate func(r gridtriage.Report, category string, now time.Time, similarity func(a, b string) float64) (string, float64, error)
	// Changed, when set, is told of every case the service stores or
	// changes (to keep the search index current).
	Changed func(c *gridtriage.Case)
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
	if s.FindDuplicate != nil {
		if dup, sim, err := s.FindDuplicate(r, dec.Category, s.Now(), m.TextSimilarity); err == nil && dup != "" {
			c.Status, c.DuplicateOf, c.Similarity = gridtriage.StatusDuplicate, dup, sim
			c.NeedsReview, c.Automatic = false, false
		}
	}
	stored, created, err := s.Store.Create(ctx, c)
	if err == nil && created {
		s.changed(stored)
	}
	return stored, created, err
}

func (s *Service) changed(c *gridtriage.Case) {
	if s.Changed != nil && c != nil {
		s.Changed(c)
	}
}

func (s *Service) decide(ctx context.Context, m Model, r gridtriage.Report, p classify.Prediction) (gridtriage.Decision, error) {
	d := *s.Dispatcher
	if load, err := s.Store.OpenLoad(ctx); err == nil {
		d.Load = func(dept string) int { return load[dept] }
	}
	return d.Dispatch(r, p, m.Labels(), m.Threshold(p.Label), s.Now())
}
