// Package dispatch decides who acts on a classified report: a scoring
// dispatcher weighs the category probabilities over the responsibility
// matrix (category → lead and co-departments), the urgency cues in the
// text, the jurisdiction of the grid and each department's open load; it
// sets the deadlines and sends uncertain cases to review.
package dispatch

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/gridtriage/gridtriage"
	"github.com/gridtriage/gridtriage/classify"
	"github.com/gridtriage/gridtriage/datasets"
)

// StreetDept is the department code of the 街道办事处, which leads joint
// responses (吹哨) and is the territorial unit of behaviour events.
const StreetDept = "JD"

// Scoring weights of the department choice.
const (
	coDeptWeight = 0.25 // share of a category's probability credited to its co-departments
	loadWeight   = 0.02 // largest penalty for a department's open load
	loadHalf     = 50.0 // open cases at which the load penalty is half its largest
	// A second department leads a joint response with the first when its
	// probability mass is at least JointRatio of the first's and at least
	// JointMin.
	JointRatio = 0.5
	JointMin   = 0.2
)

// componentCategories are facility (部件) categories: the owning unit
// leads. Every other category is an event (事件) and its street is involved.
var componentCategories = []string{"SZ01", "SZ02", "SZ03", "SZ04", "SZ05", "SZ06", "SZ07", "JS05", "AQ07"}

// Dispatcher turns predictions into dispatch decisions.
type Dispatcher struct {
	Taxonomy     *datasets.Taxonomy
	Jurisdiction Jurisdiction
	Deadlines    Deadlines
	// Load returns the open cases of a department; nil means no load data.
	Load func(dept string) int
}

// Dispatch decides for report r with prediction p. threshold is the
// confidence below which the case goes to review; now stamps deadlines
// when the report has no time of its own.
func (d *Dispatcher) Dispatch(r gridtriage.Report, p classify.Prediction, labels []string, threshold float64, now time.Time) (gridtriage.Decision, error) {
	cat, ok := d.Taxonomy.Category(p.Label)
	if !ok {
		return gridtriage.Decision{}, gridtriage.Errorf("dispatch.Dispatch", gridtriage.KindInvalid,
			"the model predicted %q, which is not a category of the taxonomy", p.Label)
	}
	dec := gridtriage.Decision{
		Category: cat.Code, CategoryName: cat.Name, Probability: p.Probability, Margin: p.Margin,
		ModelVersion: p.ModelVersion,
	}
	for _, s := range p.Top {
		dec.Top = append(dec.Top, gridtriage.Candidate{Label: s.Label, Name: d.Taxonomy.Name(s.Label), Probability: s.Probability})
	}
	for _, reason := range p.Reasons {
		dec.Reasons = append(dec.Reasons, reason.Term)
	}
	d.route(&dec, cat, r.GridID, labels, p.Probabilities)
	urgency, prob, rules := urgencyOf(r.Input(), cat, p.Urgency)
	dec.Urgency, dec.UrgencyProbability = string(urgency), prob
	dec.Rules = append(rules, dec.Rules...)
	d.setDeadlines(&dec, urgency, r.ReportedAt, now)
	dec.NeedsReview = p.Probability < threshold
	dec.Automatic = !dec.NeedsReview
	if dec.NeedsReview {
		dec.Rules = append(dec.Rules, fmt.Sprintf("置信度 %.2f 低于自动分派阈值 %.2f: 转人工复核", p.Probability, threshold))
	}
	return dec, nil
}

// route picks the lead and co-departments by scoring every department.
func (d *Dispatcher) route(dec *gridtriage.Decision, top datasets.Category, grid string, labels []string, probs []float64) {
	lead, co := map[string]float64{}, map[string]float64{}
	for i, label := range labels {
		c, ok := d.Taxonomy.Category(label)
		if !ok || i >= len(probs) {
			continue
		}
		lead[c.Lead] += probs[i]
		for _, dept := range c.Co {
			co[dept] += probs[i]
		}
	}
	ranked := d.rankDepartments(lead, co)
	if len(ranked) == 0 {
		ranked = []string{top.Lead}
	}
	dec.LeadDept = ranked[0]
	dec.CoDepts = slices.DeleteFunc(slices.Clone(top.Co), func(s string) bool { return s == dec.LeadDept })
	if dec.LeadDept != top.Lead {
		dec.CoDepts = append([]string{top.Lead}, dec.CoDepts...)
	}
	dec.Rules = append(dec.Rules, fmt.Sprintf("责任矩阵: %s 牵头", dec.LeadDept))
	if second := secondLead(lead, ranked[0]); second != "" && ranked[0] != StreetDept && lead[second] >= JointRatio*lead[ranked[0]] && lead[second] >= JointMin {
		dec.Joint = true
		dec.CoDepts = uniqueAppend([]string{ranked[0], second}, dec.CoDepts...)
		dec.LeadDept = StreetDept
		dec.Rules = append(dec.Rules, fmt.Sprintf("跨部门 (%s %.2f / %s %.2f): 街道吹哨, 联合处置", ranked[0], lead[ranked[0]], second, lead[second]))
	}
	dec.CoDepts = slices.DeleteFunc(dec.CoDepts, func(s string) bool { return s == dec.LeadDept })
	d.territory(dec, top, grid)
}

// territory applies 部件问题先属主、事件先属地 and the grid's jurisdiction.
func (d *Dispatcher) territory(dec *gridtriage.Decision, top datasets.Category, grid string) {
	if area, ok := d.Jurisdiction.Lookup(grid); ok {
		dec.Street, dec.Community = area.Street, area.Community
	}
	if slices.Contains(componentCategories, top.Code) {
		dec.Rules = append(dec.Rules, "部件问题先属主: 权属单位处置")
		return
	}
	where := "属地街道"
	if dec.Street != "" {
		where += " " + dec.Street
	}
	dec.Rules = append(dec.Rules, "事件先属地: "+where+"协同")
	if dec.LeadDept != StreetDept && !slices.Contains(dec.CoDepts, StreetDept) {
		dec.CoDepts = append(dec.CoDepts, StreetDept)
	}
}

// rankDepartments orders departments by score: lead mass, plus a share of
// co-department mass, minus a load penalty; ties by code.
func (d *Dispatcher) rankDepartments(lead, co map[string]float64) []string {
	score := map[string]float64{}
	for dept, m := range lead {
		score[dept] = m + coDeptWeight*co[dept]
		if d.Load != nil {
			n := float64(d.Load(dept))
			score[dept] -= loadWeight * n / (n + loadHalf)
		}
	}
	ranked := make([]string, 0, len(score))
	for dept := range score {
		ranked = append(ranked, dept)
	}
	slices.SortFunc(ranked, func(a, b string) int { return cmp.Or(cmp.Compare(score[b], score[a]), cmp.Compare(a, b)) })
	return ranked
}

// secondLead is the department other than first with the most lead mass.
func secondLead(lead map[string]float64, first string) string {
	best := ""
	for dept, m := range lead {
		if dept != first && (best == "" || m > lead[best] || m == lead[best] && dept < best) {
			best = dept
		}
	}
	return best
}

func (d *Dispatcher) setDeadlines(dec *gridtriage.Decision, u datasets.Urgency, reported, now time.Time) {
	start := reported
	if start.IsZero() || start.After(now) {
		start = now
	}
	dl := d.Deadlines[u]
	dec.DispatchBy = start.Add(dl.Dispatch).UTC()
	dec.ResolveBy = start.Add(dl.Resolve).UTC()
}

func uniqueAppend(list []string, more ...string) []string {
	for _, s := range more {
		if !slices.Contains(list, s) {
			list = append(list, s)
		}
	}
	return list
}
