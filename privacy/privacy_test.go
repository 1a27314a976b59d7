package privacy

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	tests := []struct {
		name, in, want string
		changed        bool
	}{
		{"mobile", "我电话13812345678，速来", "我电话[电话]，速来", true},
		{"grouped mobile", "联系138 1234 5678", "联系[电话]", true},
		{"plus 86", "+86-13912345678", "[电话]", true},
		{"landline", "座机0571-88889999", "座机[电话]", true},
		{"id card", "身份证440304198506127317住3楼", "身份证[身份证号]住3楼", true},
		{"id card upper X", "证件号11010519491231002X", "证件号[身份证号]", true},
		{"id card bad checksum", "编号110105194912310022", "编号110105194912310022", false},
		{"bank card", "卡号4111111111111111被盗刷", "卡号[银行卡号]被盗刷", true},
		{"bank card spaced", "卡号 4111 1111 1111 1111", "卡号 4111 1111 1111 1111", false},
		{"email", "发到 Zhang.San@Example.com 谢谢", "发到 [邮箱] 谢谢", true},
		{"full-width mobile", "电话１３８１２３４５６７８", "电话[电话]", true},
		{"house numbers stay", "3栋2单元1201室，2024年5月", "3栋2单元1201室，2024年5月", false},
		{"long order number stays", "工单号20240501123", "工单号20240501123", false},
		{"punctuation kept", "井盖没了，（急）", "井盖没了，（急）", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, changed := Redact(tt.in)
			if got != tt.want || changed != tt.changed {
				t.Errorf("Redact(%q) = %q, %v; want %q, %v", tt.in, got, changed, tt.want, tt.changed)
			}
		})
	}
}

func TestBoxSealsAndBindsToItsRecord(t *testing.T) {
	key := bytes.Repeat([]byte{7}, 32)
	box, err := NewBox(key)
	if err != nil {
		t.Fatal(err)
	}
	plain := []byte("电话13812345678")
	sealed, err := box.Seal(plain, []byte("case-1"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte("13812345678")) {
		t.Fatal("sealed value holds the plain text")
	}
	again, _ := box.Seal(plain, []byte("case-1"))
	if bytes.Equal(sealed, again) {
		t.Error("two seals of the same text are equal: the nonce is not random")
	}
	got, err := box.Open(sealed, []byte("case-1"))
	if err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("Open = %q, %v", got, err)
	}
	if _, err := box.Open(sealed, []byte("case-2")); err == nil {
		t.Error("a sealed value opened under another record's id")
	}
	sealed[len(sealed)-1] ^= 1
	if _, err := box.Open(sealed, []byte("case-1")); err == nil {
		t.Error("a tampered value opened")
	}
	other, _ := NewBox(bytes.Repeat([]byte{8}, 32))
	if _, err := other.Open(again, []byte("case-1")); err == nil {
		t.Error("a value opened with another key")
	}
	if _, err := NewBox(key[:16]); err == nil {
		t.Error("a 16-byte key was accepted")
	}
}

func TestLoadKey(t *testing.T) {
	dir := t.TempDir()
	hexKey, _ := NewKey()
	private := filepath.Join(dir, "data.key")
	open := filepath.Join(dir, "open.key")
	bad := filepath.Join(dir, "bad.key")
	for _, f := range []struct {
		path, body string
		mode       os.FileMode
	}{{private, hexKey + "\n", 0o600}, {open, hexKey, 0o644}, {bad, "not a key", 0o600}} {
		if err := os.WriteFile(f.path, []byte(f.body), f.mode); err != nil {
			t.Fatal(err)
		}
	}

	t.Setenv(KeyEnv, "")
	if k, ok, err := LoadKey(private); err != nil || !ok || len(k) != 32 {
		t.Errorf("key file: %d bytes, %v, %v", len(k), ok, err)
	}
	if _, ok, err := LoadKey(""); err != nil || ok {
		t.Errorf("no key configured: ok %v, err %v; want neither", ok, err)
	}
	for path, want := range map[string]string{open: "chmod 600", bad: "64 hex digits", filepath.Join(dir, "missing"): "no such file"} {
		if _, _, err := LoadKey(path); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("LoadKey(%s) = %v, want an error containing %q", filepath.Base(path), err, want)
		}
	}
	t.Setenv(KeyEnv, hexKey)
	if k, ok, err := LoadKey(""); err != nil || !ok || len(k) != 32 {
		t.Errorf("key from the environment: %d bytes, %v, %v", len(k), ok, err)
	}
}
