// Package auth holds who may call gridtriage: roles, bearer tokens stored
// only as hashes, and the browser sessions of the review page.
package auth
