// Package jsonl reads labelled and unlabelled reports in the project's JSONL
// format: one JSON object per line with "text" (required), optional "title",
// and "label" (required for training and evaluation). Other fields are kept
// when they are known and ignored otherwise.
package jsonl

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/gridtriage/gridtriage"
)

// MaxLineBytes is the longest line accepted.
const MaxLineBytes = 4 << 20

// Record is one report.
type Record struct {
	ID      string `json:"id,omitempty"`
	Title   string `json:"title,omitempty"`
	Text    string `json:"text"`
	Label   string `json:"label,omitempty"`
	Urgency string `json:"urgency,omitempty"`
	Channel string `json:"channel,omitempty"`
	Line    int    `json:"-"` // 1-based line number in its file
}

// Input is the string the classifier sees: title, a newline, then text when
// a title is present, else text.
func (r Record) Input() string {
	if r.Title != "" {
		return r.Title + "\n" + r.Text
	}
	return r.Text
}

// Options control reading.
type Options struct {
	RequireLabel bool // a line without "label" is bad
	SkipBad      bool // skip bad lines instead of failing
}

// Result is what Read returns: the records and how many bad lines were
// skipped.
type Result struct {
	Records []Record
	Skipped int
}

// ReadFile reads the JSONL file at path.
func ReadFile(path string, opt Options) (Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return Result{}, gridtriage.E("jsonl.Read", gridtriage.KindNotFound, err)
	}
	defer f.Close()
	return Read(f, path, opt)
}

// Read reads JSONL from r; name is used in error messages. A bad line fails
// the read with its line number unless opt.SkipBad is set. Blank lines are
// ignored.
func Read(r io.Reader, name string, opt Options) (Result, error) {
	var res Result
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), MaxLineBytes)
	line := 0
	for sc.Scan() {
		line++
		raw := sc.Bytes()
		if len(strings.TrimSpace(string(raw))) == 0 {
			continue
		}
		rec, err := ParseLine(raw, opt.RequireLabel)
		if err != nil {
			if opt.SkipBad {
				res.Skipped++
				continue
			}
			return res, gridtriage.Errorf("jsonl.Read", gridtriage.KindInvalid, "%s:%d: %v", name, line, err)
		}
		rec.Line = line
		res.Records = append(res.Records, rec)
	}
	if err := sc.Err(); err != nil {
		return res, gridtriage.Errorf("jsonl.Read", gridtriage.KindInvalid, "%s:%d: %v", name, line+1, err)
	}
	return res, nil
}

// ParseLine decodes one JSONL line and checks it.
func ParseLine(raw []byte, requireLabel bool) (Record, error) {
	var rec Record
	if !utf8.Valid(raw) {
		return rec, fmt.Errorf("not valid UTF-8")
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return rec, fmt.Errorf("not a JSON object: %v", err)
	}
	for _, f := range []struct {
		key string
		dst *string
	}{{"id", &rec.ID}, {"title", &rec.Title}, {"text", &rec.Text}, {"label", &rec.Label}, {"urgency", &rec.Urgency}, {"channel", &rec.Channel}} {
		v, ok := fields[f.key]
		if !ok || string(v) == "null" {
			continue
		}
		if err := json.Unmarshal(v, f.dst); err != nil {
			if f.key == "id" { // numeric ids are accepted as they are written
				*f.dst = string(v)
				continue
			}
			return rec, fmt.Errorf("%q must be a string", f.key)
		}
	}
	if _, ok := fields["text"]; !ok {
		return rec, fmt.Errorf(`missing "text"`)
	}
	if strings.TrimSpace(rec.Input()) == "" {
		return rec, fmt.Errorf(`"text" is empty`)
	}
	if requireLabel && strings.TrimSpace(rec.Label) == "" {
		return rec, fmt.Errorf(`missing "label"`)
	}
	return rec, nil
}
