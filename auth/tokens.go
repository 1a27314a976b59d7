package auth

import (
	"bufio"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode"
)

// tokenPrefix marks gridtriage tokens so that a leaked one is recognisable.
const tokenPrefix = "gt_"

// hashPrefix names the hash function in the token file.
const hashPrefix = "sha256:"

// Tokens maps the hashes of bearer tokens to their principals. The tokens
// themselves are never stored: they are random 256-bit values, so a SHA-256
// hash is enough to make the file useless to a reader.
type Tokens struct {
	byHash map[string]Principal
}

// NewToken returns a fresh random token.
func NewToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return tokenPrefix + base64.RawURLEncoding.EncodeToString(b), nil
}

// Hash is the form in which a token is stored: "sha256:" and hex.
func Hash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hashPrefix + hex.EncodeToString(sum[:])
}

// LoadTokens reads a token file: one "name<TAB>role<TAB>sha256:HEX" line per
// token; blank lines and lines starting with # are ignored.
func LoadTokens(path string) (*Tokens, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("token file: %w (create one with: gridtriage token add --tokens %s --name NAME --role ROLE)", err, path)
	}
	defer f.Close()
	t := &Tokens{byHash: map[string]Principal{}}
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		if err := t.addLine(sc.Text()); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(t.byHash) == 0 {
		return nil, fmt.Errorf("%s holds no tokens; add one with: gridtriage token add --tokens %s --name NAME --role ROLE", path, path)
	}
	return t, nil
}

func (t *Tokens) addLine(line string) error {
	line = strings.TrimSpace(line)
	if line == "" || strings.HasPrefix(line, "#") {
		return nil
	}
	fields := strings.Split(line, "\t")
	if len(fields) != 3 {
		return fmt.Errorf("want name, role and hash separated by tabs, got %d fields", len(fields))
	}
	name, hash := fields[0], strings.ToLower(fields[2])
	role, err := ParseRole(fields[1])
	if err != nil {
		return err
	}
	if err := checkName(name); err != nil {
		return err
	}
	if raw, ok := strings.CutPrefix(hash, hashPrefix); !ok || len(raw) != 64 || !isHex(raw) {
		return errors.New(`the hash must be "sha256:" and 64 hex digits (the file never holds a token itself)`)
	}
	if _, dup := t.byHash[hash]; dup {
		return fmt.Errorf("token of %q is listed twice", name)
	}
	t.byHash[hash] = Principal{Name: name, Role: role}
	return nil
}

// Authenticate returns the principal of token.
func (t *Tokens) Authenticate(token string) (Principal, bool) {
	if !strings.HasPrefix(token, tokenPrefix) {
		return Principal{}, false
	}
	p, ok := t.byHash[Hash(token)]
	return p, ok
}

// Len is the number of tokens.
func (t *Tokens) Len() int { return len(t.byHash) }

// AddToken creates a token for name with role, appends its hash to the
// token file at path (created with mode 0600 if missing) and returns the
// token, which is shown only this once.
func AddToken(path, name string, role Role) (string, error) {
	if err := checkName(name); err != nil {
		return "", err
	}
	if _, err := ParseRole(string(role)); err != nil {
		return "", err
	}
	if existing, err := LoadTokens(path); err == nil {
		for _, p := range existing.byHash {
			if p.Name == name {
				return "", fmt.Errorf("%s already has a token named %q", path, name)
			}
		}
	} else if !errors.Is(err, fs.ErrNotExist) && !isEmptyFile(path) {
		return "", err
	}
	token, err := NewToken()
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return "", err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return "", err
	}
	if _, err := fmt.Fprintf(f, "%s\t%s\t%s\n", name, role, Hash(token)); err != nil {
		f.Close()
		return "", err
	}
	return token, f.Close()
}

func isEmptyFile(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Size() == 0
}

func checkName(name string) error {
	if name == "" || len(name) > 64 {
		return errors.New("a token name must be 1–64 characters")
	}
	for _, r := range name {
		if unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return fmt.Errorf("token name %q holds white space or control characters", name)
		}
	}
	return nil
}

func isHex(s string) bool {
	_, err := hex.DecodeString(s)
	return err == nil
}
