package main

import (
	"context"
	"log"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"

	"github.com/gridtriage/gridtriage"
	"github.com/gridtriage/gridtriage/auth"
)

// principalKey is where the authenticated caller is kept in a gin context.
const principalKey = "principal"

// requireToken authenticates the bearer token: 401 when it is missing or
// unknown, 403 when its role is not among roles.
func (s *server) requireToken(roles []auth.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		token, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
		if !ok || token == "" {
			c.Header("WWW-Authenticate", `Bearer realm="gridtriage"`)
			writeError(c, gridtriage.Errorf("auth", gridtriage.KindUnauthenticated, "an Authorization: Bearer token is required"))
			return
		}
		p, ok := s.tokens.Authenticate(strings.TrimSpace(token))
		if !ok {
			c.Header("WWW-Authenticate", `Bearer realm="gridtriage", error="invalid_token"`)
			writeError(c, gridtriage.Errorf("auth", gridtriage.KindUnauthenticated, "the bearer token is not valid"))
			return
		}
		authorize(c, p, roles)
	}
}

// authorize stores p in the context when its role is allowed, or answers
// 403.
func authorize(c *gin.Context, p auth.Principal, roles []auth.Role) {
	if !p.Allowed(roles) {
		writeError(c, gridtriage.Errorf("auth", gridtriage.KindForbidden, "role %s may not %s %s", p.Role, c.Request.Method, c.FullPath()))
		return
	}
	c.Set(principalKey, p)
	c.Next()
}

// principal is the authenticated caller of c (zero on public routes).
func principal(c *gin.Context) auth.Principal {
	p, _ := c.Get(principalKey)
	pr, _ := p.(auth.Principal)
	return pr
}

// audit records that the caller of c did action on caseID. A request whose
// audit entry cannot be written fails: nothing is read unrecorded. Changes
// are audited in their own transaction instead (auditedChange).
func (s *server) audit(c *gin.Context, action, caseID, detail string) bool {
	err := s.store.Audit(c.Request.Context(), s.auditEntry(c, action, caseID, detail))
	if err != nil {
		writeError(c, err)
		return false
	}
	return true
}

// auditEntry is the record that the caller of c did action on caseID.
func (s *server) auditEntry(c *gin.Context, action, caseID, detail string) gridtriage.AuditEntry {
	p := principal(c)
	return gridtriage.AuditEntry{At: s.now(), Actor: p.Name, Role: string(p.Role), Action: action, CaseID: caseID, Detail: detail}
}

// auditedChange is the context of c's request carrying the audit entry of
// the change it makes to a case, which the store writes in the change's
// transaction: a change is never kept unrecorded.
func (s *server) auditedChange(c *gin.Context, action, detail string) context.Context {
	return gridtriage.WithAudit(c.Request.Context(), s.auditEntry(c, action, "", detail))
}

// rateLimiter gives each caller (token name, or client address before
// sign-in) a token bucket.
type rateLimiter struct {
	limit rate.Limit
	burst int
	mu    sync.Mutex
	byKey map[string]*rate.Limiter
}

// maxLimiters bounds the buckets kept for anonymous callers.
const maxLimiters = 10000

func newRateLimiter(perSecond float64, burst int) *rateLimiter {
	return &rateLimiter{limit: rate.Limit(perSecond), burst: burst, byKey: map[string]*rate.Limiter{}}
}

func (l *rateLimiter) get(key string) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	lim, ok := l.byKey[key]
	if !ok {
		if len(l.byKey) >= maxLimiters {
			clear(l.byKey)
		}
		lim = rate.NewLimiter(l.limit, l.burst)
		l.byKey[key] = lim
	}
	return lim
}

// rateLimit answers 429 with Retry-After when the caller exceeds its rate.
func (s *server) rateLimit(c *gin.Context) {
	key := principal(c).Name
	if key == "" {
		key = "ip:" + c.ClientIP()
	}
	res := s.limiter.get(key).Reserve()
	if delay := res.Delay(); delay > 0 {
		res.Cancel()
		c.Header("Retry-After", strconv.Itoa(max(1, int(delay.Seconds()+0.999))))
		writeError(c, gridtriage.Errorf("http", gridtriage.KindRateLimited, "rate limit of %.0f requests per second exceeded", float64(s.limiter.limit)))
		return
	}
	c.Next()
}

// shedLoad bounds the model-bound requests in flight: when all slots are
// taken the request is refused at once with 503 and Retry-After instead of
// queueing without bound.
func (s *server) shedLoad(c *gin.Context) {
	select {
	case s.inflight <- struct{}{}:
		defer func() { <-s.inflight }()
		c.Next()
	default:
		c.Header("Retry-After", "1")
		writeError(c, gridtriage.Errorf("http", gridtriage.KindOverloaded, "the server is at capacity (%d requests in flight); retry shortly", cap(s.inflight)))
	}
}

// timeout gives every request a deadline.
func (s *server) timeout(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.requestTimeout)
	defer cancel()
	c.Request = c.Request.WithContext(ctx)
	c.Next()
}

// limitBody caps every request body at MaxBodyBytes.
func limitBody(c *gin.Context) {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, MaxBodyBytes)
	c.Next()
}

// recoverJSON turns a panic in a handler into a logged 500 JSON error.
func (s *server) recoverJSON(c *gin.Context) {
	defer func() {
		if r := recover(); r != nil {
			if r == http.ErrAbortHandler {
				panic(r)
			}
			log.Printf("panic serving %s %s: %v", c.Request.Method, c.Request.URL.Path, r)
			writeError(c, gridtriage.Errorf("http", gridtriage.KindInternal, "panic: %v", r))
		}
	}()
	c.Next()
}

// logRequests writes one line per request: never the body or the query,
// which may hold residents' personal data.
func (s *server) logRequests(c *gin.Context) {
	if !s.accessLog {
		c.Next()
		return
	}
	start := time.Now()
	c.Next()
	log.Printf("%s %s %d %s %s", c.Request.Method, c.Request.URL.Path, c.Writer.Status(),
		time.Since(start).Round(time.Microsecond), principal(c).Name)
}

func (s *server) noRoute(c *gin.Context) {
	writeError(c, gridtriage.Errorf("http", gridtriage.KindNotFound, "no route %s %s", c.Request.Method, c.Request.URL.Path))
}

func (s *server) noMethod(c *gin.Context) {
	c.AbortWithStatusJSON(http.StatusMethodNotAllowed, errorBody("method_not_allowed", c.Request.Method+" is not allowed on "+c.Request.URL.Path))
}
