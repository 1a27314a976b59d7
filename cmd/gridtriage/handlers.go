package main

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/gridtriage/gridtriage"
	"github.com/gridtriage/gridtriage/auth"
	"github.com/gridtriage/gridtriage/classify"
)

// MaxBatch is the largest batch of reports POST /v1/classify accepts.
const MaxBatch = 256

type classifyItem struct {
	Title string `json:"title,omitempty"`
	Text  string `json:"text"`
}

type classifyRequest struct {
	classifyItem
	Reports []classifyItem `json:"reports,omitempty"`
	TopK    int            `json:"top_k,omitempty"`
}

type classifyResult struct {
	Label       string            `json:"label"`
	Name        string            `json:"name,omitempty"`
	Probability float64           `json:"probability"`
	Top         []classify.Scored `json:"top"`
	Reasons     []classify.Reason `json:"reasons,omitempty"`
	// Urgency is the urgency model's most probable urgency, when the
	// bundle has one (a case's urgency also weighs escalation cues: see
	// POST /v1/dispatch).
	Urgency            string  `json:"urgency,omitempty"`
	UrgencyProbability float64 `json:"urgency_probability,omitempty"`
}

// classify handles POST /v1/classify: one report, or a batch under
// "reports".
func (s *server) classify(c *gin.Context) {
	var req classifyRequest
	if !decodeJSON(c, &req) {
		return
	}
	batch := req.Reports != nil
	items := req.Reports
	if !batch {
		items = []classifyItem{req.classifyItem}
	}
	if err := checkBatch(items); err != nil {
		writeError(c, err)
		return
	}
	k := req.TopK
	if k <= 0 {
		k = 3
	}
	texts := make([]string, len(items))
	for i, it := range items {
		texts[i] = gridtriage.Report{Title: it.Title, Text: it.Text}.Input()
	}
	m, release, err := s.models.acquire()
	defer release()
	if err != nil {
		writeError(c, err)
		return
	}
	preds, err := m.ClassifyWithUrgency(c.Request.Context(), texts, k)
	if err != nil {
		writeError(c, err)
		return
	}
	results := make([]classifyResult, len(preds))
	for i, p := range preds {
		u := p.TopUrgency()
		results[i] = classifyResult{Label: p.Label, Name: p.Name, Probability: p.Probability, Top: p.Top, Reasons: p.Reasons,
			Urgency: u.Label, UrgencyProbability: u.Probability}
	}
	if batch {
		c.JSON(http.StatusOK, gin.H{"model_version": m.Version(), "results": results})
		return
	}
	c.JSON(http.StatusOK, struct {
		ModelVersion string `json:"model_version"`
		classifyResult
	}{m.Version(), results[0]})
}

// checkBatch validates the reports of a classify request.
func checkBatch(items []classifyItem) error {
	const op = "classify"
	if len(items) == 0 {
		return gridtriage.Errorf(op, gridtriage.KindInvalid, "reports is empty")
	}
	if len(items) > MaxBatch {
		return gridtriage.Errorf(op, gridtriage.KindInvalid, "batch of %d reports is larger than %d", len(items), MaxBatch)
	}
	for i, it := range items {
		if err := (gridtriage.Report{Title: it.Title, Text: it.Text}).Validate(); err != nil {
			if len(items) > 1 {
				return gridtriage.Errorf(op, gridtriage.KindInvalid, "report %d: %v", i, unwrapMsg(err))
			}
			return err
		}
	}
	return nil
}

func unwrapMsg(err error) string {
	if ge, ok := err.(*gridtriage.Error); ok {
		return ge.Err.Error()
	}
	return err.Error()
}

// modelInfo handles GET /v1/model.
func (s *server) modelInfo(c *gin.Context) {
	m, release, err := s.models.acquire()
	defer release()
	if err != nil {
		writeError(c, err)
		return
	}
	man := m.Bundle.Manifest
	c.JSON(http.StatusOK, gin.H{
		"model_version": man.ModelVersion, "format_version": man.FormatVersion, "created_at": man.CreatedAt,
		"labels": man.Labels, "features": man.Features, "temperature": man.Temperature,
		"dev_metrics": man.DevMetrics, "thresholds": man.Thresholds, "training": man.Training, "dir": m.Dir,
	})
}

// reloadModel handles POST /v1/admin/model/reload.
func (s *server) reloadModel(c *gin.Context) {
	if err := s.reload(); err != nil {
		writeError(c, err)
		return
	}
	version := s.models.version()
	if !s.audit(c, "model.reload", "", version) {
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "reloaded", "model_version": version})
}

// createCase handles POST /v1/cases: 201 for a new case, 200 with the
// existing one for a known external_id.
func (s *server) createCase(c *gin.Context) {
	var r gridtriage.Report
	if !decodeJSON(c, &r) {
		return
	}
	kase, created, err := s.cases.CreateCase(s.auditedChange(c, "case.create", ""), r, principal(c).Name)
	if err != nil {
		writeError(c, err)
		return
	}
	if !created && !s.mayRead(c, kase) {
		writeError(c, gridtriage.Errorf("cases.Create", gridtriage.KindConflict, "external_id %q belongs to another caller's case", r.ExternalID))
		return
	}
	// A repeated external_id returns the stored case: a read.
	if !created && !s.audit(c, "case.read", kase.ID, "") {
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		c.Header("Location", "/v1/cases/"+kase.ID)
	}
	c.JSON(status, kase)
}

// dispatchPreview handles POST /v1/dispatch: the decision a case for the
// report would get now (category, departments, urgency, deadlines, review),
// with nothing stored; external_id is not needed.
func (s *server) dispatchPreview(c *gin.Context) {
	var r gridtriage.Report
	if !decodeJSON(c, &r) {
		return
	}
	dec, err := s.cases.Decide(c.Request.Context(), r)
	if err != nil {
		writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, dec)
}

// getCase handles GET /v1/cases/{id}. A platform caller sees only its own
// cases; another's answers 404, as if it did not exist.
func (s *server) getCase(c *gin.Context) {
	kase, ok := s.readableCase(c)
	if !ok || !s.audit(c, "case.read", kase.ID, "") {
		return
	}
	c.JSON(http.StatusOK, kase)
}

// readableCase loads the case named in the path if the caller may read it,
// or answers the error.
func (s *server) readableCase(c *gin.Context) (*gridtriage.Case, bool) {
	kase, err := s.store.Get(c.Request.Context(), c.Param("id"))
	if err == nil && !s.mayRead(c, kase) {
		err = gridtriage.Errorf("cases.Get", gridtriage.KindNotFound, "no case %q", c.Param("id"))
	}
	if err != nil {
		writeError(c, err)
		return nil, false
	}
	return kase, true
}

// mayRead reports whether the caller may read kase: platform callers only
// their own.
func (s *server) mayRead(c *gin.Context, kase *gridtriage.Case) bool {
	p := principal(c)
	return p.Role != auth.Platform || kase.Owner == p.Name
}

// listCases handles GET /v1/cases?status=&dept=&grid_id=&overdue=true.
func (s *server) listCases(c *gin.Context) {
	f := gridtriage.CaseFilter{Status: gridtriage.Status(c.Query("status")), Dept: c.Query("dept"), GridID: c.Query("grid_id"), Now: s.now()}
	if p := principal(c); p.Role == auth.Platform {
		f.Owner = p.Name
	}
	if f.Status != "" && !f.Status.Valid() {
		writeError(c, gridtriage.Errorf("cases.List", gridtriage.KindInvalid, "unknown status %q", f.Status))
		return
	}
	var err error
	if f.Overdue, err = queryBool(c, "overdue"); err == nil {
		f.Limit, err = queryInt(c, "limit", 100)
	}
	if err == nil {
		f.Offset, err = queryInt(c, "offset", 0)
	}
	if err != nil {
		writeError(c, err)
		return
	}
	list, err := s.store.List(c.Request.Context(), f)
	s.respondCases(c, "case.list", list, err)
}

// respondCases writes a list of cases as {"cases": [...], "count": n}, or
// the error, and audits the read of their ids.
func (s *server) respondCases(c *gin.Context, action string, list []*gridtriage.Case, err error) {
	if err != nil {
		writeError(c, err)
		return
	}
	if !s.audit(c, action, "", caseIDs(list)) {
		return
	}
	if list == nil {
		list = []*gridtriage.Case{}
	}
	c.JSON(http.StatusOK, gin.H{"cases": list, "count": len(list)})
}

type patchRequest struct {
	Status gridtriage.Status `json:"status"`
	Actor  string            `json:"actor,omitempty"`
	Note   string            `json:"note,omitempty"`
	Rating int               `json:"rating,omitempty"`
}

// patchCase handles PATCH /v1/cases/{id}: one lifecycle step.
func (s *server) patchCase(c *gin.Context) {
	var req patchRequest
	if !decodeJSON(c, &req) {
		return
	}
	if req.Status == "" {
		writeError(c, gridtriage.Errorf("cases.Transition", gridtriage.KindInvalid, "status is required"))
		return
	}
	actor := principal(c).Name
	if req.Actor != "" && req.Actor != actor {
		req.Note = strings.TrimSpace("on behalf of " + req.Actor + ". " + req.Note)
	}
	kase, err := s.store.Transition(s.auditedChange(c, "case.transition", string(req.Status)), c.Param("id"), req.Status, actor, req.Note, req.Rating)
	if err != nil {
		writeError(c, err)
		return
	}
	s.indexCase(kase)
	c.JSON(http.StatusOK, kase)
}

func queryBool(c *gin.Context, key string) (bool, error) {
	v := strings.TrimSpace(c.Query(key))
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, gridtriage.Errorf("http", gridtriage.KindInvalid, "%s must be true or false", key)
	}
	return b, nil
}

func queryInt(c *gin.Context, key string, def int) (int, error) {
	v := strings.TrimSpace(c.Query(key))
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, gridtriage.Errorf("http", gridtriage.KindInvalid, "%s must be a non-negative integer", key)
	}
	return n, nil
}

// caseIDs lists the ids of cases, comma-separated, for the audit log.
func caseIDs(list []*gridtriage.Case) string {
	ids := make([]string, len(list))
	for i, k := range list {
		ids[i] = k.ID
	}
	return strings.Join(ids, ",")
}
