package search

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gridtriage/gridtriage"
)

func testCase(id, text, grid, category string, status gridtriage.Status) *gridtriage.Case {
	return &gridtriage.Case{ID: id, Report: gridtriage.Report{Text: text, GridID: grid}, Status: status,
		Decision: gridtriage.Decision{Category: category, LeadDept: "CG", CoDepts: []string{"SQ"}}, CreatedAt: time.Now()}
}

func TestIndexSearchAndRebuild(t *testing.T) {
	dir := t.TempDir()
	x, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	cases := []*gridtriage.Case{
		testCase("a", "幸福路的路燈晚上不亮了", "G-1", "SZ03", gridtriage.StatusDispatched),
		testCase("b", "楼道里有人给电动车充电", "G-1", "AQ02", gridtriage.StatusDispatched),
		testCase("c", "建设路路灯杆被撞歪了，电话13812345678", "G-2", "SZ03", gridtriage.StatusClosed),
	}
	for _, c := range cases {
		if err := x.Put(c); err != nil {
			t.Fatal(err)
		}
	}
	hits, err := x.Search(Query{Text: "路灯"})
	if err != nil || len(hits) != 2 {
		t.Fatalf("路灯: %v %v", hits, err)
	}
	for _, h := range hits {
		if h.ID == "c" && (len(h.Highlights) == 0 || h.Text == cases[2].Text) {
			t.Errorf("hit c: text %q highlights %v; want the masked text highlighted", h.Text, h.Highlights)
		}
	}
	if hits, _ := x.Search(Query{Text: "路灯", Status: []string{"dispatched"}, Dept: "SQ", GridID: "G-1", Category: "SZ03"}); len(hits) != 1 || hits[0].ID != "a" {
		t.Errorf("filtered: %v", hits)
	}
	if hits, _ := x.Search(Query{Text: "路灯", Exclude: "a"}); len(hits) != 1 || hits[0].ID != "c" {
		t.Errorf("exclude: %v", hits)
	}
	x.Close()
	os.WriteFile(filepath.Join(dir, DirName, "index_meta.json"), []byte("{broken"), 0o644)
	if _, err := Open(dir); gridtriage.KindOf(err) != gridtriage.KindUnavailable {
		t.Fatalf("corrupt index: %v, want unavailable", err)
	}
	i := 0
	y, n, err := Rebuild(dir, func() (*gridtriage.Case, error) {
		if i == len(cases) {
			return nil, nil
		}
		i++
		return cases[i-1], nil
	})
	if err != nil || n != 3 {
		t.Fatalf("rebuild: %d %v", n, err)
	}
	defer y.Close()
	if hits, _ := y.Search(Query{Text: "路灯"}); len(hits) != 2 {
		t.Errorf("after rebuild: %v", hits)
	}
}
