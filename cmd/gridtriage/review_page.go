package main

import (
	"embed"
	"fmt"
	"html/template"
	"log"
	"net/http"
	"net/url"
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

// reviewTemplate renders the dispatchers' review page.
func (s *server) reviewTemplate() *template.Template {
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
	}).ParseFS(templates, "templates/review.html"))
}

// reviewPage handles GET /review.
func (s *server) reviewPage(c *gin.Context) {
	list, err := s.store.ReviewQueue(c.Request.Context(), 50)
	if err != nil {
		writeError(c, err)
		return
	}
	data := map[string]any{
		"Cases": list, "Categories": s.taxonomy.Categories, "Message": c.Query("msg"),
		"Reviewer": reviewerName(c), "CSRF": "",
	}
	c.Status(http.StatusOK)
	c.Header("Content-Type", "text/html; charset=utf-8")
	if err := s.pages.Execute(c.Writer, data); err != nil {
		log.Printf("review page: %v", err)
	}
}

// reviewSubmit handles the page's form: confirm the model's category or
// correct it, then show the queue again.
func (s *server) reviewSubmit(c *gin.Context) {
	req := dispatch.ReviewRequest{Label: c.PostForm("confirm"), Reviewer: strings.TrimSpace(c.PostForm("reviewer")), Note: c.PostForm("note")}
	if c.PostForm("action") == "correct" {
		req.Label = c.PostForm("label")
	}
	kase, err := s.cases.Review(c.Request.Context(), s.store, c.Param("id"), req)
	msg := ""
	if err != nil {
		msg = "未能处理：" + unwrapMsg(err)
		if gridtriage.KindOf(err) == gridtriage.KindInternal {
			msg = "未能处理：内部错误"
		}
	} else {
		msg = fmt.Sprintf("事件 %s 已按 %s（%s）分派给 %s", kase.ID, kase.CategoryName, kase.Category, kase.LeadDept)
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: "reviewer", Value: urlEscape(req.Reviewer), Path: "/review", HttpOnly: true, SameSite: http.SameSiteStrictMode})
	c.Redirect(http.StatusSeeOther, "/review?msg="+urlEscape(msg))
}

func reviewerName(c *gin.Context) string {
	if v, err := c.Cookie("reviewer"); err == nil && v != "" {
		if name, err := url.QueryUnescape(v); err == nil {
			return name
		}
	}
	return "调度员"
}
