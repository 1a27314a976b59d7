package dispatch

import (
	"context"
	"slices"
	"time"

	"github.com/gridtriage/gridtriage"
	"github.com/gridtriage/gridtriage/classify"
	"github.com/gridtriage/gridtriage/dispatch/dedup"
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
	// it, so a reload never closes a model in use; or an error when no model
	// can serve.
	Model      func() (Model, func(), error)
	Dispatcher *Dispatcher
	Store      gridtriage.CaseStore
	Now        func() time.Time
	// FindDuplicate, when set, returns the open case a report repeats (and
	// the similarity of their texts), or "". The service gives it the
	// report with its categories and nearby grids (DuplicateProbe).
	FindDuplicate func(ctx context.Context, p dedup.Probe, m dedup.Model) (string, float64, error)
	// Changed, when set, is told of every case the service stores or
	// changes (to keep the search index current).
	Changed func(c *gridtriage.Case)
	// Protect, when set, redacts personal data from a report before it is
	// compared or stored, and returns the sealed original to keep (or nil).
	Protect func(r *gridtriage.Report) ([]byte, error)
}

// CreateCase turns a report from owner into a stored case. The model reads
// the report as written; what is compared and stored is redacted. A report
// whose external id is known returns the existing case with created ==
// false.
func (s *Service) CreateCase(ctx context.Context, r gridtriage.Report, owner string) (*gridtriage.Case, bool, error) {
	const op = "cases.Create"
	if r.ExternalID == "" {
		return nil, false, gridtriage.Errorf(op, gridtriage.KindInvalid, "external_id is required")
	}
	r, err := s.checked(r)
	if err != nil {
		return nil, false, err
	}
	m, release, err := s.Model()
	if err != nil {
		return nil, false, err
	}
	defer release()
	dec, err := s.decideWith(ctx, m, r)
	if err != nil {
		return nil, false, err
	}
	var sealed []byte
	if s.Protect != nil {
		if sealed, err = s.Protect(&r); err != nil {
			return nil, false, gridtriage.E(op, gridtriage.KindInternal, err)
		}
	}
	c := &gridtriage.Case{Report: r, Decision: dec, Status: gridtriage.StatusReceived, Owner: owner, SealedOriginal: sealed}
	if dec.Automatic {
		c.Status = gridtriage.StatusDispatched
	}
	if s.FindDuplicate != nil {
		p := DuplicateProbe(r, dec, s.Dispatcher.Jurisdiction, s.Now())
		if dup, sim, err := s.FindDuplicate(ctx, p, m); err == nil && dup != "" {
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

// DuplicateProbe is what the duplicate finder is told of a new report: the
// report, the model's categories for it, and the grids where a case it
// repeats may be, its own and the others of its 社区 in j.
func DuplicateProbe(r gridtriage.Report, dec gridtriage.Decision, j Jurisdiction, now time.Time) dedup.Probe {
	top := dec.Top
	if len(top) == 0 || top[0].Label != dec.Category {
		others := slices.DeleteFunc(slices.Clone(top), func(c gridtriage.Candidate) bool { return c.Label == dec.Category })
		top = append([]gridtriage.Candidate{{Label: dec.Category, Probability: dec.Probability}}, others...)
	}
	return dedup.Probe{Report: r, Top: top, Grids: nearGrids(j, r.GridID), Now: now}
}

// nearGrids returns grid and, sorted, the other grids of its 社区.
func nearGrids(j Jurisdiction, grid string) []string {
	if grid == "" {
		return nil
	}
	var near []string
	if area, ok := j.Lookup(grid); ok && area.Community != "" {
		for g, a := range j {
			if g != grid && a.Community == area.Community && a.Street == area.Street {
				near = append(near, g)
			}
		}
	}
	slices.Sort(near)
	return append([]string{grid}, near...)
}

func (s *Service) changed(c *gridtriage.Case) {
	if s.Changed != nil && c != nil {
		s.Changed(c)
	}
}

// Decide returns the decision a case for r would get now, without storing
// anything or looking for a case it repeats: a preview of dispatch.
func (s *Service) Decide(ctx context.Context, r gridtriage.Report) (gridtriage.Decision, error) {
	r, err := s.checked(r)
	if err != nil {
		return gridtriage.Decision{}, err
	}
	m, release, err := s.Model()
	if err != nil {
		return gridtriage.Decision{}, err
	}
	defer release()
	return s.decideWith(ctx, m, r)
}

// checked validates r and dates it now when it carries no report time.
func (s *Service) checked(r gridtriage.Report) (gridtriage.Report, error) {
	if err := r.Validate(); err != nil {
		return r, err
	}
	if r.ReportedAt.IsZero() {
		r.ReportedAt = s.Now().UTC()
	}
	return r, nil
}

// decideWith classifies r with m, scores its urgency when m has an urgency
// model, and dispatches it.
func (s *Service) decideWith(ctx context.Context, m Model, r gridtriage.Report) (gridtriage.Decision, error) {
	classifyReports := m.Classify
	if uc, ok := m.(classify.UrgencyClassifier); ok {
		classifyReports = uc.ClassifyWithUrgency
	}
	preds, err := classifyReports(ctx, []string{r.Input()}, 3)
	if err != nil {
		return gridtriage.Decision{}, err
	}
	return s.decide(ctx, m, r, preds[0])
}

func (s *Service) decide(ctx context.Context, m Model, r gridtriage.Report, p classify.Prediction) (gridtriage.Decision, error) {
	d := *s.Dispatcher
	if load, err := s.Store.OpenLoad(ctx); err == nil {
		d.Load = func(dept string) int { return load[dept] }
	}
	return d.Dispatch(r, p, m.Labels(), m.Threshold(p.Label), s.Now())
}
