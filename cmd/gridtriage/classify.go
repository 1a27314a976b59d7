package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
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
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 0, 64*1024), jsonl.MaxLineBytes)
	var batch []classifyOutput
	var texts []string
	flush := func() error {
		preds, err := m.ClassifyWithUrgency(ctx, texts, *top)
		if err != nil {
			return err
		}
		j := 0
		for _, o := range batch {
			if o.Error == "" {
				p := preds[j]
				o.Label, o.Name, o.Probability, o.Top = p.Label, p.Name, p.Probability, p.Top
				u := p.TopUrgency()
				o.Urgency, o.UrgencyProbability = u.Label, u.Probability
				j++
			}
			if err := enc.Encode(o); err != nil {
				return err
			}
		}
		batch, texts = batch[:0], texts[:0]
		return w.Flush()
	}
	for line := 1; sc.Scan(); line++ {
		raw := strings.TrimSpace(sc.Text())
		if raw == "" {
			continue
		}
		o, text := parseInput(line, raw)
		batch = append(batch, o)
		if o.Error == "" {
			texts = append(texts, text)
		}
		if len(batch) >= classifyBatch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("reading stdin: %w", err)
	}
	return flush()
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
