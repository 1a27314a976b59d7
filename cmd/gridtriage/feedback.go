package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/gridtriage/gridtriage"
	"github.com/gridtriage/gridtriage/privacy"
)

// feedbackRecord is one exported example, in the training JSONL format.
type feedbackRecord struct {
	ID        string `json:"id"`
	Title     string `json:"title,omitempty"`
	Text      string `json:"text"`
	Label     string `json:"label"`
	Urgency   string `json:"urgency,omitempty"` // set only when the reviewer set it
	Predicted string `json:"predicted"`
	Corrected bool   `json:"corrected"`
	Reviewer  string `json:"reviewer"`
	At        string `json:"at"`
}

// runFeedback handles `gridtriage feedback export --data-dir DIR`: every
// confirmation and correction, as training JSONL on stdout.
func runFeedback(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "export" {
		return usageErr("usage: gridtriage feedback export --data-dir DIR > new.jsonl")
	}
	fs := flag.NewFlagSet("feedback export", flag.ContinueOnError)
	dataDir := fs.String("data-dir", "var", "the server's data directory")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	db, err := openExistingDB(ctx, *dataDir)
	if err != nil {
		return err
	}
	defer db.Close()
	list, err := db.Feedback(ctx)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(os.Stdout)
	if err := writeFeedback(w, list); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "feedback: exported %d examples\n", len(list))
	return w.Flush()
}

// writeFeedback writes feedback as training JSONL. Texts are redacted again
// on the way out, so an export never carries personal data even from cases
// stored before redaction.
func writeFeedback(w io.Writer, list []gridtriage.Feedback) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, f := range list {
		title, _ := privacy.Redact(f.Title)
		text, _ := privacy.Redact(f.Text)
		rec := feedbackRecord{ID: "fb-" + f.CaseID, Title: title, Text: text, Label: f.Label, Urgency: f.Urgency, Predicted: f.Predicted,
			Corrected: f.Corrected, Reviewer: f.Reviewer, At: f.At.Format("2006-01-02T15:04:05Z07:00")}
		if err := enc.Encode(rec); err != nil {
			return err
		}
	}
	return nil
}
