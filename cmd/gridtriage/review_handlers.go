package main

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/gridtriage/gridtriage/dispatch"
)

// reviewQueue handles GET /v1/review.
func (s *server) reviewQueue(c *gin.Context) {
	limit, err := queryInt(c, "limit", 100)
	if err != nil {
		writeError(c, err)
		return
	}
	list, err := s.store.ReviewQueue(c.Request.Context(), limit)
	s.respondCases(c, "review.queue", list, err)
}

// review handles POST /v1/review/{id}.
func (s *server) review(c *gin.Context) {
	var req dispatch.ReviewRequest
	if !decodeJSON(c, &req) {
		return
	}
	req.Reviewer = principal(c).Name
	kase, err := s.cases.Review(s.auditedChange(c, "case.review", ""), s.store, c.Param("id"), req)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, kase)
}
