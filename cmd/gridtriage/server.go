package main

import (
	"bytes"
	"context"
	"errors"
	"html/template"
	"io"
	"log"
	"net/http"
	"net/url"
	"time"
	"unicode/utf8"

	"encoding/json"

	"github.com/gin-gonic/gin"

	"github.com/gridtriage/gridtriage"
	"github.com/gridtriage/gridtriage/datasets"
	"github.com/gridtriage/gridtriage/dispatch"
	"github.com/gridtriage/gridtriage/dispatch/search"
	"github.com/gridtriage/gridtriage/dispatch/sqlite"
)

// MaxBodyBytes is the largest request body accepted.
const MaxBodyBytes = 1 << 20

// server holds what the HTTP handlers need.
type server struct {
	models   *modelHolder
	store    *sqlite.DB
	index    *search.Index
	dataDir  string
	pages    *template.Template
	cases    *dispatch.Service
	taxonomy *datasets.Taxonomy
	now      func() time.Time
	reload   func() error // reloads the model from its directory
	started  time.Time
}

// router builds the gin engine with every route.
func (s *server) router() *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(gin.Recovery(), limitBody)
	r.HandleMethodNotAllowed = true
	r.NoRoute(func(c *gin.Context) {
		writeError(c, gridtriage.Errorf("http", gridtriage.KindNotFound, "no route %s %s", c.Request.Method, c.Request.URL.Path))
	})
	r.NoMethod(func(c *gin.Context) {
		c.AbortWithStatusJSON(http.StatusMethodNotAllowed, errorBody("method_not_allowed", c.Request.Method+" is not allowed on "+c.Request.URL.Path))
	})
	r.GET("/healthz", s.healthz)
	r.GET("/readyz", s.readyz)
	s.pages = s.reviewTemplate()
	r.GET("/review", s.reviewPage)
	r.POST("/review/:id", s.reviewSubmit)
	v1 := r.Group("/v1")
	v1.POST("/classify", s.classify)
	v1.GET("/model", s.modelInfo)
	v1.POST("/admin/model/reload", s.reloadModel)
	v1.POST("/cases", s.createCase)
	v1.GET("/cases", s.listCases)
	v1.GET("/cases/search", s.searchCases)
	v1.GET("/cases/:id", s.getCase)
	v1.GET("/cases/:id/similar", s.similarCases)
	v1.PATCH("/cases/:id", s.patchCase)
	v1.GET("/review", s.reviewQueue)
	v1.POST("/review/:id", s.review)
	return r
}

// limitBody caps every request body at MaxBodyBytes.
func limitBody(c *gin.Context) {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, MaxBodyBytes)
	c.Next()
}

// statusOf maps an error kind to its HTTP status: the one place where that
// mapping lives.
func statusOf(k gridtriage.Kind) int {
	switch k {
	case gridtriage.KindInvalid:
		return http.StatusUnprocessableEntity
	case gridtriage.KindNotFound:
		return http.StatusNotFound
	case gridtriage.KindConflict:
		return http.StatusConflict
	case gridtriage.KindTooLarge:
		return http.StatusRequestEntityTooLarge
	case gridtriage.KindUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func errorBody(code, msg string) gin.H { return gin.H{"error": apiError{Code: code, Message: msg}} }

// writeError writes err as {"error": {"code", "message"}} with its status.
func writeError(c *gin.Context, err error) {
	kind := gridtriage.KindOf(err)
	status := statusOf(kind)
	msg := err.Error()
	var ge *gridtriage.Error
	if errors.As(err, &ge) {
		msg = ge.Err.Error()
	}
	if status == http.StatusInternalServerError {
		log.Printf("%s %s: %v", c.Request.Method, c.Request.URL.Path, err)
		msg = "internal error"
	}
	if status == http.StatusServiceUnavailable {
		c.Header("Retry-After", "5")
	}
	c.AbortWithStatusJSON(status, errorBody(kind.String(), msg))
}

// decodeJSON reads the body into v: 413 past the size limit, 400 for
// invalid UTF-8 or JSON.
func decodeJSON(c *gin.Context, v any) bool {
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(c, gridtriage.Errorf("http", gridtriage.KindTooLarge, "request body is larger than %d bytes", MaxBodyBytes))
			return false
		}
		c.AbortWithStatusJSON(http.StatusBadRequest, errorBody("bad_request", "reading the body: "+err.Error()))
		return false
	}
	if !utf8.Valid(body) {
		c.AbortWithStatusJSON(http.StatusBadRequest, errorBody("invalid_utf8", "the body is not valid UTF-8"))
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		c.AbortWithStatusJSON(http.StatusBadRequest, errorBody("invalid_json", "the body is not valid JSON for this endpoint: "+err.Error()))
		return false
	}
	if dec.More() {
		c.AbortWithStatusJSON(http.StatusBadRequest, errorBody("invalid_json", "the body holds more than one JSON value"))
		return false
	}
	return true
}

func (s *server) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// readyz is OK when the database answers and a model is loaded.
func (s *server) readyz(c *gin.Context) {
	if err := s.store.Ping(c.Request.Context()); err != nil {
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "database unavailable"})
		return
	}
	m, release := s.models.acquire()
	defer release()
	c.JSON(http.StatusOK, gin.H{"status": "ready", "model_version": m.Version(), "uptime_seconds": int(time.Since(s.started).Seconds())})
}

// currentVersion is the serving model's version.
func (s *server) currentVersion() string { return s.models.version() }

// ctx is the context of background lookups made while rendering pages.
func (s *server) ctx() context.Context { return context.Background() }

func urlEscape(v string) string { return url.QueryEscape(v) }
