package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"sync"
	"time"
)

// Session is a signed-in browser: the principal whose token opened it and
// the token that every form it posts must carry (against cross-site
// request forgery).
type Session struct {
	ID        string
	CSRF      string
	Principal Principal
	Expires   time.Time
}

// CheckCSRF reports whether token is the session's form token, in constant
// time.
func (s *Session) CheckCSRF(token string) bool {
	return token != "" && subtle.ConstantTimeCompare([]byte(token), []byte(s.CSRF)) == 1
}

// Sessions keeps browser sessions in memory: a restart signs everyone out.
// The number of live sessions is bounded; the oldest is dropped first.
type Sessions struct {
	TTL time.Duration
	Max int
	Now func() time.Time

	mu   sync.Mutex
	byID map[string]*Session
}

// NewSessions returns a store of sessions that last ttl, at most limit at
// once.
func NewSessions(ttl time.Duration, limit int) *Sessions {
	return &Sessions{TTL: ttl, Max: limit, Now: time.Now, byID: map[string]*Session{}}
}

// Start opens a session for p.
func (s *Sessions) Start(p Principal) (*Session, error) {
	id, err := randomString()
	if err != nil {
		return nil, err
	}
	csrf, err := randomString()
	if err != nil {
		return nil, err
	}
	sess := &Session{ID: id, CSRF: csrf, Principal: p, Expires: s.Now().Add(s.TTL)}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dropExpired()
	if len(s.byID) >= s.Max {
		s.dropOldest()
	}
	s.byID[id] = sess
	return sess, nil
}

// Get returns the live session with id.
func (s *Sessions) Get(id string) (*Session, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.byID[id]
	if !ok || s.Now().After(sess.Expires) {
		delete(s.byID, id)
		return nil, false
	}
	return sess, true
}

// End closes the session with id.
func (s *Sessions) End(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.byID, id)
}

func (s *Sessions) dropExpired() {
	now := s.Now()
	for id, sess := range s.byID {
		if now.After(sess.Expires) {
			delete(s.byID, id)
		}
	}
}

func (s *Sessions) dropOldest() {
	var oldest *Session
	for _, sess := range s.byID {
		if oldest == nil || sess.Expires.Before(oldest.Expires) {
			oldest = sess
		}
	}
	if oldest != nil {
		delete(s.byID, oldest.ID)
	}
}

func randomString() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
