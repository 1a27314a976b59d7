package main

import (
	"github.com/gin-gonic/gin"

	"github.com/gridtriage/gridtriage/auth"
)

// access is how a route authenticates its caller.
type access int

const (
	public  access = iota // no credentials
	bearer                // Authorization: Bearer TOKEN
	session               // the review page's sign-in cookie (+ CSRF on POST)
)

// route is one endpoint: the single place that says who may call what. The
// README's endpoint table is checked against it.
type route struct {
	method, path string
	access       access
	roles        []auth.Role // besides admin, who is allowed everywhere
	// shed marks model-bound work counted against the concurrency bound.
	shed    bool
	handler func(*server, *gin.Context)
}

var (
	platform    = []auth.Role{auth.Platform}
	dispatchers = []auth.Role{auth.Dispatcher}
	analysts    = []auth.Role{auth.Analyst}
	adminsOnly  = []auth.Role{}
)

// routes lists every endpoint of the server.
func routes() []route {
	return []route{
		{"GET", "/healthz", public, nil, false, (*server).healthz},
		{"GET", "/readyz", public, nil, false, (*server).readyz},
		{"POST", "/v1/classify", bearer, []auth.Role{auth.Platform, auth.Dispatcher, auth.Analyst}, true, (*server).classify},
		{"GET", "/v1/model", bearer, analysts, false, (*server).modelInfo},
		{"GET", "/v1/metrics", bearer, analysts, false, (*server).metrics},
		{"GET", "/v1/feedback", bearer, analysts, false, (*server).exportFeedback},
		{"POST", "/v1/admin/model/reload", bearer, analysts, false, (*server).reloadModel},
		{"POST", "/v1/dispatch", bearer, []auth.Role{auth.Platform, auth.Dispatcher, auth.Analyst}, true, (*server).dispatchPreview},
		{"POST", "/v1/cases", bearer, platform, true, (*server).createCase},
		{"GET", "/v1/cases", bearer, []auth.Role{auth.Platform, auth.Dispatcher}, false, (*server).listCases},
		{"GET", "/v1/cases/search", bearer, dispatchers, false, (*server).searchCases},
		{"GET", "/v1/cases/:id", bearer, []auth.Role{auth.Platform, auth.Dispatcher}, false, (*server).getCase},
		{"GET", "/v1/cases/:id/original", bearer, dispatchers, false, (*server).getOriginal},
		{"GET", "/v1/cases/:id/similar", bearer, dispatchers, false, (*server).similarCases},
		{"PATCH", "/v1/cases/:id", bearer, dispatchers, false, (*server).patchCase},
		{"GET", "/v1/review", bearer, dispatchers, false, (*server).reviewQueue},
		{"POST", "/v1/review/:id", bearer, dispatchers, false, (*server).review},
		{"GET", "/v1/audit", bearer, adminsOnly, false, (*server).auditLog},
		{"GET", "/review/login", public, nil, false, (*server).loginPage},
		{"POST", "/review/login", public, nil, false, (*server).login},
		{"POST", "/review/logout", session, dispatchers, false, (*server).logout},
		{"GET", "/review", session, dispatchers, false, (*server).reviewPage},
		{"POST", "/review/:id", session, dispatchers, false, (*server).reviewSubmit},
	}
}

// router builds the gin engine: common middleware, then each route behind
// its access check, rate limit and (for model-bound work) the concurrency
// bound.
func (s *server) router() *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(s.recoverJSON, s.logRequests, limitBody, s.timeout)
	r.HandleMethodNotAllowed = true
	r.NoRoute(s.noRoute)
	r.NoMethod(s.noMethod)
	s.pages = s.reviewTemplates()
	for _, rt := range routes() {
		chain := []gin.HandlerFunc{}
		switch rt.access {
		case bearer:
			chain = append(chain, s.requireToken(rt.roles), s.rateLimit)
		case session:
			chain = append(chain, s.requireSession(rt.roles), s.rateLimit)
		default:
			if rt.method != "GET" {
				chain = append(chain, s.rateLimit)
			}
		}
		if rt.shed {
			chain = append(chain, s.shedLoad)
		}
		h := rt.handler
		chain = append(chain, func(c *gin.Context) { h(s, c) })
		r.Handle(rt.method, rt.path, chain...)
	}
	return r
}
