package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gridtriage/gridtriage/auth"
	"github.com/gridtriage/gridtriage/dispatch/search"
)

// TestServesWithoutAModel starts the server on a model directory that does
// not exist: model-bound endpoints answer 503 with the reason, the rest of
// the API serves, and a reload once the bundle is there recovers.
func TestServesWithoutAModel(t *testing.T) {
	serving := filepath.Join(t.TempDir(), "missing")
	s, cleanup, err := newServer(context.Background(), testConfig(t, serving))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cleanup)
	ts := newTestHTTP(t, s)
	for _, req := range [][3]string{{"POST", "/v1/classify", `{"text":"井盖没了"}`}, {"POST", "/v1/cases", `{"external_id":"m-1","text":"井盖没了"}`}, {"GET", "/readyz", ""}} {
		code, out := call(t, ts, req[0], req[1], req[2])
		if code != 503 || !strings.Contains(toJSON(out), "no model") {
			t.Errorf("%s %s without a model: %d %v, want 503 naming the cause", req[0], req[1], code, out)
		}
	}
	for _, path := range []string{"/healthz", "/v1/cases", "/v1/review", "/v1/metrics"} {
		if code, out := call(t, ts, "GET", path, ""); code != 200 {
			t.Errorf("GET %s without a model: %d %v", path, code, out)
		}
	}
	copyDir(t, testModel(t), serving)
	if code, out := call(t, ts, "POST", "/v1/admin/model/reload", ""); code != 200 {
		t.Fatalf("reload once the bundle is there: %d %v", code, out)
	}
	if code, out := call(t, ts, "POST", "/v1/classify", `{"text":"井盖没了"}`); code != 200 {
		t.Errorf("classify after recovery: %d %v", code, out)
	}
	os.RemoveAll(serving)
	if code, out := call(t, ts, "POST", "/v1/admin/model/reload", ""); code != 503 {
		t.Errorf("reload of a bundle that disappeared: %d %v, want 503", code, out)
	}
	if code, _ := call(t, ts, "POST", "/v1/classify", `{"text":"井盖没了"}`); code != 200 {
		t.Errorf("the loaded model stopped serving after a refused reload: %d", code)
	}
}

// TestONNXFailureAnswers503 destroys the ONNX Runtime session under the
// serving model: classification fails in the runtime and answers 503, and
// the other endpoints keep serving.
func TestONNXFailureAnswers503(t *testing.T) {
	s, cleanup, err := newServer(context.Background(), testConfig(t, copyBundle(t, smallModel(t))))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cleanup)
	ts := newTestHTTP(t, s)
	m, release, err := s.models.acquire()
	if err != nil {
		t.Fatal(err)
	}
	release()
	m.Close()
	code, out := callAs(t, ts, auth.Platform, "POST", "/v1/classify", `{"text":"井盖没了"}`)
	if code != 503 || out["error"].(map[string]any)["code"] != "unavailable" {
		t.Errorf("classify on a failed runtime: %d %v, want 503", code, out)
	}
	if code, _ := call(t, ts, "GET", "/v1/cases", ""); code != 200 {
		t.Errorf("listing cases after the runtime failed: %d", code)
	}
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	if err := os.CopyFS(to, os.DirFS(from)); err != nil {
		t.Fatal(err)
	}
}

// TestSIGKILLLosesNoAcknowledgedCase runs the real binary, creates cases
// from several clients, kills the process with SIGKILL mid-load, restarts
// it on the same data directory and reads back every case that was
// acknowledged with 201.
func TestSIGKILLLosesNoAcknowledgedCase(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "gridtriage")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cfg := testConfig(t, testModel(t))
	args := []string{"serve", "--model", cfg.modelDir, "--addr", "127.0.0.1:0", "--data-dir", cfg.dataDir,
		"--tokens", cfg.tokens, "--key-file", cfg.keyFile, "--rate", "100000", "--burst", "100000", "--access-log=false"}
	srv := startServer(t, bin, args)
	token := testToken(t, auth.Platform)
	var mu sync.Mutex
	var acked []string
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 6 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				ext := fmt.Sprintf("kill-%d-%d", w, i)
				code, id := createCase(srv.url, token, ext)
				if code == 201 {
					mu.Lock()
					acked = append(acked, id)
					mu.Unlock()
				}
			}
		})
	}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 60 {
			break
		}
	}
	srv.cmd.Process.Kill() // SIGKILL, mid-load
	srv.cmd.Wait()
	close(stop)
	wg.Wait()
	if len(acked) == 0 {
		t.Fatal("no case was acknowledged before the kill")
	}
	restarted := startServer(t, bin, args)
	defer func() { restarted.cmd.Process.Signal(os.Interrupt); restarted.cmd.Wait() }()
	for _, id := range acked {
		req, _ := http.NewRequest("GET", restarted.url+"/v1/cases/"+id, nil)
		req.Header.Set("Authorization", "Bearer "+testToken(t, auth.Admin))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("acknowledged case %s after the restart: %d", id, resp.StatusCode)
		}
	}
	t.Logf("%d acknowledged cases, all found after SIGKILL and restart", len(acked))
}

type runningServer struct {
	cmd *exec.Cmd
	url string
}

var listeningRe = regexp.MustCompile(`serving on (http://[0-9.:]+)`)

// startServer runs bin with args and waits for its "serving on" line.
func startServer(t *testing.T, bin string, args []string) runningServer {
	t.Helper()
	cmd := exec.Command(bin, args...)
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := listeningRe.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	select {
	case u := <-found:
		return runningServer{cmd: cmd, url: u}
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the server did not start within 60 s")
	}
	return runningServer{}
}

var idRe = regexp.MustCompile(`"id":"([^"]+)"`)

// createCase posts one report and returns the status and the new case id.
func createCase(base, token, ext string) (int, string) {
	body := `{"external_id":"` + ext + `","text":"楼道里有人给电动车充电，电线从窗户拉出来","grid_id":"G-0101"}`
	req, _ := http.NewRequest("POST", base+"/v1/cases", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, ""
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	m := idRe.FindSubmatch(raw)
	if resp.StatusCode != 201 || m == nil {
		return resp.StatusCode, ""
	}
	return resp.StatusCode, string(m[1])
}

// TestCorruptIndexIsRebuiltAtStartUp garbles the index's metadata and
// starts a server on the data directory: it must rebuild the index from
// the database and find the cases again.
func TestCorruptIndexIsRebuiltAtStartUp(t *testing.T) {
	cfg := testConfig(t, testModel(t))
	s, cleanup, err := newServer(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := newTestHTTP(t, s)
	for i, text := range []string{"幸福路的路灯晚上不亮了", "建设路路灯杆被车撞歪了"} {
		if code, out := call(t, ts, "POST", "/v1/cases", fmt.Sprintf(`{"external_id":"ix-%d","text":"%s"}`, i, text)); code != 201 {
			t.Fatal(code, out)
		}
	}
	ts.Close()
	cleanup()
	dir := filepath.Join(cfg.dataDir, search.DirName)
	if err := os.WriteFile(filepath.Join(dir, "index_meta.json"), []byte("{garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, cleanup, err = newServer(context.Background(), cfg)
	if err != nil {
		t.Fatalf("start-up on a corrupt index: %v", err)
	}
	defer cleanup()
	if code, res := call(t, newTestHTTP(t, s), "GET", "/v1/cases/search?q="+url.QueryEscape("路灯"), ""); code != 200 || res["count"].(float64) != 2 {
		t.Errorf("search after the rebuild: %d %v", code, res)
	}
}

// TestGracefulShutdownFinishesInFlight starts shutting down while a request
// is in flight (its body half sent): the request still completes, new
// connections are refused, and the server returns cleanly.
func TestGracefulShutdownFinishesInFlight(t *testing.T) {
	s, cleanup, err := newServer(context.Background(), testConfig(t, testModel(t)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cleanup)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := serveConfig{addr: ln.Addr().String(), shutdownTimeout: 10 * time.Second}
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- listenAndServe(ctx, cfg, s) }()
	base := "http://" + cfg.addr
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("server did not start")
		}
	}
	body, send := io.Pipe()
	req, _ := http.NewRequest("POST", base+"/v1/classify", body)
	req.Header.Set("Authorization", "Bearer "+testToken(t, auth.Platform))
	answered := make(chan int, 1)
	go func() {
		resp, err := (&http.Client{Transport: &http.Transport{}}).Do(req)
		if err != nil {
			answered <- 0
			return
		}
		resp.Body.Close()
		answered <- resp.StatusCode
	}()
	send.Write([]byte(`{"text":"井盖`))
	// The request holds a model-bound slot once it is past the middleware,
	// its handler reading the body.
	waitFor(t, "the request to reach its handler", func() bool { return len(s.inflight) == 1 })
	cancel()
	waitFor(t, "new connections to be refused", func() bool {
		conn, err := net.DialTimeout("tcp", cfg.addr, time.Second)
		if err == nil {
			conn.Close()
		}
		return err != nil
	})
	send.Write([]byte(`没了"}`))
	send.Close()
	if code := <-answered; code != 200 {
		t.Errorf("the in-flight request answered %d, want 200", code)
	}
	if err := <-served; err != nil {
		t.Errorf("shutdown: %v", err)
	}
}

// waitFor polls cond every 10 ms for up to 30 s, failing the test with what
// it waited for if cond never holds: a loaded machine gets time, a broken
// server still fails.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}
