package main

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/gridtriage/gridtriage/auth"
	"github.com/gridtriage/gridtriage/privacy"
)

// The test tokens: one per role, named after it, in a token file and with a
// data key shared by every test server of the test binary.
var testAccess struct {
	once   sync.Once
	dir    string
	byRole map[auth.Role]string
	err    error
}

func setUpTestAccess() {
	a := &testAccess
	if a.dir, a.err = os.MkdirTemp("", "gridtriage-access-"); a.err != nil {
		return
	}
	a.byRole = map[auth.Role]string{}
	for _, r := range auth.Roles {
		if a.byRole[r], a.err = auth.AddToken(filepath.Join(a.dir, "tokens.tsv"), string(r), r); a.err != nil {
			return
		}
	}
	key, err := privacy.NewKey()
	if err != nil {
		a.err = err
		return
	}
	a.err = os.WriteFile(filepath.Join(a.dir, "data.key"), []byte(key), 0o600)
}

// testToken is the test token of role.
func testToken(t *testing.T, role auth.Role) string {
	t.Helper()
	testAccess.once.Do(setUpTestAccess)
	if testAccess.err != nil {
		t.Fatal(testAccess.err)
	}
	return testAccess.byRole[role]
}

// testConfig serves the bundle in modelDir from a fresh data directory,
// guarded by the test tokens and data key.
func testConfig(t *testing.T, modelDir string) serveConfig {
	t.Helper()
	testToken(t, auth.Admin)
	return serveConfig{modelDir: modelDir, dataDir: t.TempDir(), jurisdiction: "../../config/jurisdiction.tsv",
		tokens: filepath.Join(testAccess.dir, "tokens.tsv"), keyFile: filepath.Join(testAccess.dir, "data.key"),
		rate: 1000, burst: 1000, maxInFlight: 64}
}
