package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/gridtriage/gridtriage/datasets"
	"github.com/gridtriage/gridtriage/datasets/jsonl"
	"github.com/gridtriage/gridtriage/model"
	"github.com/gridtriage/gridtriage/model/ort"
)

// benchResult is one in-process throughput measurement. The latencies are
// those of one call, which classifies Batch reports.
type benchResult struct {
	Name          string  `json:"name"`
	Workers       int     `json:"workers"`
	Batch         int     `json:"batch"`
	Reports       int     `json:"reports"`
	MeanChars     float64 `json:"mean_chars"`
	Seconds       float64 `json:"seconds"`
	ReportsPerSec float64 `json:"reports_per_second"`
	P50Micros     float64 `json:"p50_us"`
	P99Micros     float64 `json:"p99_us"`
}

// runBench measures in-process classification throughput and latency,
// --batch reports per call (one by default), on one goroutine and on all
// cores.
func runBench(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	modelDir := fs.String("model", "models/default", "model bundle directory")
	data := fs.String("data", "", "JSONL reports to classify (text, optional title)")
	maxChars := fs.Int("max-chars", 0, "keep only reports of at most this many characters")
	minChars := fs.Int("min-chars", 0, "keep only reports of at least this many characters")
	duration := fs.Duration("duration", 5*time.Second, "how long each measurement runs")
	name := fs.String("name", "", "label of the measurement")
	batch := fs.Int("batch", 1, fmt.Sprintf("reports per Classify call (one of more than %d spreads its chunks over all cores)", ort.MaxRunBatch))
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the measurements to this file (go tool pprof)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *data == "" {
		return usageErr("bench needs --data")
	}
	if *batch < 1 {
		return usageErr("bench needs --batch of at least 1")
	}
	if err := ort.Init(); err != nil {
		return err
	}
	texts, err := benchTexts(*data, *minChars, *maxChars)
	if err != nil {
		return err
	}
	tax, _ := datasets.Default()
	m, err := model.Open(*modelDir, tax.Name)
	if err != nil {
		return err
	}
	defer m.Close()
	stopProfile, err := startCPUProfile(*cpuProfile)
	if err != nil {
		return err
	}
	defer stopProfile()
	var results []benchResult
	for _, workers := range []int{1, runtime.GOMAXPROCS(0)} {
		r, err := measure(ctx, m, texts, *batch, workers, *duration)
		if err != nil {
			return err
		}
		r.Name = batchName(*name, *batch)
		results = append(results, r)
	}
	return json.NewEncoder(os.Stdout).Encode(results)
}

// batchName labels a measurement of batch reports per call: name itself
// for one report per call.
func batchName(name string, batch int) string {
	switch {
	case batch == 1:
		return name
	case name == "":
		return fmt.Sprintf("batch%d", batch)
	}
	return fmt.Sprintf("%s/batch%d", name, batch)
}

// batches hands out the texts round-robin, n consecutive ones at a time,
// without copying: ring holds the texts followed by enough of them again
// that a batch starting at any text fits.
type batches struct {
	ring  []string
	texts int // the number of distinct texts
	n     int
	next  atomic.Int64
}

// newBatches hands out texts n at a time.
func newBatches(texts []string, n int) *batches {
	ring := slices.Clip(texts)
	for len(ring) < len(texts)+n-1 {
		ring = append(ring, texts[:min(len(texts), len(texts)+n-1-len(ring))]...)
	}
	return &batches{ring: ring, texts: len(texts), n: n}
}

// take returns the next batch.
func (b *batches) take() []string {
	start := int((b.next.Add(int64(b.n)) - int64(b.n)) % int64(b.texts))
	return b.ring[start : start+b.n]
}

func benchTexts(path string, minChars, maxChars int) ([]string, error) {
	res, err := jsonl.ReadFile(path, jsonl.Options{SkipBad: true})
	if err != nil {
		return nil, err
	}
	var texts []string
	for _, r := range res.Records {
		n := utf8.RuneCountInString(r.Input())
		if n >= minChars && (maxChars == 0 || n <= maxChars) {
			texts = append(texts, r.Input())
		}
	}
	if len(texts) == 0 {
		return nil, fmt.Errorf("%s: no report of %d–%d characters", path, minChars, maxChars)
	}
	return texts, nil
}

// measure classifies texts round-robin, batch per call, on workers
// goroutines for about d.
func measure(ctx context.Context, m *model.Model, texts []string, batch, workers int, d time.Duration) (benchResult, error) {
	src := newBatches(texts, batch)
	var mu sync.Mutex
	var lat []time.Duration
	var firstErr error
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			var mine []time.Duration
			for time.Now().Before(deadline) {
				b := src.take()
				t0 := time.Now()
				if _, err := m.Classify(ctx, b, 3); err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
					return
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start).Seconds()
	if firstErr != nil {
		return benchResult{}, firstErr
	}
	slices.Sort(lat)
	chars := 0
	for _, t := range texts {
		chars += utf8.RuneCountInString(t)
	}
	reports := len(lat) * batch
	return benchResult{
		Workers: workers, Batch: batch, Reports: reports, Seconds: elapsed, ReportsPerSec: float64(reports) / elapsed,
		MeanChars: float64(chars) / float64(len(texts)),
		P50Micros: micros(percentile(lat, 0.50)), P99Micros: micros(percentile(lat, 0.99)),
	}, nil
}

func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(q*float64(len(sorted))))]
}

func micros(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 }
