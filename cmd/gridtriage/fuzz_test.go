package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/gridtriage/gridtriage"
	"github.com/gridtriage/gridtriage/dispatch"
)

// FuzzDecodeRequests feeds arbitrary bodies to the JSON decoding and
// validation of every request type: each must end in a decoded request or
// a 4xx answer, never a panic, and never a 5xx.
func FuzzDecodeRequests(f *testing.F) {
	for _, seed := range []string{
		`{"text":"井盖没了"}`,
		`{"reports":[{"title":"欠薪","text":"老板拖欠工资"}],"top_k":5}`,
		`{"external_id":"x","text":"路灯不亮","location":{"lat":91,"lng":0},"reported_at":"2026-11-28T08:00:00Z"}`,
		`{"status":"closed","rating":7}`,
		`{"label":"SZ02","lead_dept":"ZJ","note":"现场核实"}`,
		`{"text":"a"}{"text":"b"}`, `[1,2,3]`, `{"text":` + "\"\xff\"}", `{"reports":[]}`, `null`, ``,
	} {
		f.Add([]byte(seed))
	}
	gin.SetMode(gin.ReleaseMode)
	f.Fuzz(func(t *testing.T, body []byte) {
		targets := []func() any{
			func() any { return new(classifyRequest) },
			func() any { return new(gridtriage.Report) },
			func() any { return new(patchRequest) },
			func() any { return new(dispatch.ReviewRequest) },
		}
		for _, target := range targets {
			w := httptest.NewRecorder()
			c, _ := gin.CreateTestContext(w)
			c.Request = httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
			limitBody(c)
			v := target()
			if !decodeJSON(c, v) {
				if w.Code < 400 || w.Code >= 500 {
					t.Fatalf("refused body answered %d", w.Code)
				}
				continue
			}
			validateDecoded(t, v)
		}
	})
}

// validateDecoded runs the checks a handler runs on a decoded request; they
// may refuse it, but only as invalid input.
func validateDecoded(t *testing.T, v any) {
	var err error
	switch r := v.(type) {
	case *classifyRequest:
		items := r.Reports
		if items == nil {
			items = []classifyItem{r.classifyItem}
		}
		err = checkBatch(items)
	case *gridtriage.Report:
		err = r.Validate()
	case *patchRequest:
		if r.Status != "" {
			err = gridtriage.CheckTransition(gridtriage.StatusDispatched, r.Status)
		}
	}
	if err != nil {
		if k := gridtriage.KindOf(err); k != gridtriage.KindInvalid && k != gridtriage.KindConflict {
			t.Fatalf("validation failed as %v: %v", k, err)
		}
	}
}
