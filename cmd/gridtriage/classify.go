package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/gridtriage/gridtriage/classify"
	"github.com/gridtriage/gridtriage/datasets"
	"github.com/gridtriage/gridtriage/datasets/jsonl"
	"github.com/gridtriage/gridtriage/model"
	"github.com/gridtriage/gridtriage/model/ort"
)

// classifyBatch is how many input lines are classified together.
const classifyBatch = 256

// classifyOutput is one line of `gridtriage classify` output.
type classifyOutput struct {
	Line        int               `json:"line"`
	ID          string            `json:"id,omitempty"`
	Label       string            `json:"label"`
	Name        string            `json:"name,omitempty"`
	Probability float64           `json:"probability"`
	Top         []classify.Scored `json:"top"`
	// Urgency is the urgency model's most probable urgency, when the
	// bundle has one.
	Urgency            string  `json:"urgency,omitempty"`
	UrgencyProbability float64 `json:"urgency_probability,omitempty"`
	Error              string  `json:"error,omitempty"`
}

func runClassify(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("classify", flag.ContinueOnError)
	modelDir := fs.String("model", "", "model bundle directory")
	top := fs.Int("top", 3, "how many labels to list per report")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *modelDir == "" {
		fs.Usage()
		return usageErr("classify needs --model")
	}
	if err := ort.Init(); err != nil {
		return err
	}
	tax, err := datasets.Default()
	if err != nil {
		return err
	}
	m, err := model.Open(*modelDir, tax.Name)
	if err != nil {
		return err
	}
	defer m.Close()
	out := newBatchClassifier(ctx, m, *top, os.Stdout)
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 0, 64*1024), jsonl.MaxLineBytes)
	for line := 1; sc.Scan(); line++ {
		raw := strings.TrimSpace(sc.Text())
		if raw == "" {
			continue
		}
		if err := out.add(parseInput(line, raw)); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("reading stdin: %w", err)
	}
	return out.flush()
}

// batchClassifier classifies stdin's reports a batch at a time and writes
// one JSON line per report in input order, bad lines' errors included.
type batchClassifier struct {
	ctx   context.Context
	m     *model.Model
	top   int
	w     *bufio.Writer
	enc   *json.Encoder
	batch []classifyOutput
	texts []string
}

func newBatchClassifier(ctx context.Context, m *model.Model, top int, dst io.Writer) *batchClassifier {
	w := bufio.NewWriter(dst)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return &batchClassifier{ctx: ctx, m: m, top: top, w: w, enc: enc}
}

// add queues one parsed line, classifying the batch once it is full.
func (b *batchClassifier) add(o classifyOutput, text string) error {
	b.batch = append(b.batch, o)
	if o.Error == "" {
		b.texts = append(b.texts, text)
	}
	if len(b.batch) < classifyBatch {
		return nil
	}
	return b.flush()
}

// flush classifies the queued reports and writes every queued line.
func (b *batchClassifier) flush() error {
	preds, err := b.m.ClassifyWithUrgency(b.ctx, b.texts, b.top)
	if err != nil {
		return err
	}
	j := 0
	for _, o := range b.batch {
		if o.Error == "" {
			p := preds[j]
			o.Label, o.Name, o.Probability, o.Top = p.Label, p.Name, p.Probability, p.Top
			u := p.TopUrgency()
			o.Urgency, o.UrgencyProbability = u.Label, u.Probability
			j++
		}
		if err := b.enc.Encode(o); err != nil {
			return err
		}
	}
	b.batch, b.texts = b.batch[:0], b.texts[:0]
	return b.w.Flush()
}

// parseInput reads one stdin line: a JSON object with "text" (and optional
// "title", "id"), or plain text.
func parseInput(line int, raw string) (classifyOutput, string) {
	o := classifyOutput{Line: line}
	if !strings.HasPrefix(raw, "{") {
		return o, raw
	}
	rec, err := jsonl.ParseLine([]byte(raw), false)
	if err != nil {
		o.Error = fmt.Sprintf("line %d: %v", line, err)
		return o, ""
	}
	o.ID = rec.ID
	return o, rec.Input()
}
