package main

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gridtriage/gridtriage/auth"
)

// TestReviewPageInBrowser confirms a queued case by clicking in headless
// Chromium and checks that the case is then dispatched.
func TestReviewPageInBrowser(t *testing.T) {
	browser, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("headless Chromium is needed for this test: `make browser` installs Debian's chromium")
	}
	ts := reviewEverything(t)
	code, c := call(t, ts, "POST", "/v1/cases", `{"external_id":"br-1","text":"小区门口的井盖没了，晚上路过很危险","grid_id":"G-0101"}`)
	if code != 201 || c["status"] != "received" {
		t.Fatalf("case: %d %v", code, c)
	}
	id := c["id"].(string)

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(browser), chromedp.NoSandbox,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.UserDataDir(t.TempDir()))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	step := func(a chromedp.Action[chromedp.Void]) {
		t.Helper()
		if _, err := chromedp.Run(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	text := func(sel chromedp.CSS) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(sel))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	step(chromedp.Navigate(ts.URL + "/review")) // no session: the sign-in form
	step(chromedp.WaitVisible(chromedp.CSS("#token")))
	step(chromedp.SetValue(chromedp.CSS("#token"), testToken(t, auth.Dispatcher)))
	step(chromedp.Click(chromedp.CSS("#login")))
	step(chromedp.WaitVisible(chromedp.CSS("#confirm-" + id)))
	if who := text(chromedp.CSS("#reviewer")); who != string(auth.Dispatcher) {
		t.Errorf("signed in as %q, want the dispatcher token's name", who)
	}
	before := text(chromedp.CSS("#case-" + id))
	step(chromedp.Click(chromedp.CSS("#confirm-" + id)))
	step(chromedp.WaitVisible(chromedp.CSS("#message")))
	message := text(chromedp.CSS("#message"))
	if !strings.Contains(before, "井盖") {
		t.Errorf("the queued case's text is not on the page: %q", before)
	}
	if !strings.Contains(message, id) || !strings.Contains(message, "已按") {
		t.Errorf("confirmation message %q", message)
	}
	code, got := call(t, ts, "GET", "/v1/cases/"+id, "")
	if code != 200 || got["status"] != "dispatched" || got["reviewed_by"] != string(auth.Dispatcher) || got["category"] != c["category"] {
		t.Errorf("after the click: status %v reviewed_by %v category %v", got["status"], got["reviewed_by"], got["category"])
	}
}
