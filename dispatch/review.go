package dispatch

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/gridtriage/gridtriage"
	"github.com/gridtriage/gridtriage/datasets"
)

// ReviewRequest is a dispatcher's decision on a case waiting for review.
type ReviewRequest struct {
	Label    string `json:"label"`
	LeadDept string `json:"lead_dept,omitempty"`
	Note     string `json:"note,omitempty"`
	Reviewer string `json:"reviewer,omitempty"`
	// Urgency, when set (urgent, general or consult), overrides the urgency
	// the new decision would get; the deadlines follow it.
	Urgency string `json:"urgency,omitempty"`
}

// Redecide returns c's decision with the category set by a person: the
// responsibility matrix, urgency and deadlines follow the new category; a
// lead department, when given, overrides the matrix.
func (d *Dispatcher) Redecide(c *gridtriage.Case, req ReviewRequest, now time.Time) (gridtriage.Decision, error) {
	const op = "review.Decide"
	cat, ok := d.Taxonomy.Category(req.Label)
	if !ok {
		return gridtriage.Decision{}, gridtriage.Errorf(op, gridtriage.KindInvalid, "unknown category %q", req.Label)
	}
	if req.LeadDept != "" {
		if _, ok := d.Taxonomy.Department(req.LeadDept); !ok {
			return gridtriage.Decision{}, gridtriage.Errorf(op, gridtriage.KindInvalid, "unknown department %q", req.LeadDept)
		}
	}
	manual := datasets.Urgency(req.Urgency)
	if manual != "" && !manual.Valid() {
		return gridtriage.Decision{}, gridtriage.Errorf(op, gridtriage.KindInvalid, "unknown urgency %q (urgent, general or consult)", req.Urgency)
	}
	dec := c.Decision
	dec.Category, dec.CategoryName = cat.Code, cat.Name
	dec.LeadDept, dec.Joint = cat.Lead, false
	dec.CoDepts = slices.Clone(cat.Co)
	urgency, prob, rules := reviewedUrgency(c, cat)
	if manual != "" {
		urgency, prob = manual, 0
		rules = []string{"人工指定紧急程度 " + manual.Chinese()}
	}
	dec.Urgency, dec.UrgencyProbability = string(urgency), prob
	dec.Rules = append(rules, "人工复核: "+reviewNote(c.Category, req))
	if req.LeadDept != "" && req.LeadDept != dec.LeadDept {
		dec.CoDepts = slices.DeleteFunc(append([]string{dec.LeadDept}, dec.CoDepts...), func(s string) bool { return s == req.LeadDept })
		dec.LeadDept = req.LeadDept
		dec.Rules = append(dec.Rules, "人工指定牵头部门 "+req.LeadDept)
	}
	d.territory(&dec, cat, c.GridID)
	d.setDeadlines(&dec, urgency, c.ReportedAt, now)
	dec.NeedsReview, dec.Automatic = false, false
	return dec, nil
}

// reviewedUrgency is the urgency of case c reviewed into category cat, with
// the urgency model's probability of it (0 when the rules set it). A
// confirmed category keeps the urgency the urgency model set; a corrected
// one is scored by the rules under the new category, whose default says
// more than a text the model misread.
func reviewedUrgency(c *gridtriage.Case, cat datasets.Category) (datasets.Urgency, float64, []string) {
	if u := datasets.Urgency(c.Urgency); c.UrgencyProbability > 0 && c.Category == cat.Code && u.Valid() {
		return u, c.UrgencyProbability, []string{learnedRule(u, c.UrgencyProbability)}
	}
	u, rules := urgencyScore(c.Input(), cat)
	return u, 0, rules
}

func reviewNote(predicted string, req ReviewRequest) string {
	s := "确认 " + req.Label
	if predicted != req.Label {
		s = fmt.Sprintf("由 %s 改为 %s", predicted, req.Label)
	}
	if n := strings.TrimSpace(req.Note); n != "" {
		s += " (" + n + ")"
	}
	return s
}

// Review applies a dispatcher's decision to a case waiting for review,
// dispatches it and records the example for retraining.
func (s *Service) Review(ctx context.Context, store gridtriage.ReviewStore, id string, req ReviewRequest) (*gridtriage.Case, error) {
	if strings.TrimSpace(req.Reviewer) == "" {
		return nil, gridtriage.Errorf("review.Decide", gridtriage.KindInvalid, "reviewer is required")
	}
	c, err := s.Store.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	dec, err := s.Dispatcher.Redecide(c, req, s.Now())
	if err != nil {
		return nil, err
	}
	fb := gridtriage.Feedback{CaseID: id, Title: c.Title, Text: c.Text, Label: req.Label, Predicted: c.Category,
		Corrected: req.Label != c.Category, Reviewer: req.Reviewer, Note: req.Note, Urgency: req.Urgency}
	reviewed, err := store.Review(ctx, id, dec, fb)
	if err == nil {
		s.changed(reviewed)
	}
	return reviewed, err
}
