package privacy

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
)

// KeyEnv is the environment variable that may hold the data key (64 hex
// digits or base64 of 32 bytes).
const KeyEnv = "GRIDTRIAGE_DATA_KEY"

// Box seals and opens data with AES-256-GCM. Each sealed value is a random
// 12-byte nonce followed by the ciphertext; the associated data (a case's
// external id) binds a sealed value to its record, so it cannot be moved
// to another one.
type Box struct {
	aead cipher.AEAD
}

// NewBox returns a box for a 32-byte key.
func NewBox(key []byte) (*Box, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("data key has %d bytes, want 32", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &Box{aead: aead}, nil
}

// Seal encrypts plain, bound to associated.
func (b *Box) Seal(plain, associated []byte) ([]byte, error) {
	nonce := make([]byte, b.aead.NonceSize(), b.aead.NonceSize()+len(plain)+b.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return b.aead.Seal(nonce, nonce, plain, associated), nil
}

// Open decrypts a value sealed with the same key and associated data.
func (b *Box) Open(sealed, associated []byte) ([]byte, error) {
	n := b.aead.NonceSize()
	if len(sealed) < n+b.aead.Overhead() {
		return nil, errors.New("sealed value is too short")
	}
	plain, err := b.aead.Open(nil, sealed[:n], sealed[n:], associated)
	if err != nil {
		return nil, errors.New("sealed value does not open with this key (wrong key or tampered data)")
	}
	return plain, nil
}

// NewKey returns a random 32-byte key, hex-encoded as a key file holds it.
func NewKey() (string, error) {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return "", err
	}
	return hex.EncodeToString(k), nil
}

// LoadKey returns the data key from the environment variable KeyEnv or, if
// that is empty, from the file at path; ok is false when neither is set.
// A key file must not be readable by group or others.
func LoadKey(path string) (key []byte, ok bool, err error) {
	if v := strings.TrimSpace(os.Getenv(KeyEnv)); v != "" {
		key, err = decodeKey(v)
		if err != nil {
			return nil, false, fmt.Errorf("%s: %w", KeyEnv, err)
		}
		return key, true, nil
	}
	if path == "" {
		return nil, false, nil
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, false, fmt.Errorf("data key file: %w", err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, false, fmt.Errorf("data key file %s has mode %v; make it private with chmod 600", path, fi.Mode().Perm())
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, false, fmt.Errorf("data key file: %w", err)
	}
	if key, err = decodeKey(strings.TrimSpace(string(raw))); err != nil {
		return nil, false, fmt.Errorf("data key file %s: %w", path, err)
	}
	return key, true, nil
}

func decodeKey(s string) ([]byte, error) {
	if k, err := hex.DecodeString(s); err == nil && len(k) == 32 {
		return k, nil
	}
	if k, err := base64.StdEncoding.DecodeString(s); err == nil && len(k) == 32 {
		return k, nil
	}
	return nil, errors.New("a data key is 64 hex digits or the base64 of 32 bytes")
}
