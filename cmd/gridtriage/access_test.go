package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/gridtriage/gridtriage/auth"
)

// requestPath fills a route's path parameters.
func requestPath(path string) string { return strings.ReplaceAll(path, ":id", "GT20260101-0000000000") }

// TestEveryRouteChecksTokenAndRole calls every bearer route with no token,
// a wrong token, and each role's token.
func TestEveryRouteChecksTokenAndRole(t *testing.T) {
	ts, _ := testServer(t)
	for _, rt := range routes() {
		if rt.access != bearer {
			continue
		}
		path := requestPath(rt.path)
		t.Run(rt.method+" "+rt.path, func(t *testing.T) {
			if code := rawCall(t, ts, rt.method, path, "", nil); code != 401 {
				t.Errorf("no token: %d, want 401", code)
			}
			if code := rawCall(t, ts, rt.method, path, "gt_not-a-token", nil); code != 401 {
				t.Errorf("unknown token: %d, want 401", code)
			}
			for _, role := range auth.Roles {
				code := rawCall(t, ts, rt.method, path, testToken(t, role), nil)
				allowed := role == auth.Admin || slices.Contains(rt.roles, role)
				switch {
				case allowed && (code == 401 || code == 403):
					t.Errorf("%s: %d, want it allowed", role, code)
				case !allowed && code != 403:
					t.Errorf("%s: %d, want 403", role, code)
				}
			}
		})
	}
}

// rawCall sends a request with an optional bearer token and headers and
// returns the status.
func rawCall(t *testing.T, ts *httptest.Server, method, path, token string, header http.Header) int {
	t.Helper()
	req, _ := http.NewRequest(method, ts.URL+path, strings.NewReader("{}"))
	for k, v := range header {
		req.Header[k] = v
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// TestREADMEEndpointTable checks that the security section of the README
// lists exactly the routes, with the roles the code allows.
func TestREADMEEndpointTable(t *testing.T) {
	raw, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(raw), "\n## Security")
	if !ok {
		t.Fatal("README has no ## Security section")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	row := regexp.MustCompile("(?m)^\\| `(GET|POST|PATCH|DELETE|PUT) ([^`]+)` \\| ([^|]+) \\|")
	documented := map[string]string{}
	for _, m := range row.FindAllStringSubmatch(section, -1) {
		documented[m[1]+" "+m[2]] = strings.TrimSpace(m[3])
	}
	for _, rt := range routes() {
		key := rt.method + " " + rt.path
		if got, want := documented[key], rolesColumn(rt); got != want {
			t.Errorf("README row for %s: roles %q, want %q", key, got, want)
		}
		delete(documented, key)
	}
	for key := range documented {
		t.Errorf("README lists %s, which is not a route", key)
	}
}

// rolesColumn is how the README's table writes who may call rt.
func rolesColumn(rt route) string {
	if rt.access == public {
		return "anyone"
	}
	names := []string{}
	for _, r := range rt.roles {
		names = append(names, string(r))
	}
	names = append(names, string(auth.Admin))
	col := strings.Join(names, ", ")
	if rt.access == session {
		col += " (signed-in page)"
	}
	return col
}

func TestPlatformReadsOnlyItsOwnCases(t *testing.T) {
	ts, _ := testServer(t)
	code, own := callAs(t, ts, auth.Platform, "POST", "/v1/cases", `{"external_id":"own-1","text":"井盖没了","grid_id":"G-0101"}`)
	if code != 201 || own["owner"] != "platform" {
		t.Fatalf("create as platform: %d %v", code, own)
	}
	_, other := call(t, ts, "POST", "/v1/cases", `{"external_id":"adm-1","text":"路灯不亮了","grid_id":"G-0101"}`)
	if code, _ := callAs(t, ts, auth.Platform, "GET", "/v1/cases/"+other["id"].(string), ""); code != 404 {
		t.Errorf("platform reading another's case: %d, want 404", code)
	}
	if code, _ := callAs(t, ts, auth.Platform, "GET", "/v1/cases/"+own["id"].(string), ""); code != 200 {
		t.Errorf("platform reading its own case: %d", code)
	}
	if code, _ := callAs(t, ts, auth.Platform, "POST", "/v1/cases", `{"external_id":"adm-1","text":"路灯不亮了"}`); code != 409 {
		t.Errorf("platform re-posting another's external_id: %d, want 409", code)
	}
	_, list := callAs(t, ts, auth.Platform, "GET", "/v1/cases", "")
	if n := int(list["count"].(float64)); n != 1 {
		t.Errorf("platform lists %d cases, want its 1", n)
	}
	if _, list := callAs(t, ts, auth.Dispatcher, "GET", "/v1/cases", ""); int(list["count"].(float64)) != 2 {
		t.Errorf("dispatcher lists %v cases, want 2", list["count"])
	}
}

const personalReport = `{"external_id":"pii-1","grid_id":"G-0101","text":"幸福路3号楼道堆满杂物堵了消防通道，我电话13812345678，身份证440304198506127317，退款打到卡4111111111111111，邮箱 li.si@example.com"}`

var personalData = []string{"13812345678", "440304198506127317", "4111111111111111", "li.si@example.com"}

// TestPersonalDataIsRedactedSealedAndAudited follows a report with a phone,
// ID-card, bank-card number and e-mail through the store, the index, the
// logs, the feedback export, the original endpoint and the audit log.
func TestPersonalDataIsRedactedSealedAndAudited(t *testing.T) {
	var logs bytes.Buffer
	log.SetOutput(io.MultiWriter(&logs, os.Stderr))
	defer log.SetOutput(os.Stderr)
	ts := reviewEverything(t)
	code, c := callAs(t, ts, auth.Platform, "POST", "/v1/cases", personalReport)
	if code != 201 {
		t.Fatalf("create: %d %v", code, c)
	}
	id := c["id"].(string)
	text := c["text"].(string)
	for _, pii := range personalData {
		if strings.Contains(text, pii) {
			t.Errorf("stored text holds %s: %q", pii, text)
		}
	}
	if !strings.Contains(text, "[电话]") || !strings.Contains(text, "[身份证号]") || c["has_original"] != true {
		t.Errorf("stored text %q (has_original %v), want marks and a kept original", text, c["has_original"])
	}
	_, hits := call(t, ts, "GET", "/v1/cases/search?q=13812345678", "")
	_, all := call(t, ts, "GET", "/v1/cases/search?q="+url.QueryEscape("消防通道"), "")
	if hits["count"].(float64) != 0 || all["count"].(float64) != 1 || strings.Contains(toJSON(all), "13812345678") {
		t.Errorf("index: search by phone found %v, by words %v", hits["count"], toJSON(all))
	}
	if code, _ := call(t, ts, "POST", "/v1/review/"+id, `{"label":"AQ01"}`); code != 200 {
		t.Fatalf("review: %d", code)
	}
	export := getBody(t, ts, "/v1/feedback", testToken(t, auth.Analyst))
	if !strings.Contains(export, "消防通道") {
		t.Errorf("feedback export lacks the reviewed case: %q", export)
	}
	if code, _ := callAs(t, ts, auth.Platform, "GET", "/v1/cases/"+id+"/original", ""); code != 403 {
		t.Errorf("platform reading the original: %d, want 403", code)
	}
	code, orig := callAs(t, ts, auth.Dispatcher, "GET", "/v1/cases/"+id+"/original", "")
	if code != 200 || !strings.Contains(toJSON(orig), "13812345678") {
		t.Errorf("dispatcher reading the original: %d %v", code, orig)
	}
	for _, pii := range personalData {
		if strings.Contains(logs.String(), pii) || strings.Contains(export, pii) {
			t.Errorf("%s leaked into the logs or the export", pii)
		}
	}
	_, audit := call(t, ts, "GET", "/v1/audit?case_id="+id, "")
	var seen []string
	for _, e := range audit["entries"].([]any) {
		e := e.(map[string]any)
		seen = append(seen, e["actor"].(string)+":"+e["action"].(string))
	}
	for _, want := range []string{"platform:case.create", "admin:case.review", "dispatcher:case.original"} {
		if !slices.Contains(seen, want) {
			t.Errorf("audit log of the case lacks %s: %v", want, seen)
		}
	}
}

func getBody(t *testing.T, ts *httptest.Server, path, token string) string {
	t.Helper()
	req, _ := http.NewRequest("GET", ts.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, raw)
	}
	return string(raw)
}

func TestRateLimitAnswers429(t *testing.T) {
	cfg := testConfig(t, testModel(t))
	cfg.rate, cfg.burst = 0.5, 3
	s, cleanup, err := newServer(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cleanup)
	ts := newTestHTTP(t, s)
	var codes []int
	for range 5 {
		codes = append(codes, rawCall(t, ts, "GET", "/v1/model", testToken(t, auth.Analyst), nil))
	}
	if !slices.Equal(codes, []int{200, 200, 200, 429, 429}) {
		t.Errorf("statuses %v, want three 200 then 429", codes)
	}
	if code := rawCall(t, ts, "GET", "/v1/model", testToken(t, auth.Admin), nil); code != 200 {
		t.Errorf("another token shares the limit: %d", code)
	}
	resp, _ := http.Get(ts.URL + "/healthz")
	resp.Body.Close()
	req, _ := http.NewRequest("GET", ts.URL+"/v1/model", nil)
	req.Header.Set("Authorization", "Bearer "+testToken(t, auth.Analyst))
	resp, _ = http.DefaultClient.Do(req)
	resp.Body.Close()
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" {
		t.Errorf("429 without Retry-After: %d %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}

// TestLoadIsShedWith503 fills every in-flight slot and checks that the next
// model-bound request is refused at once, while other endpoints answer.
func TestLoadIsShedWith503(t *testing.T) {
	cfg := testConfig(t, testModel(t))
	cfg.maxInFlight = 2
	s, cleanup, err := newServer(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cleanup)
	ts := newTestHTTP(t, s)
	s.inflight <- struct{}{}
	s.inflight <- struct{}{}
	req, _ := http.NewRequest("POST", ts.URL+"/v1/classify", strings.NewReader(`{"text":"井盖没了"}`))
	req.Header.Set("Authorization", "Bearer "+testToken(t, auth.Platform))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" {
		t.Errorf("at capacity: %d Retry-After %q, want 503 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if code := rawCall(t, ts, "GET", "/v1/cases", testToken(t, auth.Dispatcher), nil); code != 200 {
		t.Errorf("listing cases at capacity: %d", code)
	}
	<-s.inflight
	if code, out := callAs(t, ts, auth.Platform, "POST", "/v1/classify", `{"text":"井盖没了"}`); code != 200 {
		t.Errorf("with a free slot: %d %v", code, out)
	}
}

func TestRequestTimeout(t *testing.T) {
	cfg := testConfig(t, testModel(t))
	cfg.requestTimeout = 1 // nanosecond: expired before the model runs
	s, cleanup, err := newServer(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cleanup)
	ts := newTestHTTP(t, s)
	if code, out := callAs(t, ts, auth.Platform, "POST", "/v1/classify", `{"text":"井盖没了"}`); code != 503 {
		t.Errorf("past its deadline: %d %v, want 503", code, out)
	}
}

// TestReviewPageSignInAndCSRF drives the review page's sign-in and form
// posts with a cookie-keeping client.
func TestReviewPageSignInAndCSRF(t *testing.T) {
	ts := reviewEverything(t)
	_, c := call(t, ts, "POST", "/v1/cases", `{"external_id":"csrf-1","text":"井盖没了","grid_id":"G-0101"}`)
	id := c["id"].(string)
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(path string, form url.Values, header http.Header) *http.Response {
		t.Helper()
		req, _ := http.NewRequest("POST", ts.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range header {
			req.Header[k] = v
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	resp, _ := client.Get(ts.URL + "/review")
	resp.Body.Close()
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/review/login" {
		t.Fatalf("page without a session: %d → %q, want a redirect to sign in", resp.StatusCode, resp.Header.Get("Location"))
	}
	if r := post("/review/login", url.Values{"token": {testToken(t, auth.Platform)}}, nil); r.StatusCode != 403 {
		t.Errorf("sign-in with a platform token: %d, want 403", r.StatusCode)
	}
	if r := post("/review/login", url.Values{"token": {"gt_wrong"}}, nil); r.StatusCode != 401 {
		t.Errorf("sign-in with a wrong token: %d, want 401", r.StatusCode)
	}
	if r := post("/review/login", url.Values{"token": {testToken(t, auth.Dispatcher)}}, http.Header{"Sec-Fetch-Site": {"cross-site"}}); r.StatusCode != 403 {
		t.Errorf("cross-site sign-in: %d, want 403", r.StatusCode)
	}
	r := post("/review/login", url.Values{"token": {testToken(t, auth.Dispatcher)}}, nil)
	cookie := r.Header.Get("Set-Cookie")
	if r.StatusCode != 303 || !strings.Contains(cookie, "HttpOnly") || !strings.Contains(cookie, "SameSite=Strict") {
		t.Fatalf("sign-in: %d cookie %q, want a redirect and an HttpOnly SameSite=Strict cookie", r.StatusCode, cookie)
	}
	page := getPage(t, client, ts.URL+"/review")
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)
	if csrf == nil || !strings.Contains(page, "case-"+id) {
		t.Fatal("the signed-in page lacks the case or its CSRF token")
	}
	if !strings.Contains(page, `name="urgency"`) {
		t.Error("the page has no urgency choice")
	}
	confirm := url.Values{"confirm": {c["category"].(string)}, "action": {"confirm"}, "urgency": {"consult"}}
	if r := post("/review/"+id, confirm, nil); r.StatusCode != 403 {
		t.Errorf("form post without the CSRF token: %d, want 403", r.StatusCode)
	}
	confirm.Set("csrf", csrf[1])
	if r := post("/review/"+id, confirm, http.Header{"Sec-Fetch-Site": {"cross-site"}}); r.StatusCode != 403 {
		t.Errorf("cross-site form post with the token: %d, want 403", r.StatusCode)
	}
	if r := post("/review/"+id, confirm, nil); r.StatusCode != 303 {
		t.Errorf("form post with the token: %d, want 303", r.StatusCode)
	}
	_, got := call(t, ts, "GET", "/v1/cases/"+id, "")
	if got["status"] != "dispatched" || got["reviewed_by"] != "dispatcher" || got["urgency"] != "consult" {
		t.Errorf("after the form: %v reviewed by %v, urgency %v (the form set consult)", got["status"], got["reviewed_by"], got["urgency"])
	}
	post("/review/logout", url.Values{"csrf": {csrf[1]}}, nil)
	resp, _ = client.Get(ts.URL + "/review")
	resp.Body.Close()
	if resp.StatusCode != 303 {
		t.Errorf("page after signing out: %d, want a redirect", resp.StatusCode)
	}
}

func getPage(t *testing.T, client *http.Client, u string) string {
	t.Helper()
	resp, err := client.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d", u, resp.StatusCode)
	}
	return string(raw)
}

func toJSON(v any) string {
	raw, _ := json.Marshal(v)
	return string(raw)
}
