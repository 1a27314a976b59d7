package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gridtriage/gridtriage"
	"github.com/gridtriage/gridtriage/auth"
)

// testServer starts the real server (real SQLite, real ONNX Runtime) on a
// fresh data directory.
func testServer(t *testing.T) (*httptest.Server, *server) {
	t.Helper()
	s, cleanup, err := newServer(context.Background(), testConfig(t, testModel(t)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cleanup)
	return newTestHTTP(t, s), s
}

// newTestHTTP serves s's router on a loopback test server.
func newTestHTTP(t *testing.T, s *server) *httptest.Server {
	t.Helper()
	ts := httptest.NewServer(s.router())
	t.Cleanup(ts.Close)
	return ts
}

// call sends a JSON request with the admin token.
func call(t *testing.T, ts *httptest.Server, method, path, body string) (int, map[string]any) {
	t.Helper()
	return callAs(t, ts, auth.Admin, method, path, body)
}

// callAs sends a JSON request with the test token of role ("" for none).
func callAs(t *testing.T, ts *httptest.Server, role auth.Role, method, path, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+testToken(t, role))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s %s: response is not a JSON object: %q", method, path, raw)
	}
	return resp.StatusCode, out
}

func TestClassifyEndpoint(t *testing.T) {
	ts, _ := testServer(t)
	code, out := call(t, ts, "POST", "/v1/classify", `{"text":"小区门口的井盖没了，晚上路过很危险"}`)
	if code != 200 || out["label"] != "SZ02" || out["name"] != "井盖与雨水箅子缺失破损" || out["model_version"] == "" {
		t.Fatalf("single classify: %d %v", code, out)
	}
	if top := out["top"].([]any); len(top) != 3 {
		t.Errorf("top has %d entries, want 3", len(top))
	}
	if p, _ := out["urgency_probability"].(float64); out["urgency"] != "urgent" || p <= 0.5 || p > 1 {
		t.Errorf("urgency %v (%v), want urgent above 0.5", out["urgency"], out["urgency_probability"])
	}
	code, out = call(t, ts, "POST", "/v1/classify", `{"reports":[{"text":"楼道里有人给电动车充电"},{"title":"欠薪","text":"老板拖欠我们三个月工资不给"}],"top_k":5}`)
	if code != 200 {
		t.Fatalf("batch classify: %d %v", code, out)
	}
	results := out["results"].([]any)
	if len(results) != 2 || results[0].(map[string]any)["label"] != "AQ02" || results[1].(map[string]any)["label"] != "MD02" {
		t.Errorf("batch results %v", results)
	}
	if top := results[0].(map[string]any)["top"].([]any); len(top) != 5 {
		t.Errorf("top_k 5 gave %d", len(top))
	}
}

// TestDispatchPreview checks that POST /v1/dispatch decides like a case
// would be decided, stores nothing and refuses an empty report.
func TestDispatchPreview(t *testing.T) {
	ts, _ := testServer(t)
	body := `{"text":"小区门口的井盖没了，晚上路过很危险","grid_id":"G-0101","reported_at":"2026-11-28T08:00:00Z"}`
	code, d := callAs(t, ts, auth.Platform, "POST", "/v1/dispatch", body)
	if code != 200 {
		t.Fatalf("dispatch: %d %v", code, d)
	}
	if d["category"] != "SZ02" || d["lead_dept"] != "ZJ" || d["urgency"] != "urgent" || d["street"] != "城关街道" {
		t.Errorf("decision %v", d)
	}
	if d["dispatch_by"] != "2026-11-28T08:05:00Z" || d["resolve_by"] != "2026-11-28T10:00:00Z" {
		t.Errorf("deadlines %v / %v, want 08:05 and 10:00", d["dispatch_by"], d["resolve_by"])
	}
	if _, ok := d["id"]; ok {
		t.Errorf("a preview has a case id: %v", d)
	}
	code, list := call(t, ts, "GET", "/v1/cases", "")
	if cases, _ := list["cases"].([]any); code != 200 || len(cases) != 0 {
		t.Errorf("after a preview GET /v1/cases gives %d %v, want no cases", code, list)
	}
	if code, _ := call(t, ts, "POST", "/v1/dispatch", `{"text":"  "}`); code != 422 {
		t.Errorf("empty report: %d, want 422", code)
	}
}

func TestCaseLifecycle(t *testing.T) {
	ts, _ := testServer(t)
	body := `{"external_id":"ext-1","text":"小区门口的井盖没了，晚上路过很危险","channel":"app","reporter_role":"resident","grid_id":"G-0101","reported_at":"2026-11-28T08:00:00Z","location":{"lat":28.2,"lng":112.9},"address":"幸福路12号"}`
	code, c := call(t, ts, "POST", "/v1/cases", body)
	if code != 201 {
		t.Fatalf("create: %d %v", code, c)
	}
	id := c["id"].(string)
	if c["category"] != "SZ02" || c["lead_dept"] != "ZJ" || c["urgency"] != "urgent" || c["street"] != "城关街道" {
		t.Errorf("case %v", c)
	}
	if c["dispatch_by"] != "2026-11-28T08:05:00Z" || c["resolve_by"] != "2026-11-28T10:00:00Z" {
		t.Errorf("deadlines %v / %v, want 08:05 and 10:00", c["dispatch_by"], c["resolve_by"])
	}
	if len(c["reasons"].([]any)) == 0 || len(c["rules"].([]any)) == 0 {
		t.Errorf("case lacks reasons or rules: %v", c)
	}
	code, again := call(t, ts, "POST", "/v1/cases", strings.Replace(body, "井盖没了", "井盖又没了", 1))
	if code != 200 || again["id"] != id {
		t.Errorf("idempotent re-post: %d id %v, want 200 and %s", code, again["id"], id)
	}
	code, got := call(t, ts, "GET", "/v1/cases/"+id, "")
	if code != 200 || got["external_id"] != "ext-1" {
		t.Fatalf("get: %d %v", code, got)
	}
	status := c["status"].(string)
	if status == string(gridtriage.StatusReceived) {
		step(t, ts, id, "dispatched", 200)
	}
	step(t, ts, id, "resolved", 409) // skipping accepted
	step(t, ts, id, "accepted", 200)
	step(t, ts, id, "dispatched", 409) // going back
	step(t, ts, id, "resolved", 200)
	step(t, ts, id, "dispatched", 200) // reopen
	for _, s := range []string{"accepted", "resolved", "verified"} {
		step(t, ts, id, s, 200)
	}
	code, closed := call(t, ts, "PATCH", "/v1/cases/"+id, `{"status":"closed","rating":5,"actor":"resident"}`)
	if code != 200 || closed["status"] != "closed" || closed["rating"] != float64(5) {
		t.Fatalf("close: %d %v", code, closed)
	}
	if n := len(closed["transitions"].([]any)); n != 9 {
		t.Errorf("%d transitions recorded, want 9", n)
	}
	step(t, ts, id, "bogus", 422)
}

func step(t *testing.T, ts *httptest.Server, id, to string, want int) {
	t.Helper()
	code, out := call(t, ts, "PATCH", "/v1/cases/"+id, fmt.Sprintf(`{"status":%q,"actor":"dispatcher"}`, to))
	if code != want {
		t.Fatalf("PATCH to %s: %d %v, want %d", to, code, out, want)
	}
	if want == 200 && out["status"] != to {
		t.Fatalf("status %v after PATCH to %s", out["status"], to)
	}
}

func TestListCases(t *testing.T) {
	ts, _ := testServer(t)
	old := time.Now().Add(-48 * time.Hour).UTC().Format(time.RFC3339)
	reports := []string{
		`{"external_id":"a","text":"井盖没了","grid_id":"G-0101","reported_at":"` + old + `"}`,
		`{"external_id":"b","text":"楼上邻居天天半夜蹦迪，太吵了","grid_id":"G-0301"}`,
		`{"external_id":"c","text":"老板拖欠我们三个月工资","grid_id":"G-0301"}`,
	}
	for _, r := range reports {
		if code, out := call(t, ts, "POST", "/v1/cases", r); code != 201 {
			t.Fatalf("create: %d %v", code, out)
		}
	}
	tests := []struct {
		query string
		want  int
	}{
		{"", 3},
		{"?grid_id=G-0301", 2},
		{"?dept=ZJ", 2}, // lead of the 井盖 case, co-department of the wage case
		{"?dept=RS", 1},
		{"?overdue=true", 1},
		{"?status=closed", 0},
		{"?limit=2", 2},
	}
	for _, tt := range tests {
		code, out := call(t, ts, "GET", "/v1/cases"+tt.query, "")
		if code != 200 || int(out["count"].(float64)) != tt.want {
			t.Errorf("GET /v1/cases%s: %d count %v, want %d", tt.query, code, out["count"], tt.want)
		}
	}
	for _, q := range []string{"?status=nope", "?overdue=maybe", "?limit=-1"} {
		if code, _ := call(t, ts, "GET", "/v1/cases"+q, ""); code != 422 {
			t.Errorf("GET /v1/cases%s: %d, want 422", q, code)
		}
	}
}

func TestBadInput(t *testing.T) {
	ts, s := testServer(t)
	long := strings.Repeat("井", gridtriage.MaxTextRunes+1)
	batch := `{"reports":[` + strings.TrimSuffix(strings.Repeat(`{"text":"井盖没了"},`, MaxBatch+1), ",") + `]}`
	huge := `{"external_id":"h","text":"` + strings.Repeat("a", MaxBodyBytes) + `"}`
	tests := []struct {
		name, method, path, body string
		want                     int
	}{
		{"invalid json", "POST", "/v1/cases", `{"external_id":`, 400},
		{"not an object", "POST", "/v1/classify", `[1,2]`, 400},
		{"two values", "POST", "/v1/classify", `{"text":"a"}{"text":"b"}`, 400},
		{"wrong type", "POST", "/v1/cases", `{"external_id":"x","text":5}`, 400},
		{"missing text", "POST", "/v1/cases", `{"external_id":"x"}`, 422},
		{"empty text", "POST", "/v1/cases", `{"external_id":"x","text":"   "}`, 422},
		{"missing external id", "POST", "/v1/cases", `{"text":"井盖没了"}`, 422},
		{"text too long", "POST", "/v1/cases", `{"external_id":"x","text":"` + long + `"}`, 422},
		{"classify text too long", "POST", "/v1/classify", `{"text":"` + long + `"}`, 422},
		{"invalid utf-8", "POST", "/v1/cases", "{\"external_id\":\"x\",\"text\":\"\xff\xfe\"}", 400},
		{"bad location", "POST", "/v1/cases", `{"external_id":"x","text":"井盖没了","location":{"lat":95,"lng":0}}`, 422},
		{"batch too large", "POST", "/v1/classify", batch, 422},
		{"empty batch", "POST", "/v1/classify", `{"reports":[]}`, 422},
		{"body too large", "POST", "/v1/cases", huge, 413},
		{"unknown case", "GET", "/v1/cases/nope", "", 404},
		{"patch unknown case", "PATCH", "/v1/cases/nope", `{"status":"accepted"}`, 404},
		{"patch without status", "PATCH", "/v1/cases/nope", `{}`, 422},
		{"unknown route", "GET", "/v1/nothing", "", 404},
		{"wrong method", "DELETE", "/v1/classify", "", 405},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out := call(t, ts, tt.method, tt.path, tt.body)
			if code != tt.want {
				t.Fatalf("%d %v, want %d", code, out, tt.want)
			}
			e, ok := out["error"].(map[string]any)
			if !ok || e["code"] == "" || e["message"] == "" {
				t.Errorf("error body %v lacks code and message", out)
			}
		})
	}
	list, err := s.store.List(context.Background(), gridtriage.CaseFilter{})
	if err != nil || len(list) != 0 {
		t.Errorf("bad input left %d cases behind (%v)", len(list), err)
	}
}

func TestHealthAndModel(t *testing.T) {
	ts, _ := testServer(t)
	for _, p := range []string{"/healthz", "/readyz", "/v1/model"} {
		if code, out := call(t, ts, "GET", p, ""); code != 200 {
			t.Errorf("GET %s: %d %v", p, code, out)
		}
	}
	_, m := call(t, ts, "GET", "/v1/model", "")
	if labels := m["labels"].([]any); len(labels) != 58 || m["thresholds"] == nil {
		t.Errorf("model info: %d labels, thresholds %v", len(labels), m["thresholds"])
	}
}

func TestUncertainReportGoesToReview(t *testing.T) {
	ts := reviewEverything(t)
	code, c := call(t, ts, "POST", "/v1/cases", `{"external_id":"u-1","text":"你好"}`)
	if code != 201 {
		t.Fatalf("%d %v", code, c)
	}
	if c["needs_review"] != true || c["status"] != "received" || c["automatic"] != false {
		t.Errorf("uncertain case: status %v needs_review %v probability %v", c["status"], c["needs_review"], c["probability"])
	}
}

// TestConcurrentCaseCreation creates cases from many clients at once:
// every one is acknowledged and stored (write transactions take the lock
// up front instead of failing to upgrade it).
func TestConcurrentCaseCreation(t *testing.T) {
	ts, s := testServer(t)
	texts := []string{"井盖没了", "楼道里有人给电动车充电", "老板拖欠工资", "楼上装修太吵", "路灯不亮了"}
	var wg sync.WaitGroup
	errs := make(chan string, 100)
	for w := 0; w < 16; w++ {
		wg.Go(func() {
			for i := 0; i < 5; i++ {
				body := fmt.Sprintf(`{"external_id":"c-%d-%d","text":"%s","grid_id":"G-%d"}`, w, i, texts[i], w)
				req, _ := http.NewRequest("POST", ts.URL+"/v1/cases", strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+testToken(t, auth.Platform))
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					errs <- err.Error()
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 201 {
					errs <- fmt.Sprintf("status %d", resp.StatusCode)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	list, err := s.store.List(context.Background(), gridtriage.CaseFilter{Limit: 1000})
	if err != nil || len(list) != 80 {
		t.Errorf("%d cases stored (%v), want 80", len(list), err)
	}
}
