package jsonl

import (
	"strings"
	"testing"

	"github.com/gridtriage/gridtriage"
)

func TestReadBadLines(t *testing.T) {
	tests := []struct {
		name, input, wantErr string
	}{
		{"not json", "{\"text\":\"a\",\"label\":\"x\"}\nnot json\n", "in.jsonl:2: not a JSON object"},
		{"missing text", "{\"label\":\"x\"}\n", "in.jsonl:1: missing \"text\""},
		{"empty text", "{\"text\":\"  \",\"label\":\"x\"}\n", "in.jsonl:1: \"text\" is empty"},
		{"missing label", "{\"text\":\"a\",\"label\":\"x\"}\n\n{\"text\":\"b\"}\n", "in.jsonl:3: missing \"label\""},
		{"text not a string", "{\"text\":5,\"label\":\"x\"}\n", "in.jsonl:1: \"text\" must be a string"},
		{"invalid utf-8", "{\"text\":\"\xff\",\"label\":\"x\"}\n", "in.jsonl:1: not valid UTF-8"},
		{"array", "[1,2]\n", "in.jsonl:1: not a JSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tt.input), "in.jsonl", Options{RequireLabel: true})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
			}
			if gridtriage.KindOf(err) != gridtriage.KindInvalid {
				t.Errorf("kind = %v, want invalid", gridtriage.KindOf(err))
			}
		})
	}
}

func TestReadSkipBad(t *testing.T) {
	in := "{\"text\":\"a\",\"label\":\"x\"}\nbroken\n{\"title\":\"t\",\"text\":\"b\",\"label\":\"y\",\"extra\":1}\n{\"text\":\"\"}\n"
	res, err := Read(strings.NewReader(in), "in", Options{RequireLabel: true, SkipBad: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Records) != 2 || res.Skipped != 2 {
		t.Fatalf("got %d records, %d skipped; want 2 and 2", len(res.Records), res.Skipped)
	}
	if got := res.Records[1].Input(); got != "t\nb" || res.Records[1].Line != 3 {
		t.Errorf("second record input %q line %d, want \"t\\nb\" line 3", got, res.Records[1].Line)
	}
}

func TestNumericIDAccepted(t *testing.T) {
	res, err := Read(strings.NewReader(`{"id": 24, "text": "a"}`), "in", Options{})
	if err != nil || res.Records[0].ID != "24" {
		t.Fatalf("res %+v err %v", res, err)
	}
}
