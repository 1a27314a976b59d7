package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/gridtriage/gridtriage/auth"
	"github.com/gridtriage/gridtriage/classify/analysis"
	"github.com/gridtriage/gridtriage/datasets/jsonl"
	"github.com/gridtriage/gridtriage/model/bundle"
	"github.com/gridtriage/gridtriage/model/train"
)

var (
	smallOnce sync.Once
	smallDir  string
	smallErr  error
)

// smallModel trains a quick model on the corpus dev split only, for tests
// that load, retrain or reload models many times.
func smallModel(t *testing.T) string {
	t.Helper()
	smallOnce.Do(func() {
		set, _, err := readExamples([]string{filepath.Join(corpusDir, "dev.jsonl")}, jsonl.Options{RequireLabel: true})
		if err != nil {
			smallErr = err
			return
		}
		a, _ := analysis.Default()
		cfg := train.DefaultConfig()
		cfg.MaxIter = 40
		b, err := train.Job{Config: cfg, Train: set, Version: "small"}.Run(context.Background(), a)
		if err != nil {
			smallErr = err
			return
		}
		smallDir, smallErr = os.MkdirTemp("", "gridtriage-small-")
		if smallErr == nil {
			smallErr = bundle.Save(smallDir, b)
		}
	})
	if smallErr != nil {
		t.Fatal(smallErr)
	}
	return smallDir
}

// copyBundle copies a bundle to a new directory the test owns.
func copyBundle(t *testing.T, from string) string {
	t.Helper()
	b, err := bundle.Load(from)
	if err != nil {
		t.Fatal(err)
	}
	to := filepath.Join(t.TempDir(), "serving")
	if err := bundle.Save(to, b); err != nil {
		t.Fatal(err)
	}
	return to
}

// reviewEverything serves a copy of the test model whose automatic-dispatch
// threshold no prediction reaches, so every case waits for review.
func reviewEverything(t *testing.T) *httptest.Server {
	t.Helper()
	b, err := bundle.Load(testModel(t))
	if err != nil {
		t.Fatal(err)
	}
	b.Manifest.Thresholds = &bundle.Thresholds{Target: 1, Global: 1.01, ChosenOn: "test"}
	dir := filepath.Join(t.TempDir(), "strict")
	if err := bundle.Save(dir, b); err != nil {
		t.Fatal(err)
	}
	s, cleanup, err := newServer(context.Background(), testConfig(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cleanup)
	return newTestHTTP(t, s)
}

func TestReviewCorrectsAndDispatches(t *testing.T) {
	ts := reviewEverything(t)
	code, c := call(t, ts, "POST", "/v1/cases", `{"external_id":"rv-1","text":"你好，有个事想反映","reported_at":"2026-11-28T08:00:00Z"}`)
	if code != 201 || c["status"] != "received" || c["needs_review"] != true {
		t.Fatalf("uncertain case: %d %v", code, c)
	}
	id := c["id"].(string)
	code, q := call(t, ts, "GET", "/v1/review", "")
	if code != 200 || int(q["count"].(float64)) != 1 {
		t.Fatalf("queue: %d %v", code, q)
	}
	for _, bad := range []struct {
		body string
		want int
	}{
		{`{"label":"NOPE","reviewer":"张"}`, 422},
		{`{"label":"SZ02","lead_dept":"XX","reviewer":"张"}`, 422},
		{`{"label":"SZ02","urgency":"soon","reviewer":"张"}`, 422},
		{`{"label":"SZ02","urgency":"紧急","reviewer":"张"}`, 422},
	} {
		if code, out := call(t, ts, "POST", "/v1/review/"+id, bad.body); code != bad.want {
			t.Errorf("review %s: %d %v, want %d", bad.body, code, out, bad.want)
		}
	}
	code, r := call(t, ts, "POST", "/v1/review/"+id, `{"label":"SZ02","note":"现场核实井盖缺失","reviewer":"张调度"}`)
	if code != 200 {
		t.Fatalf("review: %d %v", code, r)
	}
	if r["category"] != "SZ02" || r["lead_dept"] != "ZJ" || r["status"] != "dispatched" || r["urgency"] != "urgent" || r["reviewed_by"] != string(auth.Admin) {
		t.Errorf("reviewed case: %v", r)
	}
	if r["dispatch_by"] != "2026-11-28T08:05:00Z" || r["resolve_by"] != "2026-11-28T10:00:00Z" {
		t.Errorf("deadlines after correction: %v / %v", r["dispatch_by"], r["resolve_by"])
	}
	if code, _ := call(t, ts, "POST", "/v1/review/"+id, `{"label":"SZ02","reviewer":"张调度"}`); code != 409 {
		t.Errorf("second review: %d, want 409", code)
	}
	if _, q = call(t, ts, "GET", "/v1/review", ""); int(q["count"].(float64)) != 0 {
		t.Errorf("queue not empty after review: %v", q["count"])
	}
}

// TestLearningLoop runs export → retrain → gated publish → reload.
func TestLearningLoop(t *testing.T) {
	serving := copyBundle(t, smallModel(t))
	strict, err := bundle.Load(serving) // every case waits for review, so feedback exists
	if err != nil {
		t.Fatal(err)
	}
	strict.Manifest.Thresholds = &bundle.Thresholds{Target: 1, Global: 1.01, ChosenOn: "test"}
	if err := bundle.Save(serving, strict); err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(t, serving)
	s, cleanup, err := newServer(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	ts := newTestHTTP(t, s)
	before := s.currentVersion()
	texts := []string{"路口那个铁盖子不见了", "楼下饭馆烟气熏得没法开窗", "包工头卷钱跑了工钱没结"}
	labels := []string{"SZ02", "HJ03", "MD02"}
	for i, text := range texts {
		code, c := call(t, ts, "POST", "/v1/cases", fmt.Sprintf(`{"external_id":"loop-%d","text":%q}`, i, text))
		if code != 201 {
			t.Fatal(code, c)
		}
		review := fmt.Sprintf(`{"label":%q,"reviewer":"李调度"}`, labels[i])
		if i == 0 {
			review = fmt.Sprintf(`{"label":%q,"urgency":"urgent","reviewer":"李调度"}`, labels[i])
		}
		if code, out := call(t, ts, "POST", "/v1/review/"+c["id"].(string), review); code != 200 {
			t.Fatal(code, out)
		}
	}
	exported, err := capture(t, "", func() error { return runFeedback(context.Background(), []string{"export", "--data-dir", cfg.dataDir}) })
	if err != nil {
		t.Fatal(err)
	}
	feedbackFile := filepath.Join(t.TempDir(), "new.jsonl")
	os.WriteFile(feedbackFile, []byte(exported), 0o644)
	if res, err := jsonl.ReadFile(feedbackFile, jsonl.Options{RequireLabel: true}); err != nil {
		t.Fatalf("exported feedback is not training JSONL: %v", err)
	} else if n := len(res.Records); n != len(texts) {
		t.Fatalf("exported %d examples, want %d", n, len(texts))
	}
	// Only the urgency a reviewer set is a label: the first review's.
	for i, line := range strings.Split(strings.TrimSpace(exported), "\n") {
		var rec struct{ Urgency string }
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatal(err)
		}
		want := ""
		if i == 0 {
			want = "urgent"
		}
		if rec.Urgency != want {
			t.Errorf("exported example %d has urgency %q, want %q", i, rec.Urgency, want)
		}
	}
	retrained := filepath.Join(t.TempDir(), "retrained")
	if _, err := capture(t, "", func() error {
		return runTrain(context.Background(), []string{"--data", filepath.Join(corpusDir, "dev.jsonl"), "--data", feedbackFile, "--max-iter", "40", "--seed", "2", "--out", retrained})
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := capture(t, "", func() error {
		return runEval(context.Background(), []string{"--model", retrained, "--data", filepath.Join(corpusDir, "test.jsonl"), "--baseline", serving})
	}); err != nil {
		t.Fatalf("gate refused the retrained model: %v", err)
	}
	if err := runPublish(context.Background(), []string{"--model", retrained, "--to", serving}); err != nil {
		t.Fatal(err)
	}
	code, out := call(t, ts, "POST", "/v1/admin/model/reload", "")
	if code != 200 || out["model_version"] == before {
		t.Fatalf("reload: %d %v (before %s)", code, out, before)
	}
	if code, out := call(t, ts, "POST", "/v1/classify", `{"text":"井盖没了"}`); code != 200 || out["model_version"] != s.currentVersion() {
		t.Errorf("classify after reload: %d %v", code, out)
	}
}

func TestReloadRefusesBadBundle(t *testing.T) {
	serving := copyBundle(t, smallModel(t))
	s, cleanup, err := newServer(context.Background(), testConfig(t, serving))
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	ts := newTestHTTP(t, s)
	before := s.currentVersion()
	os.WriteFile(filepath.Join(serving, bundle.ModelFile), []byte("not a model"), 0o644)
	if code, out := call(t, ts, "POST", "/v1/admin/model/reload", ""); code != 422 {
		t.Errorf("reload of a corrupt bundle: %d %v, want 422", code, out)
	}
	if code, out := call(t, ts, "POST", "/v1/classify", `{"text":"井盖没了"}`); code != 200 || out["model_version"] != before {
		t.Errorf("after a refused reload: %d %v", code, out)
	}
}

// TestReloadMemoryIsBounded reloads the model 100 times while requests run
// and checks that resident memory stops growing.
func TestReloadMemoryIsBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("100 reloads")
	}
	serving := copyBundle(t, smallModel(t))
	s, cleanup, err := newServer(context.Background(), testConfig(t, serving))
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { // in-flight requests during the swaps
		for ctx.Err() == nil {
			m, release, _ := s.models.acquire()
			if _, err := m.Classify(ctx, []string{"井盖没了"}, 1); err != nil && ctx.Err() == nil {
				t.Error(err)
			}
			release()
		}
	})
	var rss []int
	for i := 1; i <= 100; i++ {
		if err := s.reload(); err != nil {
			t.Fatal(err)
		}
		if i == 20 || i == 100 {
			runtime.GC()
			rss = append(rss, residentKB(t))
		}
	}
	cancel()
	wg.Wait()
	growth := rss[1] - rss[0]
	t.Logf("RSS after 20 reloads %d MB, after 100 %d MB", rss[0]/1024, rss[1]/1024)
	if growth > 64*1024 {
		t.Errorf("RSS grew by %d MB between reload 20 and 100", growth/1024)
	}
}

func residentKB(t *testing.T) int {
	t.Helper()
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip("no /proc/self/status")
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			n, _ := strconv.Atoi(f[1])
			return n
		}
	}
	t.Fatal("no VmRSS")
	return 0
}
