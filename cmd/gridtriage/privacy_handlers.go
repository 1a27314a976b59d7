package main

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/gridtriage/gridtriage"
)

// getOriginal handles GET /v1/cases/{id}/original: the unmasked report,
// decrypted, for the roles that must call the resident back.
func (s *server) getOriginal(c *gin.Context) {
	const op = "cases.Original"
	kase, ok := s.readableCase(c)
	if !ok {
		return
	}
	sealed, err := s.store.SealedOriginal(c.Request.Context(), kase.ID)
	if err != nil {
		writeError(c, err)
		return
	}
	orig, err := s.protector.Open(sealed, kase.ExternalID)
	if err != nil {
		writeError(c, gridtriage.E(op, gridtriage.KindUnavailable, err))
		return
	}
	if !s.audit(c, "case.original", kase.ID, "") {
		return
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, gin.H{"id": kase.ID, "external_id": kase.ExternalID, "original": orig})
}

// auditLog handles GET /v1/audit?case_id=&actor=&limit=.
func (s *server) auditLog(c *gin.Context) {
	limit, err := queryInt(c, "limit", 100)
	if err != nil {
		writeError(c, err)
		return
	}
	entries, err := s.store.AuditLog(c.Request.Context(), gridtriage.AuditFilter{CaseID: c.Query("case_id"), Actor: c.Query("actor"), Limit: limit})
	if err != nil {
		writeError(c, err)
		return
	}
	if entries == nil {
		entries = []gridtriage.AuditEntry{}
	}
	c.JSON(http.StatusOK, gin.H{"entries": entries, "count": len(entries)})
}
