package main

import (
	"embed"
	"fmt"
	"html/template"
	"log"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/gridtriage/gridtriage"
	"github.com/gridtriage/gridtriage/datasets"
	"github.com/gridtriage/gridtriage/dispatch"
	"github.com/gridtriage/gridtriage/dispatch/search"
)

//go:embed templates/*.html
var templates embed.FS

// reviewTemplates parses the dispatchers' pages: the review queue and the
// sign-in form.
func (s *server) reviewTemplates() *template.Template {
	return template.Must(template.New("review.html").Funcs(template.FuncMap{
		"pct":     func(f float64) string { return fmt.Sprintf("%.1f%%", 100*f) },
		"fmtTime": func(t time.Time) string { return t.In(time.Local).Format("01-02 15:04") },
		"urgency": func(u string) string { return datasets.Urgency(u).Chinese() },
		"join":    strings.Join,
		"short": func(s string) string {
			if utf8.RuneCountInString(s) <= 60 {
				return s
			}
			return string([]rune(s)[:60]) + "…"
		},
		"similar": func(id string) []searchResult {
			kase, err := s.store.Get(s.ctx(), id)
			if err != nil {
				return nil
			}
			hits, err := s.index.Search(search.Query{Text: kase.Input(), Exclude: id, Size: 3})
			if err != nil {
				return nil
			}
			return s.hitsToResults(hits)
		},
	}).ParseFS(templates, "templates/review.html", "templates/login.html"))
}

// reviewPage handles GET /review.
func (s *server) reviewPage(c *gin.Context) {
	list, err := s.store.ReviewQueue(c.Request.Context(), 50)
	if err != nil {
		writeError(c, err)
		return
	}
	if !s.audit(c, "review.queue", "", caseIDs(list)) {
		return
	}
	sess := currentSession(c)
	s.renderPage(c, http.StatusOK, "review.html", map[string]any{
		"Cases": list, "Categories": s.taxonomy.Categories, "Message": c.Query("msg"),
		"Reviewer": sess.Principal.Name, "CSRF": sess.CSRF,
	})
}

// renderPage writes an HTML page that no cache may keep.
func (s *server) renderPage(c *gin.Context, status int, name string, data any) {
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.Header("Cache-Control", "no-store")
	c.Header("X-Frame-Options", "DENY")
	c.Header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
	c.Status(status)
	if err := s.pages.ExecuteTemplate(c.Writer, name, data); err != nil {
		log.Printf("page %s: %v", name, err)
	}
}

// reviewSubmit handles the page's form: confirm the model's category or
// correct it, then show the queue again.
func (s *server) reviewSubmit(c *gin.Context) {
	req := dispatch.ReviewRequest{Label: c.PostForm("confirm"), Reviewer: principal(c).Name, Note: c.PostForm("note"),
		Urgency: c.PostForm("urgency")}
	if c.PostForm("action") == "correct" {
		req.Label = c.PostForm("label")
	}
	kase, err := s.cases.Review(s.auditedChange(c, "case.review", ""), s.store, c.Param("id"), req)
	msg := ""
	switch {
	case err != nil && gridtriage.KindOf(err) == gridtriage.KindInternal:
		msg = "未能处理：内部错误"
	case err != nil:
		msg = "未能处理：" + unwrapMsg(err)
	default:
		msg = fmt.Sprintf("事件 %s 已按 %s（%s）分派给 %s，紧急程度 %s", kase.ID, kase.CategoryName, kase.Category, kase.LeadDept,
			datasets.Urgency(kase.Urgency).Chinese())
	}
	c.Redirect(http.StatusSeeOther, "/review?msg="+urlEscape(msg))
}
