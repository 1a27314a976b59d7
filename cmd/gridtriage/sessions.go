package main

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/gridtriage/gridtriage"
	"github.com/gridtriage/gridtriage/auth"
)

// sessionCookie names the review page's sign-in cookie.
const sessionCookie = "gridtriage_session"

// sessionKey is where the signed-in session is kept in a gin context.
const sessionKey = "session"

// crossOrigin refuses state-changing browser requests from other origins
// (Sec-Fetch-Site / Origin checks of the standard library).
var crossOrigin = http.NewCrossOriginProtection()

// requireSession admits a signed-in browser whose role is among roles.
// Without a session a page is redirected to the sign-in form; a form post
// must come from this origin and carry the session's CSRF token.
func (s *server) requireSession(roles []auth.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		var sess *auth.Session
		if id, err := c.Cookie(sessionCookie); err == nil {
			sess, _ = s.sessions.Get(id)
		}
		if sess == nil {
			c.Redirect(http.StatusSeeOther, "/review/login")
			c.Abort()
			return
		}
		if c.Request.Method != http.MethodGet && !s.sameOriginForm(c, sess) {
			return
		}
		c.Set(sessionKey, sess)
		authorize(c, sess.Principal, roles)
	}
}

// sameOriginForm checks a form post against cross-site request forgery:
// 403 unless it comes from this origin with the session's CSRF token.
func (s *server) sameOriginForm(c *gin.Context, sess *auth.Session) bool {
	if err := crossOrigin.Check(c.Request); err != nil {
		writeError(c, gridtriage.Errorf("auth", gridtriage.KindForbidden, "cross-origin form posts are refused"))
		return false
	}
	if !sess.CheckCSRF(c.PostForm("csrf")) {
		writeError(c, gridtriage.Errorf("auth", gridtriage.KindForbidden, "the form's CSRF token is missing or wrong; reload the page"))
		return false
	}
	return true
}

// currentSession is the signed-in session of c.
func currentSession(c *gin.Context) *auth.Session {
	v, _ := c.Get(sessionKey)
	sess, _ := v.(*auth.Session)
	if sess == nil {
		return &auth.Session{}
	}
	return sess
}

// loginPage handles GET /review/login.
func (s *server) loginPage(c *gin.Context) {
	s.renderPage(c, http.StatusOK, "login.html", map[string]any{"Message": c.Query("msg")})
}

// login handles POST /review/login: a dispatcher's (or admin's) token opens
// a session held in an HttpOnly, SameSite=Strict cookie.
func (s *server) login(c *gin.Context) {
	if err := crossOrigin.Check(c.Request); err != nil {
		writeError(c, gridtriage.Errorf("auth", gridtriage.KindForbidden, "cross-origin sign-in is refused"))
		return
	}
	p, ok := s.tokens.Authenticate(strings.TrimSpace(c.PostForm("token")))
	if !ok || !p.Allowed([]auth.Role{auth.Dispatcher}) {
		msg := "令牌无效"
		status := http.StatusUnauthorized
		if ok {
			msg, status = "该令牌没有调度员权限", http.StatusForbidden
		}
		s.renderPage(c, status, "login.html", map[string]any{"Message": msg})
		return
	}
	sess, err := s.sessions.Start(p)
	if err != nil {
		writeError(c, gridtriage.E("auth.Login", gridtriage.KindInternal, err))
		return
	}
	c.Set(principalKey, p)
	if !s.audit(c, "review.login", "", "") {
		return
	}
	http.SetCookie(c.Writer, s.cookie(c, sess.ID, int(s.sessions.TTL.Seconds())))
	c.Redirect(http.StatusSeeOther, "/review")
}

// logout handles POST /review/logout.
func (s *server) logout(c *gin.Context) {
	s.sessions.End(currentSession(c).ID)
	http.SetCookie(c.Writer, s.cookie(c, "", -1))
	c.Redirect(http.StatusSeeOther, "/review/login")
}

// cookie is the session cookie: HttpOnly, SameSite=Strict, scoped to the
// review pages, Secure when the request came over TLS.
func (s *server) cookie(c *gin.Context, value string, maxAge int) *http.Cookie {
	secure := c.Request.TLS != nil || c.GetHeader("X-Forwarded-Proto") == "https"
	return &http.Cookie{Name: sessionCookie, Value: value, Path: "/review", MaxAge: maxAge,
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteStrictMode}
}
