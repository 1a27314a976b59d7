package main

import (
	"bufio"
	"net/http"

	"github.com/gin-gonic/gin"
)

// metrics handles GET /v1/metrics: what the service has seen and how the
// model fares with the reviewers.
func (s *server) metrics(c *gin.Context) {
	st, err := s.store.Stats(c.Request.Context())
	if err != nil {
		writeError(c, err)
		return
	}
	out := gin.H{"cases": st, "model_version": s.models.version(), "uptime_seconds": int(s.now().Sub(s.started).Seconds())}
	if reviewed := st.Confirmed + st.Corrected; reviewed > 0 {
		out["review_agreement"] = float64(st.Confirmed) / float64(reviewed)
	}
	c.JSON(http.StatusOK, out)
}

// exportFeedback handles GET /v1/feedback: every review as training JSONL,
// personal data redacted.
func (s *server) exportFeedback(c *gin.Context) {
	list, err := s.store.Feedback(c.Request.Context())
	if err != nil {
		writeError(c, err)
		return
	}
	if !s.audit(c, "feedback.export", "", "") {
		return
	}
	c.Header("Content-Type", "application/x-ndjson; charset=utf-8")
	c.Status(http.StatusOK)
	w := bufio.NewWriter(c.Writer)
	if err := writeFeedback(w, list); err == nil {
		w.Flush()
	}
}
