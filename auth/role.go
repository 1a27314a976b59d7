package auth

import (
	"fmt"
	"slices"
)

// Role is what a caller may do. Each token has exactly one role.
type Role string

// The roles, from the least to the most privileged.
const (
	// Platform is the grid platform: it classifies reports, creates cases
	// and reads the cases it created.
	Platform Role = "platform"
	// Dispatcher works the review queue and moves cases through their
	// lifecycle.
	Dispatcher Role = "dispatcher"
	// Analyst reads model information and metrics, exports feedback and
	// reloads models.
	Analyst Role = "analyst"
	// Admin may do everything.
	Admin Role = "admin"
)

// Roles lists every role.
var Roles = []Role{Platform, Dispatcher, Analyst, Admin}

// ParseRole returns the role named s.
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if !slices.Contains(Roles, r) {
		return "", fmt.Errorf("unknown role %q (want one of platform, dispatcher, analyst, admin)", s)
	}
	return r, nil
}

// Principal is an authenticated caller.
type Principal struct {
	Name string `json:"name"`
	Role Role   `json:"role"`
}

// Allowed reports whether p holds one of roles. Admin is allowed
// everywhere.
func (p Principal) Allowed(roles []Role) bool {
	return p.Role == Admin || slices.Contains(roles, p.Role)
}
