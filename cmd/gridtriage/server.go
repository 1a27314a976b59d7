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
	"github.com/gridtriage/gridtriage/auth"
	"github.com/gridtriage/gridtriage/datasets"
	"github.com/gridtriage/gridtriage/dispatch"
	"github.com/gridtriage/gridtriage/dispatch/search"
	"github.com/gridtriage/gridtriage/dispatch/sqlite"
	"github.com/gridtriage/gridtriage/privacy"
)

// MaxBodyBytes is the largest request body accepted.
const MaxBodyBytes = 1 << 20

// server holds what the HTTP handlers need.
type server struct {
	tokens         *auth.Tokens
	sessions       *auth.Sessions
	limiter        *rateLimiter
	inflight       chan struct{} // slots of model-bound requests
	requestTimeout time.Duration
	protector      *privacy.Protector
	accessLog      bool
	models         *modelHolder
	store          *sqlite.DB
	index          *search.Index
	dataDir        string
	pages          *template.Template
	cases          *dispatch.Service
	taxonomy       *datasets.Taxonomy
	now            func() time.Time
	reload         func() error // reloads the model from its directory
	started        time.Time
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
	case gridtriage.KindUnavailable, gridtriage.KindOverloaded:
		return http.StatusServiceUnavailable
	case gridtriage.KindUnauthenticated:
		return http.StatusUnauthorized
	case gridtriage.KindForbidden:
		return http.StatusForbidden
	case gridtriage.KindRateLimited:
		return http.StatusTooManyRequests
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
	if status == http.StatusServiceUnavailable && c.Writer.Header().Get("Retry-After") == "" {
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
	_, release, err := s.models.acquire()
	release()
	if err != nil {
		c.Header("Retry-After", "5")
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "no model", "error": unwrapMsg(err)})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready", "model_version": s.models.version(), "uptime_seconds": int(time.Since(s.started).Seconds())})
}

// currentVersion is the serving model's version.
func (s *server) currentVersion() string { return s.models.version() }

// ctx is the context of background lookups made while rendering pages.
func (s *server) ctx() context.Context { return context.Background() }

func urlEscape(v string) string { return url.QueryEscape(v) }
