package main

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/gridtriage/gridtriage/dispatch/search"
)

func TestDuplicateIsMerged(t *testing.T) {
	ts, _ := testServer(t)
	code, first := call(t, ts, "POST", "/v1/cases", `{"external_id":"d-1","text":"幸福路12号小区东门口的井盖没了，晚上很危险","grid_id":"G-0101","channel":"app"}`)
	if code != 201 {
		t.Fatal(code, first)
	}
	code, second := call(t, ts, "POST", "/v1/cases", `{"external_id":"d-2","text":"【12345转办】幸福路12号小区东门口的井盖没了，晚上很危险！","grid_id":"G-0101","channel":"forwarded"}`)
	if code != 201 || second["status"] != "duplicate" || second["duplicate_of"] != first["id"] {
		t.Fatalf("second report: %d status %v duplicate_of %v, want a duplicate of %v", code, second["status"], second["duplicate_of"], first["id"])
	}
	_, got := call(t, ts, "GET", "/v1/cases/"+first["id"].(string), "")
	if reps, _ := got["reporters"].([]any); len(reps) != 1 {
		t.Errorf("original case reporters %v, want the hotline reporter added", got["reporters"])
	}
	code, other := call(t, ts, "POST", "/v1/cases", `{"external_id":"d-3","text":"建设路菜市场门口的井盖没了","grid_id":"G-0101"}`)
	if code != 201 || other["status"] == "duplicate" {
		t.Errorf("a different place was merged: %v", other["status"])
	}
	code, far := call(t, ts, "POST", "/v1/cases", `{"external_id":"d-4","text":"幸福路12号小区东门口的井盖没了，晚上很危险","grid_id":"G-0301"}`)
	if code != 201 || far["status"] == "duplicate" {
		t.Errorf("a report from another grid was merged: %v", far["status"])
	}
}

func TestSearchAndReindex(t *testing.T) {
	ts, s := testServer(t)
	for i, text := range []string{"幸福路的路灯晚上不亮了", "小区楼道里有人给电动车充电", "建设路路灯杆被车撞歪了", "楼上装修噪音太大"} {
		if code, out := call(t, ts, "POST", "/v1/cases", `{"external_id":"s-`+string(rune('a'+i))+`","text":"`+text+`","grid_id":"G-020`+string(rune('1'+i))+`"}`); code != 201 {
			t.Fatal(code, out)
		}
	}
	code, res := call(t, ts, "GET", "/v1/cases/search?q="+url.QueryEscape("路灯"), "")
	if code != 200 || int(res["count"].(float64)) != 2 {
		t.Fatalf("search 路灯: %d %v", code, res)
	}
	hit := res["results"].([]any)[0].(map[string]any)
	if hl, _ := hit["highlights"].([]any); len(hl) == 0 {
		t.Errorf("no highlights in %v", hit)
	}
	if code, res := call(t, ts, "GET", "/v1/cases/search?q="+url.QueryEscape("路灯")+"&dept=CG&from=2020-01-01", ""); code != 200 || int(res["count"].(float64)) == 0 {
		t.Errorf("filtered search: %d %v", code, res)
	}
	if code, _ := call(t, ts, "GET", "/v1/cases/search?from=yesterday", ""); code != 422 {
		t.Errorf("bad date: %d, want 422", code)
	}
	first := hit["id"].(string)
	code, sim := call(t, ts, "GET", "/v1/cases/"+first+"/similar", "")
	if code != 200 || int(sim["count"].(float64)) == 0 {
		t.Errorf("similar: %d %v", code, sim)
	}
	before := searchIDs(t, s.index, "路灯")
	// delete the index and rebuild it from the database
	s.index.Close()
	dir := s.dataDir
	if err := os.RemoveAll(filepath.Join(dir, search.DirName)); err != nil {
		t.Fatal(err)
	}
	idx, err := openIndex(context.Background(), dir, s.store)
	if err != nil {
		t.Fatal(err)
	}
	s.index = idx
	// Scores of near-equal hits may differ in the last bits between two
	// indexes of the same cases; the results must be the same cases.
	after := searchIDs(t, idx, "路灯")
	slices.Sort(before)
	slices.Sort(after)
	if !reflect.DeepEqual(before, after) {
		t.Errorf("after rebuilding: %v, before %v", after, before)
	}
}

func searchIDs(t *testing.T, idx *search.Index, q string) []string {
	t.Helper()
	hits, err := idx.Search(search.Query{Text: q})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, h := range hits {
		ids = append(ids, h.ID)
	}
	return ids
}
