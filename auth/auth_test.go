package auth

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestTokensRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tokens.tsv")
	platform, err := AddToken(path, "grid-platform", Platform)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := AddToken(path, "ops", Admin)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	if strings.Contains(string(raw), platform) || strings.Contains(string(raw), admin) {
		t.Fatal("the token file holds a token in clear")
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("token file mode %v, want 0600", fi.Mode().Perm())
	}
	toks, err := LoadTokens(path)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		token string
		want  Principal
		ok    bool
	}{
		{platform, Principal{"grid-platform", Platform}, true},
		{admin, Principal{"ops", Admin}, true},
		{platform + "x", Principal{}, false},
		{"", Principal{}, false},
		{strings.TrimPrefix(platform, tokenPrefix), Principal{}, false},
	}
	for _, tt := range tests {
		got, ok := toks.Authenticate(tt.token)
		if ok != tt.ok || got != tt.want {
			t.Errorf("Authenticate(%.8q…) = %v, %v; want %v, %v", tt.token, got, ok, tt.want, tt.ok)
		}
	}
	if _, err := AddToken(path, "ops", Analyst); err == nil {
		t.Error("a second token with the same name was accepted")
	}
}

func TestLoadTokensRejectsBadFiles(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{"empty", "# nothing\n", "holds no tokens"},
		{"fields", "a\tadmin\n", "fields"},
		{"role", "a\troot\t" + Hash("gt_x") + "\n", "unknown role"},
		{"clear token", "a\tadmin\tgt_secret\n", "hash must be"},
		{"short hash", "a\tadmin\tsha256:abcd\n", "hash must be"},
		{"duplicate", "a\tadmin\t" + Hash("gt_x") + "\nb\tadmin\t" + Hash("gt_x") + "\n", "twice"},
		{"name", "a b\tadmin\t" + Hash("gt_x") + "\n", "white space"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "tokens.tsv")
			if err := os.WriteFile(path, []byte(tt.body), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := LoadTokens(path)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("LoadTokens = %v, want an error containing %q", err, tt.want)
			}
		})
	}
	if _, err := LoadTokens(filepath.Join(t.TempDir(), "missing")); err == nil || !strings.Contains(err.Error(), "gridtriage token add") {
		t.Errorf("missing file: %v, want a hint to create one", err)
	}
}

func TestPrincipalAllowed(t *testing.T) {
	tests := []struct {
		role  Role
		roles []Role
		want  bool
	}{
		{Platform, []Role{Platform}, true},
		{Platform, []Role{Dispatcher, Analyst}, false},
		{Admin, []Role{Dispatcher}, true},
		{Analyst, nil, false},
	}
	for _, tt := range tests {
		if got := (Principal{Role: tt.role}).Allowed(tt.roles); got != tt.want {
			t.Errorf("%s allowed in %v = %v, want %v", tt.role, tt.roles, got, tt.want)
		}
	}
}

func TestSessionsExpireAndAreBounded(t *testing.T) {
	now := time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC)
	s := NewSessions(time.Hour, 2)
	s.Now = func() time.Time { return now }
	a, _ := s.Start(Principal{Name: "a", Role: Dispatcher})
	now = now.Add(time.Minute)
	b, _ := s.Start(Principal{Name: "b", Role: Dispatcher})
	now = now.Add(time.Minute)
	c, _ := s.Start(Principal{Name: "c", Role: Dispatcher})
	if _, ok := s.Get(a.ID); ok {
		t.Error("the oldest session survived past the bound")
	}
	if got, ok := s.Get(b.ID); !ok || got.Principal.Name != "b" {
		t.Error("session b is lost")
	}
	if !c.CheckCSRF(c.CSRF) || c.CheckCSRF(b.CSRF) || c.CheckCSRF("") {
		t.Error("CSRF check accepts a wrong token or refuses the right one")
	}
	now = now.Add(2 * time.Hour)
	if _, ok := s.Get(c.ID); ok {
		t.Error("an expired session is still valid")
	}
	s.End(b.ID)
	if _, ok := s.Get(b.ID); ok {
		t.Error("an ended session is still valid")
	}
}
