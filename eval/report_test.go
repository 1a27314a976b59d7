package eval

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func samplePage(t *testing.T) Page {
	t.Helper()
	var in goldenCase
	readJSON(t, "testdata/basic.json", &in)
	samples := make([]Sample, len(in.Samples))
	for i, s := range in.Samples {
		samples[i] = Sample{Gold: s.Gold, Probs: s.Probs}
	}
	r := Evaluate(in.Labels, samples, 1)
	conf, correct, _ := Confidences(in.Labels, samples)
	return Page{Report: r, ModelVersion: "test", DataName: "basic", Curve: RiskCoverage(conf, correct),
		Bins: Reliability(conf, correct, ECEBins), Automatic: &Automatic{Target: 0.98, Threshold: 0.75, ChosenOn: "dev", Coverage: 0.5, Accuracy: 1}}
}

func TestHTMLReportIsSelfContained(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteHTML(&buf, samplePage(t)); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	if n := strings.Count(html, "<svg"); n != 4 {
		t.Errorf("%d inline SVG plots, want 4", n)
	}
	if ext := regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?(https?:)?//`).FindString(html); ext != "" {
		t.Errorf("report loads an external resource: %s", ext)
	}
	for _, want := range []string{"准确率", "75.00%", "Reliability diagram", "Risk–coverage", "Per-class F1", "Confusion matrix"} {
		if !strings.Contains(html, want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

// TestHTMLReportRendersInChromium opens the report in headless Chromium and
// checks that the screenshot shows the plots (not a blank page).
func TestHTMLReportRendersInChromium(t *testing.T) {
	browser := chromium(t)
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	f, err := os.Create(page)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(f, samplePage(t)); err != nil {
		t.Fatal(err)
	}
	f.Close()
	shot := filepath.Join(dir, "report.png")
	cmd := exec.Command(browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--window-size=1200,2200", "--screenshot="+shot, "file://"+page)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, out)
	}
	img := readPNG(t, shot)
	coloured, total := 0, 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			total++
			// plot colours: the red model line, the blue bars and heat map
			if r>>8 > 150 && g>>8 < 100 && bl>>8 < 100 || bl>>8 > 150 && r>>8 < 120 {
				coloured++
			}
		}
	}
	t.Logf("%d of %d sampled pixels carry plot colours", coloured, total)
	if coloured < total/100 {
		t.Errorf("the screenshot looks blank: %d of %d sampled pixels carry plot colours", coloured, total)
	}
}

func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("headless Chromium is needed for this test: `make browser` installs Debian's chromium")
	return ""
}

func readPNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}
