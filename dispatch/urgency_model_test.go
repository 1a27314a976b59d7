package dispatch

import (
	"slices"
	"strings"
	"testing"

	"github.com/gridtriage/gridtriage"
	"github.com/gridtriage/gridtriage/classify"
	"github.com/gridtriage/gridtriage/datasets"
)

// TestLearnedUrgency checks that the urgency model's urgency, when a
// prediction carries one, is the case's (with its probability and a rule
// naming it); that an escalation cue overrides it when the model gives
// urgent at least cueFloor; and that the rules decide when it is absent or
// not an urgency.
func TestLearnedUrgency(t *testing.T) {
	d := newDispatcher(t)
	labels := d.Taxonomy.Codes()
	const (
		fire   = "樓下垃圾房著火了，煙好大"     // an escalation cue: the rules say urgent
		litter = "垃圾房门口堆了好几袋垃圾，臭得很" // no cue: the rules say general
	)
	general := func(pUrgent float64) []classify.Scored {
		return []classify.Scored{{Label: "general", Probability: 1 - pUrgent}, {Label: "urgent", Probability: pUrgent}}
	}
	tests := []struct {
		name     string
		text     string
		learned  []classify.Scored
		want     datasets.Urgency
		wantProb float64
		wantCue  bool
	}{
		{"model decides", litter, []classify.Scored{{Label: "urgent", Probability: 0.6}, {Label: "general", Probability: 0.4}}, datasets.Urgent, 0.6, false},
		{"model decides against no cue", litter, general(0.3), datasets.General, 0.7, false},
		{"cue overrides a doubtful model", fire, general(0.3), datasets.Urgent, 0.3, true},
		{"cue does not override a sure model", fire, general(0.05), datasets.General, 0.95, false},
		{"no model: rules", fire, nil, datasets.Urgent, 0, true},
		{"not an urgency: rules", fire, []classify.Scored{{Label: "soon", Probability: 0.9}}, datasets.Urgent, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := prediction(labels, "SR01", 0.9)
			p.Urgency = tt.learned
			dec, err := d.Dispatch(gridtriage.Report{Text: tt.text}, p, labels, 0.5, now)
			if err != nil {
				t.Fatal(err)
			}
			if dec.Urgency != string(tt.want) || dec.UrgencyProbability != tt.wantProb {
				t.Errorf("urgency %s (model probability %g), want %s (%g); rules %v", dec.Urgency, dec.UrgencyProbability, tt.want, tt.wantProb, dec.Rules)
			}
			fromModel := slices.ContainsFunc(dec.Rules, func(r string) bool { return strings.HasPrefix(r, "紧急程度模型: ") })
			byCue := slices.ContainsFunc(dec.Rules, func(r string) bool { return strings.HasPrefix(r, escalationPrefix) })
			if fromModel != (tt.learned != nil && tt.wantProb > 0) || byCue != tt.wantCue {
				t.Errorf("rules %v: naming the urgency model = %v, an escalation cue = %v; want %v, %v", dec.Rules, fromModel, byCue, tt.wantProb > 0, tt.wantCue)
			}
			dl := DefaultDeadlines()[tt.want]
			if !dec.ResolveBy.Equal(now.Add(dl.Resolve)) {
				t.Errorf("resolve by %v, want +%v", dec.ResolveBy, dl.Resolve)
			}
		})
	}
}

// TestReviewOfALearnedUrgency checks that a review confirming the category
// keeps the urgency the model set, that a correction, or an urgency the
// rules set, is scored by the rules under the reviewed category, and that an
// urgency the reviewer sets overrides both, with its deadlines.
func TestReviewOfALearnedUrgency(t *testing.T) {
	d := newDispatcher(t)
	const text = "路口那个井盖没了" // the rules: SZ02 urgent, SR01 general
	tests := []struct {
		name     string
		dec      gridtriage.Decision
		review   string
		set      string // the reviewer's urgency
		want     datasets.Urgency
		wantProb float64
	}{
		{"model's, confirmed", gridtriage.Decision{Category: "SR01", Urgency: "urgent", UrgencyProbability: 0.8}, "SR01", "", datasets.Urgent, 0.8},
		{"model's, corrected", gridtriage.Decision{Category: "SR01", Urgency: "urgent", UrgencyProbability: 0.8}, "SZ02", "", datasets.Urgent, 0},
		{"model's, corrected to a general category", gridtriage.Decision{Category: "SZ02", Urgency: "urgent", UrgencyProbability: 0.8}, "SR01", "", datasets.General, 0},
		{"rules', confirmed", gridtriage.Decision{Category: "SR01", Urgency: "urgent"}, "SR01", "", datasets.General, 0},
		{"reviewer's, over the model's", gridtriage.Decision{Category: "SR01", Urgency: "urgent", UrgencyProbability: 0.8}, "SR01", "consult", datasets.Consult, 0},
		{"reviewer's, over the rules' on a correction", gridtriage.Decision{Category: "SR01", Urgency: "general"}, "SZ02", "general", datasets.General, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &gridtriage.Case{Report: gridtriage.Report{Text: text}, Decision: tt.dec}
			dec, err := d.Redecide(c, ReviewRequest{Label: tt.review, Urgency: tt.set}, now)
			if err != nil {
				t.Fatal(err)
			}
			if dec.Urgency != string(tt.want) || dec.UrgencyProbability != tt.wantProb {
				t.Errorf("urgency %s (model probability %g), want %s (%g); rules %v", dec.Urgency, dec.UrgencyProbability, tt.want, tt.wantProb, dec.Rules)
			}
			if manual := slices.Contains(dec.Rules, "人工指定紧急程度 "+tt.want.Chinese()); manual != (tt.set != "") {
				t.Errorf("rules %v: the reviewer's urgency recorded %v, want %v", dec.Rules, manual, tt.set != "")
			}
			if dl := DefaultDeadlines()[tt.want]; !dec.ResolveBy.Equal(now.Add(dl.Resolve)) {
				t.Errorf("resolve by %v, want +%v for %s", dec.ResolveBy, dl.Resolve, tt.want)
			}
		})
	}
}
