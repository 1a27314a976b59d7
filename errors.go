// Package gridtriage holds the domain types shared by every part of the
// service: the error type with its kinds, and the case model. It imports
// nothing outside the standard library.
package gridtriage

import (
	"errors"
	"fmt"
)

// Kind classifies an error so that callers (the HTTP layer, the CLI) can
// decide how to report it without inspecting messages.
type Kind uint8

// The error kinds. Their HTTP mapping lives in one place, the http package.
const (
	KindOther           Kind = iota // unclassified error
	KindInvalid                     // the input is malformed or breaks a rule
	KindNotFound                    // the named thing does not exist
	KindConflict                    // the request conflicts with current state
	KindTooLarge                    // the input exceeds a size limit
	KindUnavailable                 // a resource (model, runtime) cannot serve now
	KindInternal                    // a bug or an I/O failure
	KindUnauthenticated             // no valid credentials
	KindForbidden                   // credentials valid, but not allowed to do this
	KindRateLimited                 // the caller sent too many requests
	KindOverloaded                  // the service is at capacity; retry later
)

var kindNames = [...]string{"other", "invalid", "not_found", "conflict", "too_large", "unavailable", "internal",
	"unauthenticated", "forbidden", "rate_limited", "overloaded"}

// String returns the kind's stable, machine-readable name.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "other"
}

// Error is the error type of the project: the operation that failed, the
// kind of failure and the underlying error.
type Error struct {
	Op   string // operation, e.g. "bundle.Load"
	Kind Kind   // category of failure
	Err  error  // underlying error
}

// E builds an *Error. A nil err yields a nil error.
func E(op string, kind Kind, err error) error {
	if err == nil {
		return nil
	}
	return &Error{Op: op, Kind: kind, Err: err}
}

// Errorf builds an *Error from a format string.
func Errorf(op string, kind Kind, format string, args ...any) error {
	return &Error{Op: op, Kind: kind, Err: fmt.Errorf(format, args...)}
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.Op == "" {
		return e.Err.Error()
	}
	return e.Op + ": " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the kind of the outermost *Error in err's chain whose kind is
// set, or KindOther.
func KindOf(err error) Kind {
	for err != nil {
		var e *Error
		if !errors.As(err, &e) {
			return KindOther
		}
		if e.Kind != KindOther {
			return e.Kind
		}
		err = e.Err
	}
	return KindOther
}
