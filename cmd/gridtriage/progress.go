package main

import (
	"fmt"
	"io"
	"log"
	"os"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/gridtriage/gridtriage/model/train"
)

// progressReporter shows training progress: a bar on a terminal, a log line
// every ten iterations otherwise.
func progressReporter(w io.Writer, label string, maxIter int) (func(train.Progress), func()) {
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		bar := progressbar.NewOptions(maxIter,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription(label),
			progressbar.OptionShowCount(),
			progressbar.OptionSetElapsedTime(true),
			progressbar.OptionClearOnFinish())
		return func(p train.Progress) {
			if p.DevAccuracy > 0 {
				bar.Describe(fmt.Sprintf("%s loss %.4f dev acc %.4f", label, p.Loss, p.DevAccuracy))
			}
			bar.Set(p.Iter)
		}, func() { bar.Finish() }
	}
	logger := log.New(w, "", log.LstdFlags)
	return func(p train.Progress) {
		if p.Iter%10 == 0 || p.Iter == 1 {
			if p.DevAccuracy > 0 {
				logger.Printf("%s: iteration %d/%d loss %.4f dev loss %.4f dev accuracy %.4f (best at %d)", label, p.Iter, p.MaxIter, p.Loss, p.DevLoss, p.DevAccuracy, p.Best)
			} else {
				logger.Printf("%s: iteration %d/%d loss %.4f", label, p.Iter, p.MaxIter, p.Loss)
			}
		}
	}, func() {}
}
