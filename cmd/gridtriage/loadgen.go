package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// loadResult is one HTTP load measurement.
type loadResult struct {
	Endpoint    string         `json:"endpoint"`
	Concurrency int            `json:"concurrency"`
	Requests    int            `json:"requests"`
	Errors      int            `json:"errors"`
	Statuses    map[string]int `json:"statuses"`
	Seconds     float64        `json:"seconds"`
	PerSecond   float64        `json:"requests_per_second"`
	P50Millis   float64        `json:"p50_ms"`
	P99Millis   float64        `json:"p99_ms"`
	// TargetRate is the paced request rate, 0 for as fast as the clients go.
	TargetRate float64 `json:"target_rate,omitempty"`
}

// runLoadgen sends a bounded load to a gridtriage server on this machine:
// at most --requests requests and at most --duration, from --concurrency
// clients. Only loopback addresses are accepted.
func runLoadgen(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	target := fs.String("url", "http://127.0.0.1:8080/v1/classify", "endpoint to load (loopback only)")
	data := fs.String("data", "", "JSONL reports whose texts are sent")
	cases := fs.Bool("cases", false, "send case creations (a fresh external_id per request) instead of classify requests")
	concurrency := fs.Int("concurrency", 32, "concurrent clients")
	requests := fs.Int("requests", 20000, "stop after this many requests")
	duration := fs.Duration("duration", 20*time.Second, "stop after this long")
	maxChars := fs.Int("max-chars", 0, "keep only reports of at most this many characters")
	pace := fs.Float64("rate", 0, "send at this many requests per second, latency counted from each request's scheduled time (0: as fast as the clients go)")
	token := fs.String("token", os.Getenv("GRIDTRIAGE_TOKEN"), "bearer token sent with every request (default $GRIDTRIAGE_TOKEN)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := checkLoopback(*target); err != nil {
		return err
	}
	texts, err := benchTexts(*data, 0, *maxChars)
	if err != nil {
		return err
	}
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: *concurrency}}
	var sent atomic.Int64
	var mu sync.Mutex
	statuses := map[string]int{}
	var lat []time.Duration
	deadline := time.Now().Add(*duration)
	start := time.Now()
	var wg sync.WaitGroup
	for w := range *concurrency {
		wg.Go(func() {
			var mine []time.Duration
			mineStatus := map[string]int{}
			for time.Now().Before(deadline) && ctx.Err() == nil {
				n := sent.Add(1)
				if n > int64(*requests) {
					break
				}
				t0 := time.Now()
				if *pace > 0 { // open loop: a late server delays no schedule
					t0 = start.Add(time.Duration(float64(n-1) / *pace * float64(time.Second)))
					time.Sleep(time.Until(t0))
				}
				body := map[string]any{"text": texts[int(n)%len(texts)]}
				if *cases {
					body["external_id"] = fmt.Sprintf("load-%d-%d-%d", start.UnixNano(), w, n)
				}
				raw, _ := json.Marshal(body)
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, *target, bytes.NewReader(raw))
				req.Header.Set("Content-Type", "application/json")
				if *token != "" {
					req.Header.Set("Authorization", "Bearer "+*token)
				}
				resp, err := client.Do(req)
				if err != nil {
					mineStatus["error"]++
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				mine = append(mine, time.Since(t0))
				mineStatus[fmt.Sprint(resp.StatusCode)]++
			}
			mu.Lock()
			lat = append(lat, mine...)
			for k, v := range mineStatus {
				statuses[k] += v
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start).Seconds()
	slices.Sort(lat)
	r := loadResult{Endpoint: *target, Concurrency: *concurrency, Requests: len(lat), Statuses: statuses, Seconds: elapsed,
		PerSecond: float64(len(lat)) / elapsed, TargetRate: *pace, P50Millis: micros(percentile(lat, 0.5)) / 1e3, P99Millis: micros(percentile(lat, 0.99)) / 1e3}
	for k, v := range statuses {
		if k != "200" && k != "201" {
			r.Errors += v
		}
	}
	return json.NewEncoder(os.Stdout).Encode(r)
}

// checkLoopback refuses any target that is not on this machine.
func checkLoopback(target string) error {
	u, err := url.Parse(target)
	if err != nil {
		return usageErr("bad --url: %v", err)
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return usageErr("loadgen only targets loopback addresses, not %q", host)
}
