package jsonl

import (
	"strings"
	"testing"
)

func FuzzParseLine(f *testing.F) {
	for _, s := range []string{`{"text":"井盖没了","label":"SZ02"}`, `{"title":"t","text":""}`, `{"id":5,"text":"a"}`, `[1]`, `{"text":null}`, "\xff", `{"text":"a","label":3}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		rec, err := ParseLine([]byte(line), true)
		if err != nil {
			return
		}
		if strings.TrimSpace(rec.Input()) == "" || strings.TrimSpace(rec.Label) == "" {
			t.Fatalf("accepted %q with empty input or label: %+v", line, rec)
		}
		if _, err := Read(strings.NewReader(line+"\n"), "fuzz", Options{RequireLabel: true}); err != nil {
			t.Fatalf("ParseLine accepted %q but Read refused it: %v", line, err)
		}
	})
}
