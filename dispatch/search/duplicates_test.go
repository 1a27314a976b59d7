package search

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gridtriage/gridtriage"
	"github.com/gridtriage/gridtriage/classify"
	"github.com/gridtriage/gridtriage/dispatch/dedup"
)

// keywordModel is a stand-in for the model: a text's category is that of
// the first keyword it contains, and every two texts are similar enough.
type keywordModel map[string]string

func (m keywordModel) Classify(_ context.Context, texts []string, _ int) ([]classify.Prediction, error) {
	out := make([]classify.Prediction, len(texts))
	for i, t := range texts {
		label := "QT01"
		for kw, l := range m {
			if strings.Contains(t, kw) {
				label = l
			}
		}
		out[i] = classify.Prediction{Label: label, Probability: 1, Top: []classify.Scored{{Label: label, Probability: 1}}}
	}
	return out, nil
}

func (keywordModel) TextSimilarity(_, _ string) float64 { return 0.5 }

func TestDuplicatesFind(t *testing.T) {
	x, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	now := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	put := func(id, text, grid string, status gridtriage.Status, age time.Duration) {
		c := testCase(id, text, grid, "SZ02", status)
		c.CreatedAt = now.Add(-age)
		if err := x.Put(c); err != nil {
			t.Fatal(err)
		}
	}
	put("open", "幸福路12号门口的井盖没了，晚上很危险", "G-1", gridtriage.StatusDispatched, time.Hour)
	put("west", "幸福路西口的井盖没了", "G-1", gridtriage.StatusDispatched, time.Hour)
	put("closed", "建设路8号门口的井盖没了", "G-1", gridtriage.StatusClosed, time.Hour)
	put("old", "望江路小学门口井盖没了", "G-1", gridtriage.StatusDispatched, 100*time.Hour)
	put("far", "滨河路3号门口井盖没了", "G-3", gridtriage.StatusDispatched, time.Hour)
	m := keywordModel{"井盖": "SZ02", "箅子": "SZ02", "路灯": "SZ03"}
	d := &Duplicates{Index: x, Window: DefaultWindow, Threshold: DefaultThreshold}
	probe := func(text, grid string, near ...string) dedup.Probe {
		preds, _ := m.Classify(context.Background(), []string{text}, dedup.TopK)
		return dedup.Probe{Report: gridtriage.Report{Text: text, GridID: grid}, Top: dedup.TopOf("", preds[0]),
			Grids: append([]string{grid}, near...), Now: now}
	}
	tests := []struct {
		name string
		p    dedup.Probe
		want string
	}{
		{"reworded by the hotline", probe("来电人反映：幸福路十二号门前窨井盖缺失", "G-1"), "open"},
		{"from a nearby grid", probe("幸福路12号门口井盖丢了", "G-2", "G-1"), "open"},
		{"another side of the road", probe("幸福路东口的井盖没了", "G-1"), ""},
		{"another problem", probe("幸福路12号门口的路灯不亮", "G-1"), ""},
		{"only a closed case", probe("建设路8号门口的井盖没了", "G-1"), ""},
		{"only a case outside the window", probe("望江路小学门口井盖没了", "G-1"), ""},
		{"only a case in a grid not near", probe("滨河路3号门口井盖没了", "G-1"), ""},
		{"no grid", probe("幸福路12号门口的井盖没了", ""), ""},
	}
	for _, tt := range tests {
		if tt.p.Report.GridID == "" {
			tt.p.Grids = nil
		}
		got, sim, err := d.Find(context.Background(), tt.p, m)
		if err != nil || got != tt.want || (got != "" && sim != 0.5) {
			t.Errorf("%s: %q %v %v, want %q", tt.name, got, sim, err, tt.want)
		}
	}
}
